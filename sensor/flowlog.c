/*
 * flowlog.c - the flow log: one JSON line per flow (EVE's "flow" event
 * with msgsec's application fields), and the buffered whole-line writer
 * it goes through.
 *
 * The buffer (FLOWLOG_BUF bytes) only ever holds complete lines; a line
 * longer than the buffer is written on its own.  Write errors are counted
 * and the lines dropped: the sensor never stops for its log.  A line is
 * built in FLOWLOG_LINE_MAX bytes, which the engine's bounds on what it
 * keeps per flow (names, ALPN, DNS questions) never reach.  Names from
 * the wire are written by the JSON writer, escaped.  Capture workers
 * share one flow log: a mutex covers building a line and queueing it,
 * and the write itself also takes the process-wide write_serial lock,
 * so lines never interleave with alerts on a shared stdout.
 */
#include "flowlog.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "json.h"
#include "lockfile.h"
#include "mem.h"
#include "stun.h"

#define FLOWLOG_BUF (256 * 1024)
#define FLOWLOG_LINE_MAX (64 * 1024)

struct flowlog {
	char *path;		/* NULL: stdout */
	int fd;
	char *buf;
	size_t len;
	uint64_t lines, failed;
	uint64_t pending;	/* lines in buf */
	struct buf line;	/* flowlog_write_flow's */
	pthread_mutex_t mu;	/* all of the above, across capture workers */
};

static int
open_path(const char *path, char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		*error_r = mem_printf("cannot open flow log %s: %s", path,
		    strerror(errno));
	return fd;
}

struct flowlog *
flowlog_open(const char *path, char **error_r)
{
	struct flowlog *l;
	int fd = STDOUT_FILENO;

	if (strcmp(path, "-") != 0) {
		fd = open_path(path, error_r);
		if (fd < 0)
			return NULL;
	}
	l = mem_calloc(1, sizeof(*l));
	l->fd = fd;
	l->path = strcmp(path, "-") != 0 ? mem_strdup(path) : NULL;
	l->buf = mem_malloc(FLOWLOG_BUF);
	buf_init(&l->line, FLOWLOG_LINE_MAX);
	pthread_mutex_init(&l->mu, NULL);
	return l;
}

static int
flush_locked(struct flowlog *l)
{
	int rc = 0;

	if (l->len == 0)
		return 0;
	write_serial_begin();
	rc = write_all(l->fd, l->buf, l->len);
	write_serial_end();
	if (rc < 0) {
		l->failed += l->pending;
		rc = -1;
	} else {
		l->lines += l->pending;
	}
	l->len = 0;
	l->pending = 0;
	return rc;
}

static int
write_locked(struct flowlog *l, const char *line, size_t len)
{
	int rc;

	if (len >= FLOWLOG_BUF - 1) {
		/* Alone, in two writes: rare (a line is a few hundred bytes). */
		(void)flush_locked(l);
		write_serial_begin();
		rc = write_all(l->fd, line, len) < 0 ||
		    write_all(l->fd, "\n", 1) < 0 ? -1 : 0;
		write_serial_end();
		if (rc < 0) {
			l->failed++;
			return -1;
		}
		l->lines++;
		return 0;
	}
	if (FLOWLOG_BUF - l->len < len + 1 && flush_locked(l) < 0)
		return -1;
	memcpy(l->buf + l->len, line, len);
	l->buf[l->len + len] = '\n';
	l->len += len + 1;
	l->pending++;
	return 0;
}

int
flowlog_reopen(struct flowlog *l, char **error_r)
{
	int fd;

	pthread_mutex_lock(&l->mu);
	(void)flush_locked(l);
	fd = l->path != NULL ? open_path(l->path, error_r) : l->fd;
	if (fd >= 0 && fd != l->fd) {
		close(l->fd);
		l->fd = fd;
	}
	pthread_mutex_unlock(&l->mu);
	return fd < 0 ? -1 : 0;
}

void
flowlog_close(struct flowlog **lp)
{
	struct flowlog *l = *lp;

	if (l == NULL)
		return;
	(void)flush_locked(l);
	if (l->path != NULL)
		close(l->fd);
	pthread_mutex_destroy(&l->mu);
	free(l->path);
	free(l->buf);
	buf_free(&l->line);
	free(l);
	*lp = NULL;
}

