/*
 * log.c - the severity ladder of log.h, written to syslog(3) and/or stderr.
 *
 * Trusts its callers for the text: they escape what came from a peer
 * before it reaches a format (STYLE.md section 4).  A line is written
 * with one vfprintf under flockfile, so lines of two threads never mix;
 * syslog(3) is thread-safe itself.  fatal and panic format into a stack
 * buffer (LOG_FINAL_LINE bytes, cut beyond) and allocate nothing
 * themselves: they are what the allocator calls when memory is gone.
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#define LOG_FINAL_LINE 1024	/* fatal and panic lines, cut beyond */

static const char *log_ident = "msgsec";
static unsigned log_flags = LOG_TO_STDERR;
static bool log_stderr_on = true;
static enum log_level log_min = LOG_LEVEL_INFO;

void
log_open(const char *ident, unsigned flags, int facility)
{
	if ((log_flags & LOG_TO_SYSLOG) != 0 && (flags & LOG_TO_SYSLOG) == 0)
		closelog();
	log_ident = ident;
	log_flags = flags;
	log_stderr_on = true;
	if ((flags & LOG_TO_SYSLOG) != 0)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void
log_set_stderr(bool on)
{
	log_stderr_on = on;
}

void
log_set_level(enum log_level min)
{
	log_min = min > LOG_LEVEL_FATAL ? LOG_LEVEL_FATAL : min;
}

void
log_stamp(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char off[8];
	size_t n;

	if (size == 0)
		return;
	out[0] = '\0';
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 ||
	    localtime_r(&ts.tv_sec, &tm) == NULL)
		return;
	n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0 || strftime(off, sizeof(off), "%z", &tm) != 5) {
		out[0] = '\0';
		return;
	}
	/* %z is +0100; ISO 8601's extended form wants +01:00. */
	if (snprintf(out + n, size - n, ".%03ld%.3s:%.2s",
	    (long)(ts.tv_nsec / 1000000), off, off + 3) < 0)
		out[0] = '\0';
}

static int
log_priority(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_DEBUG:
		return LOG_DEBUG;
	case LOG_LEVEL_INFO:
		return LOG_INFO;
	case LOG_LEVEL_NOTICE:
		return LOG_NOTICE;
	case LOG_LEVEL_WARNING:
		return LOG_WARNING;
	case LOG_LEVEL_ERROR:
		return LOG_ERR;
	default:		/* fatal, panic: as Postfix's msg_syslog */
		return LOG_CRIT;
	}
}

static const char *
log_level_word(enum log_level level)
{
	return level == LOG_LEVEL_PANIC ? "panic: " :
	    level == LOG_LEVEL_FATAL ? "fatal: " : "";
}

static bool
log_to_stderr(void)
{
	return (log_flags & LOG_TO_STDERR) != 0 && log_stderr_on;
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	if (level < log_min)
		return;
	if ((log_flags & LOG_TO_SYSLOG) != 0) {
		va_list ap2;

		va_copy(ap2, ap);
		vsyslog(log_priority(level), fmt, ap2);
		va_end(ap2);
	}
	if (log_to_stderr()) {
		char stamp[48] = "";

		if ((log_flags & LOG_STAMP) != 0)
			log_stamp(stamp, sizeof(stamp));
		flockfile(stderr);
		fprintf(stderr, "%s%s%s: %s", stamp, stamp[0] != '\0' ? " " :
		    "", log_ident, log_level_word(level));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		funlockfile(stderr);
	}
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

#define LOG_LEVEL_FN(name, level)			\
	void						\
	name(const char *fmt, ...)			\
	{						\
		va_list ap;				\
							\
		va_start(ap, fmt);			\
		log_vmsg(level, fmt, ap);		\
		va_end(ap);				\
	}

LOG_LEVEL_FN(log_debug, LOG_LEVEL_DEBUG)
LOG_LEVEL_FN(log_info, LOG_LEVEL_INFO)
LOG_LEVEL_FN(log_notice, LOG_LEVEL_NOTICE)
LOG_LEVEL_FN(log_warning, LOG_LEVEL_WARNING)
LOG_LEVEL_FN(log_error, LOG_LEVEL_ERROR)

/* fatal and panic: one formatted line, no allocation, then syslog and
 * stderr get it whole. */
static void
log_final(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_FINAL_LINE];

	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		line[0] = '\0';
	log_msg(level, "%s", line);
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_final(LOG_LEVEL_FATAL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_final(LOG_LEVEL_PANIC, fmt, ap);
	va_end(ap);
	abort();
}
