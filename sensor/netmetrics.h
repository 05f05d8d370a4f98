/*
 * netmetrics.h - msgsec-sensor's counters as a Prometheus text file
 * (metrics.sensor_file, every metrics.interval seconds and at the end of
 * a capture; see prom.h).  With capture workers the caller adds their
 * counters up first (engine_totals_add); pcap's counters are shown both
 * in total and per worker.  Nothing here is shared with the workers:
 * the caller hands copies.
 */
#ifndef MSGSEC_NETMETRICS_H
#define MSGSEC_NETMETRICS_H

#include <stddef.h>

#include "capture.h"
#include "engine.h"
#include "prom.h"
#include "str.h"

/* One capture worker's own figures. */
struct netmetrics_worker {
	struct capture_stats cs;	/* pcap_stats of its handle */
	uint64_t packets;		/* frames it read */
};

/*
 * Append every metric to b: the engines' counters (t, all workers added
 * up), pcap's per worker (w[0..n): n >= 1; kernel drops, zeroes for a
 * file) and their totals (the interface's drops are the interface's:
 * the largest any handle saw, not a sum), and the alerts by rule id
 * (rules, the table given to the judges as judge_settings.rule_alerts;
 * may be NULL).
 */
void netmetrics_render(struct buf *b, const struct engine_totals *t,
    const struct netmetrics_worker *w, size_t n,
    const struct prom_table *rules);

/* Render and write path atomically.  Returns 0, or -1 with *error_r. */
int netmetrics_write(const char *path, const struct engine_totals *t,
    const struct netmetrics_worker *w, size_t n,
    const struct prom_table *rules, char **error_r);

/* The workers' pcap counters as one (received and dropped added up). */
void netmetrics_pcap_total(const struct netmetrics_worker *w, size_t n,
    struct capture_stats *total);

#endif
