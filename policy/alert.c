/*
 * alert.c - the JSON alert log.
 *
 * An alert is built in its own bounded buffer (ALERT_LINE_MAX) and written
 * with one write(2) on an O_APPEND descriptor, so concurrent writers never
 * interleave inside a line.  A mutex orders writes against reopen (for
 * logrotate).  An alert that would outgrow the bound is cut back to its
 * last complete field and closed with "truncated":true, so every line is
 * valid JSON.  Values are escaped by json.c; nothing here ever copies
 * untrusted bytes raw.
 */
#include "alert.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <stdio.h>
#include <unistd.h>

#include "mem.h"

#define ALERT_RESERVE 64	/* room kept for "truncated" and "}\n" */

struct alert_log {
	enum alert_output out;
	char *path;
	int fd;
	pthread_mutex_t lock;
	uint64_t written;
	uint64_t failed;
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
	if (log->out == ALERT_OUT_FILE && log->fd >= 0)
		close(log->fd);
	pthread_mutex_destroy(&log->lock);
	free(log->path);
	free(log);
	*logp = NULL;
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

void
alert_begin(struct alert *a, const struct timespec *ts,
    const char *event_type)
{
	struct timespec now;
	struct tm tm;
	char stamp[48];
	size_t n;

	if (ts == NULL) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	gmtime_r(&ts->tv_sec, &tm);
	n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (snprintf(stamp + n, sizeof(stamp) - n, ".%06ld+0000",
	    ts->tv_nsec / 1000) < 0)
		stamp[n] = '\0';
	buf_init(&a->b, ALERT_LINE_MAX - ALERT_RESERVE);
	json_init(&a->w, &a->b);
	json_object_begin(&a->w);
	json_key(&a->w, "timestamp");
	json_string(&a->w, stamp);
	json_key(&a->w, "event_type");
	json_string(&a->w, event_type);
	a->good = a->b.len;
}

/* Remember where the alert was last whole, before adding a field. */
static void
alert_mark(struct alert *a)
{
	if (!a->w.error && a->w.depth == 1)
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

/* Close the object, cutting back to the last whole field if needed. */
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
	(void)buf_append(&a->b, "\n", 1);
}

int
alert_log_write(struct alert_log *log, struct alert *a)
{
	ssize_t n;
	int rc = 0, saved = 0;

	alert_close(a);
	switch (log->out) {
	case ALERT_OUT_NONE:
		break;
	case ALERT_OUT_SYSLOG:
		syslog(LOG_NOTICE, "%.*s", (int)(a->b.len - 1), a->b.data);
		break;
	case ALERT_OUT_FILE:
	case ALERT_OUT_STDOUT:
		pthread_mutex_lock(&log->lock);
		do {
			n = write(log->fd, a->b.data, a->b.len);
		} while (n < 0 && errno == EINTR);
		saved = errno;
		pthread_mutex_unlock(&log->lock);
		if (n < 0 || (size_t)n != a->b.len) {
			rc = -1;
			if (n >= 0)
				saved = EIO;
		}
		break;
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
