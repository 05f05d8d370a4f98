/*
 * alert.c - the JSON alert log.
 *
 * An alert is built in its own bounded buffer (ALERT_LINE_MAX) and written
 * with one write(2) on an O_APPEND descriptor, so concurrent writers never
 * interleave inside a line.  A mutex orders writes against reopen (for
 * logrotate).  A line, newline included, is at most ALERT_LINE_MAX bytes:
 * an alert that would outgrow it is cut back to its last complete field
 * that still leaves room for ,"truncated":true}, and closed with that, so
 * every line is valid JSON.  Values are escaped by json.c; nothing here
 * ever copies untrusted bytes raw.  Timestamps come from callers (packet
 * headers among them), so out-of-range ones are clamped, not trusted.
 */
#include "alert.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"

/* What closing needs after the last field: "}\n", or the marker too. */
#define ALERT_TAIL 2
#define ALERT_TRUNC_TAIL (sizeof(",\"truncated\":true}\n") - 1)

struct alert_log {
	enum alert_output out;
	char *path;
	int fd;
	pthread_mutex_t lock;
	uint64_t written;
	uint64_t failed;
	struct alert_sink sink;	/* put NULL: none */
};

static int
open_file(const char *path, char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		*error_r = mem_printf("cannot open alert log %s: %s", path,
		    strerror(errno));
	return fd;
}

struct alert_log *
alert_log_open(enum alert_output out, const char *path, const char *ident,
    int facility, char **error_r)
{
	struct alert_log *log = mem_calloc(1, sizeof(*log));

	log->out = out;
	log->fd = -1;
	pthread_mutex_init(&log->lock, NULL);
	switch (out) {
	case ALERT_OUT_FILE:
		log->path = mem_strdup(path);
		log->fd = open_file(path, error_r);
		if (log->fd < 0) {
			alert_log_close(&log);
			return NULL;
		}
		break;
	case ALERT_OUT_STDOUT:
		log->fd = STDOUT_FILENO;
		break;
	case ALERT_OUT_SYSLOG:
		openlog(ident != NULL ? ident : "msgsec", LOG_PID | LOG_NDELAY,
		    facility);
		break;
	case ALERT_OUT_NONE:
	case ALERT_OUT_DATABASE:
		break;
	}
	return log;
}

int
alert_log_reopen(struct alert_log *log, char **error_r)
{
	int fd, old;

	if (log->out != ALERT_OUT_FILE)
		return 0;
	fd = open_file(log->path, error_r);
	if (fd < 0)
		return -1;
	pthread_mutex_lock(&log->lock);
	old = log->fd;
	log->fd = fd;
	pthread_mutex_unlock(&log->lock);
	if (old >= 0)
		close(old);
	return 0;
}

void
alert_log_close(struct alert_log **logp)
{
	struct alert_log *log = *logp;

	if (log == NULL)
		return;
	if (log->sink.close != NULL)
		log->sink.close(log->sink.ctx);
	if (log->out == ALERT_OUT_FILE && log->fd >= 0)
		close(log->fd);
	if (log->out == ALERT_OUT_SYSLOG)
		closelog();
	pthread_mutex_destroy(&log->lock);
	free(log->path);
	free(log);
	*logp = NULL;
}

void
alert_log_set_sink(struct alert_log *log, const struct alert_sink *s)
{
	log->sink = *s;
}

uint64_t
alert_log_written(const struct alert_log *log)
{
	return __atomic_load_n(&log->written, __ATOMIC_RELAXED);
}

uint64_t
alert_log_failed(const struct alert_log *log)
{
	return __atomic_load_n(&log->failed, __ATOMIC_RELAXED);
}

/*
 * EVE's format, UTC, microseconds: 2026-03-15T10:00:00.123456+0000.  A time
 * that struct tm cannot hold (a forged capture header) prints as the epoch,
 * which no reader mistakes for a real time.
 */
static void
alert_stamp(const struct timespec *ts, char *out, size_t size)
{
	struct tm tm;
	long usec = ts->tv_nsec / 1000;
	size_t n;

	if (usec < 0 || usec > 999999)
		usec = 0;
	if (gmtime_r(&ts->tv_sec, &tm) == NULL) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
		usec = 0;
	}
	n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0 || snprintf(out + n, size - n, ".%06ld+0000", usec) < 0)
		out[n] = '\0';
}

