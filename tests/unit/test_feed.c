/*
 * test_feed.c - the daemon's header path against --test's.
 *
 * --test feeds a message file as it is (feed_file); the daemon rebuilds
 * "Name: value" lines from the fields an MTA hands xxfi_header
 * (feed_header), adds the empty line at xxfi_eoh (feed_eoh) and feeds
 * xxfi_body's chunks (inspect_feed).  Every tests/golden/mail message
 * goes through both, with the envelope and settings of its .args, and
 * through the daemon's path as Postfix hands it (one space after the
 * colon eaten, folded lines joined by LF) and as Sendmail does with
 * SMFIP_HDR_LEADSPC (the value as it is), the body whole, line by line
 * and in chunks of 1, 2, 3 and 7 bytes.  Asserted:
 *
 *  - --test's path gives the golden .ref (when MSGSEC_CLAMAV_DB names
 *    the tests' virus database, as tests/run.sh sets it; without one,
 *    clamav is off and only the paths are compared with each other);
 *  - where the MTA's fields rebuild exactly the bytes --test feeds (every
 *    message whose header is made of fields), the daemon's verdict is
 *    --test's, byte for byte, in every chunking and both modes;
 *  - where they cannot (a line in the header that no MTA takes for a
 *    field, a last line without its newline), the message is listed in
 *    inexact[], and the daemon's verdict, in every chunking, is --test's
 *    verdict on the bytes the daemon was handed.
 *
 * The MTA is modelled here, not run (tests/milter/ runs the real ones):
 * the header ends at the first empty line or at the first line that is
 * neither a field ("name:" or "name :", the name printable ASCII, as
 * Postfix's is_header) nor a continuation; body lines end in CRLF
 * whatever ended them in the file, and the last one gets its CRLF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "content.h"
#include "date.h"
#include "feed.h"
#include "inspect.h"
#include "lockfile.h"
#include "mem.h"
#include "policy.h"
#include "scan.h"
#include "str.h"

#define GOLDEN "tests/golden/mail"
#define MAX_TOKENS 32
#define MAX_POLICIES 32

/*
 * Messages whose bytes the MTA cannot hand over as the file has them, and
 * in which modes (P Postfix, S Sendmail with SMFIP_HDR_LEADSPC).  The
 * daemon judges what the MTA delivers: a real Postfix, too, ends the
 * header at such a line and writes an empty line there.
 */
static const struct {
	const char *name;
	const char *modes;
} inexact[] = {
	/* NULs in a field name: the header ends there. */
	{ "evasion-header-junk-line", "PS" },
	/* No newline at the end: the MTA ends the last line. */
	{ "limit-text-over", "PS" },
	/* A line of spaces first: the header is empty. */
	{ "reading-first-line-spaces", "PS" },
	/* An 8-bit byte in a field name: the header ends there. */
	{ "reading-junk-then-two-types", "PS" },
	/* A line of CR CR LF ending the header: no field holds it. */
	{ "reading-cr-blank-line", "PS" },
	{ NULL, NULL },
};

/* ------------------------------------------------------------ .args */

struct args {
	char *text;			/* the tokens, NUL-separated */
	const char *tok[MAX_TOKENS];
	size_t ntok;
	const char *sets[MAX_TOKENS];
	size_t nsets;
	const char *rcpts[MAX_TOKENS];
	struct envelope env;
	time_t now;
	bool store;
};

static void
args_parse(struct args *a, const char *path)
{
	static const char *dflt = "--from sender@example.org --rcpt "
	    "user@dep.mass.example --client 203.0.113.9";
	char *err = NULL;
	size_t len;
	char *p;

	memset(a, 0, sizeof(*a));
	a->text = lockfile_read(path, 4096, &len, &err);
	free(err);
	if (a->text == NULL)
		a->text = mem_strdup(dflt);
	for (p = a->text; *p != '\0';) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		assert_true(a->ntok < MAX_TOKENS);
		a->tok[a->ntok++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\n' && *p != '\t')
			p++;
	}
	a->env.mail_from = "";
	a->env.rcpts = a->rcpts;
	for (size_t i = 0; i < a->ntok; i++) {
		const char *k = a->tok[i];
		const char *v = i + 1 < a->ntok ? a->tok[i + 1] : NULL;
		const char *why;

		if (strcmp(k, "--store") == 0) {
			a->store = true;
			continue;
		}
		if (strcmp(k, "--smtputf8") == 0) {
			a->env.smtputf8 = true;
			continue;
		}
		assert_non_null(v);
		i++;
		if (strcmp(k, "--from") == 0)
			a->env.mail_from = v;
		else if (strcmp(k, "--rcpt") == 0)
			a->rcpts[a->env.nrcpts++] = v;
		else if (strcmp(k, "--client") == 0) {
			assert_int_equal(ipaddr_parse(v, strlen(v),
			    &a->env.client), 0);
			a->env.has_client = true;
		} else if (strcmp(k, "--auth") == 0)
			a->env.auth_user = v;
		else if (strcmp(k, "--daemon") == 0)
			a->env.daemon = v;
		else if (strcmp(k, "--now") == 0)
			assert_int_equal(date_parse_time(v, strlen(v), &a->now,
			    &why), 0);
		else if (strcmp(k, "--set") == 0)
			a->sets[a->nsets++] = v;
		else
			fail_msg("%s: option %s not known to this test", path, k);
	}
}

