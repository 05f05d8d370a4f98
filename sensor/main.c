/*
 * main.c - msgsec-sensor: options, configuration, the capture loop,
 * signals and the end-of-run summary.
 *
 *   msgsec-sensor -c CONF (-i IFACE | -r FILE) [--alerts FILE|-]
 *                 [--bpf EXPR] [--set KEY=VALUE]... [-u USER] [-q]
 *
 * Order at start: load the policy, open the alert log and the flow log,
 * open the capture (the only step that may need root: sensor.workers
 * handles on a live interface, worker.c), drop to sensor.user, then
 * read: a file on this thread, an interface with a thread per worker
 * while this one takes signals, reloads, flushes the flow log and writes
 * the metrics.  SIGHUP reloads the policy (rules, lists,
 * agencies, exceptions; a failed load keeps the running one) and reopens
 * the logs, without losing flows; sensor.* settings are read once at start.
 * SIGTERM and SIGINT stop the capture; every flow is then flushed (alerts,
 * flow log) and the summary printed.  Signal handlers only set flags and
 * break the pcap loop; the work happens in the loop.
 *
 * Exit: 0 after a run, 2 when the configuration, the file, the interface,
 * the filter or the user is unusable.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "capture.h"
#include "engine.h"
#include "flowlog.h"
#include "log.h"
#include "mem.h"
#include "netmetrics.h"
#include "opt.h"
#include "pgalert.h"
#include "policy.h"
#include "privs.h"
#include "watch.h"
#include "worker.h"

#ifndef MSGSEC_DEFAULT_CONFIG
#define MSGSEC_DEFAULT_CONFIG "/etc/msgsec/msgsec.yaml"
#endif

#define SUPERVISE_MS 200	/* live: the main thread's wake-ups */

struct opts {
	struct opt_common c;	/* -c, -u, -f, --set, --now */
	const char *file;
	const char *iface;
	const char *alerts;
	const char *bpf;
	bool quiet;
};

static volatile sig_atomic_t got_stop, got_hup;
static sigset_t startup_signals;
/* The running policy, published as the milter does (daemon.c): SIGHUP
 * loads a new snapshot and sets it; the engine takes its own reference. */
static struct policy_holder holder;
/* Fingerprint of the policy's files when the running policy was read. */
static uint64_t loaded_sources;
static struct worker_pool pool;
static volatile sig_atomic_t pool_open;
static struct prom_table *rule_alerts;	/* alerts by rule, for metrics */
static bool metrics_failing;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
	if (pool_open && !pool.live)
		worker_pool_break(&pool);	/* a file is read here */
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec-sensor [-c FILE] (-i IFACE | -r FILE) "
	    "[--alerts FILE|-] [--bpf EXPR]\n"
	    "                     [--set KEY=VALUE]... [-u USER] [-q]\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  -r, --read FILE     read a pcap or pcapng file\n"
	    "  -i, --interface IF  capture live on IF\n"
	    "  --alerts FILE|-     alert output instead of the configured "
	    "one (- is stdout)\n"
	    "  --bpf EXPR          capture filter (pcap-filter(7))\n"
	    "  --set KEY=VALUE     override one setting (repeatable; "
	    "sensor.* keys)\n"
	    "  -u, --user USER     drop to USER after opening the capture "
	    "(default sensor.user;\n"
	    "                      'root' or empty keeps root)\n"
	    "  -f, --foreground    accepted for symmetry with the milter "
	    "(always foreground)\n"
	    "  -q, --quiet         no progress line, no summary\n"
	    "  --now TIME          judge exceptions as at this RFC 3339 time\n"
	    "  -h, --help          this text\n"
	    "  --version           print the version\n",
	    MSGSEC_DEFAULT_CONFIG);
}

enum {
	OPT_ALERTS = OPT_OWN, OPT_BPF,
};

