/*
 * metrics.h - msgsec-milter's counters, and the thread that writes them
 * as a Prometheus text file (metrics.file, every metrics.interval
 * seconds; see prom.h).
 *
 * Every function that counts may be called from any thread at once: the
 * counters are atomics, the per-rule table is lock-free (prom.h).
 */
#ifndef MSGSEC_METRICS_H
#define MSGSEC_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "action.h"
#include "policy.h"
#include "str.h"

struct hit;

enum metrics_reload {
	METRICS_RELOAD_POLICY,
	METRICS_RELOAD_ENGINE,
};

enum metrics_result {
	METRICS_RESULT_OK,
	METRICS_RESULT_FAILED,
	METRICS_RESULT_UNCHANGED,	/* engine: database unchanged, kept */
};

/* Make the per-rule table (at most max_series rule ids).  Call once, first. */
void metrics_init(size_t max_series);

/* One message judged: its direction, final verdict and every hit. */
void metrics_message(enum direction d, enum action verdict,
    const struct hit *hits, size_t nhits);
/* One message let through by a release pass (X-Msgsec-Release). */
void metrics_released(void);
/* A reload of the policy or of the virus engine, and how long it took. */
void metrics_reload(enum metrics_reload what, enum metrics_result r,
    double seconds);
/*
 * The engine now published: sigs signatures (0: none loaded) from files
 * database files whose newest was modified at newest.
 */
void metrics_engine(unsigned sigs, unsigned files, time_t newest);
/* A blocking reload is building the engine (true) or has ended (false). */
void metrics_engine_building(bool on);
/* A message starts (+1) or stops (-1) waiting for a blocking reload. */
void metrics_reload_waiting(int delta);
/* A message waited for a blocking reload; timed_out: it gave up. */
void metrics_reload_delayed(bool timed_out);
/* A blocked message could not be stored (clause 5): tempfail instead. */
void metrics_store_failure(void);
/* n alerts could not be written to the alert log. */
void metrics_alert_failures(size_t n);

/* Every metric, as Prometheus text, appended to b. */
void metrics_render(struct buf *b);

typedef void metrics_log_fn(const char *msg);

/*
 * Start the writer thread: every metrics.interval seconds of the policy
 * h publishes now, it writes metrics.file when that is set (a reload may
 * change either); a failure is logged through log once until the next
 * success.  Returns 0 or -1.  metrics_stop writes once more and joins.
 */
int metrics_start(struct policy_holder *h, metrics_log_fn *log);
void metrics_stop(void);

#endif
