/*
 * netmetrics.c - msgsec-sensor's metrics in the Prometheus text format.
 *
 * Trusts: the engine's counters.  Rule ids come from rule files and are
 * escaped by prom.c.  Limits: metrics.max_series rule ids in the table
 * (prom.h); past it alerts are counted under rule="_other"; one series
 * per capture worker (sensor.workers, at most 64).
 */
#include "netmetrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "judge.h"
#include "mem.h"
#include "pkt.h"

#define P "msgsec_sensor_"
#define NETMETRICS_BUF_MAX (64u * 1024 * 1024)

static void
rule_line(void *ctx, const char *key, uint64_t n)
{
	const char *l[] = { "rule", key, NULL };

	prom_u64(ctx, P "alerts_total", l, n);
}

static void
counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
	prom_head(b, name, "counter", help);
	prom_u64(b, name, NULL, v);
}

void
netmetrics_pcap_total(const struct netmetrics_worker *w, size_t n,
    struct capture_stats *total)
{
	memset(total, 0, sizeof(*total));
	for (size_t i = 0; i < n; i++) {
		total->received += w[i].cs.received;
		total->dropped += w[i].cs.dropped;
		total->discarded += w[i].cs.discarded;
		if (w[i].cs.ifdropped > total->ifdropped)
			total->ifdropped = w[i].cs.ifdropped;
		total->valid = total->valid || w[i].cs.valid;
	}
}

static void
per_worker(struct buf *b, const struct netmetrics_worker *w, size_t n)
{
	char id[24];
	const char *l_w[] = { "worker", id, NULL };
	const char *l_wb[] = { "worker", id, "where", "buffer", NULL };

	prom_head(b, P "worker_packets_total", "counter", "Frames each "
	    "capture worker read (sensor.workers).");
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i);
		prom_u64(b, P "worker_packets_total", l_w, w[i].packets);
	}
	prom_head(b, P "worker_pcap_received_total", "counter", "Frames the "
	    "kernel handed each worker's capture handle (ps_recv).");
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i);
		prom_u64(b, P "worker_pcap_received_total", l_w,
		    w[i].cs.received);
	}
	prom_head(b, P "worker_kernel_drops_total", "counter", "Frames "
	    "dropped because a worker's capture buffer was full (ps_drop; "
	    "the interface's own drops are in kernel_drops_total).");
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i);
		prom_u64(b, P "worker_kernel_drops_total", l_wb,
		    w[i].cs.dropped);
	}
}

void
netmetrics_render(struct buf *b, const struct engine_totals *t,
    const struct netmetrics_worker *w, size_t n,
    const struct prom_table *rules)
{
	const struct engine_stats *es = &t->eng;
	const struct pkt_stats *ps = &t->pkt;
	const struct flow_stats *fs = &t->flow;
	const struct judge_stats *js = &t->judge;
	const char *l_buf[] = { "where", "buffer", NULL };
	const char *l_if[] = { "where", "interface", NULL };
	const char *l_tr[] = { "kind", "truncated", NULL };
	const char *l_ma[] = { "kind", "malformed", NULL };
	struct capture_stats total;
	const struct capture_stats *cs = &total;
	uint64_t other;

	netmetrics_pcap_total(w, n, &total);
	counter(b, P "packets_total", "Frames read from the capture.",
	    es->frames);
	counter(b, P "bytes_total", "Bytes of those frames, as on the wire.",
	    es->bytes);
	counter(b, P "pcap_received_total", "Frames the kernel saw "
	    "(pcap_stats ps_recv; 0 reading a file).", cs->received);
	prom_head(b, P "kernel_drops_total", "counter", "Frames dropped "
	    "before msgsec read them (pcap_stats): the capture buffer was "
	    "full (sensor.buffer_size), or the interface dropped them.");
	prom_u64(b, P "kernel_drops_total", l_buf, cs->dropped);
	prom_u64(b, P "kernel_drops_total", l_if, cs->ifdropped);
	prom_head(b, P "decode_errors_total", "counter", "Frames that could "
	    "not be decoded whole.");
	prom_u64(b, P "decode_errors_total", l_tr, ps->truncated);
	prom_u64(b, P "decode_errors_total", l_ma, ps->malformed);
	counter(b, P "flows_total", "Flows created.", fs->flows);
	prom_head(b, P "flows_active", "gauge", "Flows in the table now "
	    "(at most sensor.max_flows).");
	prom_u64(b, P "flows_active", NULL, fs->active);
	counter(b, P "flows_evicted_total", "Flows evicted because the table "
	    "was full (sensor.max_flows).", fs->evicted);
	counter(b, P "flows_timed_out_total", "Flows ended by their idle "
	    "timeout.", fs->timed_out);
	prom_head(b, P "alerts_total", "counter", "Alerts raised, by rule id "
	    "(rule _other: past metrics.max_series ids).");
	other = rules != NULL ? prom_table_each(rules, rule_line, b) : 0;
	if (other > 0)
		rule_line(b, "_other", other);
	counter(b, P "alert_write_failures_total", "Alerts the alert log "
	    "could not take.", js->alerts_failed);
	counter(b, P "alerts_excepted_total", "Alerts whose action an "
	    "approved exception lowered to log.", js->excepted);
	counter(b, P "streams_over_memory_total", "TCP streams given up at "
	    "the reassembly memory bound (sensor.stream_memory).",
	    es->streams_over_memory);
	prom_head(b, P "workers", "gauge", "Capture workers (sensor.workers; "
	    "1 reading a file).");
	prom_u64(b, P "workers", NULL, n);
	per_worker(b, w, n);
}

int
netmetrics_write(const char *path, const struct engine_totals *t,
    const struct netmetrics_worker *w, size_t n,
    const struct prom_table *rules, char **error_r)
{
	struct buf b;
	int rc;

	buf_init(&b, NETMETRICS_BUF_MAX);
	netmetrics_render(&b, t, w, n, rules);
	if (b.data == NULL) {
		*error_r = mem_printf("cannot write %s: no metrics text", path);
		return -1;
	}
	rc = prom_write_file(path, &b, error_r);
	buf_free(&b);
	return rc;
}