static const struct option long_opts[] = {
	OPT_LONG_COMMON,
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "alerts", required_argument, NULL, OPT_ALERTS },
	{ "bpf", required_argument, NULL, OPT_BPF },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 (OPT_GO_ON) to go on, else an exit status. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	const struct opt_str strs[] = {
		{ 'r', &o->file }, { 'i', &o->iface },
		{ OPT_ALERTS, &o->alerts }, { OPT_BPF, &o->bpf },
	};
	int c, rc = OPT_GO_ON;

	opterr = 0;
	/* "--opt value" and "--opt=value" alike (getopt_long). */
	while (rc == OPT_GO_ON && (c = getopt_long(argc, argv,
	    ":" OPT_SHORT_COMMON "r:i:q", long_opts, NULL)) != -1) {
		if (opt_store(c, strs, sizeof(strs) / sizeof(strs[0])))
			continue;
		switch (c) {
		case 'q':
			o->quiet = true;
			break;
		case ':':
			/* No usage text after a missing argument. */
			opt_complain(c, argv);
			exit(2);
		default:
			rc = opt_take(c, argv, &o->c, "msgsec-sensor", usage);
			break;
		}
	}
	if (rc == OPT_GO_ON)
		rc = opt_end(argc, argv, usage);
	if (rc == OPT_GO_ON && (o->file == NULL) == (o->iface == NULL)) {
		log_error("give exactly one of -r FILE and -i IFACE");
		usage(stderr);
		return 2;
	}
	return rc;
}

static struct policy *
load_policy(const struct opts *o, bool reload)
{
	struct diags d;
	struct policy *p;

	diags_init(&d);
	p = policy_load(o->c.config, o->c.sets, o->c.nsets, &d);
	diags_print(&d, stderr);
	if (p == NULL)
		log_error("%s: configuration not usable%s", o->c.config,
		    reload ? "; keeping the running policy" : "");
	diags_free(&d);
	return p;
}

static struct alert_log *
open_alerts(const struct opts *o, const struct policy *p)
{
	struct alert_log *log;
	char *err = NULL;
	enum alert_output out = p->config.alert_output;
	const char *path = p->config.alert_file;

	if (o->alerts != NULL) {
		out = strcmp(o->alerts, "-") == 0 ? ALERT_OUT_STDOUT :
		    ALERT_OUT_FILE;
		path = o->alerts;
		log = alert_log_open(out, path, "msgsec-sensor", 0, &err);
	} else {
		log = pgalert_log_open(&p->config, "msgsec-sensor", 0, &err);
	}
	if (log == NULL) {
		log_error("%s", err);
		free(err);
	}
	return log;
}

static struct flowlog *
open_flowlog(const struct policy *p, bool *failed_r)
{
	const char *v = p->config.sensor.flow_log;
	struct flowlog *l;
	char *path, *err = NULL;

	*failed_r = false;
	if (v == NULL || v[0] == '\0')
		return NULL;
	path = strcmp(v, "-") == 0 ? mem_strdup("-") :
	    config_path(&p->config, v);
	l = flowlog_open(path, &err);
	if (l == NULL) {
		log_error("%s", err);
		free(err);
		*failed_r = true;
	}
	free(path);
	return l;
}

static void
reload(const struct opts *o, struct alert_log *log, struct flowlog *fl)
{
	struct policy *p = load_policy(o, true);
	char *err = NULL;

	if (p != NULL) {
		log_notice("reloaded %s: %zu rules, %zu exceptions, policy "
		    "%s", o->c.config, p->nrules, p->nexceptions, p->hash);
		policy_holder_set(&holder, p);
		worker_pool_policy_changed(&pool);	/* every worker */
	}
	if (alert_log_reopen(log, &err) < 0) {
		log_error("%s", err);
		free(err);
		err = NULL;
	}
	if (fl != NULL && flowlog_reopen(fl, &err) < 0) {
		log_error("%s", err);
		free(err);
	}
}

/*
 * Started as root, become user once the capture is open (privs.h);
 * "root" or "" keeps root (tests, a one-off read of a file one trusts).
 */
