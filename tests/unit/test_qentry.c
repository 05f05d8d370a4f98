/*
 * test_qentry.c - reading quarantine entries (meta.json as untrusted
 * JSON: escapes, surrogate pairs, nesting limit, malformed input),
 * listing (sorted, hidden folders and files skipped), history appended to
 * meta.json (empty and non-empty arrays, the result still JSON), the audit
 * log, and removal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lockfile.h"
#include "mem.h"
#include "qentry.h"

static char qdir[] = "/tmp/msgsec-qe.XXXXXX";

static void
put_entry(const char *id, const char *meta, const char *msg)
{
	char *d = mem_printf("%s/%s", qdir, id), *err = NULL;

	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(lockfile_replace(d, "meta.json", meta, strlen(meta),
	    0600, false, &err), 0);
	if (msg != NULL)
		assert_int_equal(lockfile_replace(d, "message.eml", msg,
		    strlen(msg), 0600, false, &err), 0);
	free(d);
}

static void
test_load(void **state)
{
	struct qentry e;
	char *err = NULL;

	(void)state;
	put_entry("20261120T101500Z-A",
	    "{\"queue_id\":\"A\",\"received\":1795169700,\"mail_from\":"
	    "\"s\\u00e9n\\\"d\\\\er@x\",\"rcpt_to\":[\"a@b\",\"c@d\"],"
	    "\"client_ip\":null,\"agency\":\"DEP\",\"action\":\"reject\","
	    "\"rules\":[\"r.one\",7,\"r.two\"],\"size\":5,\"extra\":{\"n\":"
	    "[1.5e3,-2,true,false]},\"history\":[{\"on\":1795169700,\"by\":"
	    "\"msgsec-milter\",\"action\":\"stored\",\"reason\":\"\\ud83d"
	    "\\ude00\"}]}\n", "hello");
	assert_int_equal(qentry_load(qdir, "20261120T101500Z-A", &e, &err), 0);
	assert_string_equal(e.mail_from, "s\xc3\xa9n\"d\\er@x");
	assert_int_equal(e.nrcpts, 2);
	assert_string_equal(e.rcpts[1], "c@d");
	assert_null(e.client_ip);
	assert_int_equal(e.nrules, 2);	/* the number is not a rule */
	assert_int_equal(e.received, 1795169700);
	assert_int_equal(e.size, 5);
	assert_int_equal(e.nhistory, 1);
	assert_string_equal(e.history[0].reason, "\xf0\x9f\x98\x80");
	qentry_free(&e);

	assert_int_equal(qentry_load(qdir, "../etc", &e, &err), -1);
	assert_string_equal(err, "bad quarantine id '../etc'");
	free(err);
	assert_int_equal(qentry_load(qdir, "nope", &e, &err), -1);
	assert_string_equal(err, "no quarantine entry nope");
	free(err);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = { "", "[]", "{", "{\"a\":}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":1,}",
		"{\"a\":99999999999999999999}", "{\"a\":\"\x01\"}",
		"{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}", "{\"a\" 1}",
		"{\"a\":tru}" };
	struct qentry e;
	char *err = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *id = mem_printf("BAD-%zu", i);

		put_entry(id, bad[i], NULL);
		if (qentry_load(qdir, id, &e, &err) == 0)
			fail_msg("case %zu loaded: %s", i, bad[i]);
		assert_non_null(strstr(err, "not a JSON object"));
		free(err);
		err = NULL;
		free(id);
	}
}

