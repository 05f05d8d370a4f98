/*
 * lockfile.h - the file discipline of msgsec's admin tools: an exclusive
 * lock on a lock file in a folder, whole-file replacement that a reader
 * sees entirely old or entirely new, and durable appends to a log.
 *
 * Every writer of a folder (exception records, the quarantine audit log)
 * takes the folder's lock, so read-modify-write cycles by two processes
 * run one after the other and neither loses the other's change.  Readers
 * (the milter, the sensor, `msgsec check`) take no lock: they only ever
 * see whole files, because files are replaced by rename(2).
 */
#ifndef MSGSEC_LOCKFILE_H
#define MSGSEC_LOCKFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Take an exclusive flock(2) on DIR/NAME (created 0600 if missing),
 * waiting as long as it takes.  Returns the descriptor (>= 0), or -1 with
 * *error_r (allocated).  Release with lockfile_unlock.
 */
/* Write all of buf to fd, again after EINTR; 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);
/*
 * One process-wide lock around writes of whole lines that logs sharing a
 * descriptor make (the alert log and the sensor's flow log both on
 * stdout, from several capture workers): a write longer than PIPE_BUF to
 * a pipe is not atomic, so without it two threads could interleave inside
 * a line.  Hold it only for the write itself.
 */
void write_serial_begin(void);
void write_serial_end(void);

int lockfile_lock(const char *dir, const char *name, char **error_r);
/* Release and close; *fd becomes -1.  Safe on -1. */
void lockfile_unlock(int *fd);

/*
 * Replace (or, with create_only, create) DIR/NAME with data: a temporary
 * file in DIR (".NAME.XXXXXX", hidden from the loaders), written, given
 * mode, fsync'd, then renamed (create_only: linked, so an existing file is
 * never overwritten: errno EEXIST), and DIR fsync'd.  Returns 0, or -1
 * with *error_r (allocated); the temporary file never survives.
 */
int lockfile_replace(const char *dir, const char *name, const void *data,
    size_t len, mode_t mode, bool create_only, char **error_r);

/*
 * Append data to path (created with mode if missing) in one write(2) with
 * O_APPEND, then fsync.  Returns 0, or -1 with *error_r (allocated).
 */
int lockfile_append(const char *path, const void *data, size_t len,
    mode_t mode, char **error_r);

/* Read a whole regular file of at most max bytes; NUL-terminated. */
char *lockfile_read(const char *path, size_t max, size_t *len_r,
    char **error_r);

#endif
