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
 * Trusts: libpcap to bound caplen by the snaplen and the buffer it hands
 * us.  Frames themselves are passed on unread.  Error texts come from
 * libpcap (pcap_geterr) and name the file or interface.
 */
#include "capture.h"

#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		n = poll(&pfd, 1, LIVE_WAIT_MS);
		if (n == 0 || (n < 0 && errno == EINTR))
			return 0;	/* quiet, or a signal: let the caller
					   look at its timers and flags */
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
	pcap_breakloop(c->p);
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
