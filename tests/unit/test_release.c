/*
 * test_release.c - one-time release passes: created with a random token,
 * consumed exactly once (also under a race of many threads), refused when
 * malformed, unknown, expired, or after release_cancel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem.h"
#include "release.h"

static char qdir[] = "/tmp/msgsec-rel.XXXXXX";

static void
test_once(void **state)
{
	char tok[RELEASE_TOKEN_LEN + 1], tok2[RELEASE_TOKEN_LEN + 1], id[64];
	char *err = NULL, *hdr;
	const char *why;
	time_t now = time(NULL);

	(void)state;
	assert_int_equal(release_create(qdir, "ENTRY-1", tok, &err), 0);
	assert_int_equal(strlen(tok), RELEASE_TOKEN_LEN);
	assert_int_equal(strspn(tok, "0123456789abcdef"), RELEASE_TOKEN_LEN);
	assert_int_equal(release_create(qdir, "ENTRY-2", tok2, &err), 0);
	assert_string_not_equal(tok, tok2);
	/* Header values carry white space; case does not matter. */
	hdr = mem_printf("  %s\r\n", tok);
	for (char *p = hdr; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 32);
	assert_int_equal(release_consume(qdir, hdr, now, 60, id, sizeof(id),
	    &why), 0);
	assert_string_equal(id, "ENTRY-1");
	assert_int_equal(release_consume(qdir, tok, now, 60, id, sizeof(id),
	    &why), -1);
	assert_string_equal(why, "unknown or already used pass");
	free(hdr);
	/* Malformed: never becomes a path. */
	assert_int_equal(release_consume(qdir, "../../../../etc/passwd", now,
	    60, id, sizeof(id), &why), -1);
	assert_string_equal(why, "malformed pass");
	assert_int_equal(release_consume(qdir, "0123456789abcdef0123456789abcdeg",
	    now, 60, id, sizeof(id), &why), -1);
	assert_string_equal(why, "malformed pass");
	/* Expired: older than max_age at now. */
	assert_int_equal(release_consume(qdir, tok2, now + 61, 60, id,
	    sizeof(id), &why), -1);
	assert_string_equal(why, "expired pass (quarantine.release_seconds)");
	/* Cancelled. */
	assert_int_equal(release_create(qdir, "ENTRY-3", tok, &err), 0);
	release_cancel(qdir, tok);
	assert_int_equal(release_consume(qdir, tok, now, 60, id, sizeof(id),
	    &why), -1);
}

struct race {
	const char *tok;
	int won;
};

static void *
racer(void *arg)
{
	struct race *r = arg;
	const char *why;
	char id[64];

	r->won = release_consume(qdir, r->tok, time(NULL), 60, id, sizeof(id),
	    &why) == 0;
	return NULL;
}

static void
test_race(void **state)
{
	char tok[RELEASE_TOKEN_LEN + 1], *err = NULL;
	pthread_t t[16];
	struct race r[16];
	int won = 0;

	(void)state;
	assert_int_equal(release_create(qdir, "ENTRY-R", tok, &err), 0);
	for (int i = 0; i < 16; i++) {
		r[i].tok = tok;
		r[i].won = 0;
		assert_int_equal(pthread_create(&t[i], NULL, racer, &r[i]), 0);
	}
	for (int i = 0; i < 16; i++) {
		pthread_join(t[i], NULL);
		won += r[i].won;
	}
	assert_int_equal(won, 1);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_race),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
