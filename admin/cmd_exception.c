/*
 * cmd_exception.c - `msgsec exception`: review, revoke, list, show and
 * expire exception records (clause 4); `request` is in exc_request.c.
 *
 * Every change is made under the exceptions folder's lock (EXC_LOCK_NAME)
 * on the record as it is on disk at that moment (not as it was when the
 * policy loaded), appends one review and/or one history entry and maybe
 * changes the status (excfile.c keeps every other byte), is loaded again
 * with the loader's checks, and replaces the file atomically.  So two
 * reviews at the same moment both land, and the milter and the sensor,
 * which read without the lock, see the old record or the new one.
 *
 * Trusts: the operator's arguments only as far as the loader accepts
 * them; every name and note goes through excfile_scalar.
 * Exit codes: 0 done, 1 refused (one message per problem), 2 usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check.h"
#include "date.h"
#include "exc_cli.h"
#include "excfile.h"
#include "id.h"
#include "lockfile.h"
#include "mem.h"

static void
exc_usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec exception request [--agency ID] [--requester NAME] "
	    "[--role ROLE]\n"
	    "           [--email ADDR] [--reasons TEXT] [--circumstances TEXT]\n"
	    "           [--access-controls TEXT] [--rules GLOB,...] "
	    "[--users USER,...]\n"
	    "           [--hosts CIDR,...] [--from DATE] [--until DATE] "
	    "[--id ID] [--no-prompt]\n"
	    "       msgsec exception review ID --body BODY --decision "
	    "approve|deny --by NAME\n"
	    "           [--note TEXT]\n"
	    "       msgsec exception revoke ID --by NAME [--note TEXT]\n"
	    "       msgsec exception list [--state STATE] [--agency ID] "
	    "[--rule RULE]\n"
	    "           [--in-force-on DATE] [--expiring-within DAYS]\n"
	    "       msgsec exception show ID\n"
	    "       msgsec exception expire [--by NAME]\n"
	    "common: -c FILE, --set KEY=VALUE, --today DATE, --now "
	    "YYYY-MM-DDTHH:MM:SSZ\n");
}

/* ------------------------------------------------------------ shared */

char *
exc_cli_flow(const char *const *kv)
{
	struct buf b;
	const char *sep = "{ ";

	buf_init(&b, 1 << 20);
	for (size_t i = 0; kv[i] != NULL; i += 2) {
		if (kv[i + 1] == NULL)
			continue;
		if (buf_printf(&b, "%s%s: ", sep, kv[i]) < 0 ||
		    excfile_scalar(&b, kv[i + 1]) < 0) {
			buf_free(&b);
			return NULL;
		}
		sep = ", ";
	}
	if (buf_append_cstr(&b, " }") < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

static int
set_clock(struct exc_cli *x, const char *opt, const char *v, bool *now_set)
{
	const char *why;
	time_t t;
	int32_t day;

	if (strcmp(opt, "--now") == 0) {
		if (date_parse_time(v, strlen(v), &t, &why) < 0) {
			exc_cli_err(x, "--now: bad time '%s': %s", v, why);
			return -1;
		}
		x->now = t;
		x->today = date_day_of(t);
		*now_set = true;
		return 0;
	}
	if (date_parse(v, strlen(v), &day, &why) < 0) {
		exc_cli_err(x, "--today: bad date '%s': %s", v, why);
		return -1;
	}
	x->today = day;
	if (!*now_set)
		x->now = date_day_start(day);
	return 0;
}

int
exc_cli_args(struct exc_cli *x, int argc, char **argv,
    const struct exc_opt *opts, bool want_id)
{
	bool now_set = false;

	x->now = time(NULL);
	x->today = date_day_of(x->now);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *v = NULL;
		size_t nlen;
		int rc = cli_common_option(&x->common, argc, argv, &i);
		bool found = false;

		if (rc < 0)
			return 2;
		if (rc > 0)
			continue;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			exc_usage(stdout);
			return 2;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (!want_id || x->id != NULL) {
				exc_cli_err(x, "unexpected argument '%s'", a);
				return 2;
			}
			x->id = a;
			continue;
		}
		eq = strchr(a, '=');
		nlen = eq != NULL ? (size_t)(eq - a) : strlen(a);
		if (eq != NULL)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[i + 1];
		if ((nlen == 5 && strncmp(a, "--now", 5) == 0) ||
		    (nlen == 7 && strncmp(a, "--today", 7) == 0)) {
			char opt[8];

			if (v == NULL) {
				exc_cli_err(x, "%.*s needs a value", (int)nlen,
				    a);
				return 2;
			}
			if (eq == NULL)
				i++;
			(void)snprintf(opt, sizeof(opt), "%.*s", (int)nlen,
			    a);
			if (set_clock(x, opt, v, &now_set) < 0)
				return 2;
			continue;
		}
		for (const struct exc_opt *o = opts; o->name != NULL; o++) {
			if (strlen(o->name) != nlen ||
			    strncmp(o->name, a, nlen) != 0)
				continue;
			found = true;
			if (o->val == NULL) {	/* a flag */
				continue;
			}
			if (v == NULL) {
				exc_cli_err(x, "%s needs a value", o->name);
				return 2;
			}
			if (eq == NULL)
				i++;
			if (o->list && *o->val != NULL) {
				char *j = mem_printf("%s,%s", *o->val, v);

				free(*o->val);
				*o->val = j;
			} else {
				free(*o->val);
				*o->val = mem_strdup(v);
			}
			break;
		}
		if (!found) {
			exc_cli_err(x, "unknown option '%s'", a);
			exc_usage(stderr);
			return 2;
		}
	}
	return 0;
}

