/*
 * reload.c - msgsec-milter's reloads: the virus engine the messages are
 * scanned with, and the reload thread.
 *
 * One engine is published at a time (engine, under engine_lock); each
 * message takes its own reference (reload_engine_get), so a new engine
 * can be published while messages in flight finish with the old one,
 * which is freed when the last of them lets go.  The reload thread owns
 * the rebuilds: SIGHUP (which the sigwait shim of interpose.c leaves to
 * it), a changed virus database folder, changed policy files.
 *
 * Trusts the configuration and the database folder as far as libclamav
 * does; a database that fails to load is said once per change, not once
 * per poll, and keeps the engine running (concurrent) or none (blocking).
 */
#include "reload.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "scan.h"
#include "store.h"
#include "watch.h"

static const struct daemon_opts *opts;
static struct policy_holder *holder;
static struct alert_log *alerts;
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t engine_cond = PTHREAD_COND_INITIALIZER;
static struct scan_engine *engine;	/* NULL: none could be loaded */
static bool engine_building;	/* blocking reload: none published yet */
/* The reload thread's: the database and settings of the engine running,
 * and of the last build tried (which may have failed). */
static uint64_t engine_stamp, engine_tried;
static pthread_t thread;
static bool thread_running;

void
reload_init(const struct daemon_opts *o, struct policy_holder *h,
    struct alert_log *log)
{
	opts = o;
	holder = h;
	alerts = log;
}

/*
 * A blocking reload (clamav.reload: blocking) freed the old engine and is
 * building the new one: wait for it, at most clamav.reload_wait_seconds.
 * Past that the message gets no engine, so it raises virus.unscannable
 * (tempfail by default): never accepted unscanned.  engine_lock is held.
 */
static void
wait_engine(const struct policy *p, const char *qid)
{
	struct timespec dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += (time_t)p->config.clamav_reload_wait_seconds;
	metrics_reload_waiting(1);
	while (engine_building && pthread_cond_timedwait(&engine_cond,
	    &engine_lock, &dl) != ETIMEDOUT)
		;
	metrics_reload_waiting(-1);
	metrics_reload_delayed(engine_building);
	if (engine_building)
		log_warning("%s: the virus engine is still being built "
		    "after clamav.reload_wait_seconds (%llu s): deferring the "
		    "message unscanned", qid, (unsigned long long)
		    p->config.clamav_reload_wait_seconds);
}

struct scan_engine *
reload_engine_get(const struct policy *p, const char *qid)
{
	struct scan_engine *e;

	pthread_mutex_lock(&engine_lock);
	if (engine_building && p->config.clamav_enabled)
		wait_engine(p, qid);
	e = engine != NULL ? scan_engine_ref(engine) : NULL;
	pthread_mutex_unlock(&engine_lock);
	return e;
}

/* libclamav's lines, without their newline, in the daemon's log. */
static void
scan_log(bool error, const char *msg)
{
	size_t n = strlen(msg);

	log_msg(error ? LOG_LEVEL_ERROR : LOG_LEVEL_WARNING, "clamav: %.*s",
	    (int)(n > 0 && msg[n - 1] == '\n' ? n - 1 : n), msg);
}

static double
mono_secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
engine_limits(const struct policy *p, struct scan_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_scansize = p->config.limits.message_size * 2;
	l->max_filesize = p->config.limits.message_size;
	l->max_recursion = (uint32_t)p->config.limits.archive_depth + 12;
	l->max_files = (uint32_t)p->config.limits.archive_members;
	l->tmpdir = p->config.clamav_tmpdir;
}

/*
 * Scanner health for the office: a virus database whose newest file is
 * older than clamav.max_age_days is an alert (rule scanner.database-old,
 * event_type scanner), at most one a day, so `msgsec alerts` and the
 * report show it apart from policy hits.
 */