uint64_t
flowlog_lines(struct flowlog *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->mu);
	n = l->lines;
	pthread_mutex_unlock(&l->mu);
	return n;
}

uint64_t
flowlog_failed(struct flowlog *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->mu);
	n = l->failed;
	pthread_mutex_unlock(&l->mu);
	return n;
}

/* ------------------------------------------------------------ flow lines */

/*
 * 2026-03-15T10:00:00.123456+0000, as alerts print it, without strftime
 * (three per flow line): the civil date from the day number
 * (date_to_civil, proleptic Gregorian, UTC).  Years outside
 * 0..9999 (a forged capture header) print as the epoch, as alert.c does.
 */
static void
put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void
iso_time(const struct timeval *tv, char *out, size_t size)
{
	int64_t secs = tv->tv_sec, days, y;
	unsigned m, d, sod;
	long usec = (long)tv->tv_usec;

	if (size < 32)
		return;
	if (usec < 0 || usec > 999999)
		usec = 0;
	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	sod = (unsigned)(secs - days * 86400);
	date_to_civil(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		y = 1970;
		m = d = 1;
		sod = 0;
		usec = 0;
	}
	memcpy(out, "0000-00-00T00:00:00.000000+0000", 32);
	put_digits(out, (unsigned)y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, sod / 3600, 2);
	put_digits(out + 14, sod / 60 % 60, 2);
	put_digits(out + 17, sod % 60, 2);
	put_digits(out + 20, (unsigned)usec, 6);
}

static void
json_kv(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	json_string(w, v);
}

static void
json_ku(struct json_writer *w, const char *k, uint64_t v)
{
	json_key(w, k);
	json_u64(w, v);
}

static void
json_kip(struct json_writer *w, const char *k, const struct ipaddr *ip)
{
	char text[64];

	ipaddr_format(ip, text, sizeof(text));
	json_kv(w, k, text);
}

/* A NUL-separated list as a JSON array. */
static void
json_klist(struct json_writer *w, const char *k, const struct buf *b)
{
	json_key(w, k);
	json_array_begin(w);
	for (size_t off = 0; off < b->len; off += strlen(b->data + off) + 1)
		json_string(w, b->data + off);
	json_array_end(w);
}

/* "Q043" for 0x51303433; hex when the bytes are not printable. */
static void
gquic_version_text(uint32_t v, char *out, size_t size)
{
	char c[4];
	bool ok = true;

	for (int i = 0; i < 4; i++) {
		c[i] = (char)(v >> (24 - 8 * i));
		ok &= c[i] >= 0x21 && c[i] <= 0x7e;
	}
	if ((ok ? snprintf(out, size, "%c%c%c%c", c[0], c[1], c[2], c[3]) :
	    snprintf(out, size, "0x%08x", v)) < 0)
		out[0] = '\0';
}