int
exc_cli_load(struct exc_cli *x)
{
	struct diags d;

	diags_init(&d);
	x->p = policy_load(x->common.config, x->common.sets,
	    x->common.nsets, &d);
	if (x->p == NULL) {
		diags_print(&d, stderr);
		exc_cli_err(x, "the policy does not load (%zu error%s); fix it "
		    "first (msgsec check)", d.errors, d.errors == 1 ? "" : "s");
		diags_free(&d);
		return 1;
	}
	diags_free(&d);
	x->dir = x->p->config.exceptions_dir;
	return 0;
}

void
exc_cli_free(struct exc_cli *x, const struct exc_opt *opts)
{
	for (const struct exc_opt *o = opts; o != NULL && o->name != NULL;
	    o++)
		if (o->val != NULL) {
			free(*o->val);
			*o->val = NULL;
		}
	policy_unref(&x->p);
	cli_common_free(&x->common);
}

static bool
is_blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

static const struct exception_review *
review_of(const struct exception *e, const char *body)
{
	for (size_t i = 0; i < e->nreviews; i++)
		if (strcmp(e->reviews[i].body, body) == 0)
			return &e->reviews[i];
	return NULL;
}

/*
 * Under the lock: load ID's record, let check() refuse or build the
 * change, apply it, load the result, write it.  Returns the exit code.
 */
typedef int (*exc_change_fn)(struct exc_cli *x, const struct excfile *f,
    struct excfile_change *c, void *arg);

static int
change_record(struct exc_cli *x, const char *id, exc_change_fn fn,
    void *arg, bool quiet_missing)
{
	const struct exception_settings *set = &x->p->exc_settings;
	struct excfile f;
	struct excfile_change c = { NULL, NULL, NULL };
	struct node_doc *doc = NULL;
	struct exception *ne;
	struct diags d;
	struct buf out;
	char *path, *name, *err = NULL;
	int lock, rc = 1;

	/* The loader's syntax (id.h), which also makes it a safe file name. */
	if (!id_is_valid(id)) {
		exc_cli_err(x, "bad exception id '%s'", id);
		return 1;
	}
	lock = lockfile_lock(x->dir, EXC_LOCK_NAME, &err);
	if (lock < 0) {
		exc_cli_err(x, "%s", err);
		free(err);
		return 1;
	}
	name = mem_printf("%s.yaml", id);
	path = mem_printf("%s/%s", x->dir, name);
	diags_init(&d);
	buf_init(&out, (size_t)x->p->config.limits.yaml_file_size);
	if (access(path, F_OK) != 0) {
		if (!quiet_missing)
			exc_cli_err(x, "no exception %s (no file %s)", id,
			    path);
		goto out;
	}
	if (excfile_load(&f, path, (size_t)x->p->config.limits.yaml_file_size,
	    set, x->p->agencies, x->p->nagencies, &d) < 0) {
		diags_print(&d, stderr);
		exc_cli_err(x, "%s does not load; fix it first", path);
		goto out;
	}
	rc = fn(x, &f, &c, arg);
	if (rc != 0)
		goto done;
	rc = 1;
	if (excfile_apply(&f, &c, &out, &err) < 0) {
		exc_cli_err(x, "%s", err);
		goto done;
	}
	ne = excfile_check(path, out.data, out.len, set, x->p->agencies,
	    x->p->nagencies, &doc, &d);
	if (ne == NULL || ne->nhistory != f.e->nhistory +
	    (c.history != NULL) || ne->nreviews != f.e->nreviews +
	    (c.review != NULL)) {
		diags_print(&d, stderr);
		exc_cli_err(x, "internal error: the changed record would not "
		    "load as intended; %s is unchanged", path);
		exception_free(&ne);
		node_doc_free(&doc);
		goto done;
	}
	exception_free(&ne);
	node_doc_free(&doc);
	if (lockfile_replace(x->dir, name, out.data, out.len, 0644, false,
	    &err) < 0) {
		exc_cli_err(x, "%s", err);
		goto done;
	}
	rc = 0;
done:
	free((char *)(uintptr_t)c.review);
	free((char *)(uintptr_t)c.history);
	excfile_free(&f);
out:
	free(err);
	buf_free(&out);
	diags_free(&d);
	free(path);
	free(name);
	lockfile_unlock(&lock);
	return rc;
}

