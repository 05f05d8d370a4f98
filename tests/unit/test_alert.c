/*
 * test_alert.c - the alert log: exact lines and timestamps, file mode and
 * append, reopen after rotation (also while four threads write), 4 x 2000
 * concurrent alerts giving exactly 8000 whole lines, the line bound exactly
 * at ALERT_LINE_MAX and one over (truncated, still valid JSON), stdout
 * mode, failed and short writes.  Lines are checked by the library's
 * strict RFC 8259 reader (jsonread.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert.h"
#include "jsonread.h"
#include "mem.h"

/* ------------------------------------------------------------ helpers */

static char dir[] = "/tmp/msgsec-test-alert-XXXXXX";
/* The reader's bounds for a line: deeper than the writer ever goes. */
static const struct jsonread_limits strict = { 64, SIZE_MAX, SIZE_MAX };
static char path[256];
static const struct timespec fixed = { 1773568800, 123456000 };
#define STAMP "{\"timestamp\":\"2026-03-15T10:00:00.123456+0000\""

static char *
slurp(const char *p, size_t *len_r)
{
	FILE *f = fopen(p, "rb");
	char *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	data = mem_malloc((size_t)n + 1);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	if (len_r != NULL)
		*len_r = (size_t)n;
	return data;
}

/* Remove every file in the test folder (rotations included). */
static void
clean_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static struct alert_log *
open_file_log(void)
{
	char *err = NULL;
	struct alert_log *log = alert_log_open(ALERT_OUT_FILE, path, NULL, 0,
	    &err);

	assert_null(err);
	assert_non_null(log);
	return log;
}

/* Every line of data is a valid JSON object; returns the count. */
static size_t
check_lines(const char *data, size_t len)
{
	size_t lines = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n;

		assert_non_null(nl);
		n = (size_t)(nl - (data + i));
		assert_true(n > 0 && data[i] == '{');
		assert_int_equal(jsonread_check(data + i, n, &strict, NULL),
		    JSONREAD_OK);
		assert_true(n + 1 <= ALERT_LINE_MAX);
		i += n + 1;
		lines++;
	}
	return lines;
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
	(void)state;
	clean_dir();
	rmdir(dir);
	return 0;
}

static int
fresh(void **state)
{
	(void)state;
	clean_dir();
	return 0;
}

/* ------------------------------------------------------------- tests */

static void
test_line(void **state)
{
	static const uint8_t v4[4] = { 192, 0, 2, 7 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 1 };
	struct alert_log *log;
	struct alert a;
	struct ipaddr ip;
	char *data;
	size_t len;

	(void)state;
	log = open_file_log();
	alert_begin(&a, &fixed, "mail");
	alert_add_str(&a, "rule", "attach.dangerous-extension");
	alert_add_str(&a, "exception", NULL);
	ipaddr_from_v4(&ip, v4);
	alert_add_ip(&a, "src_ip", &ip);
	ipaddr_from_v6(&ip, v6);
	alert_add_ip(&a, "dest_ip", &ip);
	alert_add_u64(&a, "src_port", 25);
	alert_add_span(&a, "filename", (struct span){ "a\"b\n\xff\0", 6 });
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_null(a.b.data);
	alert_begin(&a, &fixed, "network");
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_int_equal(alert_log_written(log), 2);
	assert_int_equal(alert_log_failed(log), 0);
	alert_log_close(&log);
	assert_null(log);
	data = slurp(path, &len);
	assert_string_equal(data, STAMP ",\"event_type\":\"mail\",\"rule\":"
	    "\"attach.dangerous-extension\",\"exception\":null,\"src_ip\":"
	    "\"192.0.2.7\",\"dest_ip\":\"2001:db8::1\",\"src_port\":25,"
	    "\"filename\":\"a\\\"b\\n\xef\xbf\xbd\\u0000\"}\n"
	    STAMP ",\"event_type\":\"network\"}\n");
	assert_int_equal(check_lines(data, len), 2);
	free(data);
}

