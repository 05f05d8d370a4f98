/*
 * alert.h - the JSON alert log shared by the milter and the sensor.
 *
 * One JSON object per line, keys in the style of Suricata's EVE JSON
 * ("timestamp", "event_type", "src_ip", ...) plus msgsec's own ("rule",
 * "policy", "action", "agency", "direction", "exception").  Never message
 * bodies: callers add only the fields defined for their event type.
 *
 * An alert is composed in a private buffer and written with one write(2) on
 * an O_APPEND descriptor, so lines from several threads or processes never
 * interleave.  Thread safety: alert_log_write and alert_log_reopen may be
 * called from any thread.
 */
#ifndef MSGSEC_ALERT_H
#define MSGSEC_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cidr.h"
#include "json.h"
#include "str.h"

#define ALERT_LINE_MAX (64 * 1024)

enum alert_output {
	ALERT_OUT_FILE,
	ALERT_OUT_STDOUT,
	ALERT_OUT_SYSLOG,
	ALERT_OUT_NONE,
	ALERT_OUT_DATABASE,	/* alerts.output: postgresql: no local line
				 * (or the file, alerts.keep_file), the rest
				 * is the sink's (alert_log_set_sink) */
};

struct alert_log;

/*
 * Open the log.  path is used for ALERT_OUT_FILE (created 0640 if absent);
 * ident and facility (LOG_LOCAL5 ...) for ALERT_OUT_SYSLOG.  Returns NULL
 * with a malloc'd *error_r on failure.
 */
struct alert_log *alert_log_open(enum alert_output out, const char *path,
    const char *ident, int facility, char **error_r);
/* Reopen the file (after logrotate moved it).  0, or -1 with *error_r. */
int alert_log_reopen(struct alert_log *log, char **error_r);
void alert_log_close(struct alert_log **log);
/*
 * A second destination for every line (alerts.output: postgresql, filled
 * by pgstore/pgalert.c, which this library cannot see).  put gets each
 * whole line, LF included, from the thread that writes the alert, after
 * the local output; it must not wait on the network (queue it), and
 * returns 0, or -1 when the line could not be kept (counted as failed).
 * close is called once by alert_log_close; ctx is not used after it.
 */
struct alert_sink {
	int (*put)(void *ctx, const char *line, size_t len);
	void (*close)(void *ctx);
	void *ctx;
};
/* Attach the sink (before the log is shared with other threads). */
void alert_log_set_sink(struct alert_log *log, const struct alert_sink *s);
/* Lines written and lines lost to write errors. */
uint64_t alert_log_written(const struct alert_log *log);
uint64_t alert_log_failed(const struct alert_log *log);

/* One alert under construction. */
struct alert {
	struct buf b;
	struct json_writer w;
	size_t good;		/* end of the last complete field */
};

/*
 * Start an alert: {"timestamp":"2026-03-15T10:00:00.000000+0000",
 * "event_type":"mail".  ts NULL means now.
 */
void alert_begin(struct alert *a, const struct timespec *ts,
    const char *event_type);
void alert_add_str(struct alert *a, const char *key, const char *value);
void alert_add_span(struct alert *a, const char *key, struct span value);
void alert_add_u64(struct alert *a, const char *key, uint64_t value);
void alert_add_ip(struct alert *a, const char *key, const struct ipaddr *ip);
/* For nested values: the writer, positioned after the last field. */
struct json_writer *alert_json(struct alert *a);
/*
 * Close the object and write the line.  Returns 0, or -1 (errno set) if the
 * line could not be written whole; the alert is freed either way.
 */
int alert_log_write(struct alert_log *log, struct alert *a);
/* Discard an alert without writing it. */
void alert_discard(struct alert *a);

#endif
