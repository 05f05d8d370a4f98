/*
 * exc_request.c - `msgsec exception request`: file a new exception record
 * in state `requested` (clause 4).
 *
 * Fields come from flags, or, on a terminal, from prompts for what is
 * missing.  A request is refused (exit 1) with one message per problem:
 * every field clause 4 requires must be there (requester, role, e-mail,
 * reasons, circumstances, access controls, window, and a scope), the
 * agency must be known, and the record must pass the loader's own checks
 * (rule globs, users, CIDRs, dates, a window no longer than
 * exceptions.max_days).  To report every problem at once, missing or bad
 * fields are replaced by harmless stand-ins before the loader runs, and
 * only the loader's messages about real fields are shown.
 *
 * The id is the next free EX-YYYY-NNNN of the current year (or --id),
 * chosen and created under the folder's lock with link(2), so two
 * requests at the same moment get two ids and never overwrite a file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check.h"
#include "date.h"
#include "exc_cli.h"
#include "excfile.h"
#include "lockfile.h"
#include "mem.h"

#define REQ_MAX_FIELD 4096	/* bytes of one prompted answer */

struct req {
	char *agency, *requester, *role, *email, *reasons, *circumstances;
	char *access, *rules, *users, *hosts, *from, *until, *id;
	char *no_prompt;
};

struct req_field {
	const char *flag;
	const char *prompt;
	size_t off;		/* of the char * in struct req */
	const char *why;	/* why it is required */
};

#define RF(m) offsetof(struct req, m)
#define CLAUSE4 "clause 4 requires reasons, circumstances, duration and " \
	"access controls"

static const struct req_field req_fields[] = {
	{ "--agency", "Agency (its id, e.g. DEP)", RF(agency),
	    "the agency that asks" },
	{ "--requester", "Requested by (agency head or designee)",
	    RF(requester), "clause 4: the agency head or a designee asks" },
	{ "--role", "Their role (agency-head or designee)", RF(role),
	    "clause 4: the agency head or a designee asks" },
	{ "--email", "Their e-mail address", RF(email),
	    "how the security office reaches the requester" },
	{ "--reasons", "Reasons", RF(reasons), CLAUSE4 },
	{ "--circumstances", "Circumstances", RF(circumstances), CLAUSE4 },
	{ "--access-controls", "Access controls", RF(access), CLAUSE4 },
	{ "--rules", "Rules covered (globs, comma-separated; empty for "
	    "none)", RF(rules), NULL },
	{ "--users", "Users covered (addresses or domains, comma-separated; "
	    "empty for none)", RF(users), NULL },
	{ "--hosts", "Hosts covered (CIDRs, comma-separated; empty for none)",
	    RF(hosts), NULL },
	{ "--from", "Valid from (YYYY-MM-DD)", RF(from), CLAUSE4 },
	{ "--until", "Valid until, inclusive (YYYY-MM-DD)", RF(until),
	    CLAUSE4 },
	{ NULL, NULL, 0, NULL },
};

static char **
field(struct req *r, const struct req_field *f)
{
	return (char **)(void *)((char *)r + f->off);
}

static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Ask on the terminal for each missing field. */
static void
prompt_missing(struct req *r)
{
	char *line = NULL;
	size_t cap = 0;

	for (const struct req_field *f = req_fields; f->flag != NULL; f++) {
		char **v = field(r, f);
		ssize_t n;

		if (*v != NULL)
			continue;
		fprintf(stderr, "%s: ", f->prompt);
		fflush(stderr);
		n = getline(&line, &cap, stdin);
		if (n < 0)
			break;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if ((size_t)n > REQ_MAX_FIELD)
			line[REQ_MAX_FIELD] = '\0';
		*v = mem_strdup(line);
	}
	free(line);
}