static int
drop_root(const char *user, char **error_r)
{
	struct privs_user u;
	char *err = NULL;

	if (geteuid() != 0 || user == NULL || user[0] == '\0' ||
	    strcmp(user, "root") == 0)
		return 0;
	if (privs_lookup(user, &u, &err) < 0) {
		*error_r = mem_printf("%s: create it (useradd --system "
		    "--user-group --no-create-home --shell /usr/sbin/nologin "
		    "%s), or give -u USER; -u root (or --set sensor.user=) "
		    "keeps root", err, user);
		free(err);
		return -1;
	}
	return privs_become(&u, error_r);
}

static double
mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
progress(bool last)
{
	uint64_t done, total;
	struct engine_totals t;

	if (last) {
		fputs("\r\033[K", stderr);
		return;
	}
	worker_pool_totals(&pool, &t, NULL);
	worker_pool_progress(&pool, &done, &total);
	if (total > 0)	/* a file: how far; a pipe: only the counts */
		fprintf(stderr, "\rmsgsec-sensor: %5.1f%%  ", 100.0 *
		    (double)done / (double)total);
	else
		fputs("\rmsgsec-sensor: ", stderr);
	fprintf(stderr, "%llu packets  %llu flows  %llu alerts\033[K",
	    (unsigned long long)t.eng.frames,
	    (unsigned long long)t.flow.flows,
	    (unsigned long long)t.judge.alerts);
}

#define U(x) ((unsigned long long)(x))

/*
 * The pcap line: the totals, and with several workers each one's share
 * (frames read, pcap's received and dropped) and the frames discarded
 * while their fanout group formed.
 */
static void
summary_pcap(const struct netmetrics_worker *w, unsigned nw)
{
	struct capture_stats cs;
	char per[8192];	/* WORKER_MAX workers, 20-digit counts */
	size_t n = 0;

	netmetrics_pcap_total(w, nw, &cs);
	if (!cs.valid) {
		log_info("pcap: a file, no drops");
		return;
	}
	per[0] = '\0';
	for (unsigned i = 0; nw > 1 && i < nw; i++) {
		int k = snprintf(per + n, sizeof(per) - n, "%s%u: %llu packets, "
		    "%llu received, %llu dropped", i > 0 ? "; " : "", i,
		    U(w[i].packets), U(w[i].cs.received), U(w[i].cs.dropped));

		if (k < 0 || (size_t)k >= sizeof(per) - n)
			break;
		n += (size_t)k;
	}
	if (nw > 1)
		log_info("pcap: %llu received, %llu dropped, %llu dropped by "
		    "the interface; %u workers (%s), %llu discarded while "
		    "their fanout group formed", U(cs.received), U(cs.dropped),
		    U(cs.ifdropped), nw, per, U(cs.discarded));
	else
		log_info("pcap: %llu received, %llu dropped, %llu dropped by "
		    "the interface", U(cs.received), U(cs.dropped),
		    U(cs.ifdropped));
}