/* ------------------------------------------------------------ review */

struct review_args {
	char *body, *decision, *by, *note;
	bool approve;
	const char *status;	/* after the change */
};

static int
review_fn(struct exc_cli *x, const struct excfile *f,
    struct excfile_change *c, void *arg)
{
	struct review_args *r = arg;
	const struct exception *e = f->e;
	const struct exception_settings *set = &x->p->exc_settings;
	char day[16], stamp[32], *action;
	const struct exception_review *prev = review_of(e, r->body);
	bool all = true;
	int bad = 0;

	if (e->status != EXC_REQUESTED) {
		exc_cli_err(x, "%s is %s: only a requested exception can be "
		    "reviewed", e->id, exception_status_name(e->status));
		bad = 1;
	}
	if (prev != NULL) {
		date_format(prev->on, day, sizeof(day));
		exc_cli_err(x, "%s has already reviewed %s (%s by %s on %s); "
		    "a review is never changed", r->body, e->id,
		    prev->approved ? "approved" : "denied", prev->by, day);
		bad = 1;
	}
	if (r->approve) {
		for (size_t i = 0; i < e->nreviews; i++) {
			const struct exception_review *o = &e->reviews[i];

			if (o->approved && strcmp(o->body, r->body) != 0 &&
			    exception_same_person(o->by, r->by)) {
				exc_cli_err(x, "%s already approved %s for %s: "
				    "the two approvals must come from two "
				    "different people", o->by, e->id, o->body);
				bad = 1;
			}
		}
	}
	if (bad)
		return 1;
	date_format(x->today, day, sizeof(day));
	cli_stamp(x->now, stamp, sizeof(stamp));
	{
		const char *kv[] = { "body", r->body, "decision", r->approve ?
		    "approved" : "denied", "by", r->by, "on", day, "note",
		    r->note, NULL };

		c->review = exc_cli_flow(kv);
	}
	action = mem_printf("review %s %s", r->body, r->approve ? "approved" :
	    "denied");
	{
		const char *kv[] = { "on", stamp, "by", r->by, "action", action,
		    "note", r->note, NULL };

		c->history = exc_cli_flow(kv);
	}
	free(action);
	if (c->review == NULL || c->history == NULL) {
		exc_cli_err(x, "--by and --note must be UTF-8 text without "
		    "control characters");
		return 1;
	}
	/* Approved once every body has approved (the loader's rule). */
	for (size_t i = 0; i < set->napprovers; i++) {
		const struct exception_review *o = review_of(e,
		    set->approvers[i]);

		if (strcmp(set->approvers[i], r->body) == 0)
			continue;
		if (o == NULL || !o->approved)
			all = false;
	}
	if (!r->approve)
		c->status = "denied";
	else if (all)
		c->status = "approved";
	r->status = c->status != NULL ? c->status : "requested";
	return 0;
}

