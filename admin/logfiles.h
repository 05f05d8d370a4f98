/*
 * logfiles.h - reading alert logs for review: plain and gzip files, the
 * rotated siblings of a log (FILE.1, FILE.2.gz, ...), line splitting with a
 * bound on the line length, and following a live file across rotation and
 * truncation the way `tail -F` does.
 */
#ifndef MSGSEC_LOGFILES_H
#define MSGSEC_LOGFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alert.h"
#include "str.h"

#define LOG_LINE_MAX ALERT_LINE_MAX	/* longer lines are skipped whole */
#define LOG_READ_CHUNK (4u << 20)	/* one read(2) or gzread */
#define LOG_ROTATED_MAX 1000		/* FILE.1 .. FILE.1000 */

struct logreader {
	char *path;
	int fd;
	void *gz;		/* gzFile when the file is gzip */
	char *buf;
	size_t cap, start, end;
	bool skipping;		/* inside an over-long line */
	uint64_t consumed;	/* bytes read from the file (compressed) */
	uint64_t size;		/* its size when opened */
	uint64_t lineno;	/* lines handed out, over-long ones included */
	dev_t dev;
	ino_t ino;
};

/*
 * The files of a log, oldest first: base.N (or base.N.gz) down to base.1,
 * then base itself; the numbering stops at the first N that has neither.
 * Only files that exist are listed.  *paths_r is an array of malloc'd
 * strings (free each and the array); *n_r may be 0.
 */
void logfiles_rotated(const char *base, char ***paths_r, size_t *n_r);

/* Is this a gzip file (by its magic bytes)?  false when unreadable. */
bool logfiles_is_gzip(const char *path);

/*
 * Open a log ("-" is standard input).  Returns 0, or -1 with a malloc'd
 * *error_r.
 */
int logreader_open(struct logreader *r, const char *path, char **error_r);

/*
 * The next line, without its LF, into *line_r (pointing into the reader's
 * buffer until the next call).  A line longer than LOG_LINE_MAX is handed
 * out once, cut, with *overlong_r set, and its rest skipped.  With final,
 * a last line without LF is handed out at end of file; without (follow),
 * it waits for the rest.  Returns 1 (a line), 0 (nothing more for now) or
 * -1 with a malloc'd *error_r (read or gzip error: stop this file).
 */
int logreader_next(struct logreader *r, bool final, struct span *line_r,
    bool *overlong_r, char **error_r);

/* Bytes of the file consumed so far (compressed bytes for gzip). */
uint64_t logreader_pos(const struct logreader *r);

void logreader_close(struct logreader *r);

enum logfollow {
	LOGFOLLOW_SAME,		/* nothing changed */
	LOGFOLLOW_ROTATED,	/* the path names a new file: read the old
				 * one to its end, then logreader_reopen */
	LOGFOLLOW_TRUNCATED,	/* the file shrank: reading from its start */
	LOGFOLLOW_GONE,		/* the path is absent: still on the old file */
};

/*
 * Call at end of file while following a plain file: did the path move on?
 * A truncated file is rewound here.  Returns the event, or -1 with
 * *error_r.
 */
int logreader_follow(struct logreader *r, char **error_r);

/*
 * Open the file the path names now in place of the old one (after
 * LOGFOLLOW_ROTATED).  0, or -1 with *error_r (the old one is kept).
 */
int logreader_reopen(struct logreader *r, char **error_r);

/* Start at the end of the file (follow without history). */
void logreader_seek_end(struct logreader *r);

#endif
