/*
 * capture.c - libpcap glue: the only file of msgsec that includes pcap.h.
 *
 * Files go through pcap_open_offline (pcap and pcapng alike); interfaces
 * through pcap_create + pcap_activate with the snaplen, buffer size,
 * timeout and immediate-mode settings, so the kernel ring is sized by the
 * configuration rather than by libpcap's defaults.  A BPF expression is
 * compiled with pcap_compile (netmask unknown for files) and installed
 * with pcap_setfilter.
 *
 * Capture workers: several live handles on one interface join one
 * PACKET_FANOUT group (packet(7)) so the kernel splits the packets among
 * them.  libpcap 1.10.3, the Debian 12 version, has no API for it, so
 * the option is set with setsockopt on pcap_fileno() once pcap_activate
 * has bound the socket.  No rollover flag: a full handle drops (counted
 * in its ps_drop) rather than hand a flow's packets to another handle,
 * which would split the flow.
 *
 * The group picks a handle with a classic BPF program of ours
 * (PACKET_FANOUT_CBPF) rather than the kernel's flow hash
 * (PACKET_FANOUT_HASH, even with PACKET_FANOUT_FLAG_DEFRAG): that hash
 * takes the ports when it finds them, so the packets of one flow can
 * hash apart - IPv6 fragments (no ports, and DEFRAG is IPv4 only) and
 * flows inside UDP tunnels (VXLAN: each end picks its own outer source
 * port); on the nDPI corpus replayed, 2 of 1,736 flows came out split.
 * Ours hashes the address pair of the outermost IP header only, which
 * every fragment and every tunnelled packet of a flow carries alike, and
 * adds the two ends so both directions agree.  The cost is balance: all
 * traffic between two hosts goes to one worker.  Fragments then reach
 * the worker as they came (our reassembly, its bounds and its findings,
 * as with one capture).
 *
 * Trusts: libpcap to bound caplen by the snaplen and the buffer it hands
 * us.  Frames themselves are passed on unread.  Error texts come from
 * libpcap (pcap_geterr) and name the file or interface.
 */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
/* After pcap.h: its BPF macros win, linux/filter.h's are #ifndef'd. */
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

/* stdio buffer for files: fewer, larger reads than BUFSIZ. */
#define CAPTURE_FILE_BUF (1024 * 1024)

struct capture {
	pcap_t *p;
	char *iobuf;
	bool live;
	int linktype;
	uint64_t size;		/* file size, 0 when unknown */
	FILE *fp;		/* the savefile's stream (progress) */
	capture_fn *fn;
	void *ctx;
	int fd;			/* live: the selectable fd, or -1 */
	int wake;		/* live: eventfd capture_break writes, or -1 */
	struct timeval skip;	/* frames before it are discarded */
	bool skipping;
	uint64_t discarded;
};

/* Live: the longest a dispatch waits for packets before returning 0. */
#define LIVE_WAIT_MS 500

static struct capture *
open_file(const struct capture_opts *o, char **error_r)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	struct stat st;
	pcap_t *p;
	FILE *fp;
	char *iobuf;

	errbuf[0] = '\0';
	fp = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "rb");
	if (fp == NULL) {
		*error_r = mem_printf("%s: %s", o->file, strerror(errno));
		return NULL;
	}
	iobuf = mem_malloc(CAPTURE_FILE_BUF);
	if (setvbuf(fp, iobuf, _IOFBF, CAPTURE_FILE_BUF) != 0) {
		free(iobuf);
		iobuf = NULL;
	}
	/* On success pcap_close closes fp (not stdin); on failure we do. */
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		*error_r = mem_printf("%s: %s", o->file, errbuf);
		if (fp != stdin)
			fclose(fp);
		free(iobuf);
		return NULL;
	}
	c = mem_calloc(1, sizeof(*c));
	c->fd = -1;
	c->wake = -1;
	c->p = p;
	c->iobuf = iobuf;
	c->fp = pcap_file(p);
	if (c->fp != NULL && fstat(fileno(c->fp), &st) == 0 &&
	    S_ISREG(st.st_mode))
		c->size = (uint64_t)st.st_size;
	return c;
}