static void
summary(double secs)
{
	struct engine_totals t;
	struct netmetrics_worker *w = mem_calloc(pool.n, sizeof(*w));
	const struct engine_stats *es = &t.eng;
	const struct pkt_stats *ps = &t.pkt;
	const struct flow_stats *fs = &t.flow;
	const struct judge_stats *js = &t.judge;
	char ev[256];
	size_t n = 0;

	worker_pool_totals(&pool, &t, w);

	ev[0] = '\0';
	for (unsigned i = 0; judge_event_name(i) != NULL; i++) {
		int k;

		if (js->by_event[i] == 0)
			continue;
		k = snprintf(ev + n, sizeof(ev) - n, "%s%s %llu",
		    n > 0 ? ", " : " (", judge_event_name(i),
		    U(js->by_event[i]));
		if (k < 0 || (size_t)k >= sizeof(ev) - n)
			break;
		n += (size_t)k;
	}
	if (n > 0 && n + 1 < sizeof(ev)) {
		ev[n++] = ')';
		ev[n] = '\0';
	}
	log_info("packets: %llu in %.2f s (%.0f/s), %llu bytes; IPv4 %llu, "
	    "IPv6 %llu, TCP %llu, UDP %llu, other %llu, not IP %llu",
	    U(es->frames), secs, secs > 0 ?
	    (double)es->frames / secs : 0.0, U(es->bytes), U(ps->ip4),
	    U(ps->ip6), U(ps->tcp), U(ps->udp), U(ps->other_l4),
	    U(ps->non_ip));
	log_info("decode: %llu truncated, %llu malformed, %llu bad link type, "
	    "%llu too many layers, %llu tunnelled; fragments %llu (%llu "
	    "reassembled, %llu dropped, %llu overlaps)", U(ps->truncated),
	    U(ps->malformed),
	    U(ps->bad_linktype), U(ps->too_many_layers), U(ps->tunnels),
	    U(ps->frags), U(ps->frags_reassembled), U(ps->frags_dropped),
	    U(ps->frag_overlaps));
	log_info("flows: %llu (%llu evicted, %llu timed out), %llu logged",
	    U(fs->flows), U(fs->evicted), U(fs->timed_out),
	    U(es->flows_logged));
	log_info("alerts: %llu%s, %llu under an exception, %llu not written",
	    U(js->alerts), ev, U(js->excepted), U(js->alerts_failed));
	log_info("parsers: TLS hellos %llu (SNI %llu, ECH %llu), QUIC hellos "
	    "%llu (initials %llu, failed %llu), gQUIC hellos %llu, HTTP "
	    "requests %llu, DNS messages %llu (TCP %llu, not DNS %llu; names "
	    "%llu, deduplicated %llu), IM %llu, undecided streams %llu "
	    "(memory bound %llu)",
	    U(es->tls_hellos), U(es->tls_sni), U(es->tls_ech),
	    U(es->quic_hellos), U(es->quic_initials), U(es->quic_failed),
	    U(es->gquic_hellos),
	    U(es->http_requests), U(es->dns_messages),
	    U(es->dns_tcp_messages), U(es->dns_bad), U(js->dns_names),
	    U(js->dns_deduped), U(es->im_detected), U(es->streams_undecided),
	    U(es->streams_over_memory));
	summary_pcap(w, pool.n);
	free(w);
}

static void
set_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: poll() must return */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Blocked since main began (see there): deliver what came. */
	sigprocmask(SIG_UNBLOCK, &startup_signals, NULL);
}

/*
 * Write metrics.sensor_file when it is set; a failure is reported once
 * until the next success.
 */
static void
write_metrics(void)
{
	struct policy *p = policy_holder_get(&holder);
	const char *path = p->config.metrics_sensor_file;
	struct engine_totals t;
	struct netmetrics_worker *w;
	char *err = NULL;

	if (path != NULL && path[0] != '\0') {
		w = mem_calloc(pool.n, sizeof(*w));
		worker_pool_totals(&pool, &t, w);
		if (netmetrics_write(path, &t, w, pool.n, rule_alerts,
		    &err) < 0) {
			if (!metrics_failing)
				log_warning("metrics: %s", err);
			metrics_failing = true;
			free(err);
		} else {
			metrics_failing = false;
		}
		free(w);
	}
	policy_unref(&p);
}

static double
metrics_interval(void)
{
	struct policy *p = policy_holder_get(&holder);
	double secs = (double)p->config.metrics_interval;

	policy_unref(&p);
	return secs;
}

/* What the main thread looks after between batches (a file) or while
 * the workers read (live). */
#define DROPS_EVERY 60.0	/* live: seconds between drop warnings */

struct duties {
	double next_progress, next_flush, next_watch, next_metrics;
	double next_drops;
	uint64_t sources;
	uint64_t dropped[WORKER_MAX];	/* ps_drop per worker, last look */
	bool show;
};

/*
 * Live: say in the log, at most once a DROPS_EVERY, which workers' rings
 * overflowed since the last look (the summary and the metrics have the
 * counts; this is for whoever reads the log of a long run).
 */