static void
stamp_of(const struct timespec *ts, char *out, size_t size)
{
	struct alert_log *log = alert_log_open(ALERT_OUT_FILE, path, NULL, 0,
	    &(char *){ NULL });
	struct alert a;
	char *data, *q;

	assert_non_null(log);
	alert_begin(&a, ts, "x");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	data = slurp(path, NULL);
	assert_int_equal(strncmp(data, "{\"timestamp\":\"", 14), 0);
	q = strchr(data + 14, '"');
	assert_non_null(q);
	*q = '\0';
	snprintf(out, size, "%s", data + 14);
	free(data);
	unlink(path);
}

static void
test_timestamp(void **state)
{
	char s[64];
	struct timespec now;

	(void)state;
	stamp_of(&fixed, s, sizeof(s));
	assert_string_equal(s, "2026-03-15T10:00:00.123456+0000");
	stamp_of(&(struct timespec){ 0, 999999999 }, s, sizeof(s));
	assert_string_equal(s, "1970-01-01T00:00:00.999999+0000");
	stamp_of(&(struct timespec){ 951825600, 1000 }, s, sizeof(s));
	assert_string_equal(s, "2000-02-29T12:00:00.000001+0000");
	/* out-of-range nanoseconds and seconds are clamped, not printed */
	stamp_of(&(struct timespec){ 1773568800, 1000000000 }, s, sizeof(s));
	assert_string_equal(s, "2026-03-15T10:00:00.000000+0000");
	stamp_of(&(struct timespec){ 1773568800, -1 }, s, sizeof(s));
	assert_string_equal(s, "2026-03-15T10:00:00.000000+0000");
	stamp_of(&(struct timespec){ INT64_MAX, 5000 }, s, sizeof(s));
	assert_string_equal(s, "1970-01-01T00:00:00.000000+0000");
	/* NULL: now, in the same shape */
	clock_gettime(CLOCK_REALTIME, &now);
	stamp_of(NULL, s, sizeof(s));
	assert_int_equal(strlen(s), 31);
	assert_int_equal(strncmp(s, "20", 2), 0);
	assert_true(s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && s[19] == '.');
	assert_string_equal(s + 26, "+0000");
}

/* Find our descriptor for path under /proc/self/fd. */
static int
fd_of(const char *p)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = -1;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char link[300], target[300];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, p) == 0) {
			uint64_t v;

			if (str_to_u64_cstr(e->d_name, 0, INT32_MAX, &v) == 0)
				found = (int)v;
		}
	}
	closedir(d);
	return found;
}

static void
test_mode_append(void **state)
{
	struct alert_log *log;
	struct alert a;
	struct stat st;
	mode_t old = umask(022);
	FILE *f;
	char *data;
	int fd;

	(void)state;
	/* a new file is 0640 and close-on-exec */
	log = open_file_log();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	fd = fd_of(path);
	if (fd >= 0)
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	alert_log_close(&log);
	umask(old);
	/* an existing file is appended to, never truncated */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	log = open_file_log();
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	data = slurp(path, NULL);
	assert_string_equal(data, "old\n" STAMP ",\"event_type\":\"mail\"}\n");
	free(data);
}