static int
write_flow_locked(struct flowlog *l, const struct flowlog_flow *r)
{
	const struct flow *f = r->flow;
	struct json_writer w;
	char t[64], pbuf[8];

	buf_reset(&l->line);
	json_init(&w, &l->line);
	json_object_begin(&w);
	iso_time(&f->last, t, sizeof(t));
	json_kv(&w, "timestamp", t);
	json_kv(&w, "event_type", "flow");
	json_ku(&w, "flow_id", f->id);
	json_kip(&w, "src_ip", &f->cli);
	json_ku(&w, "src_port", f->cport);
	json_kip(&w, "dest_ip", &f->srv);
	json_ku(&w, "dest_port", f->sport);
	if (f->proto == IPPROTO_TCP)
		json_kv(&w, "proto", "TCP");
	else if (f->proto == IPPROTO_UDP)
		json_kv(&w, "proto", "UDP");
	else {
		if (snprintf(pbuf, sizeof(pbuf), "%u", f->proto) < 0)
			pbuf[0] = '\0';
		json_kv(&w, "proto", pbuf);
	}
	json_kv(&w, "app_proto", app_proto_name(r->app));
	json_ku(&w, "pkts_toserver", f->pkts[FLOW_TOSERVER]);
	json_ku(&w, "pkts_toclient", f->pkts[FLOW_TOCLIENT]);
	json_ku(&w, "bytes_toserver", f->bytes[FLOW_TOSERVER]);
	json_ku(&w, "bytes_toclient", f->bytes[FLOW_TOCLIENT]);
	iso_time(&f->first, t, sizeof(t));
	json_kv(&w, "start", t);
	iso_time(&f->last, t, sizeof(t));
	json_kv(&w, "end", t);
	if (r->app == APP_TLS) {
		json_key(&w, "tls");
		json_object_begin(&w);
		if (r->names[NAME_TLS_SNI] != NULL)
			json_kv(&w, "sni", r->names[NAME_TLS_SNI]);
		if (r->alpn != NULL && r->alpn->len > 0)
			json_klist(&w, "alpn", r->alpn);
		if (r->has_ech) {
			json_key(&w, "ech");
			json_bool(&w, true);
		}
		json_object_end(&w);
	} else if (r->app == APP_QUIC) {
		json_key(&w, "quic");
		json_object_begin(&w);
		if (snprintf(t, sizeof(t), "0x%08x", r->quic_version) < 0)
			t[0] = '\0';
		json_kv(&w, "version", t);
		if (r->names[NAME_QUIC_SNI] != NULL)
			json_kv(&w, "sni", r->names[NAME_QUIC_SNI]);
		if (r->alpn != NULL && r->alpn->len > 0)
			json_klist(&w, "alpn", r->alpn);
		json_object_end(&w);
	} else if (r->app == APP_GQUIC) {
		json_key(&w, "gquic");
		json_object_begin(&w);
		gquic_version_text(r->quic_version, t, sizeof(t));
		json_kv(&w, "version", t);
		if (r->names[NAME_GQUIC_SNI] != NULL)
			json_kv(&w, "sni", r->names[NAME_GQUIC_SNI]);
		json_object_end(&w);
	} else if (r->app == APP_HTTP) {
		json_key(&w, "http");
		json_object_begin(&w);
		if (r->names[NAME_HTTP_HOST] != NULL)
			json_kv(&w, "hostname", r->names[NAME_HTTP_HOST]);
		json_kv(&w, "method", r->http_method != NULL ?
		    r->http_method : "");
		json_object_end(&w);
	} else if (r->app >= APP_XMPP && r->app != APP_STUN) {
		json_key(&w, "im");
		json_object_begin(&w);
		json_kv(&w, "proto", app_proto_name(r->app));
		if (r->im_name != NULL)
			json_kv(&w, "name", r->im_name);
		json_object_end(&w);
	}
	if (r->stun != NULL)
		stun_flow_json(&w, r->stun);
	if (r->dns_queries != NULL && r->dns_queries->len > 0) {
		json_key(&w, "dns");
		json_object_begin(&w);
		json_klist(&w, "queries", r->dns_queries);
		json_object_end(&w);
	}
	if (r->agency != NULL)
		json_kv(&w, "agency", r->agency);
	json_object_end(&w);
	if (w.error)
		return -1;	/* cannot happen within FLOWLOG_LINE_MAX */
	return write_locked(l, l->line.data, l->line.len);
}

/* ------------------------------------------------------------ locked */

int
flowlog_write_flow(struct flowlog *l, const struct flowlog_flow *r)
{
	int rc;

	pthread_mutex_lock(&l->mu);
	rc = write_flow_locked(l, r);
	pthread_mutex_unlock(&l->mu);
	return rc;
}

int
flowlog_write(struct flowlog *l, const char *line, size_t len)
{
	int rc;

	pthread_mutex_lock(&l->mu);
	rc = write_locked(l, line, len);
	pthread_mutex_unlock(&l->mu);
	return rc;
}

int
flowlog_flush(struct flowlog *l)
{
	int rc;

	pthread_mutex_lock(&l->mu);
	rc = flush_locked(l);
	pthread_mutex_unlock(&l->mu);
	return rc;
}
