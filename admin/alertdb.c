/*
 * alertdb.c - the summary counted by the database (alertdb.h).
 *
 * Each group's keys come as the JSON text the lines hold; they are put
 * back into one JSON object and read by alertscan, the file reader's own
 * strict scanner, so a group is counted exactly as its lines would be.
 * A group that does not scan is an error, not a guess.
 */
#include "alertdb.h"

#include <stdlib.h>
#include <string.h>

#include "alertscan.h"
#include "mem.h"
#include "pgalert.h"
#include "str.h"

struct group_ctx {
	struct alertsum *s;
	struct buf line;
	const char *why;	/* the first group that did not scan */
};

bool
alertdb_can_group(const struct alert_filter *f)
{
	return f->rules.n == 0 && f->clauses.n == 0 && f->agencies.n == 0 &&
	    f->nhosts == 0 && f->users.n == 0 && f->actions.n == 0 &&
	    f->etypes.n == 0 && f->exceptions.n == 0 && f->gateways.n == 0;
}

static int
one_group(void *arg, const struct pgalert_group *g)
{
	struct group_ctx *x = arg;
	struct ascan_rec rec;
	const char *why;
	bool first = true;

	x->line.len = 0;
	(void)buf_append(&x->line, "{", 1);
	for (int k = 0; k < PGK_COUNT; k++) {
		if (g->key[k] == NULL)
			continue;
		(void)buf_printf(&x->line, "%s\"%s\":", first ? "" : ",",
		    g->name[k]);
		(void)buf_append_cstr(&x->line, g->key[k]);
		first = false;
	}
	if (buf_append(&x->line, "}", 1) < 0 ||
	    ascan_line(x->line.data, x->line.len, &rec, &why) < 0) {
		if (x->why == NULL)
			x->why = "a group's keys are not JSON";
		return 0;
	}
	switch (g->set) {
	case PGS_MAIN:
		alertsum_add_main(x->s, &rec, g->day, g->first, g->last, g->n,
		    g->bytes);
		break;
	case PGS_HOST:
		alertsum_add_host(x->s, &rec, g->n);
		break;
	case PGS_SERVICE:
		alertsum_add_service(x->s, &rec, g->n);
		break;
	case PGS_USER:
		alertsum_add_user(x->s, &rec, g->n);
		break;
	}
	return 0;
}

int
alertdb_summary(const struct config *c, const struct alert_filter *f,
    struct alertsum *s, char **error_r)
{
	struct pgalert_query q = {
		.has_since = f->has_since,
		.has_until = f->has_until,
		.since = f->since,
		.until = f->until,
	};
	struct group_ctx x = { .s = s };
	uint64_t messages;
	int rc;

	/* Keys are bounded by the lines they come from. */
	buf_init(&x.line, 16 * (size_t)65536);
	rc = pgalert_groups(c, &q, one_group, &x, &messages, error_r);
	buf_free(&x.line);
	if (rc == 0 && x.why != NULL) {
		*error_r = mem_printf("database: %s", x.why);
		rc = -1;
	}
	if (rc == 0)
		alertsum_set_messages(s, messages);
	return rc;
}