static void
test_reopen(void **state)
{
	struct alert_log *log;
	struct alert a;
	char *err = NULL, rotated[300], sub[300], subpath[320], moved[300];
	char *data;

	(void)state;
	log = open_file_log();
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	assert_int_equal(rename(path, rotated), 0);
	/* until reopened, alerts follow the renamed file */
	alert_begin(&a, &fixed, "late");
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_int_equal(alert_log_reopen(log, &err), 0);
	alert_begin(&a, &fixed, "network");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	data = slurp(path, NULL);
	assert_string_equal(data, STAMP ",\"event_type\":\"network\"}\n");
	free(data);
	data = slurp(rotated, NULL);
	assert_string_equal(data, STAMP ",\"event_type\":\"mail\"}\n"
	    STAMP ",\"event_type\":\"late\"}\n");
	free(data);

	/* a failed reopen says why and keeps writing to the old file */
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	snprintf(subpath, sizeof(subpath), "%s/a.json", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	log = alert_log_open(ALERT_OUT_FILE, subpath, NULL, 0, &err);
	assert_non_null(log);
	assert_int_equal(rename(sub, moved), 0);
	assert_int_equal(alert_log_reopen(log, &err), -1);
	assert_non_null(strstr(err, "cannot open alert log"));
	assert_non_null(strstr(err, subpath));
	free(err);
	alert_begin(&a, &fixed, "kept");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	snprintf(subpath, sizeof(subpath), "%s/a.json", moved);
	data = slurp(subpath, NULL);
	assert_string_equal(data, STAMP ",\"event_type\":\"kept\"}\n");
	free(data);
	unlink(subpath);
	rmdir(moved);

	/* reopen is a no-op for the other outputs */
	log = alert_log_open(ALERT_OUT_NONE, NULL, NULL, 0, &err);
	assert_int_equal(alert_log_reopen(log, &err), 0);
	alert_log_close(&log);
}

/* ------------------------------------------------------------ the sink */

struct sink_seen {
	char line[256];
	size_t len;
	int puts, closes;
	bool fail;
};

static int
sink_put(void *ctx, const char *line, size_t len)
{
	struct sink_seen *s = ctx;

	s->puts++;
	s->len = len < sizeof(s->line) ? len : sizeof(s->line) - 1;
	memcpy(s->line, line, s->len);
	s->line[s->len] = '\0';
	if (s->fail) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

static void
sink_close(void *ctx)
{
	((struct sink_seen *)ctx)->closes++;
}

/* The database's output: the whole line (LF included) to the sink, with
 * or without the file; a sink that cannot keep it is a failed write. */
static void
test_sink(void **state)
{
	struct sink_seen seen = { .fail = false };
	struct alert_sink sink = { sink_put, sink_close, &seen };
	struct alert_log *log;
	struct alert a;
	char *err = NULL, *data;

	(void)state;
	log = alert_log_open(ALERT_OUT_DATABASE, NULL, NULL, 0, &err);
	assert_non_null(log);
	alert_log_set_sink(log, &sink);
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_string_equal(seen.line, STAMP ",\"event_type\":\"mail\"}\n");
	seen.fail = true;
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(alert_log_written(log), 1);
	assert_int_equal(alert_log_failed(log), 1);
	alert_log_close(&log);
	assert_int_equal(seen.closes, 1);

	/* alerts.keep_file: the file as well. */
	seen.fail = false;
	log = alert_log_open(ALERT_OUT_FILE, path, NULL, 0, &err);
	assert_non_null(log);
	alert_log_set_sink(log, &sink);
	alert_begin(&a, &fixed, "both");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	data = slurp(path, NULL);
	assert_string_equal(data, seen.line);
	assert_int_equal(seen.puts, 3);
	assert_int_equal(seen.closes, 2);
	free(data);
}

/* ------------------------------------------------- concurrent writers */

#define THREADS 4
#define PER_THREAD 2000
#define DETAIL 300

static struct alert_log *shared;
static volatile int writers_done;

static void *
writer(void *arg)
{
	char field[DETAIL + 1];

	memset(field, 'a' + (int)(intptr_t)arg, DETAIL);
	field[DETAIL] = '\0';
	for (int i = 0; i < PER_THREAD; i++) {
		struct alert a;

		alert_begin(&a, NULL, "mail");
		alert_add_u64(&a, "thread", (uint64_t)(intptr_t)arg);
		alert_add_str(&a, "detail", field);
		alert_add_u64(&a, "n", (uint64_t)i);
		if (alert_log_write(shared, &a) != 0)
			return (void *)1;
	}
	return NULL;
}

/* Rotate the file under the writers as logrotate would. */
static void *
rotator(void *arg)
{
	int *count = arg;

	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE) &&
	    *count < 50) {
		char rotated[300], *err = NULL;

		usleep(2000);
		snprintf(rotated, sizeof(rotated), "%s.%d", path, ++*count);
		if (rename(path, rotated) != 0 ||
		    alert_log_reopen(shared, &err) != 0) {
			free(err);
			return (void *)1;
		}
	}
	return NULL;
}