/* Append "[a, b]" of a comma-separated list; returns items added. */
static size_t
yaml_list(struct buf *b, const char *csv, bool *bad)
{
	char *copy = mem_strdup(csv != NULL ? csv : ""), *p = copy;
	size_t n = 0;

	(void)buf_append_cstr(b, "[");
	while (p != NULL) {
		char *comma = strchr(p, ',');
		struct span s;
		char *item;

		if (comma != NULL)
			*comma = '\0';
		s = span_trim(span_from_cstr(p));
		if (s.len > 0) {
			item = mem_strndup(s.p, s.len);
			if (n++ > 0)
				(void)buf_append_cstr(b, ", ");
			if (excfile_scalar(b, item) < 0)
				*bad = true;
			free(item);
		}
		p = comma != NULL ? comma + 1 : NULL;
	}
	(void)buf_append_cstr(b, "]");
	free(copy);
	return n;
}

static int
yaml_kv(struct buf *b, const char *indent, const char *key, const char *v)
{
	if (buf_printf(b, "%s%s: ", indent, key) < 0 || excfile_scalar(b,
	    v) < 0 || buf_append_cstr(b, "\n") < 0)
		return -1;
	return 0;
}

/* The record's text; -1 when a value is not valid UTF-8 text. */
static int
render(const struct exc_cli *x, const struct req *r, const char *id,
    const char *from, const char *until, struct buf *b)
{
	char stamp[32], *item;
	bool bad = false;
	const char *kv[] = { "name", r->requester, "role", r->role, "email",
		r->email, NULL };
	const char *hv[] = { "on", stamp, "by", r->requester, "action",
		"requested", NULL };

	cli_stamp(x->now, stamp, sizeof(stamp));
	(void)buf_printf(b, "# Filed with `msgsec exception request` on %.10s; "
	    "reviewed with\n# `msgsec exception review %s`.\nexception:\n",
	    stamp, id);
	bad |= yaml_kv(b, "  ", "id", id) < 0;
	bad |= yaml_kv(b, "  ", "agency", r->agency) < 0;
	item = exc_cli_flow(kv);
	if (item == NULL)
		return -1;
	(void)buf_printf(b, "  requested_by: %s\n", item);
	free(item);
	bad |= yaml_kv(b, "  ", "reasons", r->reasons) < 0;
	bad |= yaml_kv(b, "  ", "circumstances", r->circumstances) < 0;
	bad |= yaml_kv(b, "  ", "access_controls", r->access) < 0;
	(void)buf_append_cstr(b, "  scope:\n");
	if (!blank(r->rules)) {
		(void)buf_append_cstr(b, "    rules: ");
		yaml_list(b, r->rules, &bad);
		(void)buf_append_cstr(b, "\n");
	}
	if (!blank(r->users)) {
		(void)buf_append_cstr(b, "    users: ");
		yaml_list(b, r->users, &bad);
		(void)buf_append_cstr(b, "\n");
	}
	if (!blank(r->hosts)) {
		(void)buf_append_cstr(b, "    hosts: ");
		yaml_list(b, r->hosts, &bad);
		(void)buf_append_cstr(b, "\n");
	}
	(void)buf_printf(b, "  valid_from: %s\n  valid_until: %s\n"
	    "  status: requested\n  history:\n", from, until);
	item = exc_cli_flow(hv);
	if (item == NULL)
		return -1;
	if (buf_printf(b, "    - %s\n", item) < 0)
		bad = true;
	free(item);
	return bad ? -1 : 0;
}

/* The next free EX-YYYY-NNNN in dir for year. */
static char *
next_id(const char *dir, int year)
{
	char prefix[16];
	unsigned long best = 0;
	struct dirent *de;
	DIR *dh;

	(void)snprintf(prefix, sizeof(prefix), "EX-%04d-", year);
	dh = opendir(dir);
	while (dh != NULL && (de = readdir(dh)) != NULL) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		uint64_t v;

		if (strncmp(n, prefix, 8) != 0 || len < 14 ||
		    strcmp(n + len - 5, ".yaml") != 0)
			continue;
		if (str_to_u64((struct span){ n + 8, len - 13 }, 0, 99999999,
		    &v) == 0 && v > best)
			best = (unsigned long)v;
	}
	if (dh != NULL)
		closedir(dh);
	return mem_printf("%s%04lu", prefix, best + 1);
}