static void
check_database_age(const struct policy *p, time_t newest)
{
	static time_t last;	/* reload and poll threads: under the lock */
	static pthread_mutex_t age_lock = PTHREAD_MUTEX_INITIALIZER;
	uint64_t max = p->config.clamav_max_age_days;
	struct timespec ts;
	struct alert a;
	uint64_t days;
	char *detail;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (max == 0 || newest <= 0 || ts.tv_sec <= newest ||
	    (uint64_t)(ts.tv_sec - newest) / 86400 <= max)
		return;
	days = (uint64_t)(ts.tv_sec - newest) / 86400;
	pthread_mutex_lock(&age_lock);
	if (last != 0 && ts.tv_sec - last < 86400) {
		pthread_mutex_unlock(&age_lock);
		return;
	}
	last = ts.tv_sec;
	pthread_mutex_unlock(&age_lock);
	detail = mem_printf("newest database file %llu days old "
	    "(clamav.max_age_days %llu) in %s", (unsigned long long)days,
	    (unsigned long long)max, p->config.clamav_database);
	log_warning("virus scanner: %s", detail);
	alert_begin(&a, &ts, "scanner");
	alert_add_str(&a, "rule", "scanner.database-old");
	alert_add_str(&a, "policy", "1.1");
	alert_add_str(&a, "action", "log");
	alert_add_u64(&a, "age_days", days);
	alert_add_str(&a, "detail", detail);
	alert_add_str(&a, "policy_hash", p->hash_short);
	if (alerts != NULL && alert_log_write(alerts, &a) < 0)
		log_warning("could not write the scanner alert: %s",
		    strerror(errno));
	free(detail);
}

/*
 * Build a scanner from the current settings and publish it, unless the
 * database files and the settings it is built with are those of the
 * engine running (a policy-only reload: a rule or exception edited),
 * which is kept, or, from the periodic check (hup false), those of the
 * last build that failed.  clamav.reload says how: concurrent builds
 * beside the old engine, which lives on until the messages using it
 * end; blocking unpublishes and frees the old one first (new messages
 * wait in wait_engine), so two engines never take memory at once.  On
 * failure keep the old one (concurrent) or none (blocking) and say why.
 */
void
reload_engine(const struct policy *p, bool hup)
{
	struct scan_engine *e, *old = NULL;
	char *err = NULL;
	unsigned sigs = 0, files = 0;
	struct scan_limits l;
	bool blocking = p->config.clamav_reload == CLAMAV_RELOAD_BLOCKING;
	const char *mode = blocking ? "blocking" : "concurrent";
	uint64_t stamp;
	time_t newest;
	double t0 = mono_secs(), t_freed = 0;
	char freed[64];

	if (!p->config.clamav_enabled)
		return;
	scan_set_log(scan_log);
	scan_set_concurrency((unsigned)p->config.clamav_max_scans);
	engine_limits(p, &l);
	stamp = scan_database_stamp(p->config.clamav_database, &l, &newest,
	    &files);
	check_database_age(p, newest);
	pthread_mutex_lock(&engine_lock);
	e = engine;
	pthread_mutex_unlock(&engine_lock);
	if (e != NULL && stamp == engine_stamp) {
		if (hup) {
			log_notice("virus scanner: database unchanged: "
			    "engine kept (%u signatures)", scan_engine_sigs(e));
			metrics_reload(METRICS_RELOAD_ENGINE,
			    METRICS_RESULT_UNCHANGED, mono_secs() - t0);
		}
		return;
	}
	/* The periodic check tries a broken database once, not every poll;
	 * SIGHUP tries again. */
	if (!hup && stamp == engine_tried)
		return;
	if (!hup)
		log_notice("virus database changed: reloading it");
	if (blocking) {
		pthread_mutex_lock(&engine_lock);
		old = engine;
		engine = NULL;
		engine_building = true;
		pthread_mutex_unlock(&engine_lock);
		metrics_engine_building(true);
		if (old != NULL && scan_engine_drain(old, (unsigned)
		    p->config.clamav_reload_drain_seconds * 1000) < 0)
			log_warning("virus scanner: messages still use the "
			    "old engine after clamav.reload_drain_seconds: "
			    "building the new one beside it");
		scan_engine_unref(&old);
		t_freed = mono_secs();
	}
	e = scan_engine_load(p->config.clamav_database, &l, &sigs, &err);
	engine_tried = stamp;
	if (e != NULL)
		engine_stamp = stamp;
	pthread_mutex_lock(&engine_lock);
	if (e != NULL) {
		old = engine;
		engine = e;
	}
	engine_building = false;
	pthread_cond_broadcast(&engine_cond);
	pthread_mutex_unlock(&engine_lock);
	metrics_engine_building(false);
	scan_engine_unref(&old);
	metrics_reload(METRICS_RELOAD_ENGINE, e != NULL ? METRICS_RESULT_OK :
	    METRICS_RESULT_FAILED, mono_secs() - t0);
	if (e == NULL) {
		pthread_mutex_lock(&engine_lock);
		e = engine;
		pthread_mutex_unlock(&engine_lock);
		log_error("virus scanner: %s; %s", err, e != NULL ?
		    "keeping the running database" : "every message raises "
		    "virus.unscannable (default action tempfail)");
		if (e == NULL)
			metrics_engine(0, 0, 0);
		free(err);
		return;
	}
	metrics_engine(sigs, files, newest);
	if (t_freed > 0)
		(void)snprintf(freed, sizeof(freed), ", of which %.2f s "
		    "freeing the old engine", t_freed - t0);
	log_notice("virus scanner: %u signatures from %s (built in "
	    "%.2f s, %s reload%s)", sigs, p->config.clamav_database,
	    mono_secs() - t0, mode, t_freed > 0 ? freed : "");
}