/* Count and check the lines of one file into seen[thread][n]. */
static size_t
check_concurrent_file(const char *p, unsigned char seen[THREADS][PER_THREAD])
{
	char *data, *line;
	size_t len, lines = 0;

	data = slurp(p, &len);
	lines = check_lines(data, len);
	for (line = data; *line != '\0';) {
		char *nl = strchr(line, '\n');
		char *t, *d, *n, *end;
		uint64_t tid, num;

		/* Cut first: sanitizers' strstr measures the whole string. */
		*nl = '\0';
		t = strstr(line, "\"thread\":");
		d = strstr(line, "\"detail\":\"");
		n = strstr(line, "\"n\":");
		assert_true(t != NULL && d != NULL && n != NULL);
		tid = strtoull(t + 9, &end, 10);
		assert_true(tid < THREADS && *end == ',');
		num = strtoull(n + 4, &end, 10);
		assert_true(num < PER_THREAD && *end == '}');
		for (size_t k = 0; k < DETAIL; k++)
			assert_int_equal(d[10 + k], 'a' + (int)tid);
		assert_int_equal(d[10 + DETAIL], '"');
		assert_int_equal(seen[tid][num], 0);
		seen[tid][num] = 1;
		line = nl + 1;
	}
	free(data);
	return lines;
}

static void
run_concurrent(bool rotate)
{
	static unsigned char seen[THREADS][PER_THREAD];
	pthread_t t[THREADS], rot;
	int rotations = 0;
	size_t lines;
	void *r;

	memset(seen, 0, sizeof(seen));
	writers_done = 0;
	shared = open_file_log();
	for (intptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer,
		    (void *)i), 0);
	if (rotate)
		assert_int_equal(pthread_create(&rot, NULL, rotator,
		    &rotations), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_null(r);
	}
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	if (rotate) {
		assert_int_equal(pthread_join(rot, &r), 0);
		assert_null(r);
	}
	assert_int_equal(alert_log_written(shared), THREADS * PER_THREAD);
	assert_int_equal(alert_log_failed(shared), 0);
	alert_log_close(&shared);
	lines = check_concurrent_file(path, seen);
	for (int i = 1; i <= rotations; i++) {
		char rotated[300];

		snprintf(rotated, sizeof(rotated), "%s.%d", path, i);
		lines += check_concurrent_file(rotated, seen);
	}
	assert_int_equal(lines, THREADS * PER_THREAD);
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < PER_THREAD; k++)
			assert_int_equal(seen[i][k], 1);
	if (rotate)
		assert_true(rotations > 0);
}

static void
test_concurrent(void **state)
{
	(void)state;
	run_concurrent(false);
}

static void
test_concurrent_reopen(void **state)
{
	(void)state;
	run_concurrent(true);
}

/* ----------------------------------------------------------- the bound */

/* Write one alert with a detail of n 'x' (and maybe more) and read it. */
static char *
one_line(size_t n, const char *after, size_t *len_r)
{
	struct alert_log *log = open_file_log();
	struct alert a;
	char *big = mem_malloc(n + 1), *data;

	memset(big, 'x', n);
	big[n] = '\0';
	alert_begin(&a, &fixed, "mail");
	alert_add_str(&a, "detail", big);
	if (after != NULL)
		alert_add_str(&a, "after", after);
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	free(big);
	data = slurp(path, len_r);
	unlink(path);
	assert_int_equal(check_lines(data, *len_r), 1);
	return data;
}

#define BARE STAMP ",\"event_type\":\"mail\""