static struct capture *
open_live(const struct capture_opts *o, char **error_r)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	pcap_t *p;
	int rc;

	errbuf[0] = '\0';
	p = pcap_create(o->iface, errbuf);
	if (p == NULL) {
		*error_r = mem_printf("%s: %s", o->iface, errbuf);
		return NULL;
	}
	if (pcap_set_snaplen(p, (int)o->snaplen) != 0 ||
	    pcap_set_promisc(p, 1) != 0 ||
	    pcap_set_timeout(p, (int)(o->timeout_ms > 0 ? o->timeout_ms :
	    200)) != 0 ||
	    pcap_set_buffer_size(p, (int)o->buffer_size) != 0 ||
	    pcap_set_immediate_mode(p, o->immediate ? 1 : 0) != 0) {
		*error_r = mem_printf("%s: cannot set capture options",
		    o->iface);
		pcap_close(p);
		return NULL;
	}
	rc = pcap_activate(p);
	if (rc < 0) {
		/* PCAP_ERROR_NO_SUCH_DEVICE, _PERM_DENIED, ...: geterr
		 * says which, with the reason. */
		const char *why = pcap_geterr(p), *what = pcap_statustostr(rc);

		if (why == NULL || why[0] == '\0' || strcmp(why, what) == 0)
			why = "";
		*error_r = mem_printf("%s: %s%s%s", o->iface, what,
		    why[0] != '\0' ? ": " : "", why);
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)	/* a warning: carry on, but say it */
		fprintf(stderr, "msgsec-sensor: %s: %s\n", o->iface,
		    pcap_statustostr(rc));
	c = mem_calloc(1, sizeof(*c));
	c->p = p;
	c->live = true;
	/* We wait in poll() ourselves (capture_dispatch), so a quiet link
	 * still lets the main loop run its timers. */
	c->fd = pcap_get_selectable_fd(p);
	if (c->fd >= 0 && pcap_setnonblock(p, 1, errbuf) != 0)
		c->fd = -1;
	c->wake = c->fd >= 0 ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
	return c;
}

struct capture *
capture_open(const struct capture_opts *o, char **error_r)
{
	struct capture *c;

	if ((o->file == NULL) == (o->iface == NULL)) {
		*error_r = mem_printf("give exactly one of -r FILE and "
		    "-i IFACE");
		return NULL;
	}
	c = o->file != NULL ? open_file(o, error_r) : open_live(o, error_r);
	if (c == NULL)
		return NULL;
	c->linktype = pcap_datalink(c->p);
	if (o->bpf != NULL && o->bpf[0] != '\0') {
		struct bpf_program prog;

		if (pcap_compile(c->p, &prog, o->bpf, 1,
		    PCAP_NETMASK_UNKNOWN) != 0) {
			*error_r = mem_printf("bad filter '%s': %s", o->bpf,
			    pcap_geterr(c->p));
			capture_close(&c);
			return NULL;
		}
		if (pcap_setfilter(c->p, &prog) != 0) {
			*error_r = mem_printf("cannot set filter '%s': %s",
			    o->bpf, pcap_geterr(c->p));
			pcap_freecode(&prog);
			capture_close(&c);
			return NULL;
		}
		pcap_freecode(&prog);
	}
	return c;
}

void
capture_close(struct capture **cp)
{
	if (*cp == NULL)
		return;
	pcap_close((*cp)->p);	/* closes the file before its buffer goes */
	if ((*cp)->wake >= 0)
		close((*cp)->wake);
	free((*cp)->iobuf);
	free(*cp);
	*cp = NULL;
}

int
capture_linktype(const struct capture *c)
{
	return c->linktype;
}

bool
capture_is_live(const struct capture *c)
{
	return c->live;
}

