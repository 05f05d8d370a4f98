/*
 * test_alert.c - the alert log: exact lines, reopen after rotation,
 * concurrent writers never interleave, truncation at ALERT_LINE_MAX keeps
 * valid JSON, stdout mode.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert.h"
#include "mem.h"

static char dir[] = "/tmp/msgsec-test-alert-XXXXXX";
static char path[256];

static char *
slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	char *data;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = mem_malloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

static int
setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	return 0;
}

static int
teardown(void **state)
{
	char p[300];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s.1", path);
	unlink(p);
	rmdir(dir);
	return 0;
}

static void
test_line(void **state)
{
	struct timespec ts = { 1773568800, 123456000 };	/* 2026-03-15 10:00 */
	struct alert_log *log;
	struct alert a;
	struct ipaddr ip;
	char *err = NULL, *data;

	(void)state;
	unlink(path);
	log = alert_log_open(ALERT_OUT_FILE, path, NULL, 0, &err);
	assert_non_null(log);
	alert_begin(&a, &ts, "mail");
	alert_add_str(&a, "rule", "attach.dangerous-extension");
	alert_add_str(&a, "exception", NULL);
	assert_int_equal(ipaddr_parse("192.0.2.7", 9, &ip), 0);
	alert_add_ip(&a, "src_ip", &ip);
	alert_add_u64(&a, "src_port", 25);
	alert_add_span(&a, "filename", (struct span){ "a\"b\n\xff", 5 });
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_int_equal(alert_log_written(log), 1);
	alert_log_close(&log);
	data = slurp(path);
	assert_string_equal(data, "{\"timestamp\":\"2026-03-15T10:00:00.123456"
	    "+0000\",\"event_type\":\"mail\",\"rule\":\"attach.dangerous-"
	    "extension\",\"exception\":null,\"src_ip\":\"192.0.2.7\","
	    "\"src_port\":25,\"filename\":\"a\\\"b\\n\xef\xbf\xbd\"}\n");
	free(data);
}

static void
test_reopen(void **state)
{
	struct alert_log *log;
	struct alert a;
	char *err = NULL, rotated[300], *data;

	(void)state;
	unlink(path);
	log = alert_log_open(ALERT_OUT_FILE, path, NULL, 0, &err);
	alert_begin(&a, NULL, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(alert_log_reopen(log, &err), 0);
	alert_begin(&a, NULL, "network");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	data = slurp(path);
	assert_non_null(strstr(data, "\"network\""));
	assert_null(strstr(data, "\"mail\""));
	free(data);
	data = slurp(rotated);
	assert_non_null(strstr(data, "\"mail\""));
	free(data);
}

static struct alert_log *shared;

static void *
writer(void *arg)
{
	char field[200];

	memset(field, 'a' + (int)(intptr_t)arg, sizeof(field) - 1);
	field[sizeof(field) - 1] = '\0';
	for (int i = 0; i < 2000; i++) {
		struct alert a;

		alert_begin(&a, NULL, "mail");
		alert_add_str(&a, "detail", field);
		alert_add_u64(&a, "n", (uint64_t)i);
		if (alert_log_write(shared, &a) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
test_concurrent(void **state)
{
	pthread_t t[4];
	char *err = NULL, *data, *line, *save;
	size_t lines = 0;

	(void)state;
	unlink(path);
	shared = alert_log_open(ALERT_OUT_FILE, path, NULL, 0, &err);
	for (intptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, writer, (void *)i);
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		assert_null(r);
	}
	alert_log_close(&shared);
	data = slurp(path);
	for (line = strtok_r(data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		assert_true(line[0] == '{' && line[n - 1] == '}');
		assert_non_null(strstr(line, "\"n\":"));
		lines++;
	}
	assert_int_equal(lines, 8000);
	free(data);
}

static void
test_truncation(void **state)
{
	struct alert_log *log;
	struct alert a;
	char *err = NULL, *data, *big;
	size_t n;

	(void)state;
	unlink(path);
	log = alert_log_open(ALERT_OUT_FILE, path, NULL, 0, &err);
	big = mem_malloc(ALERT_LINE_MAX);
	memset(big, 'x', ALERT_LINE_MAX - 1);
	big[ALERT_LINE_MAX - 1] = '\0';
	alert_begin(&a, NULL, "mail");
	alert_add_str(&a, "rule", "r1");
	alert_add_str(&a, "detail", big);
	alert_add_str(&a, "after", "y");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	data = slurp(path);
	n = strlen(data);
	assert_true(n <= ALERT_LINE_MAX);
	assert_non_null(strstr(data, "\"rule\":\"r1\",\"truncated\":true}\n"));
	assert_null(strstr(data, "xxxx"));
	free(data);
	free(big);
}

static void
test_stdout(void **state)
{
	struct alert_log *log;
	struct alert a;
	char *err = NULL, *data;
	int saved = dup(1);
	FILE *f;

	(void)state;
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	dup2(fileno(f), 1);
	log = alert_log_open(ALERT_OUT_STDOUT, NULL, NULL, 0, &err);
	alert_begin(&a, NULL, "mail");
	alert_add_str(&a, "k", "v");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	dup2(saved, 1);
	close(saved);
	fclose(f);
	data = slurp(path);
	assert_non_null(strstr(data, "\"k\":\"v\"}\n"));
	free(data);
}

static void
test_open_failure(void **state)
{
	char *err = NULL;

	(void)state;
	assert_null(alert_log_open(ALERT_OUT_FILE, "/nonexistent/dir/a.json",
	    NULL, 0, &err));
	assert_non_null(strstr(err, "cannot open alert log"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_open_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