static void
drops(struct duties *d)
{
	struct engine_totals t;
	struct netmetrics_worker w[WORKER_MAX];
	unsigned n = pool.n < WORKER_MAX ? pool.n : WORKER_MAX;

	worker_pool_totals(&pool, &t, w);
	for (unsigned i = 0; i < n; i++) {
		if (w[i].cs.dropped > d->dropped[i])
			log_warning("capture worker %u: %llu frames dropped by "
			    "the kernel in the last %.0f s (%llu in all; the "
			    "ring, sensor.buffer_size, was full)", i,
			    U(w[i].cs.dropped - d->dropped[i]), DROPS_EVERY,
			    U(w[i].cs.dropped));
		d->dropped[i] = w[i].cs.dropped;
	}
}

static void
duties_init(struct duties *d, bool show)
{
	double now = mono_now();

	d->next_progress = now + 0.5;
	d->next_flush = now + 1.0;
	d->next_watch = now;
	d->next_metrics = now + metrics_interval();
	d->next_drops = now + DROPS_EVERY;
	memset(d->dropped, 0, sizeof(d->dropped));
	d->sources = loaded_sources;
	d->show = show;
}

static void
duties(const struct opts *o, struct duties *d, struct alert_log *log,
    struct flowlog *fl)
{
	if (got_hup) {
		got_hup = 0;
		reload(o, log, fl);
	}
	/* Live: an exception approved (or a rule edited) while we run
	 * takes effect without a SIGHUP, flows kept. */
	if (pool.live && mono_now() >= d->next_watch) {
		struct policy *cur = policy_holder_get(&holder);
		uint64_t secs = cur->config.sensor.check_seconds;
		uint64_t now_fp = secs > 0 ?
		    watch_policy_sources(&cur->config) : 0;

		policy_unref(&cur);
		if (secs > 0 && now_fp != d->sources)
			reload(o, log, fl);
		if (secs > 0)
			d->sources = now_fp;
		d->next_watch = mono_now() + (double)(secs > 0 ? secs : 60);
	}
	/* Live: flow lines reach the log within a second or so. */
	if (pool.live && fl != NULL && mono_now() >= d->next_flush) {
		(void)flowlog_flush(fl);
		d->next_flush = mono_now() + 1.0;
	}
	if (d->show && mono_now() >= d->next_progress) {
		progress(false);
		d->next_progress = mono_now() + 0.5;
	}
	if (mono_now() >= d->next_metrics) {
		write_metrics();
		d->next_metrics = mono_now() + metrics_interval();
	}
	if (pool.live && mono_now() >= d->next_drops) {
		drops(d);
		d->next_drops = mono_now() + DROPS_EVERY;
	}
}

/* Read the file on this thread until its end or a stop signal. */
static int
run_file(const struct opts *o, struct alert_log *log, struct flowlog *fl,
    bool show)
{
	struct duties d;
	char *err = NULL;

	duties_init(&d, show);
	while (!got_stop) {
		int n;

		duties(o, &d, log, fl);
		n = worker_pool_step(&pool, &err);
		if (n == -1) {
			log_error("%s: %s", o->file, err);
			free(err);
			return 0;	/* a cut file: keep what was read */
		}
		if (n == 0)
			break;
	}
	return 0;
}

