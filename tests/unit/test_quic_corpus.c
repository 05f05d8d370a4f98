/*
 * test_quic_corpus.c - QUIC and gQUIC server names from real captures,
 * checked against tshark.  For every capture that TSHARK_TRUTH.tsv (in
 * ../shared/corpus/ndpi-pcaps, or $MSGSEC_NDPI_PCAPS) gives quic.sni or
 * gquic.sni rows for, tshark lists the UDP payloads; the client side of
 * each flow (the sender of its first datagram) is fed to quic_feed
 * (then tls_parse_handshake, or gquic_parse_chlo for Q050) or to
 * gquic_parse_packet, as the sensor does; every truth row must name the
 * server name found on the flow its frame belongs to.
 *
 * The rows of one capture are consecutive in TSHARK_TRUTH.tsv.  Skipped
 * (not failed) when the corpus or tshark is missing.  Trusts the
 * corpus files and tshark's output format; bounded by MAX_FLOWS flows and
 * MAX_ROWS truth rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gquic.h"
#include "quic.h"
#include "tls.h"

enum {
	MAX_FLOWS = 4096,
	MAX_ROWS = 2048,
	MAX_FRAMES = 1 << 20,
	KEY_MAX = 160,
	NAME_MAX_ = 300,
};

struct row {
	char pcap[128];
	unsigned long frame;
	char value[NAME_MAX_];
};

struct flow {
	char key[KEY_MAX];
	char client[KEY_MAX / 2];
	struct quic_state *q;
	bool done;
	bool named;
	char sni[NAME_MAX_];
};

static char corpus[512];
static struct row *rows;
static size_t nrows;

static bool
safe_name(const char *s)
{
	if (*s == '\0' || *s == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
			*s == '.'))
			return false;
	return true;
}

static bool
parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	*v = strtoul(s, &end, 10);
	return *end == '\0';
}

/* The last value of a tshark multi-value field (tunnels). */
static const char *
last_value(const char *s)
{
	const char *c = strrchr(s, ',');

	return c != NULL ? c + 1 : s;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
setup(void **state)
{
	const char *env = getenv("MSGSEC_NDPI_PCAPS");
	char path[600], *line = NULL;
	size_t cap = 0;
	FILE *f;

	(void)state;
	snprintf(corpus, sizeof(corpus), "%s",
	    env != NULL ? env : "../shared/corpus/ndpi-pcaps");
	if (snprintf(path, sizeof(path), "%s/TSHARK_TRUTH.tsv", corpus) >=
	    (int)sizeof(path))
		return 0;
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	rows = calloc(MAX_ROWS, sizeof(*rows));
	assert_non_null(rows);
	while (getline(&line, &cap, f) > 0 && nrows < MAX_ROWS) {
		char *s = line, *fld[4];
		int n = 0;

		line[strcspn(line, "\r\n")] = '\0';
		for (char *t; n < 4 && (t = strsep(&s, "\t")) != NULL;)
			fld[n++] = t;
		if (n < 4 || (strcmp(fld[2], "quic.sni") != 0 &&
				 strcmp(fld[2], "gquic.sni") != 0))
			continue;
		if (!safe_name(fld[0]) ||
		    !parse_ulong(fld[1], &rows[nrows].frame) ||
		    strlen(fld[0]) >= sizeof(rows[0].pcap) ||
		    strlen(fld[3]) >= sizeof(rows[0].value))
			continue;
		memcpy(rows[nrows].pcap, fld[0], strlen(fld[0]) + 1);
		memcpy(rows[nrows].value, fld[3], strlen(fld[3]) + 1);
		nrows++;
	}
	free(line);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(rows);
	return 0;
}

/* One client datagram of a flow, as the sensor treats it. */
static void
feed(struct flow *fl, const uint8_t *p, size_t len)
{
	char sni[NAME_MAX_];
	uint32_t v;
	size_t hl;
	const uint8_t *h;
	int rc;

	if (fl->q == NULL) {
		if (gquic_is_client_packet(p, len, &v)) {
			if (gquic_parse_packet(p, len, &v, sni, sizeof(sni)) ==
			    1) {
				fl->done = fl->named = true;
				memcpy(fl->sni, sni, sizeof(sni));
			}
			return;
		}
		if (!quic_is_initial(p, len))
			return;
		fl->q = quic_state_new();
	}
	rc = quic_feed(fl->q, p, len);
	if (rc == 0)
		return;
	fl->done = true;
	if (rc < 0 || (h = quic_client_hello(fl->q, &hl)) == NULL)
		return;
	if (quic_hello_is_chlo(fl->q)) {
		if (gquic_parse_chlo(h, hl, sni, sizeof(sni)) == 1) {
			fl->named = true;
			memcpy(fl->sni, sni, sizeof(sni));
		}
	} else {
		struct tls_hello th;

		if (tls_parse_handshake(h, hl, &th) == 1 && th.has_sni) {
			fl->named = true;
			snprintf(fl->sni, sizeof(fl->sni), "%s", th.sni);
		}
	}
}

/* Read one capture; returns the rows of it that matched, *total_r all. */
static size_t
run_pcap(const char *pcap, FILE *f, size_t *total_r)
{
	static uint8_t buf[70000];
	char *line = NULL;
	size_t cap = 0, ok = 0, nflows = 0, nmap = 0;
	struct flow *flows = calloc(MAX_FLOWS, sizeof(*flows));
	int *map = NULL;

	assert_non_null(flows);
	*total_r = 0;
	while (getline(&line, &cap, f) > 0) {
		char *s = line, *fld[8], a[KEY_MAX / 2], b[KEY_MAX / 2];
		char key[KEY_MAX];
		const char *hex;
		unsigned long frame;
		size_t i, len;
		int n = 0;

		line[strcspn(line, "\r\n")] = '\0';
		for (char *t; n < 8 && (t = strsep(&s, "\t")) != NULL;)
			fld[n++] = t;
		if (n < 8 || !parse_ulong(fld[0], &frame) ||
		    frame >= MAX_FRAMES)
			continue;
		snprintf(a, sizeof(a), "%s/%s",
		    last_value(*fld[1] ? fld[1] : fld[2]), last_value(fld[3]));
		snprintf(b, sizeof(b), "%s/%s",
		    last_value(*fld[4] ? fld[4] : fld[5]), last_value(fld[6]));
		snprintf(key, sizeof(key), "%s-%s", strcmp(a, b) < 0 ? a : b,
		    strcmp(a, b) < 0 ? b : a);
		for (i = 0; i < nflows; i++)
			if (strcmp(flows[i].key, key) == 0)
				break;
		if (i == nflows) {
			if (nflows == MAX_FLOWS)
				continue;
			snprintf(flows[i].key, sizeof(flows[i].key), "%s", key);
			snprintf(flows[i].client, sizeof(flows[i].client), "%s",
			    a);
			nflows++;
		}
		if (frame >= nmap) {
			size_t nn = frame + 1024;

			map = realloc(map, nn * sizeof(*map));
			assert_non_null(map);
			for (size_t k = nmap; k < nn; k++)
				map[k] = -1;
			nmap = nn;
		}
		map[frame] = (int)i;
		if (flows[i].done || strcmp(flows[i].client, a) != 0)
			continue;
		hex = last_value(fld[7]);
		len = strlen(hex) / 2;
		if (len > sizeof(buf))
			continue;
		for (size_t k = 0; k < len; k++) {
			int hi = hexval(hex[2 * k]), lo = hexval(hex[2 * k + 1]);

			if (hi < 0 || lo < 0)
				break;
			buf[k] = (uint8_t)(hi << 4 | lo);
		}
		feed(&flows[i], buf, len);
	}
	free(line);
	for (size_t r = 0; r < nrows; r++) {
		int fi;

		if (strcmp(rows[r].pcap, pcap) != 0)
			continue;
		(*total_r)++;
		fi = rows[r].frame < nmap ? map[rows[r].frame] : -1;
		if (fi >= 0 && flows[fi].named &&
		    strcmp(flows[fi].sni, rows[r].value) == 0)
			ok++;
		else
			print_message("%s frame %lu: want %s, got %s\n", pcap,
			    rows[r].frame, rows[r].value,
			    fi >= 0 && flows[fi].named ? flows[fi].sni : "-");
	}
	for (size_t i = 0; i < nflows; i++)
		quic_state_free(&flows[i].q);
	free(flows);
	free(map);
	return ok;
}

/*
 * tshark spends most of its half second per file waiting, not computing:
 * run it on every capture at once (four at a time, xargs -P) into a
 * temporary folder, then read the lists.
 */
static void
test_corpus(void **state)
{
	char tmp[] = "/tmp/quic-corpus-XXXXXX", path[700], cmd[2048];
	size_t ok = 0, total = 0, t;
	FILE *list, *f;

	(void)state;
	if (nrows == 0 || strchr(corpus, '\'') != NULL ||
	    system("tshark -v >/dev/null 2>&1") != 0) {
		print_message("no corpus or no tshark: skipped\n");
		skip();
	}
	assert_non_null(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/list", tmp);
	list = fopen(path, "w");
	assert_non_null(list);
	for (size_t r = 0; r < nrows; r++)
		if (r == 0 || strcmp(rows[r].pcap, rows[r - 1].pcap) != 0)
			fprintf(list, "%s\n", rows[r].pcap);
	fclose(list);
	assert_true(snprintf(cmd, sizeof(cmd),
			"xargs -P 4 -I{} sh -c \"tshark -r '%s/{}' -Y udp -T "
			"fields -e frame.number -e ip.src -e ipv6.src "
			"-e udp.srcport -e ip.dst -e ipv6.dst -e udp.dstport "
			"-e udp.payload > '%s/{}.txt' 2>/dev/null\" < %s",
			corpus, tmp, path) < (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
	for (size_t r = 0; r < nrows; r++) {
		if (r > 0 && strcmp(rows[r].pcap, rows[r - 1].pcap) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s.txt", tmp, rows[r].pcap);
		f = fopen(path, "r");
		assert_non_null(f);
		ok += run_pcap(rows[r].pcap, f, &t);
		total += t;
		fclose(f);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/list", tmp);
	unlink(path);
	rmdir(tmp);
	print_message("%zu/%zu quic.sni and gquic.sni values reproduced\n", ok,
	    total);
	assert_int_equal(ok, total);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