/* Any rule of the policy that glob names? */
static bool
glob_hits_a_rule(const struct policy *p, const char *glob)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (glob_match(glob, p->rules[i].id, strlen(p->rules[i].id)))
			return true;
	return false;
}

/* Check what the loader cannot phrase in terms of flags. */
static int
check_fields(const struct exc_cli *x, struct req *r, int32_t *from,
    int32_t *until)
{
	int bad = 0;
	const char *why;

	for (const struct req_field *f = req_fields; f->flag != NULL; f++) {
		if (f->why == NULL || !blank(*field(r, f)))
			continue;
		exc_cli_err(x, "missing %s (%s)", f->flag, f->why);
		bad = 1;
	}
	if (blank(r->rules) && blank(r->users) && blank(r->hosts)) {
		exc_cli_err(x, "missing scope: give at least one of --rules, "
		    "--users or --hosts");
		bad = 1;
	}
	if (!blank(r->agency) && policy_agency(x->p, r->agency) == NULL) {
		struct buf b;

		buf_init(&b, 4096);
		for (size_t i = 0; i < x->p->nagencies; i++)
			(void)buf_printf(&b, "%s%s", i == 0 ? "" : ", ",
			    x->p->agencies[i].id);
		exc_cli_err(x, "unknown agency '%s' (known: %s)", r->agency,
		    b.data != NULL ? b.data : "none");
		buf_free(&b);
		bad = 1;
	}
	if (!blank(r->from) && date_parse(r->from, strlen(r->from), from,
	    &why) < 0) {
		exc_cli_err(x, "bad --from date '%s': %s", r->from, why);
		bad = 1;
		*from = INT32_MIN;
	}
	if (!blank(r->until) && date_parse(r->until, strlen(r->until), until,
	    &why) < 0) {
		exc_cli_err(x, "bad --until date '%s': %s", r->until, why);
		bad = 1;
		*until = INT32_MIN;
	}
	for (const struct req_field *f = req_fields; f->flag != NULL; f++) {
		const char *v = *field(r, f);

		if (v != NULL && !excfile_text_is_valid(v)) {
			exc_cli_err(x, "%s must be UTF-8 text without control "
			    "characters", f->flag);
			bad = 1;
		}
	}
	return bad;
}