/* ------------------------------------------------------------ policies */

static struct {
	char *key;
	struct policy *p;
} policies[MAX_POLICIES];
static size_t npolicies;
static const char *clamav_db;
static struct scan_engine *engine;

/* The shipped configuration with a's --set values, loaded once. */
static struct policy *
policy_for(const struct args *a)
{
	const char *sets[MAX_TOKENS + 1];
	struct buf key;
	struct diags d;
	char *db;
	size_t n = 0;

	buf_init(&key, 1 << 16);
	for (size_t i = 0; i < a->nsets; i++) {
		(void)buf_append_cstr(&key, a->sets[i]);
		(void)buf_append(&key, "\n", 1);
	}
	for (size_t i = 0; i < npolicies; i++)
		if (strcmp(policies[i].key, key.data != NULL ? key.data :
		    "") == 0) {
			buf_free(&key);
			return policies[i].p;
		}
	db = clamav_db != NULL ? mem_printf("clamav.database=%s", clamav_db) :
	    mem_strdup("clamav.enabled=false");
	sets[n++] = db;
	for (size_t i = 0; i < a->nsets; i++)
		sets[n++] = a->sets[i];
	diags_init(&d);
	assert_true(npolicies < MAX_POLICIES);
	policies[npolicies].p = policy_load("rules/msgsec.yaml", sets, n, &d);
	if (policies[npolicies].p == NULL)
		diags_print(&d, stderr);
	assert_non_null(policies[npolicies].p);
	diags_free(&d);
	free(db);
	policies[npolicies].key = key.data != NULL ? key.data :
	    mem_strdup("");
	return policies[npolicies++].p;
}

static void
policies_free(void)
{
	for (size_t i = 0; i < npolicies; i++) {
		policy_unref(&policies[i].p);
		free(policies[i].key);
	}
	npolicies = 0;
}

/* ------------------------------------------------------------ the MTA */

struct mta_field {
	char *name;
	char *value;		/* after the colon, continuations joined by LF */
};

struct mta_msg {
	struct mta_field *fields;
	size_t nfields;
	struct buf body;	/* as the MTA hands it: CRLF line ends */
};

/*
 * A field's first line as Postfix's is_header takes it: a name of
 * printable ASCII, white space allowed before the colon (RFC 822's
 * obsolete syntax; the name is then handed over with it).  Written as
 * Postfix walks it, apart from msgsec's own reader (mime.c).
 */
static bool
is_field_start(const char *p, size_t len)
{
	bool name = false, space = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ':')
			return name;
		if (c == ' ' || c == '\t') {
			if (!name)
				return false;
			space = true;
		} else if (c < 0x21 || c > 0x7e || space) {
			return false;
		} else {
			name = true;
		}
	}
	return false;
}

/* Split the bytes --test feeds (canon) as an MTA would hand them over. */
static void
mta_split(const struct buf *canon, struct mta_msg *m)
{
	const char *d = canon->data != NULL ? canon->data : "";
	size_t len = canon->len, pos = 0;
	bool in_header = true;

	memset(m, 0, sizeof(*m));
	buf_init(&m->body, 1 << 24);
	while (pos < len) {
		const char *lf = memchr(d + pos, '\n', len - pos);
		size_t end = lf != NULL ? (size_t)(lf - d) : len;
		size_t next = lf != NULL ? end + 1 : len;
		size_t clen = end - pos;

		if (clen > 0 && d[pos + clen - 1] == '\r')
			clen--;
		if (in_header && clen == 0) {
			in_header = false;	/* the empty line: xxfi_eoh */
			pos = next;
			continue;
		}
		if (in_header && m->nfields > 0 &&
		    (d[pos] == ' ' || d[pos] == '\t')) {
			struct mta_field *f = &m->fields[m->nfields - 1];
			char *v = mem_printf("%s\n%.*s", f->value, (int)clen,
			    d + pos);

			free(f->value);
			f->value = v;
			pos = next;
			continue;
		}
		if (in_header && is_field_start(d + pos, clen)) {
			const char *colon = memchr(d + pos, ':', clen);
			struct mta_field *f;

			m->fields = mem_reallocarray(m->fields, m->nfields + 1,
			    sizeof(*m->fields));
			f = &m->fields[m->nfields++];
			f->name = mem_strndup(d + pos, (size_t)(colon - d - pos));
			f->value = mem_strndup(colon + 1, clen -
			    (size_t)(colon + 1 - d - pos));
			pos = next;
			continue;
		}
		/* Anything else ends the header; the body starts here. */
		in_header = false;
		(void)buf_append(&m->body, d + pos, clen);
		(void)buf_append(&m->body, "\r\n", 2);
		pos = next;
	}
}

