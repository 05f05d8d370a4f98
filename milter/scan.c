/*
 * scan.c - libclamav engine wrapper.
 *
 * Trusts: the database folder (it is configuration, as trusted as the
 * policy files) and libclamav itself.  Does not trust the scanned bytes:
 * they go straight to libclamav, whose size, recursion, file-count and
 * time limits are always set (scan_limits, 0 = libclamav's default, never
 * unlimited).
 *
 * Limits: libclamav skips an over-size file or archive member and calls it
 * clean unless the heuristic CL_SCAN_HEURISTIC_EXCEEDS_MAX is on, in which
 * case it reports "Heuristics.Limits.Exceeded.*" as if it were a virus
 * name.  We turn that heuristic on (and no other one) and map those names,
 * and the CL_EMAX* and CL_ETIMEOUT codes, to SCAN_ERROR "limit exceeded"
 * so that "not scanned" can never read as clean.  Without
 * CL_SCAN_GENERAL_HEURISTIC_PRECEDENCE a real signature found later in
 * the same scan still wins over the limit alert.  One gap remains in
 * libclamav 1.4: a zip member larger than max_filesize is cut to
 * max_filesize and the cut part scanned, with no alert (unzip.c), so
 * max_filesize must be sized for whole members.
 *
 * Ownership: struct scan_engine owns one compiled struct cl_engine.  Once
 * compiled it is never written again, so scans from many threads share
 * it; an atomic reference count lets a reload swap engines while scans on
 * the old one run to the end.  Returned names and messages are malloc'd
 * copies: libclamav's virus name points into the engine.
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <clamav.h>

#include "mem.h"
#include "refcount.h"
#include "str.h"

#define SCAN_LIMIT_PREFIX	"limit exceeded"
#define SCAN_HEUR_LIMITS	"Heuristics.Limits.Exceeded"

struct scan_engine {
	struct cl_engine *cl;
	unsigned refs;		/* refcount.h */
	unsigned sigs;
};

static pthread_once_t scan_init_once = PTHREAD_ONCE_INIT;
static cl_error_t scan_init_status;
static scan_log_fn *_Atomic scan_log;

static void
scan_msg(enum cl_msg severity, const char *fullmsg, const char *msg,
    void *context)
{
	scan_log_fn *fn = atomic_load_explicit(&scan_log,
	    memory_order_relaxed);
	char line[1024];
	size_t n;

	(void)context;
	if (severity != CL_MSG_WARN && severity != CL_MSG_ERROR)
		return;
	if (fn == NULL) {
		fputs(fullmsg, stderr);
		return;
	}
	/* Cut, not allocate: this runs inside libclamav on every thread. */
	str_lcpy(line, msg, sizeof(line));
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	fn(severity == CL_MSG_ERROR, line);
}

void
scan_set_log(scan_log_fn *fn)
{
	atomic_store_explicit(&scan_log, fn, memory_order_relaxed);
	cl_set_clcb_msg(scan_msg);
}

static void
scan_init(void)
{
	scan_init_status = cl_init(CL_INIT_DEFAULT);
}

/*
 * libclamav 1.4 fills in the virus name of a top-level "file too large"
 * alert (Heuristics.Limits.Exceeded.MaxFileSize) only when the engine has
 * a virus-found callback, so it gets one that does nothing.
 */
static void
scan_virus_found(int fd, const char *virname, void *context)
{
	(void)fd;
	(void)virname;
	(void)context;
}

static cl_error_t
scan_set_limit(struct cl_engine *cl, enum cl_engine_field field,
    uint64_t value)
{
	if (value == 0)
		return CL_SUCCESS;	/* keep libclamav's default */
	if (value > (uint64_t)LLONG_MAX)
		value = (uint64_t)LLONG_MAX;
	return cl_engine_set_num(cl, field, (long long)value);
}