int
exc_request(struct exc_cli *x, int argc, char **argv)
{
	struct req r;
	const struct exc_opt opts[] = {
		{ "--agency", &r.agency, false },
		{ "--requester", &r.requester, false },
		{ "--role", &r.role, false },
		{ "--email", &r.email, false },
		{ "--reasons", &r.reasons, false },
		{ "--circumstances", &r.circumstances, false },
		{ "--access-controls", &r.access, false },
		{ "--rules", &r.rules, true },
		{ "--users", &r.users, true },
		{ "--hosts", &r.hosts, true },
		{ "--from", &r.from, false },
		{ "--until", &r.until, false },
		{ "--id", &r.id, false },
		{ "--no-prompt", NULL, false },
		{ NULL, NULL, false },
	};
	struct req probe;
	struct buf b;
	struct diags d;
	struct node_doc *doc = NULL;
	struct exception *e;
	char fromb[16], untilb[16], *id = NULL, *name = NULL, *err = NULL;
	int32_t from = 0, until = 0;
	bool prompt = true;
	int rc, bad, lock = -1;

	memset(&r, 0, sizeof(r));
	x->prog = "msgsec exception request";
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--no-prompt") == 0)
			prompt = false;
	rc = exc_cli_args(x, argc, argv, opts, false);
	if (rc == 0)
		rc = exc_cli_load(x);
	if (rc != 0)
		goto out;
	if (prompt && isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
		prompt_missing(&r);
	bad = check_fields(x, &r, &from, &until);

	/* The loader on stand-ins for what is missing or already refused. */
	probe = r;
	for (const struct req_field *f = req_fields; f->flag != NULL; f++)
		if (f->why != NULL && blank(*field(&probe, f)))
			*field(&probe, f) = (char *)(uintptr_t)"x";
	if (blank(r.agency) || policy_agency(x->p, r.agency) == NULL)
		probe.agency = x->p->nagencies > 0 ? x->p->agencies[0].id :
		    (char *)(uintptr_t)"x";
	if (blank(r.email) || strchr(r.email, '@') == NULL)
		probe.email = blank(r.email) ? (char *)(uintptr_t)"x@x" :
		    r.email;
	if (blank(r.rules) && blank(r.users) && blank(r.hosts))
		probe.rules = (char *)(uintptr_t)"x";
	if (blank(r.from) || from == INT32_MIN || blank(r.until) ||
	    until == INT32_MIN) {
		/* No window to judge: a one-day stand-in. */
		from = until = x->today;
	}
	date_format(from, fromb, sizeof(fromb));
	date_format(until, untilb, sizeof(untilb));
	{
		struct tm tm;

		gmtime_r(&x->now, &tm);
		id = r.id != NULL ? mem_strdup(r.id) : mem_printf(
		    "EX-%04d-0000", tm.tm_year + 1900);
	}
	name = mem_printf("%s.yaml", id);
	buf_init(&b, (size_t)x->p->config.limits.yaml_file_size);
	diags_init(&d);
	if (render(x, &probe, id, fromb, untilb, &b) == 0) {
		e = excfile_check(name, b.data, b.len, &x->p->exc_settings,
		    x->p->agencies, x->p->nagencies, &doc, &d);
		for (size_t i = 0; i < d.n; i++)
			exc_cli_err(x, "%s", d.v[i].text);
		bad |= e == NULL;
		exception_free(&e);
		node_doc_free(&doc);
	} else {
		bad = 1;
	}
	diags_free(&d);
	if (bad) {
		exc_cli_err(x, "request refused; nothing was written");
		rc = 1;
		goto done;
	}
	for (size_t i = 0; r.rules != NULL; ) {
		/* Warn (like msgsec check) about globs that match no rule. */
		char *copy = mem_strdup(r.rules), *p = copy;

		while (p != NULL) {
			char *comma = strchr(p, ',');
			struct span s;

			if (comma != NULL)
				*comma = '\0';
			s = span_trim(span_from_cstr(p));
			if (s.len > 0) {
				char *g = mem_strndup(s.p, s.len);

				if (!glob_hits_a_rule(x->p, g))
					exc_cli_err(x, "warning: scope rule "
					    "'%s' matches no rule", g);
				free(g);
			}
			p = comma != NULL ? comma + 1 : NULL;
			i++;
		}
		free(copy);
		break;
	}

	/* The real record, under the lock. */
	lock = lockfile_lock(x->dir, EXC_LOCK_NAME, &err);
	if (lock < 0) {
		exc_cli_err(x, "%s", err);
		rc = 1;
		goto done;
	}
	if (r.id == NULL) {
		struct tm tm;

		gmtime_r(&x->now, &tm);
		free(id);
		free(name);
		id = next_id(x->dir, tm.tm_year + 1900);
		name = mem_printf("%s.yaml", id);
	}
	buf_reset(&b);
	diags_init(&d);
	if (render(x, &r, id, fromb, untilb, &b) < 0 ||
	    (e = excfile_check(name, b.data, b.len, &x->p->exc_settings,
	    x->p->agencies, x->p->nagencies, &doc, &d)) == NULL) {
		diags_print(&d, stderr);
		exc_cli_err(x, "internal error: the record would not load; "
		    "nothing was written");
		diags_free(&d);
		rc = 1;
		goto done;
	}
	exception_free(&e);
	node_doc_free(&doc);
	diags_free(&d);
	if (lockfile_replace(x->dir, name, b.data, b.len, 0644, true,
	    &err) < 0) {
		exc_cli_err(x, "%s%s", err, r.id != NULL ? " (that id is "
		    "taken)" : "");
		rc = 1;
		goto done;
	}
	printf("filed %s (requested, %s to %s) in %s/%s\n", id, fromb, untilb,
	    x->dir, name);
	printf("next: msgsec exception review %s --body BODY --decision "
	    "approve|deny --by NAME\n", id);
done:
	lockfile_unlock(&lock);
	buf_free(&b);
out:
	free(err);
	free(id);
	free(name);
	exc_cli_free(x, opts);
	return rc;
}