static void
on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)(void *)user;

	if (c->skipping) {
		if (h->ts.tv_sec < c->skip.tv_sec ||
		    (h->ts.tv_sec == c->skip.tv_sec &&
		    h->ts.tv_usec < c->skip.tv_usec)) {
			c->discarded++;
			return;
		}
		c->skipping = false;
	}
	c->fn(c->ctx, &h->ts, bytes, h->caplen, h->len);
}

int
capture_dispatch(struct capture *c, int max, capture_fn *fn, void *ctx,
    char **error_r)
{
	int n;

	c->fn = fn;
	c->ctx = ctx;
	if (c->live && c->fd >= 0) {
		struct pollfd pfd[2] = {
			{ .fd = c->fd, .events = POLLIN },
			{ .fd = c->wake, .events = POLLIN },
		};
		uint64_t v;

		n = poll(pfd, c->wake >= 0 ? 2 : 1, LIVE_WAIT_MS);
		if (n == 0 || (n < 0 && errno == EINTR))
			return 0;	/* quiet, or a signal: let the caller
					   look at its timers and flags */
		if (n > 0 && (pfd[1].revents & POLLIN) != 0) {
			(void)!read(c->wake, &v, sizeof(v));
			return -2;
		}
	}
	n = pcap_dispatch(c->p, max, on_frame, (u_char *)(void *)c);
	if (n == PCAP_ERROR_BREAK)
		return -2;
	if (n < 0) {
		*error_r = mem_printf("%s", pcap_geterr(c->p));
		return -1;
	}
	return n;
}

void
capture_break(struct capture *c)
{
	uint64_t one = 1;

	pcap_breakloop(c->p);
	if (c->wake >= 0)
		(void)!write(c->wake, &one, sizeof(one));
}

/*
 * The fanout program, run by the kernel on each packet with the data at
 * the network header (one 802.1Q tag is already off, in the metadata;
 * a second one, QinQ, is skipped here).  Returns a mix of the sum of the
 * two addresses (IPv4, or IPv6's eight words), which the kernel takes
 * modulo the group's size; 0 for anything else (ARP ...).
 */
enum { FP_VLAN, FP_IP4_0, FP_IP4_4, FP_IP6_0, FP_IP6_4, FP_OTHER, FP_MIX,
    FP_N };

struct fprog_build {
	struct sock_filter f[96];
	size_t n;
	size_t at[FP_N];		/* where each label is */
	struct { size_t insn; int label; } fix[16];
	size_t nfix;
};

static void
fp_emit(struct fprog_build *b, uint16_t code, uint32_t k)
{
	b->f[b->n++] = (struct sock_filter){ code, 0, 0, k };
}

/* A forward jump to label: BPF_JA always, BPF_JEQ when A == k. */
static void
fp_jump(struct fprog_build *b, uint16_t code, uint32_t k, int label)
{
	b->fix[b->nfix].insn = b->n;
	b->fix[b->nfix].label = label;
	b->nfix++;
	fp_emit(b, code, k);
}

/* A = sum of the words at [off, off + 4 * nwords), then to FP_MIX. */
static void
fp_sum(struct fprog_build *b, int label, uint32_t off, unsigned nwords)
{
	b->at[label] = b->n;
	fp_emit(b, BPF_LD | BPF_W | BPF_ABS, off);
	for (unsigned i = 1; i < nwords; i++) {
		fp_emit(b, BPF_MISC | BPF_TAX, 0);
		fp_emit(b, BPF_LD | BPF_W | BPF_ABS, off + 4 * i);
		fp_emit(b, BPF_ALU | BPF_ADD | BPF_X, 0);
	}
	fp_jump(b, BPF_JMP | BPF_JA, 0, FP_MIX);
}

