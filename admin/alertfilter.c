/*
 * alertfilter.c - filter options and their test against a scanned alert.
 *
 * Trusted: the options (the operator's), but checked strictly so a typo is
 * refused with a reason instead of silently matching nothing: dates are
 * real dates, globs have their brackets closed, hosts are addresses or
 * CIDR prefixes, actions are known action names.  Untrusted: the alert's
 * values, compared after unescaping into bounded stack buffers (a value
 * too long for FILTER_VALUE_MAX * 4 bytes matches nothing).
 */
#include "alertfilter.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "date.h"
#include "mem.h"

#define VALBUF (FILTER_VALUE_MAX * 4)

static const char *const known_etypes[] = { "mail", "webmail", "im",
	"upload", "download", "doh", "name-hidden", "limit", "flow", "release",
	"message", NULL };

const char *
alert_filter_usage(void)
{
	return "filters (repeat one to accept any of its values):\n"
	    "  --since DATE|TIME    from this day (YYYY-MM-DD) or RFC 3339 "
	    "time on\n"
	    "  --until DATE|TIME    up to this day (inclusive) or time "
	    "(exclusive)\n"
	    "  --rule GLOB          rule id, e.g. 'network.webmail*'\n"
	    "  --clause N           policy clause; 1 takes 1.1 to 1.4\n"
	    "  --agency ID          agency the alert is attributed to\n"
	    "  --host ADDR|CIDR     src_ip, dest_ip or client_ip inside\n"
	    "  --user GLOB          user, mail_from or a recipient "
	    "(any case)\n"
	    "  --action NAME        reject, tempfail, discard, quarantine, "
	    "strip, tag, log\n"
	    "  --event-type TYPE    mail, webmail, im, upload, download, doh, "
	    "name-hidden, ...\n"
	    "  --exception ID|any|none  excepted by this exception (glob), "
	    "any, or none\n"
	    "  --gateway GLOB       written by this host (the database's "
	    "gateway column)\n";
}

static void
strv_add(struct strv *v, const char *s)
{
	v->v = mem_reallocarray(v->v, v->n + 1, sizeof(*v->v));
	v->v[v->n++] = mem_strdup(s);
}

static void
strv_free(struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* A glob fnmatch(3) will read as meant.  NULL, or why not. */
static const char *
glob_check(const char *g)
{
	if (*g == '\0')
		return "empty pattern";
	for (const char *p = g; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] == '\0')
				return "pattern ends with a backslash";
			p++;
		} else if (*p == '[') {
			const char *q = p + 1;

			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')
				q++;
			while (*q != '\0' && *q != ']')
				q++;
			if (*q == '\0')
				return "unclosed '[' in pattern";
			p = q;
		} else if ((unsigned char)*p < 0x20) {
			return "control character in pattern";
		}
	}
	return NULL;
}

int
alert_filter_time(const char *s, bool end, time_t *t_r, const char **why_r)
{
	size_t len = strlen(s);
	int32_t day;

	if (len == 10) {
		if (date_parse(s, len, &day, why_r) < 0)
			return -1;
		*t_r = date_day_start(end ? day + 1 : day);
		return 0;
	}
	return date_parse_time(s, len, t_r, why_r);
}

static bool
clause_ok(const char *s)
{
	bool digit = false;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (*p != '.' || !digit || p[1] == '\0')
			return false;
		else
			digit = false;
	}
	return digit;
}

static bool
token_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

