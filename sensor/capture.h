/*
 * capture.h - the one door to libpcap: open a capture (a pcap or pcapng
 * file, or a live interface), apply a BPF filter, hand every frame to a
 * callback, report pcap's counters.
 *
 * Only capture.c includes pcap.h (STYLE.md 1); everything else sees frames
 * as (linktype, timestamp, bytes, caplen, wirelen).  Frames are trusted for
 * nothing: libpcap bounds caplen by the snaplen, the decoder does the rest.
 * Not thread-safe: one capture per thread; capture_break may be called
 * from a signal handler or another thread.  Live captures on one
 * interface can share its packets by flow (capture_fanout).
 */
#ifndef MSGSEC_CAPTURE_H
#define MSGSEC_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct capture_opts {
	const char *file;	/* -r: a pcap or pcapng file ("-": stdin) */
	const char *iface;	/* -i: exactly one of file and iface */
	const char *bpf;	/* filter expression, NULL for none */
	unsigned snaplen;	/* live: bytes per frame */
	unsigned buffer_size;	/* live: kernel buffer bytes */
	bool immediate;		/* live: no batching in the kernel */
	unsigned timeout_ms;	/* live: wake up at least this often */
};

struct capture_stats {
	uint64_t received;	/* pcap_stats ps_recv (live) */
	uint64_t dropped;	/* ps_drop: the buffer was full */
	uint64_t ifdropped;	/* ps_ifdrop: the interface dropped (the
				   interface's count: every handle on it
				   reports the same) */
	uint64_t discarded;	/* frames taken before the fanout group
				   was whole (capture_skip_before) */
	bool valid;		/* false for files */
};

/* One frame; bytes valid only during the call. */
typedef void capture_fn(void *ctx, const struct timeval *ts,
    const uint8_t *bytes, size_t caplen, size_t wirelen);

struct capture;

/*
 * Open and activate the capture and compile/set the filter.  Returns NULL
 * with a malloc'd *error_r that names the file or interface and what
 * failed (missing file, not a capture, no permission, bad filter).
 */
struct capture *capture_open(const struct capture_opts *o, char **error_r);
void capture_close(struct capture **c);

/* The link type (DLT) of the frames. */
int capture_linktype(const struct capture *c);
bool capture_is_live(const struct capture *c);

/*
 * Deliver up to max frames (max <= 0: one buffer for live, everything
 * for a file) to fn.  Returns the number delivered (0 at the end of a file
 * or when a live read timed out), -1 on a read error (*error_r set,
 * malloc'd), -2 after capture_break.
 */
int capture_dispatch(struct capture *c, int max, capture_fn *fn, void *ctx,
    char **error_r);

/* Make capture_dispatch return soon; async-signal-safe, and may be
 * called from another thread. */
void capture_break(struct capture *c);

/*
 * Live: join this handle to the kernel's PACKET_FANOUT group *group_r,
 * hashed by flow with IPv4 reassembly before the hash
 * (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG), so that every packet
 * of a flow reaches the same handle.  create: make a new group with an
 * id the kernel picks unused (PACKET_FANOUT_FLAG_UNIQUEID: two sensors
 * on one host never meet) and store it in *group_r; else join *group_r.  Returns 0, or -1 with
 * a malloc'd *error_r.  libpcap 1.10.3 (Debian 12) has no fanout API of
 * its own: the option goes on the handle's socket after pcap_activate.
 */
int capture_fanout(struct capture *c, bool create, unsigned *group_r,
    char **error_r);

/*
 * Discard (and count in capture_stats' discarded) frames stamped before
 * t: those the kernel queued while the fanout group was still being
 * formed went to a group of another size, so a flow's first packets may
 * sit with another handle.
 */
void capture_skip_before(struct capture *c, const struct timeval *t);

/* pcap's own counters (live captures); zeroes and !valid for files. */
void capture_stats(struct capture *c, struct capture_stats *s);

/*
 * For progress on files: bytes read so far and the file's size (0 when
 * unknown: a pipe or a live capture).
 */
void capture_progress(struct capture *c, uint64_t *done_r, uint64_t *total_r);

#endif