static void
test_history_audit_remove(void **state)
{
	struct qentry e;
	char *err = NULL, **ids, *p, *data;
	size_t n, len;

	(void)state;
	put_entry("20261121T000000Z-B", "{\"history\": [ ] }", NULL);
	assert_int_equal(qentry_load(qdir, "20261121T000000Z-B", &e, &err), 0);
	assert_int_equal(qentry_add_history(qdir, &e, "{\"by\":\"x\"}", &err),
	    0);
	qentry_free(&e);
	assert_int_equal(qentry_load(qdir, "20261121T000000Z-B", &e, &err), 0);
	assert_int_equal(e.nhistory, 1);
	assert_int_equal(qentry_add_history(qdir, &e, "{\"by\":\"y\"}", &err),
	    0);
	qentry_free(&e);
	assert_int_equal(qentry_load(qdir, "20261121T000000Z-B", &e, &err), 0);
	assert_int_equal(e.nhistory, 2);
	assert_string_equal(e.history[1].by, "y");
	assert_string_equal(e.meta, "{\"history\": [ {\"by\":\"x\"},"
	    "{\"by\":\"y\"}] }");
	qentry_free(&e);
	/* No history array: refused, not guessed. */
	put_entry("20261121T000000Z-C", "{}", NULL);
	assert_int_equal(qentry_load(qdir, "20261121T000000Z-C", &e, &err), 0);
	assert_int_equal(qentry_add_history(qdir, &e, "{}", &err), -1);
	free(err);
	qentry_free(&e);

	assert_int_equal(qentry_audit(qdir, "{\"a\":1}", &err), 0);
	assert_int_equal(qentry_audit(qdir, "{\"a\":2}", &err), 0);
	p = mem_printf("%s/%s", qdir, QENTRY_AUDIT);
	data = lockfile_read(p, 1000, &len, &err);
	assert_string_equal(data, "{\"a\":1}\n{\"a\":2}\n");
	free(data);
	free(p);

	/* Hidden folders (spool, passes, half-built entries) are not listed. */
	p = mem_printf("%s/.tmp-x", qdir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	assert_int_equal(qentry_list(qdir, &ids, &n, &err), 0);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		assert_true(ids[i][0] != '.');
		if (i > 0)
			assert_true(strcmp(ids[i - 1], ids[i]) < 0);
	}
	qentry_list_free(ids, n);
	assert_int_equal(qentry_remove(qdir, "20261121T000000Z-C", &err), 0);
	p = mem_printf("%s/20261121T000000Z-C", qdir);
	assert_int_not_equal(access(p, F_OK), 0);
	free(p);
	assert_int_equal(qentry_remove(qdir, "20261121T000000Z-C", &err), -1);
	free(err);
	/* A store that does not exist yet lists as empty. */
	assert_int_equal(qentry_list("/nonexistent/q", &ids, &n, &err), 0);
	assert_int_equal(n, 0);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(qdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = mem_printf("rm -rf '%s'", qdir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* The review fields (issue 12): hits and files kept, wrong types skipped. */
static void
test_review_fields(void **state)
{
	static const char meta[] = "{\"subject\":\"Invoice\","
	    "\"decided_by\":\"attach.x\",\"reply\":\"550 5.7.1 no\","
	    "\"hits\":[{\"rule\":\"attach.x\",\"action\":\"reject\","
	    "\"part\":2,\"filename\":\"js.zip/payload.js\"},7,{\"action\":"
	    "\"log\"},{\"rule\":\"virus.found\",\"part\":-3,\"detail\":"
	    "\"Eicar-Test\"}],\"files\":[{\"part\":2,\"name\":\"js.zip\","
	    "\"type\":\"application/zip\"},{\"name\":5},{\"part\":\"2\","
	    "\"name\":\"js.zip/payload.js\",\"reading\":\"last-param\"}]}";
	struct qentry e;
	char *err = NULL;

	(void)state;
	assert_int_equal(qentry_parse(&e, meta, strlen(meta), &err), 0);
	assert_string_equal(e.subject, "Invoice");
	assert_string_equal(e.decided_by, "attach.x");
	assert_string_equal(e.reply, "550 5.7.1 no");
	assert_int_equal(e.nhits, 2);
	assert_string_equal(e.hits[0].filename, "js.zip/payload.js");
	assert_int_equal(e.hits[0].part, 2);
	assert_int_equal(e.hits[1].part, -1);
	assert_string_equal(e.hits[1].detail, "Eicar-Test");
	assert_null(e.hits[1].action);
	assert_int_equal(e.nfiles, 2);
	assert_string_equal(e.files[0].type, "application/zip");
	assert_int_equal(e.files[1].part, -1);
	assert_string_equal(e.files[1].reading, "last-param");
	qentry_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_history_audit_remove),
		cmocka_unit_test(test_review_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