static size_t
fanout_prog(struct fprog_build *b)
{
	const uint16_t jeq = BPF_JMP | BPF_JEQ | BPF_K, ja = BPF_JMP | BPF_JA;

	memset(b, 0, sizeof(*b));
	fp_emit(b, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF +
	    SKF_AD_PROTOCOL));
	fp_jump(b, jeq, 0x0800, FP_IP4_0);
	fp_jump(b, jeq, 0x86dd, FP_IP6_0);
	fp_jump(b, jeq, 0x8100, FP_VLAN);
	fp_jump(b, jeq, 0x88a8, FP_VLAN);
	fp_jump(b, ja, 0, FP_OTHER);
	b->at[FP_VLAN] = b->n;	/* QinQ: the inner tag is in the data */
	fp_emit(b, BPF_LD | BPF_H | BPF_ABS, 2);
	fp_jump(b, jeq, 0x0800, FP_IP4_4);
	fp_jump(b, jeq, 0x86dd, FP_IP6_4);
	fp_jump(b, ja, 0, FP_OTHER);
	fp_sum(b, FP_IP4_0, 12, 2);
	fp_sum(b, FP_IP4_4, 4 + 12, 2);
	fp_sum(b, FP_IP6_0, 8, 8);
	fp_sum(b, FP_IP6_4, 4 + 8, 8);
	b->at[FP_OTHER] = b->n;
	fp_emit(b, BPF_RET | BPF_K, 0);
	b->at[FP_MIX] = b->n;
	fp_emit(b, BPF_ALU | BPF_MUL | BPF_K, 0x9e3779b1u);
	fp_emit(b, BPF_ALU | BPF_RSH | BPF_K, 16);
	fp_emit(b, BPF_RET | BPF_A, 0);
	for (size_t i = 0; i < b->nfix; i++) {
		struct sock_filter *f = &b->f[b->fix[i].insn];
		size_t to = b->at[b->fix[i].label];
		size_t next = b->fix[i].insn + 1;

		if (f->code == ja)
			f->k = (uint32_t)(to - next);
		else
			f->jt = (uint8_t)(to - next);
	}
	return b->n;
}

int
capture_fanout(struct capture *c, bool create, unsigned *group_r,
    char **error_r)
{
	uint32_t mode = PACKET_FANOUT_CBPF;
	struct fprog_build b;
	struct sock_fprog prog;
	uint32_t arg = (*group_r & 0xffff) | mode << 16;
	socklen_t len = sizeof(arg);
	int fd;

	if (!c->live || (fd = pcap_fileno(c->p)) < 0) {
		*error_r = mem_printf("capture workers need a live capture");
		return -1;
	}
	if (create)
		arg = (mode | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0) {
		*error_r = mem_printf("cannot join the capture workers' "
		    "PACKET_FANOUT group: %s", strerror(errno));
		return -1;
	}
	if (create) {
		/* The id the kernel chose, and the group's mode. */
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0) {
			*error_r = mem_printf("cannot read the PACKET_FANOUT "
			    "group id: %s", strerror(errno));
			return -1;
		}
		*group_r = arg & 0xffff;
		/* The group's program, which every member then runs. */
		prog.len = (unsigned short)fanout_prog(&b);
		prog.filter = b.f;
		if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
		    sizeof(prog)) < 0) {
			*error_r = mem_printf("cannot set the PACKET_FANOUT "
			    "program: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

void
capture_skip_before(struct capture *c, const struct timeval *t)
{
	c->skip = *t;
	c->skipping = true;
}

void
capture_stats(struct capture *c, struct capture_stats *s)
{
	struct pcap_stat ps;

	memset(s, 0, sizeof(*s));
	if (!c->live || pcap_stats(c->p, &ps) != 0)
		return;
	s->received = ps.ps_recv;
	s->dropped = ps.ps_drop;
	s->ifdropped = ps.ps_ifdrop;
	s->discarded = c->discarded;
	s->valid = true;
}

void
capture_progress(struct capture *c, uint64_t *done_r, uint64_t *total_r)
{
	long pos;

	*done_r = 0;
	*total_r = c->size;
	if (c->fp == NULL || c->size == 0)
		return;
	pos = ftell(c->fp);
	if (pos > 0)
		*done_r = (uint64_t)pos;
}