void
alert_begin(struct alert *a, const struct timespec *ts,
    const char *event_type)
{
	struct timespec now;
	char stamp[64];

	if (ts == NULL) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	alert_stamp(ts, stamp, sizeof(stamp));
	/* Fields may use all but the closing "}\n". */
	buf_init(&a->b, ALERT_LINE_MAX - ALERT_TAIL);
	json_init(&a->w, &a->b);
	json_object_begin(&a->w);
	json_key(&a->w, "timestamp");
	json_string(&a->w, stamp);
	a->good = a->b.len;
	alert_add_str(a, "event_type", event_type);
}

/*
 * Before adding a field: remember where the alert was last whole, if the
 * truncation marker would still fit there.  A field that ends too close to
 * the bound for that is dropped too when a later one overflows.
 */
static void
alert_mark(struct alert *a)
{
	if (!a->w.error && a->w.depth == 1 &&
	    a->b.len <= ALERT_LINE_MAX - ALERT_TRUNC_TAIL)
		a->good = a->b.len;
}

void
alert_add_str(struct alert *a, const char *key, const char *value)
{
	alert_mark(a);
	json_key(&a->w, key);
	json_string(&a->w, value);
}

void
alert_add_span(struct alert *a, const char *key, struct span value)
{
	alert_mark(a);
	json_key(&a->w, key);
	json_string_n(&a->w, value.p, value.len);
}

void
alert_add_u64(struct alert *a, const char *key, uint64_t value)
{
	alert_mark(a);
	json_key(&a->w, key);
	json_u64(&a->w, value);
}

void
alert_add_ip(struct alert *a, const char *key, const struct ipaddr *ip)
{
	char text[64];

	alert_mark(a);
	ipaddr_format(ip, text, sizeof(text));
	json_key(&a->w, key);
	json_string(&a->w, text);
}

struct json_writer *
alert_json(struct alert *a)
{
	alert_mark(a);
	return &a->w;
}

void
alert_discard(struct alert *a)
{
	buf_free(&a->b);
}

/*
 * Close the object, cutting back to the last whole field if the bound was
 * hit or the caller left a nested value open.
 */
static void
alert_close(struct alert *a)
{
	bool truncated = a->w.error || a->w.depth != 1;

	a->b.max = ALERT_LINE_MAX;
	if (truncated) {
		a->b.len = a->good;
		a->w.error = false;
		a->w.after_key = false;
		a->w.depth = 1;
		a->w.need_comma[1] = true;
		json_key(&a->w, "truncated");
		json_bool(&a->w, true);
	}
	json_object_end(&a->w);
	if (a->w.error || buf_append(&a->b, "\n", 1) < 0) {
		/* alert_mark and ALERT_TAIL guarantee the room. */
		fprintf(stderr, "msgsec: panic: alert tail did not fit\n");
		abort();
	}
}

/*
 * One write(2) of the whole line, under the lock so that reopen cannot swap
 * the descriptor beneath it.  0, or -1 with errno (EIO for a short write).
 */
static int
alert_write_fd(struct alert_log *log, const char *data, size_t len)
{
	ssize_t n;
	int rc = 0, saved = 0;

	pthread_mutex_lock(&log->lock);
	write_serial_begin();	/* stdout may be the flow log's too */
	do {
		n = write(log->fd, data, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		saved = errno;
		rc = -1;
	} else if ((size_t)n != len) {
		/* Disk full, most likely: end the partial line so that
		 * the next one starts whole. */
		saved = EIO;
		rc = -1;
		if (n > 0)
			(void)!write(log->fd, "\n", 1);
	}
	write_serial_end();
	pthread_mutex_unlock(&log->lock);
	errno = saved;
	return rc;
}

int
alert_log_write(struct alert_log *log, struct alert *a)
{
	int rc = 0, saved = 0;

	alert_close(a);
	switch (log->out) {
	case ALERT_OUT_NONE:
	case ALERT_OUT_DATABASE:
		break;
	case ALERT_OUT_SYSLOG:
		/* The newline ends a file's line, not the record. */
		syslog(LOG_NOTICE, "%.*s", (int)(a->b.len - 1), a->b.data);
		break;
	case ALERT_OUT_FILE:
	case ALERT_OUT_STDOUT:
		rc = alert_write_fd(log, a->b.data, a->b.len);
		saved = errno;
		break;
	}
	if (log->sink.put != NULL &&
	    log->sink.put(log->sink.ctx, a->b.data, a->b.len) < 0 &&
	    rc == 0) {
		saved = errno;
		rc = -1;
	}
	buf_free(&a->b);
	if (rc < 0) {
		__atomic_add_fetch(&log->failed, 1, __ATOMIC_RELAXED);
		errno = saved;
	} else {
		__atomic_add_fetch(&log->written, 1, __ATOMIC_RELAXED);
	}
	return rc;
}
