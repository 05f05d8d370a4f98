/*
 * flowlog.h - the flow log (policy 3.3): one JSON line per flow when it
 * ends, off by default (sensor.flow_log).
 *
 * Lines are collected in a buffer and written with write(2) only in whole
 * lines, so that a flow log on stdout shares the descriptor with alerts
 * (which write whole lines too) without cutting either.  The buffer is
 * flushed when full, on flowlog_flush (end of a run, SIGHUP) and on close.
 * Thread-safe: the capture workers' engines share one (a mutex around
 * each line and each flush); flowlog_close only once they have stopped.
 */
#ifndef MSGSEC_FLOWLOG_H
#define MSGSEC_FLOWLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "judge.h"
#include "str.h"

struct flowlog;
struct stun_flow;

/* What the engine learnt of a flow, for its line (all borrowed). */
struct flowlog_flow {
	const struct flow *flow;	/* addresses, ports, counts, times */
	enum app_proto app;
	const char *names[NAME_COUNT_];	/* NULL when not seen */
	const struct buf *alpn;		/* TLS/QUIC ALPN, NUL-separated */
	const struct buf *dns_queries;	/* question names, NUL-separated */
	bool has_ech;			/* an ECH extension at all */
	uint32_t quic_version;		/* QUIC and gQUIC */
	const char *http_method;	/* HTTP */
	const char *im_name;		/* IRC nick, MQTT client id, ... */
	const struct stun_flow *stun;	/* STUN/TURN seen (stun.h), NULL */
	const char *agency;		/* the host's agency, or NULL */
};

/*
 * Open path ("-": stdout; a file is created 0640 and appended to).
 * Returns NULL with a malloc'd *error_r.
 */
struct flowlog *flowlog_open(const char *path, char **error_r);
/* Queue one line (without its newline; one is added).  0, or -1 when
 * the line could not be written (counted). */
int flowlog_write(struct flowlog *l, const char *line, size_t len);
/*
 * Queue r's line: timestamp (its last packet), event_type "flow",
 * flow_id, addresses, ports, proto, app_proto, counts each way, start
 * and end, then the application's object (tls, quic, gquic, http, im),
 * dns queries and agency when known.  0, or -1 (counted as failed).
 */
int flowlog_write_flow(struct flowlog *l, const struct flowlog_flow *r);
/* Write what is queued.  0 or -1. */
int flowlog_flush(struct flowlog *l);
/* Flush, then reopen the file (logrotate).  0, or -1 with *error_r. */
int flowlog_reopen(struct flowlog *l, char **error_r);
void flowlog_close(struct flowlog **l);
uint64_t flowlog_lines(struct flowlog *l);
uint64_t flowlog_failed(struct flowlog *l);

#endif