int
alert_filter_option(struct alert_filter *f, const char *opt,
    const char *arg, char **error_r)
{
	static const char *const names[] = { "--since", "--until", "--rule",
		"--clause", "--agency", "--host", "--user", "--action",
		"--event-type", "--exception", "--gateway", NULL };
	const char *why = NULL;
	size_t k;

	for (k = 0; names[k] != NULL; k++)
		if (strcmp(opt, names[k]) == 0)
			break;
	if (names[k] == NULL)
		return 0;
	if (arg == NULL) {
		*error_r = mem_printf("%s needs an argument", opt);
		return -1;
	}
	if (strlen(arg) > FILTER_VALUE_MAX) {
		*error_r = mem_printf("%s: value longer than %d bytes", opt,
		    FILTER_VALUE_MAX);
		return -1;
	}
	switch (k) {
	case 0:
	case 1:
		if (alert_filter_time(arg, k == 1, k == 0 ? &f->since :
		    &f->until, &why) < 0) {
			*error_r = mem_printf("%s '%s': %s (want YYYY-MM-DD "
			    "or YYYY-MM-DDTHH:MM:SSZ)", opt, arg, why);
			return -1;
		}
		if (k == 0)
			f->has_since = true;
		else
			f->has_until = true;
		return 1;
	case 2:
	case 6:
	case 10:
		if ((why = glob_check(arg)) != NULL) {
			*error_r = mem_printf("%s '%s': %s", opt, arg, why);
			return -1;
		}
		strv_add(k == 2 ? &f->rules : k == 6 ? &f->users :
		    &f->gateways, arg);
		return 1;
	case 3:
		if (!clause_ok(arg)) {
			*error_r = mem_printf("%s '%s': not a clause number "
			    "(1.1, 3, ...)", opt, arg);
			return -1;
		}
		strv_add(&f->clauses, arg);
		return 1;
	case 4:
		if (*arg == '\0') {
			*error_r = mem_printf("%s: empty agency id", opt);
			return -1;
		}
		strv_add(&f->agencies, arg);
		return 1;
	case 5: {
		struct cidr c;
		struct ipaddr a;

		if (strchr(arg, '/') == NULL &&
		    ipaddr_parse(arg, strlen(arg), &a) == 0) {
			c.addr = a;
			c.prefix = 128;
			c.v4 = ipaddr_is_v4(&a);
		} else if (cidr_parse(arg, strlen(arg), &c, &why) < 0) {
			*error_r = mem_printf("%s '%s': %s", opt, arg,
			    why != NULL ? why : "not an address or prefix");
			return -1;
		}
		f->hosts = mem_reallocarray(f->hosts, f->nhosts + 1,
		    sizeof(*f->hosts));
		f->hosts[f->nhosts++] = c;
		return 1;
	}
	case 7: {
		enum action a;

		if (action_parse(arg, &a) < 0 || a == ACTION_ACCEPT) {
			*error_r = mem_printf("%s '%s': not an action (%s)",
			    opt, arg, action_choices());
			return -1;
		}
		strv_add(&f->actions, arg);
		return 1;
	}
	case 8: {
		bool known = false;

		if (!token_ok(arg)) {
			*error_r = mem_printf("%s '%s': not an event type",
			    opt, arg);
			return -1;
		}
		for (size_t i = 0; known_etypes[i] != NULL; i++)
			known = known || strcmp(arg, known_etypes[i]) == 0;
		if (!known)
			fprintf(stderr, "msgsec alerts: warning: event type "
			    "'%s' is not one msgsec writes (mail, webmail, "
			    "im, upload, download, doh, name-hidden, limit, "
			    "flow)\n", arg);
		strv_add(&f->etypes, arg);
		return 1;
	}
	default:
		if (strcmp(arg, "any") != 0 && strcmp(arg, "none") != 0 &&
		    (why = glob_check(arg)) != NULL) {
			*error_r = mem_printf("%s '%s': %s", opt, arg, why);
			return -1;
		}
		strv_add(&f->exceptions, arg);
		return 1;
	}
}

int
alert_filter_finish(struct alert_filter *f, char **error_r)
{
	if (f->has_since && f->has_until && f->since >= f->until) {
		*error_r = mem_printf("--since is not before --until");
		return -1;
	}
	return 0;
}

/* Unescaped string value into buf; false when absent, null or too long. */
static bool
value(const struct ascan_value *v, char *buf, size_t size)
{
	return ascan_string(v, buf, size) >= 0;
}

/* "prefix*" without other metacharacters: compare the raw bytes. */
static bool
glob_match(const char *g, const struct ascan_value *v, int flags)
{
	char buf[VALBUF];
	size_t gl = strlen(g);

	if (v->type != ASV_STRING)
		return false;
	if (!v->escaped && flags == 0 && gl > 0 && g[gl - 1] == '*' &&
	    strpbrk(g, "?[\\") == NULL && strchr(g, '*') == g + gl - 1)
		return v->len >= gl - 1 && memcmp(v->p, g, gl - 1) == 0;
	return value(v, buf, sizeof(buf)) && fnmatch(g, buf, flags) == 0;
}

static bool
any_glob(const struct strv *s, const struct ascan_value *v, int flags)
{
	for (size_t i = 0; i < s->n; i++)
		if (glob_match(s->v[i], v, flags))
			return true;
	return false;
}