static void
mta_free(struct mta_msg *m)
{
	for (size_t i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		free(m->fields[i].value);
	}
	free(m->fields);
	buf_free(&m->body);
}

/* ------------------------------------------------------------ feeding */

static int
collect(void *arg, const char *p, size_t len)
{
	return buf_append(arg, p, len);
}

/* chunk 0: the body line by line. */
static void
feed_daemon(feed_fn out, void *arg, const struct mta_msg *m, bool leadspc,
    size_t chunk)
{
	const char *b = m->body.data;
	size_t len = m->body.len;

	for (size_t i = 0; i < m->nfields; i++) {
		const char *v = m->fields[i].value;

		/* Without SMFIP_HDR_LEADSPC the MTA eats one space. */
		if (!leadspc && v[0] == ' ')
			v++;
		(void)feed_header(out, arg, m->fields[i].name, v, leadspc);
	}
	(void)feed_eoh(out, arg);
	for (size_t off = 0; off < len;) {
		size_t n = chunk;

		if (chunk == 0) {
			const char *lf = memchr(b + off, '\n', len - off);

			n = lf != NULL ? (size_t)(lf - b - off) + 1 : len - off;
		}
		if (n > len - off)
			n = len - off;
		(void)out(arg, b + off, n);
		off += n;
	}
}

struct run {
	const struct mta_msg *m;
	const struct buf *file;
	bool leadspc;
	size_t chunk;
};

/* The verdict, as --test prints it (with its newline). */
static char *
judge(struct policy *p, const struct args *a, const struct run *r)
{
	struct inspect *in = inspect_new(p, &a->env, a->now, engine, a->store);
	struct buf out;
	char *json;

	if (r->m == NULL)
		(void)feed_file(feed_inspect, in, r->file->data != NULL ?
		    r->file->data : "", r->file->len);
	else
		feed_daemon(feed_inspect, in, r->m, r->leadspc, r->chunk);
	(void)inspect_finish(in);
	buf_init(&out, 16 * 1024 * 1024);
	inspect_json(in, &out);
	json = mem_printf("%s\n", out.data != NULL ? out.data : "");
	buf_free(&out);
	inspect_free(&in);
	return json;
}

static bool
listed_inexact(const char *name, char mode)
{
	for (size_t i = 0; inexact[i].name != NULL; i++)
		if (strcmp(inexact[i].name, name) == 0)
			return strchr(inexact[i].modes, mode) != NULL;
	return false;
}

/* ------------------------------------------------------------ the test */

/* The body whole, line by line (0), then in small chunks. */
static const size_t chunks[] = { SIZE_MAX, 0, 1, 2, 3, 7 };