/* Load the policy again and publish it; false (old one kept) on error. */
static bool
reload_policy(void)
{
	struct policy *p;
	struct diags d;
	bool ok = false;
	double t0 = mono_secs();

	diags_init(&d);
	p = policy_load(opts->config, opts->sets, opts->nsets, &d);
	if (p == NULL) {
		char line[2048];

		for (size_t i = 0; i < d.n; i++) {
			diag_format(&d.v[i], line, sizeof(line));
			log_error("reload: %s", line);
		}
		log_error("reload failed (%zu errors): keeping the "
		    "running policy", d.errors);
	} else if (!store_same(&p->config)) {
		log_error("reload refused: quarantine.backend, "
		    "quarantine.dsn and quarantine.gateway change only with a "
		    "restart; keeping the running policy");
		policy_unref(&p);
	} else {
		policy_holder_set(holder, p);
		log_notice("reloaded %s: %zu rules, %zu exceptions, policy "
		    "%s", opts->config, p->nrules, p->nexceptions, p->hash);
		ok = true;
	}
	metrics_reload(METRICS_RELOAD_POLICY, ok ? METRICS_RESULT_OK :
	    METRICS_RESULT_FAILED, mono_secs() - t0);
	diags_free(&d);
	return ok;
}

static void
reload(void)
{
	struct policy *p;
	char *err = NULL;

	(void)reload_policy();
	p = policy_holder_get(holder);
	reload_engine(p, true);
	policy_unref(&p);
	if (alert_log_reopen(alerts, &err) < 0) {
		log_error("%s", err);
		free(err);
	}
}

/*
 * SIGHUP reloads everything, the virus engine only if its database or
 * settings changed (reload_engine); a change in the virus database folder
 * (a freshclam update) rebuilds the scanner alone, here in the
 * background, as clamav.reload says.  A change in the policy's
 * own files (the configuration, rules, agencies, exception records: see
 * watch.c), such as `msgsec exception review` approving a record, reloads
 * the policy the way SIGHUP does, at the same check interval: messages in
 * flight keep the snapshot they started with.
 */
static void *
hup_thread(void *arg)
{
	struct timespec poll = { 30, 0 };
	sigset_t set;
	struct policy *p = policy_holder_get(holder);
	uint64_t sources = watch_policy_sources(&p->config), fp;

	(void)arg;
	poll.tv_sec = (time_t)p->config.clamav_check_seconds;
	policy_unref(&p);
	{
		int old;

		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	for (;;) {
		int sig, old;

		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		sig = sigtimedwait(&set, NULL, &poll);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		p = policy_holder_get(holder);
		if (sig == SIGHUP) {
			policy_unref(&p);
			reload();
			p = policy_holder_get(holder);
			sources = watch_policy_sources(&p->config);
		} else if ((fp = watch_policy_sources(&p->config)) !=
		    sources) {
			/* Remember it even if the load fails: one report
			 * per change, not one per poll. */
			sources = fp;
			log_notice("policy files changed: reloading");
			policy_unref(&p);
			(void)reload_policy();
			p = policy_holder_get(holder);
		} else {
			reload_engine(p, false);	/* if the database changed */
		}
		policy_unref(&p);
	}
	return NULL;
}

int
reload_start(void)
{
	if (pthread_create(&thread, NULL, hup_thread, NULL) != 0)
		return -1;
	thread_running = true;
	return 0;
}

void
reload_stop(void)
{
	/* It waits in sigtimedwait, a cancellation point. */
	if (thread_running) {
		pthread_cancel(thread);
		pthread_join(thread, NULL);
		thread_running = false;
	}
}

void
reload_free(void)
{
	scan_engine_unref(&engine);
}
