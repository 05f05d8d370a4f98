/*
 * metrics.c - msgsec-milter's counters and their Prometheus file.
 *
 * Trusts: nothing it is handed is from a peer except through rule ids
 * (rule files), which prom.c escapes.  Limits: metrics.max_series rule
 * ids; further ones are counted together as rule="_other".
 *
 * Counters are process-wide atomics, added to by libmilter's connection
 * threads and the reload thread; the writer thread reads them with
 * relaxed loads (each counter exact, the file not a snapshot of one
 * instant, as with any Prometheus client library).  Scanner counters
 * (scan time histogram, scans waiting for a slot) live in scan.c.
 *
 * Why a file and not an HTTP endpoint: see README.md, "Metrics".
 */
#include "metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "mem.h"
#include "prom.h"
#include "scan.h"

#define NDIR 2		/* inbound, outbound */
#define METRICS_BUF_MAX (64u * 1024 * 1024)

static _Atomic uint64_t m_msgs[NDIR][ACTION_COUNT];
static _Atomic uint64_t m_released;
static _Atomic uint64_t m_reloads[2][3];
static _Atomic uint64_t m_reload_ns[2];		/* the last one's time */
static _Atomic uint64_t m_sigs, m_files, m_newest, m_loaded_at;
static _Atomic uint64_t m_building, m_waiting, m_delayed, m_wait_timeouts;
static _Atomic uint64_t m_store_failures, m_alert_failures;
static struct prom_table *m_rules;

void
metrics_init(size_t max_series)
{
	if (m_rules == NULL)
		m_rules = prom_table_new(max_series);
}

