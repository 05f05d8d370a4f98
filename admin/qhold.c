/*
 * qhold.c - legal hold (clause 5, eDiscovery):
 *
 *   msgsec quarantine hold ID... --case REF --by NAME [--reason TEXT]
 *   msgsec quarantine release-hold ID... --case REF --by NAME --reason TEXT
 *
 * A hold is an event in the entry's history ("hold", with its case) and a
 * line in the audit trail; release-hold ends that case's hold.  While any
 * case holds an entry, delete and purge refuse it, and each refused
 * attempt is recorded too (delete-refused, purge-refused).  An entry can
 * be held under several cases at once; release it from each.  Both
 * stores (folder, database) alike, through qstore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "qcli.h"
#include "qentry.h"

int
qhold_refuse(struct qcli *q, const struct qentry *e, const char *action)
{
	const char *c = qentry_hold(e, NULL);
	char *what;

	if (c == NULL)
		return 0;
	qcli_err(q, "%s is under legal hold (case %s): not %sd; the attempt "
	    "is recorded (release-hold ends the hold)", e->id, c, action);
	what = mem_printf("%s-refused", action);
	q->event_case = c;
	(void)qcli_record(q, e, what, NULL, 0, false);
	q->event_case = NULL;
	free(what);
	return 1;
}

static int
hold_each(struct qcli *q, bool hold)
{
	int rc = 0;

	if (qcli_blank(q->case_ref)) {
		qcli_err(q, "missing --case REF (the matter the hold is for)");
		return 2;
	}
	if (hold && qcli_blank(q->reason)) {
		free(q->reason);
		q->reason = mem_printf("legal hold, case %s", q->case_ref);
	}
	if (qcli_need_who_why(q))
		return 1;
	for (size_t i = 0; i < q->nids; i++) {
		struct qentry e;
		bool ok = false;

		q->id = q->ids[i];
		if (qcli_open_entry(q, &e) != 0) {
			rc = 1;
			continue;
		}
		if (hold && qentry_hold(&e, q->case_ref) != NULL) {
			printf("%s is already held under case %s\n", e.id,
			    q->case_ref);
			(void)qcli_close_entry(q, false, 0);
			qentry_free(&e);
			continue;
		}
		if (!hold && qentry_hold(&e, q->case_ref) == NULL) {
			qcli_err(q, "%s is not held under case %s", e.id,
			    q->case_ref);
			(void)qcli_close_entry(q, false, 0);
			qentry_free(&e);
			rc = 1;
			continue;
		}
		q->event_case = q->case_ref;
		ok = qcli_record(q, &e, hold ? "hold" : "hold-released", NULL,
		    0, true) == 0;
		q->event_case = NULL;
		if (qcli_close_entry(q, ok, ok ? 0 : 1) != 0 || !ok) {
			rc = 1;
		} else if (hold) {
			printf("held %s (case %s): never purged or deleted "
			    "until release-hold\n", e.id, q->case_ref);
		} else {
			const char *other = qentry_hold(&e, NULL);

			printf("released %s from case %s", e.id, q->case_ref);
			/* The loaded entry still shows this case's hold. */
			if (other != NULL && strcmp(other, q->case_ref) != 0)
				printf(" (still held: case %s)", other);
			printf("\n");
		}
		qentry_free(&e);
	}
	return rc;
}

int
qhold_run(struct qcli *q)
{
	return hold_each(q, true);
}

int
qhold_release_run(struct qcli *q)
{
	return hold_each(q, false);
}