static bool
any_eq(const struct strv *s, const struct ascan_value *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (ascan_eq(v, s->v[i]))
			return true;
	return false;
}

static bool
clause_match(const struct strv *s, const struct ascan_value *v)
{
	char buf[64];
	int n;

	if ((n = ascan_string(v, buf, sizeof(buf))) < 0)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		size_t cl = strlen(s->v[i]);

		if (strncmp(buf, s->v[i], cl) == 0 &&
		    (buf[cl] == '\0' || buf[cl] == '.'))
			return true;
	}
	return false;
}

static bool
host_match(const struct alert_filter *f, const struct ascan_rec *r)
{
	static const int keys[] = { AF_SRC_IP, AF_DEST_IP, AF_CLIENT_IP };
	char buf[64];
	struct ipaddr a;

	for (size_t k = 0; k < 3; k++) {
		int n = ascan_string(&r->f[keys[k]], buf, sizeof(buf));

		if (n <= 0 || ipaddr_parse(buf, (size_t)n, &a) < 0)
			continue;
		for (size_t i = 0; i < f->nhosts; i++)
			if (cidr_contains(&f->hosts[i], &a))
				return true;
	}
	return false;
}

static bool
user_match(const struct alert_filter *f, const struct ascan_rec *r)
{
	struct ascan_value item;
	size_t pos = 0;

	if (any_glob(&f->users, &r->f[AF_USER], FNM_CASEFOLD) ||
	    any_glob(&f->users, &r->f[AF_MAIL_FROM], FNM_CASEFOLD))
		return true;
	while (ascan_array_next(&r->f[AF_RCPT_TO], &pos, &item) == 1)
		if (any_glob(&f->users, &item, FNM_CASEFOLD))
			return true;
	return false;
}

static bool
agency_match(const struct strv *s, const struct ascan_value *v)
{
	char buf[VALBUF];

	if (!value(v, buf, sizeof(buf)))
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (strcasecmp(buf, s->v[i]) == 0)
			return true;
	return false;
}

static bool
exception_match(const struct strv *s, const struct ascan_value *v)
{
	bool has = v->type == ASV_STRING && v->len > 0;

	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], "any") == 0) {
			if (has)
				return true;
		} else if (strcmp(s->v[i], "none") == 0) {
			if (!has)
				return true;
		} else if (has && glob_match(s->v[i], v, 0)) {
			return true;
		}
	}
	return false;
}

bool
alert_filter_match(const struct alert_filter *f, const struct ascan_rec *r,
    time_t t)
{
	if (f->has_since && t < f->since)
		return false;
	if (f->has_until && t >= f->until)
		return false;
	if (f->etypes.n > 0) {
		if (!any_eq(&f->etypes, &r->f[AF_EVENT_TYPE]))
			return false;
	} else if (ascan_eq(&r->f[AF_EVENT_TYPE], "flow") ||
	    (!f->keep_messages &&
	    ascan_eq(&r->f[AF_EVENT_TYPE], "message"))) {
		return false;
	}
	if (f->rules.n > 0 && !any_glob(&f->rules, &r->f[AF_RULE], 0))
		return false;
	if (f->clauses.n > 0 && !clause_match(&f->clauses, &r->f[AF_POLICY]))
		return false;
	if (f->actions.n > 0 && !any_eq(&f->actions, &r->f[AF_ACTION]))
		return false;
	if (f->agencies.n > 0 && !agency_match(&f->agencies,
	    &r->f[AF_AGENCY]))
		return false;
	if (f->exceptions.n > 0 && !exception_match(&f->exceptions,
	    &r->f[AF_EXCEPTION]))
		return false;
	if (f->nhosts > 0 && !host_match(f, r))
		return false;
	if (f->users.n > 0 && !user_match(f, r))
		return false;
	if (f->gateways.n > 0 && !any_glob(&f->gateways, &r->f[AF_GATEWAY],
	    FNM_CASEFOLD))
		return false;
	return true;
}

void
alert_filter_free(struct alert_filter *f)
{
	strv_free(&f->rules);
	strv_free(&f->clauses);
	strv_free(&f->agencies);
	strv_free(&f->users);
	strv_free(&f->actions);
	strv_free(&f->etypes);
	strv_free(&f->exceptions);
	strv_free(&f->gateways);
	free(f->hosts);
	f->hosts = NULL;
	f->nhosts = 0;
	f->has_since = f->has_until = false;
}