static void
inc(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t
get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void
metrics_message(enum direction d, enum action verdict, const struct hit *hits,
    size_t nhits)
{
	if ((unsigned)verdict < ACTION_COUNT)
		inc(&m_msgs[d == DIRECTION_OUTBOUND ? 1 : 0][verdict], 1);
	for (size_t i = 0; m_rules != NULL && i < nhits; i++)
		if (hits[i].rule != NULL)
			prom_table_add(m_rules, hits[i].rule->id, 1);
}

void
metrics_released(void)
{
	inc(&m_released, 1);
}

void
metrics_reload(enum metrics_reload what, enum metrics_result r, double secs)
{
	inc(&m_reloads[what][r], 1);
	atomic_store_explicit(&m_reload_ns[what], secs > 0 ?
	    (uint64_t)(secs * 1e9) : 0, memory_order_relaxed);
}

void
metrics_engine(unsigned sigs, unsigned files, time_t newest)
{
	atomic_store(&m_sigs, sigs);
	atomic_store(&m_files, files);
	atomic_store(&m_newest, newest > 0 ? (uint64_t)newest : 0);
	atomic_store(&m_loaded_at, sigs > 0 ? (uint64_t)time(NULL) : 0);
}

void
metrics_engine_building(bool on)
{
	atomic_store(&m_building, on ? 1 : 0);
}

void
metrics_reload_waiting(int delta)
{
	if (delta > 0)
		inc(&m_waiting, 1);
	else
		atomic_fetch_sub_explicit(&m_waiting, 1, memory_order_relaxed);
}

void
metrics_reload_delayed(bool timed_out)
{
	inc(&m_delayed, 1);
	if (timed_out)
		inc(&m_wait_timeouts, 1);
}

void
metrics_store_failure(void)
{
	inc(&m_store_failures, 1);
}

void
metrics_alert_failures(size_t n)
{
	inc(&m_alert_failures, n);
}

/* ------------------------------------------------------------ render */

#define P "msgsec_milter_"

static void
rule_line(void *ctx, const char *key, uint64_t n)
{
	const char *l[] = { "rule", key, NULL };

	prom_u64(ctx, P "rule_hits_total", l, n);
}

static void
render_scans(struct buf *b)
{
	struct scan_stats s;
	uint64_t cum = 0;
	char le[32];

	scan_get_stats(&s);
	prom_head(b, P "scan_seconds", "histogram", "Time libclamav took "
	    "per scan (a message whole, or one decoded attachment).");
	for (size_t i = 0; i <= SCAN_HIST_BUCKETS; i++) {
		const char *l[] = { "le", le, NULL };

		cum += s.hist[i];
		if (i < SCAN_HIST_BUCKETS)
			(void)snprintf(le, sizeof(le), "%g",
			    scan_hist_bounds[i]);
		else
			str_lcpy(le, "+Inf", sizeof(le));
		prom_u64(b, P "scan_seconds_bucket", l, cum);
	}
	prom_double(b, P "scan_seconds_sum", NULL, (double)s.sum_ns / 1e9);
	prom_u64(b, P "scan_seconds_count", NULL, cum);
	prom_head(b, P "scans_running", "gauge", "Scans running now.");
	prom_u64(b, P "scans_running", NULL, s.running);
	prom_head(b, P "scans_waiting", "gauge", "Scans or messages waiting: "
	    "for a scan slot (reason slot, clamav.max_scans) or for the "
	    "engine a blocking reload builds (reason reload).");
	{
		const char *l1[] = { "reason", "slot", NULL };
		const char *l2[] = { "reason", "reload", NULL };

		prom_u64(b, P "scans_waiting", l1, s.waiting);
		prom_u64(b, P "scans_waiting", l2, get(&m_waiting));
	}
}

static void
render_reloads(struct buf *b)
{
	static const char *const what[] = { "policy", "engine" };
	static const char *const res[] = { "ok", "failed", "unchanged" };

	prom_head(b, P "reloads_total", "counter", "Reloads of the policy "
	    "and of the virus engine by result (unchanged: the database had "
	    "not changed, the engine was kept).");
	for (int w = 0; w < 2; w++)
		for (int r = 0; r < 3; r++) {
			const char *l[] = { "what", what[w], "result", res[r],
			    NULL };

			if (w == 0 && r == 2)
				continue;
			prom_u64(b, P "reloads_total", l, get(&m_reloads[w][r]));
		}
	prom_head(b, P "reload_last_seconds", "gauge", "How long the last "
	    "reload took.");
	for (int w = 0; w < 2; w++) {
		const char *l[] = { "what", what[w], NULL };

		prom_double(b, P "reload_last_seconds", l,
		    (double)get(&m_reload_ns[w]) / 1e9);
	}
	prom_head(b, P "reload_delayed_messages_total", "counter", "Messages "
	    "that waited for a blocking reload to build the engine.");
	prom_u64(b, P "reload_delayed_messages_total", NULL, get(&m_delayed));
	prom_head(b, P "reload_wait_timeouts_total", "counter", "Messages "
	    "that waited clamav.reload_wait_seconds in vain (deferred).");
	prom_u64(b, P "reload_wait_timeouts_total", NULL,
	    get(&m_wait_timeouts));
	prom_head(b, P "clamav_engine_building", "gauge", "1 while a blocking "
	    "reload builds the engine and no engine scans.");
	prom_u64(b, P "clamav_engine_building", NULL, get(&m_building));
}

static void
render_engine(struct buf *b)
{
	uint64_t newest = get(&m_newest);
	time_t now = time(NULL);

	prom_head(b, P "clamav_signatures", "gauge", "Signatures in the "
	    "engine scanning now (0: none loaded).");
	prom_u64(b, P "clamav_signatures", NULL, get(&m_sigs));
	prom_head(b, P "clamav_database_files", "gauge", "Database files the "
	    "engine was built from.");
	prom_u64(b, P "clamav_database_files", NULL, get(&m_files));
	prom_head(b, P "clamav_database_timestamp_seconds", "gauge", "Newest "
	    "modification time of those files (Unix time).");
	prom_u64(b, P "clamav_database_timestamp_seconds", NULL, newest);
	prom_head(b, P "clamav_database_age_seconds", "gauge", "Seconds "
	    "since then, when this file was written.");
	prom_u64(b, P "clamav_database_age_seconds", NULL, newest > 0 &&
	    (uint64_t)now > newest ? (uint64_t)now - newest : 0);
	prom_head(b, P "clamav_engine_loaded_timestamp_seconds", "gauge",
	    "When the engine scanning now was built (Unix time).");
	prom_u64(b, P "clamav_engine_loaded_timestamp_seconds", NULL,
	    get(&m_loaded_at));
}

void
metrics_render(struct buf *b)
{
	static const char *const dir[NDIR] = { "inbound", "outbound" };
	uint64_t other;

	prom_head(b, P "messages_total", "counter", "Messages judged, by "
	    "direction and final verdict.");
	for (int d = 0; d < NDIR; d++)
		for (int a = 0; a < ACTION_COUNT; a++) {
			const char *l[] = { "direction", dir[d], "verdict",
			    action_name((enum action)a), NULL };

			prom_u64(b, P "messages_total", l, get(&m_msgs[d][a]));
		}
	prom_head(b, P "released_messages_total", "counter", "Messages let "
	    "through once by a release pass from the quarantine.");
	prom_u64(b, P "released_messages_total", NULL, get(&m_released));
	prom_head(b, P "rule_hits_total", "counter", "Rule hits, by rule id "
	    "(rule _other: past metrics.max_series ids).");
	other = m_rules != NULL ? prom_table_each(m_rules, rule_line, b) : 0;
	if (other > 0)
		rule_line(b, "_other", other);
	render_scans(b);
	render_reloads(b);
	render_engine(b);
	prom_head(b, P "store_failures_total", "counter", "Blocked messages "
	    "the quarantine store could not keep (deferred instead).");
	prom_u64(b, P "store_failures_total", NULL, get(&m_store_failures));
	prom_head(b, P "alert_write_failures_total", "counter", "Alerts the "
	    "alert log could not take.");
	prom_u64(b, P "alert_write_failures_total", NULL,
	    get(&m_alert_failures));
}

/* ------------------------------------------------------------ writer */

static pthread_mutex_t w_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t w_cond = PTHREAD_COND_INITIALIZER;
static bool w_stop, w_running;
static pthread_t w_thread;
static struct policy_holder *w_holder;
static metrics_log_fn *w_log;
static bool w_failing;

/* Write the file once if one is set; returns the interval to wait. */
static unsigned
write_once(void)
{
	struct policy *p = policy_holder_get(w_holder);
	unsigned interval = (unsigned)p->config.metrics_interval;
	char *err = NULL;
	struct buf b;

	if (p->config.metrics_file == NULL ||
	    p->config.metrics_file[0] == '\0') {
		policy_unref(&p);
		return interval;
	}
	buf_init(&b, METRICS_BUF_MAX);
	metrics_render(&b);
	if (b.data == NULL || prom_write_file(p->config.metrics_file, &b,
	    &err) < 0) {
		if (!w_failing && w_log != NULL) {
			char *m = mem_printf("metrics: %s", err != NULL ? err :
			    "out of room for the metrics text");

			w_log(m);
			free(m);
		}
		w_failing = true;
	} else {
		w_failing = false;
	}
	free(err);
	buf_free(&b);
	policy_unref(&p);
	return interval;
}

static void *
writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&w_lock);
	while (!w_stop) {
		struct timespec dl;
		unsigned secs;

		pthread_mutex_unlock(&w_lock);
		secs = write_once();
		pthread_mutex_lock(&w_lock);
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += secs > 0 ? secs : 1;
		while (!w_stop && pthread_cond_timedwait(&w_cond, &w_lock,
		    &dl) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w_lock);
	(void)write_once();	/* the final figures */
	return NULL;
}

int
metrics_start(struct policy_holder *h, metrics_log_fn *log)
{
	struct policy *p = policy_holder_get(h);

	metrics_init((size_t)p->config.metrics_max_series);
	policy_unref(&p);
	w_holder = h;
	w_log = log;
	w_stop = false;
	if (pthread_create(&w_thread, NULL, writer, NULL) != 0)
		return -1;
	w_running = true;
	return 0;
}

void
metrics_stop(void)
{
	if (!w_running)
		return;
	pthread_mutex_lock(&w_lock);
	w_stop = true;
	pthread_cond_broadcast(&w_cond);
	pthread_mutex_unlock(&w_lock);
	pthread_join(w_thread, NULL);
	w_running = false;
	prom_table_free(&m_rules);
}