static unsigned
check_message(const char *name, unsigned *inexact_r, unsigned *differ_r)
{
	char *path = mem_printf(GOLDEN "/%s.eml", name), *err = NULL;
	char *argsp = mem_printf(GOLDEN "/%s.args", name);
	char *refp = mem_printf(GOLDEN "/%s.ref", name);
	struct args a;
	struct policy *p;
	struct buf file, canon;
	struct mta_msg m;
	struct run r;
	char *data, *ref, *test_json;
	size_t len, rlen;
	unsigned fails = 0;

	args_parse(&a, argsp);
	p = policy_for(&a);
	data = lockfile_read(path, 1 << 24, &len, &err);
	assert_non_null(data);
	buf_init(&file, 1 << 24);
	(void)buf_append(&file, data, len);
	buf_init(&canon, 1 << 24);
	(void)feed_file(collect, &canon, data, len);
	mta_split(&canon, &m);

	memset(&r, 0, sizeof(r));
	r.file = &file;
	test_json = judge(p, &a, &r);
	ref = lockfile_read(refp, 1 << 20, &rlen, &err);
	assert_non_null(ref);
	if (clamav_db != NULL && strcmp(ref, test_json) != 0) {
		print_message("%s: --test's path is not the .ref:\n  %s  %s",
		    name, ref, test_json);
		fails++;
	}

	for (int mode = 0; mode < 2; mode++) {
		bool leadspc = mode == 1;
		char tag = leadspc ? 'S' : 'P';
		struct buf rebuilt;
		bool exact;
		char *first = NULL, *want;

		buf_init(&rebuilt, 1 << 24);
		feed_daemon(collect, &rebuilt, &m, leadspc, SIZE_MAX);
		exact = rebuilt.len == canon.len && (canon.len == 0 ||
		    memcmp(rebuilt.data, canon.data, canon.len) == 0);
		/* What --test says of the bytes the daemon is handed. */
		r.m = NULL;
		r.file = &rebuilt;
		want = exact ? mem_strdup(test_json) : judge(p, &a, &r);
		buf_free(&rebuilt);
		if (!exact)
			(*inexact_r)++;
		if (exact == listed_inexact(name, tag)) {
			print_message("%s (%c): the MTA's fields %s the bytes "
			    "--test feeds, but inexact[] says otherwise\n",
			    name, tag, exact ? "rebuild" : "do not rebuild");
			fails++;
		}
		r.m = &m;
		r.leadspc = leadspc;
		for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			char *json;

			r.chunk = chunks[k];
			json = judge(p, &a, &r);
			if (first == NULL) {
				first = json;
				if (!exact && strcmp(json, test_json) != 0)
					(*differ_r)++;
				if (strcmp(json, want) != 0) {
					print_message("%s (%c): the daemon "
					    "says\n", name, tag);
					print_message("  %s", json);
					print_message("where --test says\n");
					print_message("  %s", want);
					fails++;
				}
				continue;
			}
			if (strcmp(json, first) != 0) {
				print_message("%s (%c): chunks of %zu give\n  "
				    "%s  where the whole body gives\n  %s",
				    name, tag, chunks[k], json, first);
				fails++;
			}
			free(json);
		}
		free(first);
		free(want);
		r.file = &file;
	}

	mta_free(&m);
	buf_free(&file);
	buf_free(&canon);
	free(test_json);
	free(ref);
	free(data);
	free(a.text);
	free(path);
	free(argsp);
	free(refp);
	free(err);
	return fails;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_golden_mail(void **state)
{
	DIR *dir = opendir(GOLDEN);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	unsigned fails = 0, inexact_n = 0, differ = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".eml") == 0) {
			names = mem_reallocarray(names, n + 1, sizeof(*names));
			names[n++] = mem_strndup(de->d_name, l - 4);
		}
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), name_cmp);
	assert_true(n >= 90);
	for (size_t i = 0; i < n; i++) {
		fails += check_message(names[i], &inexact_n, &differ);
		free(names[i]);
	}
	free(names);
	print_message("%zu messages, %u readings the MTA changes (%u of them "
	    "judged otherwise), %u failures\n", n, inexact_n, differ, fails);
	assert_int_equal(fails, 0);
}

/* feed_header itself: spacing and folding as each MTA hands them. */
static void
test_header_rebuild(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(feed_header(collect, &b, "Subject", "hi\n\tthere",
	    false), 0);
	assert_int_equal(feed_header(collect, &b, "X-A", " v\r\n w", true),
	    0);
	assert_int_equal(feed_header(collect, &b, "X-B", "", false), 0);
	assert_int_equal(feed_eoh(collect, &b), 0);
	(void)buf_append(&b, "", 1);
	assert_string_equal(b.data, "Subject: hi\r\n\tthere\r\n"
	    "X-A: v\r\n w\r\nX-B: \r\n\r\n");
	buf_free(&b);
}

/* feed_file: --test's reading of a file. */
static void
test_file(void **state)
{
	struct buf b;
	const char *unix_msg = "From x@y Mon\nA: 1\n\nbody\n";
	const char *crlf_msg = "A: 1\r\n\r\nbare\nlf\r\n";

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(feed_file(collect, &b, unix_msg, strlen(unix_msg)),
	    0);
	(void)buf_append(&b, "", 1);
	assert_string_equal(b.data, "A: 1\r\n\r\nbody\r\n");
	buf_reset(&b);
	assert_int_equal(feed_file(collect, &b, crlf_msg, strlen(crlf_msg)),
	    0);
	(void)buf_append(&b, "", 1);
	assert_string_equal(b.data, crlf_msg);
	buf_free(&b);
}

static int
setup(void **state)
{
	(void)state;
	clamav_db = getenv("MSGSEC_CLAMAV_DB");
	if (clamav_db != NULL && clamav_db[0] == '\0')
		clamav_db = NULL;
	if (clamav_db != NULL) {
		struct scan_limits sl;
		unsigned sigs;
		char *err = NULL;

		memset(&sl, 0, sizeof(sl));
		engine = scan_engine_load(clamav_db, &sl, &sigs, &err);
		if (engine == NULL) {
			print_error("%s\n", err);
			free(err);
			return -1;
		}
	} else {
		print_message("MSGSEC_CLAMAV_DB unset: clamav off, the .ref "
		    "files not compared\n");
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	policies_free();
	scan_engine_unref(&engine);
	content_thread_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_rebuild),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_golden_mail),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
