/*
 * log.h - the daemons' log: one severity ladder, to syslog, to stderr, or
 * both (STYLE.md section 4).
 *
 *   debug  info  notice  warning  error  fatal (exits)  panic (aborts)
 *
 * A stderr line is "IDENT: TEXT", with LOG_STAMP preceded by the local
 * time in ISO 8601 with milliseconds and the offset
 * (2026-03-15T10:00:00.123+01:00 msgsec-milter: TEXT); fatal and panic
 * lines say so ("IDENT: fatal: TEXT").  Before log_open, lines go to
 * stderr unstamped as "msgsec: TEXT", so a library message (out of memory
 * in the admin command) is never lost.
 *
 * Thread safety: log_msg and the level functions may be called from any
 * thread (a stderr line is written whole under the stream's lock);
 * log_open, log_set_stderr and log_set_level are for the start, before
 * other threads log.
 */
#ifndef MSGSEC_LOG_H
#define MSGSEC_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_FATAL,	/* the line, then exit(1) */
	LOG_LEVEL_PANIC,	/* the line, then abort(): a core */
};

/* log_open's flags. */
#define LOG_TO_STDERR 0x1
#define LOG_TO_SYSLOG 0x2	/* openlog(ident, LOG_PID|LOG_NDELAY) */
#define LOG_STAMP 0x4		/* stderr lines start with the local time */

/*
 * Send lines to flags' destinations as ident (a string that outlives the
 * process's logging: a literal), facility for syslog (LOG_MAIL, ...).
 * May be called again to change them (options read first, then the
 * daemon's own destinations).
 */
void log_open(const char *ident, unsigned flags, int facility);
/* Stop (or start again) writing to stderr: daemon(3) closed it. */
void log_set_stderr(bool on);
/* Drop lines below min (default LOG_LEVEL_INFO); fatal and panic never. */
void log_set_level(enum log_level min);

/* One line at level; the text needs no newline. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Bad start-up state that the caller cannot carry on from: the line, then
 * exit(1).  Allocates nothing itself (the allocator may be what failed).
 */
void log_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/*
 * Our own invariant broken, or memory gone: the line, then abort() for a
 * core.  Allocates nothing itself.
 */
void log_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * The local time now as ISO 8601 with milliseconds and the offset, into
 * out (48 bytes are plenty); "" when the clock or the zone fails.
 */
void log_stamp(char *out, size_t size);

#endif