static int
cmd_review(struct exc_cli *x, int argc, char **argv)
{
	struct review_args r;
	const struct exc_opt opts[] = {
		{ "--body", &r.body, false },
		{ "--decision", &r.decision, false },
		{ "--by", &r.by, false },
		{ "--note", &r.note, false },
		{ NULL, NULL, false },
	};
	const struct exception_settings *set;
	int rc, bad = 0;

	memset(&r, 0, sizeof(r));
	x->prog = "msgsec exception review";
	rc = exc_cli_args(x, argc, argv, opts, true);
	if (rc == 0 && x->id == NULL) {
		exc_cli_err(x, "which exception? (msgsec exception review ID "
		    "...)");
		rc = 2;
	}
	if (rc == 0)
		rc = exc_cli_load(x);
	if (rc != 0)
		goto out;
	set = &x->p->exc_settings;
	if (r.body == NULL) {
		exc_cli_err(x, "missing --body (one of the approving bodies, "
		    "exceptions.approvers)");
		bad = 1;
	} else {
		bool known = false;

		for (size_t i = 0; i < set->napprovers; i++)
			known |= strcmp(set->approvers[i], r.body) == 0;
		if (!known) {
			struct buf b;

			buf_init(&b, 4096);
			for (size_t i = 0; i < set->napprovers; i++)
				(void)buf_printf(&b, "%s%s", i == 0 ? "" :
				    i + 1 == set->napprovers ? " or " : ", ",
				    set->approvers[i]);
			exc_cli_err(x, "unknown approving body '%s' (expected "
			    "%s)", r.body, b.data != NULL ? b.data : "");
			buf_free(&b);
			bad = 1;
		}
	}
	if (r.decision == NULL) {
		exc_cli_err(x, "missing --decision (approve or deny)");
		bad = 1;
	} else if (strcmp(r.decision, "approve") == 0 ||
	    strcmp(r.decision, "approved") == 0) {
		r.approve = true;
	} else if (strcmp(r.decision, "deny") != 0 &&
	    strcmp(r.decision, "denied") != 0) {
		exc_cli_err(x, "--decision must be approve or deny, not '%s'",
		    r.decision);
		bad = 1;
	}
	if (is_blank(r.by)) {
		exc_cli_err(x, "missing --by (the reviewer's name)");
		bad = 1;
	}
	if (bad) {
		rc = 1;
		goto out;
	}
	rc = change_record(x, x->id, review_fn, &r, false);
	if (rc == 0)
		printf("%s: %s %s by %s; status %s\n", x->id, r.body,
		    r.approve ? "approved" : "denied", r.by, r.status);
out:
	exc_cli_free(x, opts);
	return rc;
}

/* ------------------------------------------------------------ revoke */

struct revoke_args {
	char *by, *note;
};

static int
revoke_fn(struct exc_cli *x, const struct excfile *f,
    struct excfile_change *c, void *arg)
{
	struct revoke_args *r = arg;
	char stamp[32];
	const char *kv[] = { "on", stamp, "by", r->by, "action", "revoked",
		"note", r->note, NULL };

	if (f->e->status != EXC_APPROVED && f->e->status != EXC_REQUESTED) {
		exc_cli_err(x, "%s is %s: only a requested or approved "
		    "exception can be revoked", f->e->id,
		    exception_status_name(f->e->status));
		return 1;
	}
	cli_stamp(x->now, stamp, sizeof(stamp));
	c->status = "revoked";
	c->history = exc_cli_flow(kv);
	if (c->history == NULL) {
		exc_cli_err(x, "--by and --note must be UTF-8 text without "
		    "control characters");
		return 1;
	}
	return 0;
}

static int
cmd_revoke(struct exc_cli *x, int argc, char **argv)
{
	struct revoke_args r = { NULL, NULL };
	const struct exc_opt opts[] = {
		{ "--by", &r.by, false },
		{ "--note", &r.note, false },
		{ NULL, NULL, false },
	};
	int rc;

	x->prog = "msgsec exception revoke";
	rc = exc_cli_args(x, argc, argv, opts, true);
	if (rc == 0 && x->id == NULL) {
		exc_cli_err(x, "which exception? (msgsec exception revoke ID "
		    "--by NAME)");
		rc = 2;
	}
	if (rc == 0 && is_blank(r.by)) {
		exc_cli_err(x, "missing --by (who revokes it)");
		rc = 1;
	}
	if (rc == 0)
		rc = exc_cli_load(x);
	if (rc == 0)
		rc = change_record(x, x->id, revoke_fn, &r, false);
	if (rc == 0)
		printf("%s: revoked by %s\n", x->id, r.by);
	exc_cli_free(x, opts);
	return rc;
}