/* Live: the workers read; this thread waits for signals and timers. */
static int
run_live(const struct opts *o, struct alert_log *log, struct flowlog *fl)
{
	struct duties d;
	char *err = NULL;

	duties_init(&d, false);
	if (worker_pool_start(&pool, &err) < 0) {
		log_error("%s: %s", o->iface, err);
		free(err);
		return 1;
	}
	while (!got_stop && !__atomic_load_n(&pool.stop, __ATOMIC_ACQUIRE)) {
		duties(o, &d, log, fl);
		(void)poll(NULL, 0, SUPERVISE_MS);	/* a signal ends it */
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct policy *p;
	struct alert_log *log;
	struct flowlog *fl;
	struct capture_opts co;
	struct engine_settings es;
	char *err = NULL;
	bool fl_failed, show;
	unsigned nworkers;
	double t0;
	int rc;

	/* A SIGHUP before the handlers are in place (logrotate's reload
	 * during a restart) would kill us by default action: hold the
	 * signals until set_signals(). */
	sigemptyset(&startup_signals);
	sigaddset(&startup_signals, SIGHUP);
	sigaddset(&startup_signals, SIGTERM);
	sigaddset(&startup_signals, SIGINT);
	sigprocmask(SIG_BLOCK, &startup_signals, NULL);
	log_open("msgsec-sensor", LOG_TO_STDERR, LOG_DAEMON);
	memset(&o, 0, sizeof(o));
	o.c.config = MSGSEC_DEFAULT_CONFIG;
	rc = parse_args(argc, argv, &o);
	if (rc >= 0) {
		opt_free(&o.c);
		return rc;
	}
	p = load_policy(&o, false);
	if (p != NULL)
		loaded_sources = watch_policy_sources(&p->config);
	if (p == NULL) {
		opt_free(&o.c);
		return 2;
	}
	log = open_alerts(&o, p);
	fl = open_flowlog(p, &fl_failed);
	memset(&co, 0, sizeof(co));
	co.file = o.file;
	co.iface = o.iface;
	co.bpf = o.bpf;
	co.snaplen = (unsigned)p->config.sensor.snaplen;
	co.buffer_size = (unsigned)p->config.sensor.buffer_size;
	co.immediate = p->config.sensor.immediate;
	co.timeout_ms = 200;
	/* Workers share a live link; a file is read in one order by one. */
	nworkers = o.file != NULL ? 1 :
	    worker_count(p->config.sensor.workers);
	if (log == NULL || fl_failed)
		goto fail;
	if (worker_pool_open(&pool, nworkers, &co, &err) < 0) {
		log_error("%s", err);
		free(err);
		goto fail;
	}
	pool_open = true;
	if (!pkt_linktype_is_supported(worker_pool_linktype(&pool))) {
		log_error("%s: link type %d is not supported", o.file != NULL ?
		    o.file : o.iface, worker_pool_linktype(&pool));
		goto fail;
	}
	if (nworkers > 1)
		log_notice("%s: %u capture workers (PACKET_FANOUT group %u)",
		    o.iface, nworkers, pool.group);
	if (drop_root(o.c.user != NULL ? o.c.user : p->config.sensor.user,
	    &err) < 0) {
		log_error("%s", err);
		free(err);
		goto fail;
	}
	engine_settings_from_policy(&es, p);
	es.judge.now = o.c.now;
	rule_alerts = prom_table_new((size_t)p->config.metrics_max_series);
	es.judge.rule_alerts = rule_alerts;
	worker_pool_engines(&pool, &es, p, log, fl, &holder);
	show = !o.quiet && o.file != NULL && p->config.sensor.progress &&
	    isatty(STDERR_FILENO);
	policy_holder_init(&holder, p);	/* takes our reference */
	p = NULL;
	set_signals();
	t0 = mono_now();
	rc = o.file != NULL ? run_file(&o, log, fl, show) :
	    run_live(&o, log, fl);
	if (worker_pool_stop(&pool) != 0)	/* every flow ends */
		rc = 1;
	write_metrics();	/* the final figures */
	if (show)
		progress(true);
	if (!o.quiet)
		summary(mono_now() - t0);
	pool_open = false;
	worker_pool_free(&pool);
	prom_table_free(&rule_alerts);
	policy_holder_destroy(&holder);
	flowlog_close(&fl);
	alert_log_close(&log);
	opt_free(&o.c);
	return rc;
fail:
	pool_open = false;
	worker_pool_free(&pool);
	flowlog_close(&fl);
	alert_log_close(&log);
	policy_unref(&p);
	opt_free(&o.c);
	return 2;
}