static void
test_truncation(void **state)
{
	size_t base, len, fill;
	char *data;

	(void)state;
	/* {...,"detail":""}\n gives the overhead of the field */
	data = one_line(0, NULL, &base);
	free(data);
	fill = ALERT_LINE_MAX - base;
	/* exactly at the bound: whole */
	data = one_line(fill, NULL, &len);
	assert_int_equal(len, ALERT_LINE_MAX);
	assert_null(strstr(data, "truncated"));
	assert_string_equal(data + len - 4, "x\"}\n");
	free(data);
	/* one over: the field goes, the marker comes */
	data = one_line(fill + 1, NULL, &len);
	assert_string_equal(data, BARE ",\"truncated\":true}\n");
	free(data);
	/* far over */
	data = one_line(4 * ALERT_LINE_MAX, NULL, &len);
	assert_string_equal(data, BARE ",\"truncated\":true}\n");
	free(data);
	/* a field that fits is kept when a later one overflows */
	data = one_line(ALERT_LINE_MAX / 2, "y", &len);
	assert_null(strstr(data, "truncated"));
	free(data);
	/* a field ending too near the bound for the marker goes too */
	data = one_line(fill - 5, "y", &len);
	assert_string_equal(data, BARE ",\"truncated\":true}\n");
	free(data);
	/* one ending just where the marker still fits is kept */
	data = one_line(ALERT_LINE_MAX - base - 17, "long enough to overflow",
	    &len);
	assert_string_equal(data + len - strlen("x\",\"truncated\":true}\n"),
	    "x\",\"truncated\":true}\n");
	assert_int_equal(len, ALERT_LINE_MAX);
	free(data);
}

static void
test_truncation_nested(void **state)
{
	struct alert_log *log;
	struct alert a;
	struct json_writer *w;
	char *data, *bad;
	size_t len;

	(void)state;
	log = open_file_log();
	/* an array that overflows is dropped whole */
	alert_begin(&a, &fixed, "mail");
	alert_add_str(&a, "rule", "r1");
	w = alert_json(&a);
	json_key(w, "rcpt_to");
	json_array_begin(w);
	for (int i = 0; i < 10000; i++)
		json_string(w, "someone@example.org");
	json_array_end(w);
	alert_add_str(&a, "last", "z");
	assert_int_equal(alert_log_write(log, &a), 0);
	/* a nested object left open is dropped, not left dangling */
	alert_begin(&a, &fixed, "mail");
	alert_add_str(&a, "rule", "r2");
	w = alert_json(&a);
	json_key(w, "obj");
	json_object_begin(w);
	json_key(w, "k");
	json_u64(w, 1);
	assert_int_equal(alert_log_write(log, &a), 0);
	/* a nested value closed properly stays */
	alert_begin(&a, &fixed, "mail");
	w = alert_json(&a);
	json_key(w, "rcpt_to");
	json_array_begin(w);
	json_string(w, "a@b");
	json_array_end(w);
	alert_add_str(&a, "after", "v");
	assert_int_equal(alert_log_write(log, &a), 0);
	/* an event type too big for the line keeps the timestamp */
	bad = mem_malloc(ALERT_LINE_MAX + 1);
	memset(bad, 'e', ALERT_LINE_MAX);
	bad[ALERT_LINE_MAX] = '\0';
	alert_begin(&a, &fixed, bad);
	alert_add_str(&a, "rule", "r4");
	assert_int_equal(alert_log_write(log, &a), 0);
	free(bad);
	alert_log_close(&log);
	data = slurp(path, &len);
	assert_int_equal(check_lines(data, len), 4);
	assert_string_equal(data,
	    BARE ",\"rule\":\"r1\",\"truncated\":true}\n"
	    BARE ",\"rule\":\"r2\",\"truncated\":true}\n"
	    BARE ",\"rcpt_to\":[\"a@b\"],\"after\":\"v\"}\n"
	    STAMP ",\"truncated\":true}\n");
	free(data);
}

