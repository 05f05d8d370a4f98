/*
 * test_watch.c - fingerprints of the policy's files: every change a
 * writer can make (new file, rewrite of the same size, rename over, removal,
 * a new folder) changes it; reading, hidden files and non-YAML files do
 * not.
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

#include "mem.h"
#include "watch.h"

static void
put(const char *dir, const char *name, const char *text)
{
	char *p = mem_printf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static uint64_t
fp(const char *dir)
{
	const char *paths[2] = { dir, "/nonexistent/msgsec-watch" };

	return watch_fingerprint(paths, 2);
}

static void
test_changes(void **state)
{
	char dir[] = "/tmp/msgsec-watch.XXXXXX";
	uint64_t a, b;
	char *p, *q;

	(void)state;
	assert_non_null(mkdtemp(dir));
	a = fp(dir);
	assert_int_equal(a, fp(dir));
	put(dir, "EX-1.yaml", "one\n");
	b = fp(dir);
	assert_true(a != b);
	/* Same size, new content: the change time moves. */
	usleep(20000);
	put(dir, "EX-1.yaml", "two\n");
	a = fp(dir);
	assert_true(a != b);
	/* Hidden files (locks, temporaries) and other names do not count,
	 * except that the folder itself changed. */
	put(dir, ".lock", "");
	b = fp(dir);
	put(dir, ".lock", "");
	assert_int_equal(b, fp(dir));
	/* A rename over the record (how msgsec replaces files). */
	put(dir, ".EX-1.yaml.tmp", "three\n");
	p = mem_printf("%s/.EX-1.yaml.tmp", dir);
	q = mem_printf("%s/EX-1.yaml", dir);
	assert_int_equal(rename(p, q), 0);
	a = fp(dir);
	assert_true(a != b);
	assert_int_equal(unlink(q), 0);
	b = fp(dir);
	assert_true(a != b);
	free(p);
	free(q);
	p = mem_printf("%s/.lock", dir);
	unlink(p);
	free(p);
	rmdir(dir);
	/* A missing folder has a fingerprint of its own. */
	assert_true(fp(dir) != b);
}

static void
test_policy_sources(void **state)
{
	char dir[] = "/tmp/msgsec-watch.XXXXXX";
	struct config c;
	uint64_t a;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&c, 0, sizeof(c));
	c.exceptions_dir = dir;
	a = watch_policy_sources(&c);
	put(dir, "EX-2026-0001.yaml", "x\n");
	assert_true(a != watch_policy_sources(&c));
	{
		char *p = mem_printf("%s/EX-2026-0001.yaml", dir);

		unlink(p);
		free(p);
	}
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_policy_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