/* ------------------------------------------------------------ expire */

struct expire_args {
	char *by;
	size_t count;
};

static int
expire_fn(struct exc_cli *x, const struct excfile *f,
    struct excfile_change *c, void *arg)
{
	struct expire_args *a = arg;
	char stamp[32], until[16], *note;

	if ((f->e->status != EXC_APPROVED && f->e->status != EXC_REQUESTED) ||
	    f->e->valid_until >= x->today)
		return -1;	/* nothing to do (not an error) */
	cli_stamp(x->now, stamp, sizeof(stamp));
	date_format(f->e->valid_until, until, sizeof(until));
	note = mem_printf("window ended %s", until);
	{
		const char *kv[] = { "on", stamp, "by", a->by, "action",
		    "expired", "note", note, NULL };

		c->history = exc_cli_flow(kv);
	}
	free(note);
	c->status = "expired";
	return c->history == NULL ? 1 : 0;
}

static int
cmd_expire(struct exc_cli *x, int argc, char **argv)
{
	struct expire_args a = { NULL, 0 };
	const struct exc_opt opts[] = {
		{ "--by", &a.by, false },
		{ NULL, NULL, false },
	};
	int rc;

	x->prog = "msgsec exception expire";
	rc = exc_cli_args(x, argc, argv, opts, false);
	if (rc == 0)
		rc = exc_cli_load(x);
	if (rc != 0)
		goto out;
	if (a.by == NULL)
		a.by = mem_strdup("msgsec exception expire");
	for (size_t i = 0; i < x->p->nexceptions; i++) {
		const struct exception *e = x->p->exceptions[i];
		char until[16];
		const char *was = exception_status_name(e->status);
		int r;

		if ((e->status != EXC_APPROVED && e->status != EXC_REQUESTED) ||
		    e->valid_until >= x->today)
			continue;
		r = change_record(x, e->id, expire_fn, &a, true);
		if (r > 0) {
			rc = 1;
			continue;
		}
		if (r < 0)
			continue;	/* changed meanwhile */
		date_format(e->valid_until, until, sizeof(until));
		printf("%s: expired (was %s; window ended %s)\n", e->id, was,
		    until);
		a.count++;
	}
	printf("%zu exception%s expired\n", a.count, a.count == 1 ? "" : "s");
out:
	exc_cli_free(x, opts);
	return rc;
}

/* ------------------------------------------------------------ list, show */

static const char *
state_on(const struct exc_cli *x, const struct exception *e, int32_t day)
{
	if (exception_in_force(e, &x->p->exc_settings, day))
		return "in force";
	if (e->status == EXC_APPROVED && day < e->valid_from)
		return "scheduled";
	if (e->status == EXC_APPROVED && day > e->valid_until)
		return "past window";
	return "-";
}

static void
reviews_brief(const struct exc_cli *x, const struct exception *e, char *buf,
    size_t len)
{
	const struct exception_settings *set = &x->p->exc_settings;
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->napprovers; i++) {
		const struct exception_review *r = review_of(e,
		    set->approvers[i]);
		int n = snprintf(buf + o, len - o, "%s%s%s", i == 0 ? "" : " ",
		    set->approvers[i], r == NULL ? "?" : r->approved ? "+" :
		    "-");

		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
}

static bool
covers_rule(const struct exception *e, const char *rule)
{
	if (e->nrule_globs == 0)
		return true;
	for (size_t i = 0; i < e->nrule_globs; i++)
		if (glob_match(e->rule_globs[i], rule, strlen(rule)) ||
		    strcmp(e->rule_globs[i], rule) == 0)
			return true;
	return false;
}

struct list_args {
	char *state, *agency, *rule, *on, *within;
};