struct scan_engine *
scan_engine_load(const char *dir, const struct scan_limits *l,
    unsigned *sigs_r, char **error_r)
{
	struct scan_engine *e;
	struct cl_engine *cl;
	unsigned sigs = 0;
	cl_error_t rc;
	int fd;

	*error_r = NULL;
	if (sigs_r != NULL)
		*sigs_r = 0;
	pthread_once(&scan_init_once, scan_init);
	if (scan_init_status != CL_SUCCESS) {
		*error_r = mem_printf("cannot initialise libclamav: %s",
		    cl_strerror(scan_init_status));
		return NULL;
	}
	/*
	 * Checked here, not left to cl_load, for an exact message: libclamav
	 * says only "Can't open file or directory" for a missing or
	 * unreadable folder as well as for an empty one.
	 */
	if ((fd = open(dir, O_RDONLY | O_CLOEXEC)) == -1) {
		*error_r = mem_printf("no virus database in %s: %s", dir,
		    strerror(errno));
		return NULL;
	}
	close(fd);
	if ((cl = cl_engine_new()) == NULL) {
		*error_r = mem_strdup("cannot create a libclamav engine");
		return NULL;
	}
	if (l != NULL &&
	    ((rc = scan_set_limit(cl, CL_ENGINE_MAX_SCANSIZE,
	    l->max_scansize)) != CL_SUCCESS ||
	    (rc = scan_set_limit(cl, CL_ENGINE_MAX_FILESIZE,
	    l->max_filesize)) != CL_SUCCESS ||
	    (rc = scan_set_limit(cl, CL_ENGINE_MAX_RECURSION,
	    l->max_recursion)) != CL_SUCCESS ||
	    (rc = scan_set_limit(cl, CL_ENGINE_MAX_FILES,
	    l->max_files)) != CL_SUCCESS)) {
		*error_r = mem_printf("cannot set scan limits: %s",
		    cl_strerror(rc));
		cl_engine_free(cl);
		return NULL;
	}
	/* libclamav unpacks every mail it scans into temporary files: on a
	 * tmpfs that costs no disk writes. */
	if (l != NULL && l->tmpdir != NULL &&
	    (rc = cl_engine_set_str(cl, CL_ENGINE_TMPDIR, l->tmpdir)) !=
	    CL_SUCCESS) {
		*error_r = mem_printf("cannot use %s for temporary files: %s",
		    l->tmpdir, cl_strerror(rc));
		cl_engine_free(cl);
		return NULL;
	}
	cl_engine_set_clcb_virus_found(cl, scan_virus_found);
	rc = cl_load(dir, cl, &sigs, CL_DB_STDOPT);
	if ((rc == CL_SUCCESS || rc == CL_EOPEN) && sigs == 0) {
		/* CL_EOPEN: no database file in the folder at all. */
		*error_r = mem_printf("no virus database in %s", dir);
		cl_engine_free(cl);
		return NULL;
	}
	if (rc != CL_SUCCESS) {
		*error_r = mem_printf("cannot load virus database in %s: %s",
		    dir, cl_strerror(rc));
		cl_engine_free(cl);
		return NULL;
	}
	if ((rc = cl_engine_compile(cl)) != CL_SUCCESS) {
		*error_r = mem_printf("cannot compile virus database in %s: %s",
		    dir, cl_strerror(rc));
		cl_engine_free(cl);
		return NULL;
	}
	e = mem_calloc(1, sizeof(*e));
	e->cl = cl;
	e->sigs = sigs;
	ref_init(&e->refs);
	if (sigs_r != NULL)
		*sigs_r = sigs;
	return e;
}

struct scan_engine *
scan_engine_ref(struct scan_engine *e)
{
	ref_get(&e->refs);
	return e;
}

void
scan_engine_unref(struct scan_engine **ep)
{
	struct scan_engine *e = *ep;

	*ep = NULL;
	if (e != NULL && ref_put(&e->refs)) {
		cl_engine_free(e->cl);
		free(e);
	}
}

void
scan_engine_free(struct scan_engine **e)
{
	scan_engine_unref(e);
}

unsigned
scan_engine_sigs(const struct scan_engine *e)
{
	return e->sigs;
}

int
scan_engine_drain(const struct scan_engine *e, unsigned timeout_ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (unsigned waited = 0;; waited += 10) {
		if (ref_count(&e->refs) <= 1)
			return 0;
		if (waited >= timeout_ms)
			return -1;
		nanosleep(&tick, NULL);
	}
}

/*
 * The file name extensions libclamav's cl_load reads from a folder
 * (CLI_DBEXT in libclamav 1.4's others.h).  Anything else in the folder
 * (freshclam.dat, a lock, an editor's backup) is not the database.
 */
