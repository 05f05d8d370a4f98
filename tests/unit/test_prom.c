/*
 * test_prom.c - the Prometheus text writer and counter table (prom.c):
 * label values escaped, the table at and over its bound, many threads
 * adding the same new keys at once, the atomic file write and its error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "prom.h"

static void
test_escaping(void **state)
{
	const char *l[] = { "rule", "a\"b\\c\nd\x01\xc3\xa9", NULL };
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	prom_head(&b, "x_total", "counter", "Things.");
	prom_u64(&b, "x_total", l, 7);
	prom_u64(&b, "y", NULL, 0);
	prom_double(&b, "z", NULL, 0.25);
	assert_string_equal(b.data, "# HELP x_total Things.\n"
	    "# TYPE x_total counter\n"
	    "x_total{rule=\"a\\\"b\\\\c\\nd???\"} 7\ny 0\nz 0.25\n");
	buf_free(&b);
}

struct seen {
	uint64_t total;
	size_t keys;
};

static void
visit(void *ctx, const char *key, uint64_t n)
{
	struct seen *s = ctx;

	(void)key;
	s->total += n;
	s->keys++;
}

static void
test_table_bound(void **state)
{
	struct prom_table *t = prom_table_new(16);
	struct seen s = { 0, 0 };
	char key[32];

	(void)state;
	for (int i = 0; i < 16; i++) {	/* exactly at the bound */
		snprintf(key, sizeof(key), "rule.%d", i);
		prom_table_add(t, key, 2);
	}
	assert_int_equal(prom_table_each(t, visit, &s), 0);
	assert_int_equal(s.keys, 16);
	assert_int_equal(s.total, 32);
	prom_table_add(t, "rule.16", 5);	/* one over: overflow */
	prom_table_add(t, "rule.3", 1);		/* a known key still counts */
	s.total = 0;
	s.keys = 0;
	assert_int_equal(prom_table_each(t, visit, &s), 5);
	assert_int_equal(s.keys, 16);
	assert_int_equal(s.total, 33);
	prom_table_free(&t);
	assert_null(t);
}

static struct prom_table *shared;

static void *
adder(void *arg)
{
	char key[32];

	(void)arg;
	for (int round = 0; round < 200; round++)
		for (int i = 0; i < 50; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			prom_table_add(shared, key, 1);
		}
	return NULL;
}

static void
test_table_threads(void **state)
{
	pthread_t th[8];
	struct seen s = { 0, 0 };

	(void)state;
	shared = prom_table_new(100);
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, adder, NULL), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(prom_table_each(shared, visit, &s), 0);
	assert_int_equal(s.keys, 50);
	assert_int_equal(s.total, 8 * 200 * 50);
	prom_table_free(&shared);
}

static void
test_write_file(void **state)
{
	char dir[] = "/tmp/msgsec-prom.XXXXXX", path[128], tmp[140], got[64];
	char *err = NULL;
	struct buf b;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	buf_init(&b, 1024);
	prom_u64(&b, "up", NULL, 1);
	assert_int_equal(prom_write_file(path, &b, &err), 0);
	assert_null(err);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_non_null(f = fopen(path, "r"));
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_string_equal(got, "up 1\n");
	snprintf(path, sizeof(path), "%s/missing/m.prom", dir);
	assert_int_equal(prom_write_file(path, &b, &err), -1);
	assert_non_null(strstr(err, "cannot write"));
	assert_non_null(strstr(err, "No such file or directory"));
	free(err);
	buf_free(&b);
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_table_bound),
		cmocka_unit_test(test_table_threads),
		cmocka_unit_test(test_write_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
