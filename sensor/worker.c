/*
 * worker.c - capture workers: the handles, the threads that read them,
 * and the copies of their counters the supervising thread reads.
 *
 * Forming the group: each handle is opened (pcap_activate) and joined to
 * the fanout group at once; until the last one has joined, the kernel
 * shares packets among fewer handles than at the end (and a handle not
 * yet in the group takes every packet), so a flow's first packets could
 * sit with another worker than the rest.  Frames stamped before the
 * group was whole are therefore discarded (capture_skip_before; counted
 * in the summary as discarded): a few milliseconds at the start.
 *
 * Threads: a worker owns its capture and engine; it takes a new policy
 * from the holder when the pool's generation moves, and every
 * WORKER_SNAP_SECONDS copies its counters under its own mutex.  Signals
 * are blocked in the workers: the main thread takes them, sets flags and
 * breaks the captures (capture_break wakes a worker's poll).
 */
#include "worker.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "policy.h"

#define WORKER_BATCH_FILE 4096	/* frames per dispatch from a file */
#define WORKER_SNAP_SECONDS 0.2	/* counters copied for the supervisor */

struct worker {
	struct worker_pool *pool;
	unsigned index;
	struct capture *cap;
	struct engine *eng;
	int linktype;
	unsigned gen;		/* the pool generation whose policy it has */
	pthread_t thread;
	bool running;		/* the thread was started and not joined */
	bool failed;		/* stopped on a read error */
	double next_snap;
	pthread_mutex_t lock;	/* snap, cs */
	struct engine_totals snap;
	struct capture_stats cs;
};

static double
mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

unsigned
worker_count(unsigned long long setting)
{
	long n;

	if (setting > 0)
		return setting > WORKER_MAX ? WORKER_MAX : (unsigned)setting;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > WORKER_MAX ? WORKER_MAX : (unsigned)n;
}

int
worker_pool_open(struct worker_pool *wp, unsigned n,
    const struct capture_opts *o, char **error_r)
{
	struct timeval whole;

	memset(wp, 0, sizeof(*wp));
	if (n < 1 || n > WORKER_MAX || (o->file != NULL && n != 1)) {
		*error_r = mem_printf("%u capture workers: 1 for a file, 1 to "
		    "%d on an interface", n, WORKER_MAX);
		return -1;
	}
	wp->w = mem_calloc(n, sizeof(*wp->w));
	wp->live = o->file == NULL;
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &wp->w[i];

		w->pool = wp;
		w->index = i;
		pthread_mutex_init(&w->lock, NULL);
		wp->n = i + 1;
		w->cap = capture_open(o, error_r);
		if (w->cap == NULL)
			goto fail;
		w->linktype = capture_linktype(w->cap);
		if (n > 1 && capture_fanout(w->cap, i == 0, &wp->group,
		    error_r) < 0) {
			char *e = *error_r;

			*error_r = mem_printf("%s: %s", o->iface, e);
			free(e);
			goto fail;
		}
	}
	if (n > 1) {
		gettimeofday(&whole, NULL);
		for (unsigned i = 0; i < n; i++)
			capture_skip_before(wp->w[i].cap, &whole);
	}
	return 0;
fail:
	worker_pool_free(wp);
	return -1;
}

int
worker_pool_linktype(const struct worker_pool *wp)
{
	return wp->w[0].linktype;
}

void
worker_pool_engines(struct worker_pool *wp, const struct engine_settings *s,
    struct policy *p, struct alert_log *log, struct flowlog *flowlog,
    struct policy_holder *holder)
{
	wp->holder = holder;
	for (unsigned i = 0; i < wp->n; i++) {
		struct engine_settings es = *s;

		engine_settings_share(&es, i, wp->n);
		wp->w[i].eng = engine_new(&es, p, log, flowlog);
	}
}

static void
on_frame(void *ctx, const struct timeval *ts, const uint8_t *bytes,
    size_t caplen, size_t wirelen)
{
	struct worker *w = ctx;

	engine_packet(w->eng, w->linktype, ts, bytes, caplen, wirelen);
}

static void
snapshot(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	engine_totals(w->eng, &w->snap);
	capture_stats(w->cap, &w->cs);
	pthread_mutex_unlock(&w->lock);
}