static const char *const scan_db_ext[] = {
	".db", ".hdb", ".hdu", ".fp", ".mdb", ".mdu", ".hsb", ".hsu", ".sfp",
	".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu", ".sdb", ".zmd", ".rmd",
	".pdb", ".gdb", ".wdb", ".cbc", ".ftm", ".cfg", ".cvd", ".cld", ".cud",
	".cdb", ".cat", ".crb", ".idb", ".ioc", ".info", ".yar", ".yara",
	".pwdb", ".ign", ".ign2", ".imp", NULL,
};

static bool
scan_is_db_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	for (size_t i = 0; scan_db_ext[i] != NULL; i++) {
		size_t e = strlen(scan_db_ext[i]);

		if (n > e && strcasecmp(name + n - e, scan_db_ext[i]) == 0)
			return true;
	}
	return false;
}

/* FNV-1a, 64 bits. */
static uint64_t
scan_fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t
scan_database_stamp(const char *dir, const struct scan_limits *l,
    time_t *newest_r, unsigned *files_r)
{
	uint64_t stamp = 0;
	time_t newest = 0;
	unsigned files = 0;
	struct dirent *de;
	DIR *dh;
	int dfd;

	if (newest_r != NULL)
		*newest_r = 0;
	if (files_r != NULL)
		*files_r = 0;
	if (dir == NULL || (dh = opendir(dir)) == NULL)
		return 0;
	dfd = dirfd(dh);
	while ((de = readdir(dh)) != NULL) {
		struct stat st;
		uint64_t h = 0xcbf29ce484222325ull, v[5];

		if (!scan_is_db_name(de->d_name) ||
		    fstatat(dfd, de->d_name, &st, 0) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		v[0] = (uint64_t)st.st_size;
		v[1] = (uint64_t)st.st_ino;
		v[2] = (uint64_t)st.st_mtim.tv_sec;
		v[3] = (uint64_t)st.st_mtim.tv_nsec;
		v[4] = (uint64_t)st.st_dev;
		h = scan_fnv(h, de->d_name, strlen(de->d_name) + 1);
		h = scan_fnv(h, v, sizeof(v));
		/* A sum: the same whatever order readdir returns. */
		stamp += h;
		files++;
		if (st.st_mtime > newest)
			newest = st.st_mtime;
	}
	closedir(dh);
	/* An empty folder differs from a missing one. */
	stamp = scan_fnv(stamp, &files, sizeof(files));
	if (l != NULL) {
		uint64_t v[4] = { l->max_scansize, l->max_filesize,
		    l->max_recursion, l->max_files };

		stamp = scan_fnv(stamp, v, sizeof(v));
		if (l->tmpdir != NULL)
			stamp = scan_fnv(stamp, l->tmpdir, strlen(l->tmpdir));
	}
	stamp |= 1;
	if (newest_r != NULL)
		*newest_r = newest;
	if (files_r != NULL)
		*files_r = files;
	return stamp;
}

bool
scan_error_is_limit(const char *msg)
{
	return msg != NULL && strncmp(msg, SCAN_LIMIT_PREFIX,
	    sizeof(SCAN_LIMIT_PREFIX) - 1) == 0;
}

static void
scan_options(struct cl_scan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->parse = ~0U;
	/* Heuristic alerts on, but only the one that reports skipped data. */
	o->general = CL_SCAN_GENERAL_HEURISTICS;
	o->heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX;
}

static enum scan_result
scan_outcome(cl_error_t rc, const char *virname, char **name_r)
{
	switch (rc) {
	case CL_CLEAN:
		return SCAN_CLEAN;
	case CL_VIRUS:
		if (virname == NULL) {
			/* Not seen in 1.4; never call it clean. */
			*name_r = mem_strdup("Unknown.Virus");
		} else if (strncmp(virname, SCAN_HEUR_LIMITS,
		    sizeof(SCAN_HEUR_LIMITS) - 1) == 0) {
			*name_r = mem_printf(SCAN_LIMIT_PREFIX " (%s)",
			    virname);
			return SCAN_ERROR;
		} else {
			*name_r = mem_strdup(virname);
		}
		return SCAN_VIRUS;
	case CL_EMAXSIZE:
	case CL_EMAXREC:
	case CL_EMAXFILES:
	case CL_ETIMEOUT:
		*name_r = mem_printf(SCAN_LIMIT_PREFIX " (%s)",
		    cl_strerror(rc));
		return SCAN_ERROR;
	default:
		*name_r = mem_printf("scan error: %s", cl_strerror(rc));
		return SCAN_ERROR;
	}
}

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_cond = PTHREAD_COND_INITIALIZER;
static unsigned slot_max, slot_used;

const double scan_hist_bounds[SCAN_HIST_BUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
};
static _Atomic uint64_t st_hist[SCAN_HIST_BUCKETS + 1];
static _Atomic uint64_t st_count, st_sum_ns, st_waiting, st_running;

void
scan_get_stats(struct scan_stats *s)
{
	for (size_t i = 0; i <= SCAN_HIST_BUCKETS; i++)
		s->hist[i] = atomic_load_explicit(&st_hist[i],
		    memory_order_relaxed);
	s->count = atomic_load_explicit(&st_count, memory_order_relaxed);
	s->sum_ns = atomic_load_explicit(&st_sum_ns, memory_order_relaxed);
	s->waiting = atomic_load_explicit(&st_waiting, memory_order_relaxed);
	s->running = atomic_load_explicit(&st_running, memory_order_relaxed);
}

static uint64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* One scan that began at t0 (mono_ns) ended now. */
static void
scan_timed(uint64_t t0)
{
	uint64_t ns = mono_ns() - t0;
	double secs = (double)ns / 1e9;
	size_t i = 0;

	while (i < SCAN_HIST_BUCKETS && secs > scan_hist_bounds[i])
		i++;
	atomic_fetch_add_explicit(&st_hist[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&st_sum_ns, ns, memory_order_relaxed);
	atomic_fetch_add_explicit(&st_count, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&st_running, 1, memory_order_relaxed);
}

void
scan_set_concurrency(unsigned n)
{
	pthread_mutex_lock(&slot_lock);
	slot_max = n;
	pthread_cond_broadcast(&slot_cond);
	pthread_mutex_unlock(&slot_lock);
}

static void
slot_take(void)
{
	pthread_mutex_lock(&slot_lock);
	if (slot_max > 0 && slot_used >= slot_max) {
		atomic_fetch_add_explicit(&st_waiting, 1, memory_order_relaxed);
		while (slot_max > 0 && slot_used >= slot_max)
			pthread_cond_wait(&slot_cond, &slot_lock);
		atomic_fetch_sub_explicit(&st_waiting, 1, memory_order_relaxed);
	}
	slot_used++;
	pthread_mutex_unlock(&slot_lock);
	atomic_fetch_add_explicit(&st_running, 1, memory_order_relaxed);
}

static void
slot_give(void)
{
	pthread_mutex_lock(&slot_lock);
	slot_used--;
	pthread_cond_signal(&slot_cond);
	pthread_mutex_unlock(&slot_lock);
}

enum scan_result
scan_buffer(const struct scan_engine *e, const void *data, size_t len,
    char **name_r)
{
	struct cl_scan_options o;
	cl_fmap_t *map;
	const char *virname = NULL;
	unsigned long scanned = 0;
	uint64_t t0;
	cl_error_t rc;

	*name_r = NULL;
	if (len == 0)
		return SCAN_CLEAN;
	if ((map = cl_fmap_open_memory(data, len)) == NULL) {
		*name_r = mem_strdup("scan error: cannot map the buffer");
		return SCAN_ERROR;
	}
	scan_options(&o);
	slot_take();
	t0 = mono_ns();
	rc = cl_scanmap_callback(map, NULL, &virname, &scanned, e->cl, &o,
	    NULL);
	scan_timed(t0);
	slot_give();
	cl_fmap_close(map);
	return scan_outcome(rc, virname, name_r);
}

enum scan_result
scan_fd(const struct scan_engine *e, int fd, char **name_r)
{
	struct cl_scan_options o;
	const char *virname = NULL;
	unsigned long scanned = 0;
	uint64_t t0;
	cl_error_t rc;

	*name_r = NULL;
	scan_options(&o);
	slot_take();
	t0 = mono_ns();
	rc = cl_scandesc(fd, NULL, &virname, &scanned, e->cl, &o);
	scan_timed(t0);
	slot_give();
	return scan_outcome(rc, virname, name_r);
}