static int
cmd_list(struct exc_cli *x, int argc, char **argv)
{
	struct list_args a;
	const struct exc_opt opts[] = {
		{ "--state", &a.state, false },
		{ "--agency", &a.agency, false },
		{ "--rule", &a.rule, false },
		{ "--in-force-on", &a.on, false },
		{ "--expiring-within", &a.within, false },
		{ NULL, NULL, false },
	};
	static const char *const states[] = { "requested", "approved",
		"denied", "revoked", "expired", "in-force", NULL };
	int32_t on = 0;
	uint64_t within = 0;
	size_t shown = 0;
	int rc, bad = 0;

	memset(&a, 0, sizeof(a));
	x->prog = "msgsec exception list";
	rc = exc_cli_args(x, argc, argv, opts, false);
	if (rc != 0)
		goto out;
	if (a.state != NULL) {
		bool ok = false;

		for (size_t i = 0; states[i] != NULL; i++)
			ok |= strcmp(states[i], a.state) == 0;
		if (!ok) {
			exc_cli_err(x, "--state must be requested, approved, "
			    "denied, revoked, expired or in-force, not '%s'",
			    a.state);
			bad = 1;
		}
	}
	if (a.on != NULL) {
		const char *why;

		if (date_parse(a.on, strlen(a.on), &on, &why) < 0) {
			exc_cli_err(x, "--in-force-on: bad date '%s': %s",
			    a.on, why);
			bad = 1;
		}
	}
	if (a.within != NULL && str_to_u64_cstr(a.within, 0, 36500,
	    &within) < 0) {
		exc_cli_err(x, "--expiring-within: expected a number of days "
		    "(0 to 36500), not '%s'", a.within);
		bad = 1;
	}
	if (bad) {
		rc = 1;
		goto out;
	}
	rc = exc_cli_load(x);
	if (rc != 0)
		goto out;
	for (size_t i = 0; i < x->p->nexceptions; i++) {
		const struct exception *e = x->p->exceptions[i];
		char from[16], until[16], rev[64];
		struct buf rules;

		if (a.state != NULL && (strcmp(a.state, "in-force") == 0 ?
		    !exception_in_force(e, &x->p->exc_settings, x->today) :
		    strcmp(a.state, exception_status_name(e->status)) != 0))
			continue;
		if (a.agency != NULL && strcasecmp(a.agency, e->agency_id) != 0)
			continue;
		if (a.rule != NULL && !covers_rule(e, a.rule))
			continue;
		if (a.on != NULL && !exception_in_force(e,
		    &x->p->exc_settings, on))
			continue;
		if (a.within != NULL && (!exception_in_force(e,
		    &x->p->exc_settings, x->today) ||
		    (int64_t)e->valid_until - x->today > (int64_t)within))
			continue;
		if (shown++ == 0) {
			printf("%-14s %-9s %-8s %-10s %-10s %-11s %-17s %s\n",
			    "ID", "STATUS", "AGENCY", "FROM", "UNTIL",
			    "ON", "REVIEWS", "RULES");
		}
		date_format(e->valid_from, from, sizeof(from));
		date_format(e->valid_until, until, sizeof(until));
		reviews_brief(x, e, rev, sizeof(rev));
		buf_init(&rules, 4096);
		for (size_t j = 0; j < e->nrule_globs; j++)
			(void)buf_printf(&rules, "%s%s", j == 0 ? "" : ",",
			    e->rule_globs[j]);
		printf("%-14s %-9s %-8s %-10s %-10s %-11s %-17s %s\n", e->id,
		    exception_status_name(e->status), e->agency_id, from, until,
		    state_on(x, e, x->today), rev, rules.data != NULL ?
		    rules.data : "(every rule)");
		buf_free(&rules);
	}
	if (shown == 0) {
		printf("no exception matches\n");
	} else {
		char today[16];

		date_format(x->today, today, sizeof(today));
		printf("%zu exception%s; ON is the state on %s\n", shown,
		    shown == 1 ? "" : "s", today);
	}
out:
	exc_cli_free(x, opts);
	return rc;
}

/* A scope list (or any scalar list) as "a, b, c". */
static void
print_list(const char *label, const struct node *seq)
{
	if (seq == NULL || seq->type != NODE_SEQ || seq->nitems == 0)
		return;
	printf("  %-8s", label);
	for (size_t i = 0; i < seq->nitems; i++)
		printf("%s%s", i == 0 ? " " : ", ", seq->items[i]->str);
	printf("\n");
}

static const char *
str_of(const struct node *map, const char *key)
{
	const struct node *v = node_get(map, key);

	return v != NULL && v->type == NODE_SCALAR && !node_is_null(v) ?
	    v->str : NULL;
}

