/*
 * netmetrics.h - msgsec-sensor's counters as a Prometheus text file
 * (metrics.sensor_file, every metrics.interval seconds and at the end of
 * a capture; see prom.h).  The sensor is one thread: these read the
 * engine's own counters, nothing is shared.
 */
#ifndef MSGSEC_NETMETRICS_H
#define MSGSEC_NETMETRICS_H

#include "capture.h"
#include "engine.h"
#include "prom.h"
#include "str.h"

/*
 * Append every metric to b: the engine's counters (e), pcap's (cs: kernel
 * drops, zeroes for a file) and the alerts by rule id (rules, the table
 * given to the judge as judge_settings.rule_alerts; may be NULL).
 */
void netmetrics_render(struct buf *b, const struct engine *e,
    const struct capture_stats *cs, const struct prom_table *rules);

/* Render and write path atomically.  Returns 0, or -1 with *error_r. */
int netmetrics_write(const char *path, const struct engine *e,
    const struct capture_stats *cs, const struct prom_table *rules,
    char **error_r);

#endif