/* One batch: the policy first if it changed, then the frames. */
static int
worker_read(struct worker *w, char **error_r)
{
	struct worker_pool *wp = w->pool;
	unsigned gen = __atomic_load_n(&wp->gen, __ATOMIC_ACQUIRE);
	int n;

	if (gen != w->gen && wp->holder != NULL) {
		struct policy *p = policy_holder_get(wp->holder);

		engine_set_policy(w->eng, p);
		policy_unref(&p);
		w->gen = gen;
	}
	n = capture_dispatch(w->cap, wp->live ? -1 : WORKER_BATCH_FILE,
	    on_frame, w, error_r);
	if (wp->live && n == 0) {
		struct timeval now;

		gettimeofday(&now, NULL);
		engine_tick(w->eng, &now);
	}
	if (wp->live && w->running && mono_now() >= w->next_snap) {
		snapshot(w);
		w->next_snap = mono_now() + WORKER_SNAP_SECONDS;
	}
	return n;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct worker_pool *wp = w->pool;
	char *err = NULL;

	while (!__atomic_load_n(&wp->stop, __ATOMIC_ACQUIRE)) {
		if (worker_read(w, &err) == -1) {
			log_error("capture worker %u: %s", w->index, err);
			free(err);
			err = NULL;
			w->failed = true;
			/* One worker down leaves its share of the flows
			 * unseen: stop them all, as one capture would. */
			__atomic_store_n(&wp->stop, true, __ATOMIC_RELEASE);
			worker_pool_break(wp);
		}
	}
	snapshot(w);
	return NULL;
}

int
worker_pool_start(struct worker_pool *wp, char **error_r)
{
	sigset_t all, old;
	int rc = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < wp->n && rc == 0; i++) {
		struct worker *w = &wp->w[i];

		snapshot(w);
		w->running = true;
		rc = pthread_create(&w->thread, NULL, worker_main, w);
		if (rc != 0) {
			w->running = false;
			*error_r = mem_printf("cannot start capture worker %u: "
			    "%s", i, strerror(rc));
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	wp->threads = true;
	return rc == 0 ? 0 : -1;
}

int
worker_pool_step(struct worker_pool *wp, char **error_r)
{
	return worker_read(&wp->w[0], error_r);
}

void
worker_pool_policy_changed(struct worker_pool *wp)
{
	__atomic_add_fetch(&wp->gen, 1, __ATOMIC_RELEASE);
	if (wp->threads)
		worker_pool_break(wp);	/* take it now, not at the next
					   packet */
}

void
worker_pool_break(struct worker_pool *wp)
{
	for (unsigned i = 0; i < wp->n; i++)
		if (wp->w[i].cap != NULL)
			capture_break(wp->w[i].cap);
}

int
worker_pool_stop(struct worker_pool *wp)
{
	int rc = 0;

	__atomic_store_n(&wp->stop, true, __ATOMIC_RELEASE);
	worker_pool_break(wp);
	for (unsigned i = 0; i < wp->n; i++) {
		struct worker *w = &wp->w[i];

		if (w->running) {
			pthread_join(w->thread, NULL);
			w->running = false;
		}
		if (w->failed)
			rc = 1;
	}
	for (unsigned i = 0; i < wp->n; i++)
		if (wp->w[i].eng != NULL)
			engine_flush(wp->w[i].eng);
	return rc;
}

void
worker_pool_totals(struct worker_pool *wp, struct engine_totals *t,
    struct netmetrics_worker *nw)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < wp->n; i++) {
		struct worker *w = &wp->w[i];
		struct engine_totals one;
		struct capture_stats cs;

		if (w->running) {
			pthread_mutex_lock(&w->lock);
			one = w->snap;
			cs = w->cs;
			pthread_mutex_unlock(&w->lock);
		} else {
			engine_totals(w->eng, &one);
			capture_stats(w->cap, &cs);
		}
		engine_totals_add(t, &one);
		if (nw != NULL) {
			nw[i].cs = cs;
			nw[i].packets = one.eng.frames;
		}
	}
}

void
worker_pool_progress(struct worker_pool *wp, uint64_t *done_r,
    uint64_t *total_r)
{
	capture_progress(wp->w[0].cap, done_r, total_r);
}

void
worker_pool_free(struct worker_pool *wp)
{
	if (wp->w == NULL)
		return;
	(void)worker_pool_stop(wp);
	for (unsigned i = 0; i < wp->n; i++) {
		struct worker *w = &wp->w[i];

		engine_free(&w->eng);
		capture_close(&w->cap);
		pthread_mutex_destroy(&w->lock);
	}
	free(wp->w);
	memset(wp, 0, sizeof(*wp));
}
