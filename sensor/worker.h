/*
 * worker.h - capture workers (sensor.workers): N live capture handles on
 * one interface in one PACKET_FANOUT group, each read by a thread with an
 * engine of its own (flow table, parsers, reassembly), so a link can use
 * every core.  The kernel hashes each packet by its flow and hands the
 * flow to one handle: no flow is split between workers.
 *
 * Shared, and thread-safe on their own: the policy (the holder; a new
 * snapshot is announced with worker_pool_policy_changed and every worker
 * takes it before its next batch of packets), the alert log, the flow
 * log and the per-rule counters.  Each worker copies its counters to a
 * snapshot now and then (worker_pool_totals reads those), so the
 * supervising thread never reads an engine while it runs.
 *
 * A file (-r) is read by one worker, on the calling thread
 * (worker_pool_step), as before workers existed: its packets come in one
 * order, and the timing of threads would only make runs differ.
 *
 * Limits: at most WORKER_MAX (sensor.workers' bound) workers; the engine
 * bounds are the settings divided among them (engine_settings_share).
 */
#ifndef MSGSEC_WORKER_H
#define MSGSEC_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "capture.h"
#include "config.h"
#include "engine.h"
#include "netmetrics.h"

#define WORKER_MAX CONF_WORKERS_MAX	/* sensor.workers' bound */

struct policy_holder;
struct worker;

struct worker_pool {
	struct worker *w;
	unsigned n;
	unsigned group;		/* PACKET_FANOUT group id (n > 1) */
	bool live;
	bool threads;		/* worker_pool_start ran */
	struct policy_holder *holder;	/* borrowed */
	unsigned gen;		/* atomic: bumped by policy_changed */
	bool stop;		/* atomic */
};

/* The number of workers sensor.workers asks for (0: online cores). */
unsigned worker_count(unsigned long long setting);

/*
 * Open n captures with o (a file: n must be 1); n > 1 joins them in a
 * new fanout group and discards what they took while it formed.  Opening
 * may need root: call it before dropping privileges.  Returns 0, or -1
 * with a malloc'd *error_r (the captures opened so far are closed).
 */
int worker_pool_open(struct worker_pool *wp, unsigned n,
    const struct capture_opts *o, char **error_r);

/* The captures' link type (all the same: one interface or one file). */
int worker_pool_linktype(const struct worker_pool *wp);

/*
 * One engine per worker, from s shared out (engine_settings_share), with
 * policy p (each takes a reference), log and flowlog (borrowed).
 */
void worker_pool_engines(struct worker_pool *wp,
    const struct engine_settings *s, struct policy *p,
    struct alert_log *log, struct flowlog *flowlog,
    struct policy_holder *holder);

/* Live: start a thread per worker.  0, or -1 with *error_r. */
int worker_pool_start(struct worker_pool *wp, char **error_r);

/*
 * File: read one batch on the calling thread.  Returns what
 * capture_dispatch returns (0: the end; -1 with *error_r; -2: broken).
 */
int worker_pool_step(struct worker_pool *wp, char **error_r);

/* A new policy is in the holder: every worker takes it. */
void worker_pool_policy_changed(struct worker_pool *wp);

/* Make every capture_dispatch return (async-signal-safe). */
void worker_pool_break(struct worker_pool *wp);

/*
 * Stop and join the threads (live), then end every flow (alerts, flow
 * log).  Returns 0, or 1 when a worker stopped on a read error (said in
 * the log).
 */
int worker_pool_stop(struct worker_pool *wp);

/*
 * The counters, all workers added up in *t, and each worker's own in
 * w[0..wp->n) (may be NULL).  While threads run these are their latest
 * snapshots (at most a fraction of a second old).
 */
void worker_pool_totals(struct worker_pool *wp, struct engine_totals *t,
    struct netmetrics_worker *w);

/* For progress on a file. */
void worker_pool_progress(struct worker_pool *wp, uint64_t *done_r,
    uint64_t *total_r);

void worker_pool_free(struct worker_pool *wp);

#endif