static int
cmd_show(struct exc_cli *x, int argc, char **argv)
{
	const struct exc_opt opts[] = { { NULL, NULL, false } };
	const struct node *scope, *hist;
	const struct exception *e;
	struct excfile f;
	struct diags d;
	char from[16], until[16], today[16], *path;
	int rc;

	x->prog = "msgsec exception show";
	rc = exc_cli_args(x, argc, argv, opts, true);
	if (rc == 0 && x->id == NULL) {
		exc_cli_err(x, "which exception? (msgsec exception show ID)");
		rc = 2;
	}
	if (rc == 0)
		rc = exc_cli_load(x);
	if (rc != 0)
		goto out;
	if (!id_is_valid(x->id)) {
		exc_cli_err(x, "bad exception id '%s'", x->id);
		rc = 1;
		goto out;
	}
	path = mem_printf("%s/%s.yaml", x->dir, x->id);
	if (access(path, F_OK) != 0) {
		exc_cli_err(x, "no exception %s (no file %s)", x->id, path);
		free(path);
		rc = 1;
		goto out;
	}
	diags_init(&d);
	if (excfile_load(&f, path, (size_t)x->p->config.limits.yaml_file_size,
	    &x->p->exc_settings, x->p->agencies, x->p->nagencies, &d) < 0) {
		diags_print(&d, stderr);
		diags_free(&d);
		free(path);
		rc = 1;
		goto out;
	}
	diags_free(&d);
	e = f.e;
	date_format(e->valid_from, from, sizeof(from));
	date_format(e->valid_until, until, sizeof(until));
	date_format(x->today, today, sizeof(today));
	printf("%s: %s; %s on %s\n", e->id, exception_status_name(e->status),
	    exception_in_force(e, &x->p->exc_settings, x->today) ?
	    "in force" : "not in force", today);
	printf("agency:          %s%s%s%s\n", e->agency_id,
	    e->agency != NULL && e->agency->name != NULL ? " (" : "",
	    e->agency != NULL && e->agency->name != NULL ? e->agency->name :
	    "", e->agency != NULL && e->agency->name != NULL ? ")" : "");
	printf("requested by:    %s (%s) <%s>\n", e->requester_name,
	    e->requester_role, e->requester_email);
	printf("reasons:         %s\n", e->reasons);
	printf("circumstances:   %s\n", e->circumstances);
	printf("access controls: %s\n", e->access_controls);
	printf("window:          %s to %s (%lld days)\n", from, until,
	    (long long)e->valid_until - e->valid_from + 1);
	printf("scope:\n");
	scope = node_get(f.map, "scope");
	print_list("rules:", node_get(scope, "rules"));
	print_list("users:", node_get(scope, "users"));
	print_list("hosts:", node_get(scope, "hosts"));
	printf("reviews:%s\n", e->nreviews == 0 ? " none" : "");
	for (size_t i = 0; i < e->nreviews; i++) {
		const struct exception_review *r = &e->reviews[i];
		char on[16];

		date_format(r->on, on, sizeof(on));
		printf("  %-8s %-8s %s by %s%s%s\n", r->body, r->approved ?
		    "approved" : "denied", on, r->by, r->note != NULL ? ": " :
		    "", r->note != NULL ? r->note : "");
	}
	hist = node_get(f.map, "history");
	printf("history:%s\n", hist == NULL || hist->type != NODE_SEQ ||
	    hist->nitems == 0 ? " none" : "");
	for (size_t i = 0; hist != NULL && hist->type == NODE_SEQ &&
	    i < hist->nitems; i++) {
		const struct node *h = hist->items[i];
		const char *note = str_of(h, "note");

		printf("  %-20s %s: %s%s%s\n", str_of(h, "on"), str_of(h, "by"),
		    str_of(h, "action"), note != NULL ? ": " : "",
		    note != NULL ? note : "");
	}
	printf("file: %s\n", path);
	excfile_free(&f);
	free(path);
out:
	exc_cli_free(x, opts);
	return rc;
}

int
cmd_exception(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct exc_cli *, int, char **);
	} subs[] = {
		{ "request", exc_request },
		{ "review", cmd_review },
		{ "revoke", cmd_revoke },
		{ "list", cmd_list },
		{ "show", cmd_show },
		{ "expire", cmd_expire },
	};
	struct exc_cli x;

	if (argc < 2) {
		exc_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		exc_usage(stdout);
		return 0;
	}
	memset(&x, 0, sizeof(x));
	x.common.config = MSGSEC_DEFAULT_CONFIG;
	x.prog = "msgsec exception";
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(&x, argc - 1, argv + 1);
	exc_cli_err(&x, "unknown subcommand '%s'", argv[1]);
	exc_usage(stderr);
	return 2;
}
