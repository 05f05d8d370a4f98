/*
 * scan.h - virus scanning with libclamav: one owning wrapper for a
 * compiled struct cl_engine, shared read-only by every worker thread and
 * reference-counted so that a reload can publish a new engine while scans
 * on the old one finish.
 */
#ifndef MSGSEC_SCAN_H
#define MSGSEC_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Limits handed to libclamav (CL_ENGINE_MAX_SCANSIZE, _MAX_FILESIZE,
 * _MAX_RECURSION, _MAX_FILES).  A field of 0 keeps libclamav's default
 * (1.4: 400 MiB scanned, 100 MiB per file, depth 17, 10,000 files) rather
 * than libclamav's meaning of 0, "unlimited": a mail filter must not scan
 * without bounds.  Hitting any limit is reported as a SCAN_ERROR for
 * which scan_error_is_limit() is true, never as SCAN_CLEAN.
 */
struct scan_limits {
	uint64_t max_scansize, max_filesize;
	uint32_t max_recursion, max_files;
	const char *tmpdir;	/* where libclamav unpacks; NULL: $TMPDIR */
};

/*
 * At most n scans run at once across all engines and threads (0: no
 * bound); the others wait their turn.  Call before the first scan.
 */
void scan_set_concurrency(unsigned n);

/* One compiled libclamav engine; opaque. */
struct scan_engine;

enum scan_result {
	SCAN_CLEAN,
	SCAN_VIRUS,
	SCAN_ERROR,
};

/*
 * Where libclamav's warnings and errors go: error is false for a warning;
 * msg has no "LibClamAV Error:" prefix and no trailing newline.  msg may
 * hold bytes from the scanned data (archive member names): escape it
 * before logging.  May be called from any scanning thread at once.
 */
typedef void scan_log_fn(bool error, const char *msg);

/*
 * Send libclamav's messages to fn (NULL: to stderr, libclamav's default
 * format).  Process-wide; call it before the first scan_engine_load and
 * not while scans run.  Verbose (debug) messages are dropped.
 */
void scan_set_log(scan_log_fn *fn);

/*
 * Load every database in dir (cl_init runs once per process), apply the
 * limits (l may be NULL for the defaults) and compile.  Returns the engine
 * with one reference, and the number of signatures in *sigs_r (may be
 * NULL).  On failure returns NULL and *error_r, a malloc'd message the
 * caller frees: "no virus database in DIR" when the folder is missing or
 * holds no database file, otherwise one with libclamav's cl_strerror text
 * ("cannot load virus database in DIR: Malformed database"); the file at
 * fault is named only in libclamav's own log (scan_set_log).  Slow (the
 * official databases take seconds and hundreds of MiB): call it from the
 * reload path, never from a scanning thread.  Thread-safe.
 */
struct scan_engine *scan_engine_load(const char *dir,
    const struct scan_limits *l, unsigned *sigs_r, char **error_r);

/*
 * Take one more reference to e and return it.  Thread-safe; e must be
 * held (by the caller or by whoever published it) while this runs.
 */
struct scan_engine *scan_engine_ref(struct scan_engine *e);

/*
 * Drop the reference *e and set *e to NULL; the last reference frees the
 * libclamav engine.  *e may be NULL.  Thread-safe.
 */
void scan_engine_unref(struct scan_engine **e);

/* The same as scan_engine_unref: the owner's reference is the last one. */
void scan_engine_free(struct scan_engine **e);

/* Number of signatures e was built from. */
unsigned scan_engine_sigs(const struct scan_engine *e);

/*
 * Wait until the caller's reference to e is the only one left (every
 * scan and message holding e has let go), polling, for at most
 * timeout_ms.  Returns 0, or -1 when the time ran out.  A blocking
 * reload calls it before freeing the old engine, so that two engines
 * never live at once.  Thread-safe.
 */
int scan_engine_drain(const struct scan_engine *e, unsigned timeout_ms);

/*
 * A fingerprint of the database files in dir: the name, size, inode and
 * modification time (nanoseconds) of each visible entry whose name ends
 * in one of the extensions libclamav loads (.cvd, .cld, .hdb, .ndb, ...,
 * the list of libclamav's CLI_DBEXT; freshclam.dat, which freshclam
 * rewrites on every check, is not one), combined so that the order of
 * readdir does not matter.  Equal fingerprints: the same database, no
 * need to rebuild the engine.  *newest_r (may be NULL) gets the newest
 * modification time among them (0: none), *files_r (may be NULL) their
 * number.  A missing folder has fingerprint 0.  Costs one readdir and one
 * stat per file.  Thread-safe.
 */
uint64_t scan_database_stamp(const char *dir, const struct scan_limits *l,
    time_t *newest_r, unsigned *files_r);

/* Upper bounds of the scan-time histogram's buckets, seconds. */
#define SCAN_HIST_BUCKETS 12
extern const double scan_hist_bounds[SCAN_HIST_BUCKETS];

/*
 * Process-wide scanner counters, read with relaxed atomics (each is
 * exact, the set is not a snapshot).  hist[i] counts scans that took at
 * most scan_hist_bounds[i] and more than the bound before (the last is
 * +Inf); time spent waiting for a scan slot (clamav.max_scans) is not
 * scan time.  waiting: scans now waiting for a slot.
 */
struct scan_stats {
	uint64_t hist[SCAN_HIST_BUCKETS + 1];
	uint64_t count;
	uint64_t sum_ns;
	uint64_t waiting;
	uint64_t running;
};

void scan_get_stats(struct scan_stats *s);

/*
 * Scan len bytes at data as one whole file (every parser on: archives,
 * mail, OLE2, PDF, PE, ...; stop at the first match).  The bytes are not
 * copied and must stay unchanged during the call; len 0 is SCAN_CLEAN.
 *
 *   SCAN_CLEAN  *name_r = NULL.
 *   SCAN_VIRUS  *name_r = malloc'd signature name.
 *   SCAN_ERROR  *name_r = malloc'd message.  When a size, recursion, file
 *               count or time limit stopped the scan, the message starts
 *               with "limit exceeded" and scan_error_is_limit() is true,
 *               so the caller can apply its unscannable action.
 *
 * The caller frees *name_r.  Thread-safe: any number of threads may scan
 * with one engine at once.
 */
enum scan_result scan_buffer(const struct scan_engine *e, const void *data,
    size_t len, char **name_r);

/*
 * The same for an open, readable, seekable file descriptor (cl_scandesc).
 * The file offset is not relied on; fd stays open.  Thread-safe.
 */
enum scan_result scan_fd(const struct scan_engine *e, int fd, char **name_r);

/* True if msg, a SCAN_ERROR message, says a scan limit was hit. */
bool scan_error_is_limit(const char *msg);

#endif