/* --------------------------------------------------- the other outputs */

static void
test_stdout(void **state)
{
	struct alert_log *log;
	struct alert a;
	char *err = NULL, *data;
	int saved, fd;

	(void)state;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);
	log = alert_log_open(ALERT_OUT_STDOUT, NULL, NULL, 0, &err);
	assert_non_null(log);
	alert_begin(&a, &fixed, "mail");
	alert_add_str(&a, "k", "v");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_log_close(&log);
	/* closing the log leaves stdout open */
	assert_true(fcntl(STDOUT_FILENO, F_GETFD) >= 0);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	data = slurp(path, NULL);
	assert_string_equal(data, BARE ",\"k\":\"v\"}\n" BARE "}\n");
	free(data);
}

static void
test_syslog_none(void **state)
{
	struct alert_log *log;
	struct alert a;
	char *err = NULL;

	(void)state;
	log = alert_log_open(ALERT_OUT_SYSLOG, NULL, "msgsec-test", LOG_USER,
	    &err);
	assert_non_null(log);
	alert_begin(&a, &fixed, "test");
	alert_add_str(&a, "note", "unit test of msgsec's alert log");
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_int_equal(alert_log_written(log), 1);
	alert_log_close(&log);
	log = alert_log_open(ALERT_OUT_NONE, NULL, NULL, 0, &err);
	assert_non_null(log);
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	alert_begin(&a, &fixed, "mail");
	alert_add_str(&a, "k", "v");
	alert_discard(&a);
	assert_null(a.b.data);
	assert_int_equal(alert_log_written(log), 1);
	alert_log_close(&log);
	alert_log_close(&log);	/* NULL is fine */
}

static void
test_failures(void **state)
{
	struct alert_log *log;
	struct alert a;
	struct rlimit old, lim;
	char *err = NULL;
	void (*oldsig)(int);
	int rc, e;

	(void)state;
	assert_null(alert_log_open(ALERT_OUT_FILE, "/nonexistent/dir/a.json",
	    NULL, 0, &err));
	assert_non_null(strstr(err, "cannot open alert log"));
	free(err);

	/* the write fails: counted, errno kept */
	log = alert_log_open(ALERT_OUT_FILE, "/dev/full", NULL, 0, &err);
	if (log != NULL) {
		alert_begin(&a, &fixed, "mail");
		errno = 0;
		assert_int_equal(alert_log_write(log, &a), -1);
		assert_int_equal(errno, ENOSPC);
		assert_int_equal(alert_log_failed(log), 1);
		assert_int_equal(alert_log_written(log), 0);
		alert_log_close(&log);
	} else {
		free(err);
	}

	/* a short write is a failure (EIO); the file bound makes one */
	log = open_file_log();
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	oldsig = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 40;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	alert_begin(&a, &fixed, "mail");
	errno = 0;
	rc = alert_log_write(log, &a);
	e = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(rc, -1);
	assert_int_equal(e, EIO);
	assert_int_equal(alert_log_failed(log), 1);
	/* the next line is whole again */
	alert_begin(&a, &fixed, "mail");
	assert_int_equal(alert_log_write(log, &a), 0);
	assert_int_equal(alert_log_written(log), 1);
	alert_log_close(&log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_line, fresh),
		cmocka_unit_test_setup(test_timestamp, fresh),
		cmocka_unit_test_setup(test_mode_append, fresh),
		cmocka_unit_test_setup(test_reopen, fresh),
		cmocka_unit_test_setup(test_concurrent, fresh),
		cmocka_unit_test_setup(test_concurrent_reopen, fresh),
		cmocka_unit_test_setup(test_truncation, fresh),
		cmocka_unit_test_setup(test_truncation_nested, fresh),
		cmocka_unit_test_setup(test_stdout, fresh),
		cmocka_unit_test_setup(test_syslog_none, fresh),
		cmocka_unit_test_setup(test_failures, fresh),
		cmocka_unit_test_setup(test_sink, fresh),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
