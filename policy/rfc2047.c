/*
 * rfc2047.c - encoded-words (RFC 2047, with the RFC 2231 section 5
 * language suffix), charset conversion through iconv(3), and UTF-8
 * sanitising.
 *
 *   =?iso-8859-1*fr?Q?caf=E9?=   ->   "caf" U+00E9
 *     ^charset   ^lang ^enc ^text
 *
 * Trusts: nothing.  Every input is a span; charset names from the input are
 * checked against a character set and an allow-list of families before
 * they reach iconv_open(3) (no "//" suffixes, no rare glibc converters).
 *
 * Bounds: the caller's buf maximum (output cut at a character boundary),
 * max_words decoded words per value, RFC2047_CHARSET_MAX bytes per charset
 * name.  Memory besides the output: one buffer of at most the input's size
 * for the raw bytes of a run of same-charset words, and one iconv
 * descriptor at a time.  Time: linear; the search for a word's "?=" and for
 * white space is cached so that a value full of "=?" costs no more than a
 * scan per candidate over its charset field (bounded).
 */
#include "rfc2047.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"


static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/* ------------------------------------------------------------ output */

/* Where converted text goes: the caller's buf, cut cleanly when full. */
struct sink {
	struct buf *out;
	bool nul_ok;		/* keep NUL bytes (body text) */
	bool full;
	size_t replaced;
	bool cut_nul;		/* stop at the first NUL (RFC2047_CUT_NUL) */
	bool stopped;		/* cut_nul met one: the rest is dropped */
	size_t nuls;		/* NUL bytes met */
};

/* Append valid UTF-8; when it does not fit, the part that does, up to a
 * character boundary, then refuse everything after. */
static int
sink_put(struct sink *k, const char *p, size_t n)
{
	size_t room, cut;

	if (k->full)
		return -1;
	if (k->stopped)
		return 0;
	if (buf_append(k->out, p, n) == 0)
		return 0;
	room = k->out->len < k->out->max ? k->out->max - k->out->len : 0;
	cut = room < n ? room : n;
	while (cut > 0 && ((unsigned char)p[cut] & 0xc0) == 0x80)
		cut--;
	(void)buf_append(k->out, p, cut);
	k->full = true;
	return -1;
}

static int
sink_fffd(struct sink *k)
{
	if (k->full)
		return -1;
	if (k->stopped)
		return 0;
	k->replaced++;
	return sink_put(k, replacement, 3);
}

/* Append valid UTF-8, turning NULs into U+FFFD unless they are kept. */
static int
sink_valid(struct sink *k, const char *p, size_t n)
{
	const char *nul;

	while (!k->nul_ok && n > 0 && (nul = memchr(p, '\0', n)) != NULL) {
		size_t m = (size_t)(nul - p);

		k->nuls++;
		if (sink_put(k, p, m) < 0)
			return -1;
		if (k->cut_nul)
			k->stopped = true;	/* later puts write nothing */
		else if (sink_fffd(k) < 0)
			return -1;
		p += m + 1;
		n -= m + 1;
	}
	return sink_put(k, p, n);
}

/*
 * Length of the maximal subpart of an ill-formed sequence at s (Unicode
 * 3.9, "best practice" for U+FFFD substitution): the longest prefix that
 * could start a valid sequence, or 1.  s[0..len) holds no valid sequence
 * at its start.
 */
static size_t
bad_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i = 1;

	if (c < 0xc2 || c > 0xf4)
		return 1;
	need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (i < len && s[i] >= lo && s[i] <= hi) {
		i++;
		while (i <= need && i < len && (s[i] & 0xc0) == 0x80)
			i++;
	}
	return i <= need ? i : need;
}

/* Append bytes that should be UTF-8, replacing what is not. */
static int
utf8_fix(struct sink *k, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, run = 0;

	if (n == 0)
		return 0;	/* p may be NULL */
	while (i < n) {
		size_t m = utf8_seq_len(u + i, n - i);

		if (m > 0) {
			i += m;
			continue;
		}
		if (sink_valid(k, p + run, i - run) < 0 || sink_fffd(k) < 0)
			return -1;
		i += bad_len(u + i, n - i);
		run = i;
	}
	return sink_valid(k, p + run, n - run);
}

static int
latin1(struct sink *k, const char *p, size_t n)
{
	char tmp[512];
	size_t t = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (t + 2 > sizeof(tmp)) {
			if (sink_valid(k, tmp, t) < 0)
				return -1;
			t = 0;
		}
		if (c < 0x80) {
			tmp[t++] = (char)c;
		} else {
			tmp[t++] = (char)(0xc0 | (c >> 6));
			tmp[t++] = (char)(0x80 | (c & 0x3f));
		}
	}
	return sink_valid(k, tmp, t);
}

/* ------------------------------------------------------------ charsets */

enum cs_kind {
	CS_UTF8,		/* also us-ascii and empty */
	CS_LATIN1,
	CS_ICONV,
	CS_UNKNOWN,		/* bad name, refused family: read as UTF-8 */
};

/* MIME names glibc lacks or that mail uses for a larger set. */
static const struct {
	const char *mime, *iconv;
} aliases[] = {
	{ "ks_c_5601-1987", "CP949" },	/* Outlook's Korean */
	{ "ks_c_5601", "CP949" },
	{ "x-sjis", "SHIFT_JIS" },
	{ "gb2312", "GB18030" },	/* mail labelled GB2312 is often GBK */
	{ "gbk", "GB18030" },
	{ "x-gbk", "GB18030" },
	{ "iso-8859-8-i", "ISO-8859-8" },
	{ "iso-8859-6-i", "ISO-8859-6" },
	{ "unicode-1-1-utf-7", "UTF-7" },
	{ "x-mac-roman", "MACINTOSH" },
	{ "macintosh", "MACINTOSH" },
	{ "windows-874", "CP874" },
};

/* Families converted through iconv; anything else is CS_UNKNOWN. */
static const char *const family_prefix[] = {
	"utf-", "iso-8859-", "iso8859-", "iso_8859-", "windows-125", "cp125",
	"koi8-", "gb18030", "big5", "euc-jp", "euc-kr", "euc-tw", "euc-cn",
	"shift_jis", "shift-jis", "sjis", "iso-2022-jp", "iso-2022-kr",
	"tis-620", "viscii", "ucs-2", "ucs-4",
};
static const char *const family_exact[] = {
	"cp437", "cp737", "cp775", "cp850", "cp852", "cp855", "cp857",
	"cp858", "cp860", "cp861", "cp862", "cp863", "cp864", "cp865",
	"cp866", "cp869", "cp874", "cp932", "cp936", "cp949", "cp950",
	"ibm437", "ibm850", "ibm852", "ibm866", "hz-gb-2312", "armscii-8",
	"georgian-ps", "macintosh",
};
/*
 * Inside an allowed family but refused: converters with published crash
 * bugs on crafted bytes (ISO-2022-JP-3: CVE-2021-3326; ISO-2022-CN-EXT:
 * CVE-2024-2961) and their JIS X 0213 relatives, which mail does not use,
 * and IMAP's mailbox-name encoding, which is no MIME charset.
 */
static const char *const refused[] = {
	"iso-2022-jp-3", "iso-2022-cn-ext", "euc-jisx0213", "shift_jisx0213",
	"shift-jisx0213", "sjis-open", "utf-7-imap",
};

static bool
in_list(const char *name, const char *const *list, size_t n, bool prefix)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(list[i]);

		if (prefix ? strncmp(name, list[i], l) == 0 :
		    strcmp(name, list[i]) == 0)
			return true;
	}
	return false;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Classify a charset name; for CS_ICONV, name_r gets the name to hand to
 * iconv_open(3).
 */
static enum cs_kind
cs_classify(struct span cs, char name_r[RFC2047_CHARSET_MAX + 1])
{
	char low[RFC2047_CHARSET_MAX + 1];

	cs = span_trim(cs);
	if (cs.len == 0)
		return CS_UTF8;
	if (cs.len > RFC2047_CHARSET_MAX)
		return CS_UNKNOWN;
	for (size_t i = 0; i < cs.len; i++) {
		char c = cs.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == ':' || c == '+'))
			return CS_UNKNOWN;
		low[i] = c;
	}
	low[cs.len] = '\0';
	if (strcmp(low, "utf-8") == 0 || strcmp(low, "utf8") == 0 ||
	    strcmp(low, "us-ascii") == 0 || strcmp(low, "ascii") == 0 ||
	    strcmp(low, "ansi_x3.4-1968") == 0)
		return CS_UTF8;
	if (strcmp(low, "iso-8859-1") == 0 || strcmp(low, "iso8859-1") == 0 ||
	    strcmp(low, "iso_8859-1") == 0 || strcmp(low, "latin1") == 0 ||
	    strcmp(low, "l1") == 0)
		return CS_LATIN1;
	for (size_t i = 0; i < NELEM(aliases); i++)
		if (strcmp(low, aliases[i].mime) == 0) {
			str_lcpy(name_r, aliases[i].iconv,
			    RFC2047_CHARSET_MAX + 1);
			return CS_ICONV;
		}
	if (in_list(low, refused, NELEM(refused), false) ||
	    !(in_list(low, family_prefix, NELEM(family_prefix), true) ||
	    in_list(low, family_exact, NELEM(family_exact), false)))
		return CS_UNKNOWN;
	memcpy(name_r, low, cs.len + 1);
	return CS_ICONV;
}

/* One open iconv descriptor, reused while the charset stays the same. */
struct conv {
	char name[RFC2047_CHARSET_MAX + 1];
	iconv_t cd;
	bool open;
};

static void
conv_close(struct conv *c)
{
	if (c->open)
		iconv_close(c->cd);
	c->open = false;
	c->name[0] = '\0';
}

/* The descriptor for name, or NULL when iconv does not know it. */
static iconv_t *
conv_get(struct conv *c, const char *name)
{
	if (c->open && strcmp(c->name, name) == 0)
		return &c->cd;
	conv_close(c);
	c->cd = iconv_open("UTF-8", name);
	if (c->cd == (iconv_t)-1)
		return NULL;
	c->open = true;
	str_lcpy(c->name, name, sizeof(c->name));
	return &c->cd;
}

static int
via_iconv(struct sink *k, iconv_t cd, const char *p, size_t n)
{
	char tmp[1024];
	char *ip = (char *)(uintptr_t)p;	/* iconv's prototype */
	size_t ileft = n;
	int rc = 0;

	while (ileft > 0 && rc == 0) {
		char *op = tmp;
		size_t oleft = sizeof(tmp), r;
		const char *before = ip;

		r = iconv(cd, &ip, &ileft, &op, &oleft);
		/* Checked, not trusted: glibc's UCS-4 converter, for one,
		 * writes sequences for values above U+10FFFF.  iconv writes
		 * whole characters, so tmp never ends inside one. */
		if (op > tmp && utf8_fix(k, tmp, (size_t)(op - tmp)) < 0)
			return -1;
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG && (ip != before || op != tmp))
			continue;
		/* EILSEQ, EINVAL (incomplete at the end), or a converter
		 * that makes no progress: one replacement, skip a byte. */
		rc = sink_fffd(k);
		if (errno == EINVAL) {
			ileft = 0;
		} else {
			ip++;
			ileft--;
		}
	}
	if (rc == 0) {
		char *op = tmp;
		size_t oleft = sizeof(tmp);

		/* End of input: flush a pending shift state. */
		(void)iconv(cd, NULL, NULL, &op, &oleft);
		if (op > tmp)
			rc = utf8_fix(k, tmp, (size_t)(op - tmp));
	}
	(void)iconv(cd, NULL, NULL, NULL, NULL);
	return rc;
}

/* Convert bytes in charset cs; *unknown set when cs is not converted. */
static int
convert(struct sink *k, struct conv *c, struct span cs, struct span in,
    bool *unknown)
{
	char name[RFC2047_CHARSET_MAX + 1];
	iconv_t *cd;

	*unknown = false;
	switch (cs_classify(cs, name)) {
	case CS_UTF8:
		return utf8_fix(k, in.p, in.len);
	case CS_LATIN1:
		return latin1(k, in.p, in.len);
	case CS_ICONV:
		if ((cd = conv_get(c, name)) != NULL)
			return via_iconv(k, *cd, in.p, in.len);
		break;
	case CS_UNKNOWN:
		break;
	}
	*unknown = true;
	return utf8_fix(k, in.p, in.len);
}

int
rfc2047_charset_to_utf8(struct span charset, struct span in,
    struct buf *out, size_t *replaced_r)
{
	struct sink k = { out, true, false, 0, false, false, 0 };
	struct conv c = { .open = false };
	bool unknown;
	int rc;

	if (sink_put(&k, "", 0) < 0)
		return -1;
	rc = in.len == 0 ? 0 : convert(&k, &c, charset, in, &unknown);
	conv_close(&c);
	if (replaced_r != NULL)
		*replaced_r += k.replaced;
	return rc;
}

int
rfc2047_utf8_sanitize(struct span in, struct buf *out, size_t *replaced_r)
{
	struct sink k = { out, false, false, 0, false, false, 0 };
	int rc;

	if (sink_put(&k, "", 0) < 0)
		return -1;
	rc = utf8_fix(&k, in.p, in.len);
	if (replaced_r != NULL)
		*replaced_r += k.replaced;
	return rc;
}

/* ------------------------------------------------------------ words */

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 2045 token characters, which charset and language are made of. */
static bool
is_token(char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/*
 * Next positions of "?=" and of a '?' (or NUL) at or after a point.  Queries
 * come with non-decreasing positions, so a cached answer at or after the
 * query is the answer, and all searching together is linear.
 */
struct scan {
	struct span in;
	size_t qe;		/* next "?=", or in.len; SIZE_MAX: not yet */
	size_t qm;		/* next '?' or NUL, or in.len */
	size_t ws;		/* next white space, or in.len */
};

static size_t
next_qe(struct scan *s, size_t from)
{
	if (s->qe == SIZE_MAX || s->qe < from) {
		size_t j = from;

		while (j + 1 < s->in.len &&
		    !(s->in.p[j] == '?' && s->in.p[j + 1] == '='))
			j++;
		s->qe = j + 1 < s->in.len ? j : s->in.len;
	}
	return s->qe;
}

static size_t
next_ws(struct scan *s, size_t from)
{
	if (s->ws == SIZE_MAX || s->ws < from) {
		size_t j = from;

		while (j < s->in.len && !is_ws(s->in.p[j]))
			j++;
		s->ws = j;
	}
	return s->ws;
}

/* Only base64 and white space: a B word folded inside its text. */
static bool
b64_text(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		    c == '=' || is_ws((char)c)))
			return false;
	}
	return true;
}

static size_t
next_qm(struct scan *s, size_t from)
{
	if (s->qm == SIZE_MAX || s->qm < from) {
		size_t j = from;

		while (j < s->in.len && s->in.p[j] != '?' && s->in.p[j] != '\0')
			j++;
		s->qm = j;
	}
	return s->qm;
}

struct word {
	struct span charset;	/* without "*language" */
	char enc;		/* 'b' or 'q' */
	struct span text;
	size_t end;		/* index after "?=" */
};

/*
 * Read an encoded-word at in[i] (which is "=?"); false if there is none.
 * Its charset: token characters and 8-bit bytes, of any length (a long
 * or odd name is an unknown charset, its bytes read as UTF-8, as Python
 * and GMime read them: never a word left as text that hides its name);
 * loose (GMime): any bytes up to the next '?', white space too.
 */
static bool
parse_word(struct scan *s, size_t i, struct word *w, bool loose,
    unsigned flags, size_t *ws_words)
{
	const char *p = s->in.p;
	size_t len = s->in.len, j = i + 2, cs_end = SIZE_MAX, q;

	if (loose) {
		j = next_qm(s, j);
		if (j < len && p[j] == '\0')
			return false;
		cs_end = j;
		for (size_t k = i + 2; k < j; k++)
			if (p[k] == '*') {
				cs_end = k;
				break;
			}
	} else {
		while (j < len && (is_token(p[j]) ||
		    (unsigned char)p[j] >= 0x80)) {
			if (p[j] == '*' && cs_end == SIZE_MAX)
				cs_end = j;
			j++;
		}
	}
	if (cs_end == SIZE_MAX)
		cs_end = j;
	if (j + 2 >= len || p[j] != '?' || cs_end == i + 2 ||
	    p[j + 2] != '?')
		return false;
	switch (p[j + 1]) {
	case 'B':
	case 'b':
		w->enc = 'b';
		break;
	case 'Q':
	case 'q':
		w->enc = 'q';
		break;
	default:
		return false;
	}
	w->charset = (struct span){ p + i + 2, cs_end - (i + 2) };
	j += 3;
	/* The text runs to the next "?=", white space and junk in it too:
	 * Python's email, GMime and MIME-tools decode such a word, and a
	 * word left as text would hide the name it spells. */
	q = next_qe(s, j);
	if (q >= len)
		return false;
	if (next_ws(s, j) < q && !(w->enc == 'b' && b64_text(p + j, q - j))) {
		/* White space in the text: MIME-tools leaves such a word
		 * as text (RFC2047_STRICT_WS), the others decode it. */
		if (flags & RFC2047_STRICT_WS)
			return false;
		(*ws_words)++;
	}
	w->text = (struct span){ p + j, q - j };
	w->end = q + 2;
	return true;
}

/*
 * Append the bytes a word's text stands for.  A B word decodes with b,
 * which the caller starts (decode_b64_init) for each word, or, joining,
 * only at the first word of a run.
 */
static void
word_bytes(const struct word *w, struct buf *raw, struct decode_b64 *b)
{
	const char *t = w->text.p;
	size_t n = w->text.len;

	if (w->enc == 'b') {
		char tmp[DECODE_B64_OUT_MAX(256)];

		for (size_t off = 0; off < n; off += 256) {
			size_t take = n - off < 256 ? n - off : 256;

			(void)buf_append(raw, tmp,
			    decode_b64(b, t + off, take, tmp));
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		int hi, lo;

		if (c == '_') {
			c = ' ';
		} else if (c == '=' && n - i > 2 &&
		    (hi = decode_hex(t[i + 1])) >= 0 &&
		    (lo = decode_hex(t[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		(void)buf_append(raw, &c, 1);
	}
}

/*
 * Literal text in[from..to) of the value: CR/LF runs at either end of the
 * value or before white space are removed (unfolding), others become one
 * space; the rest is sanitised.
 */
static int
literal(struct sink *k, struct span in, size_t from, size_t to)
{
	size_t run = from, i = from;

	if (from == to)
		return 0;	/* in.p may be NULL */
	while (i < to) {
		size_t j;

		if (in.p[i] != '\r' && in.p[i] != '\n') {
			i++;
			continue;
		}
		if (utf8_fix(k, in.p + run, i - run) < 0)
			return -1;
		for (j = i; j < to && (in.p[j] == '\r' || in.p[j] == '\n'); j++)
			;
		if (i > 0 && j < in.len && in.p[j] != ' ' && in.p[j] != '\t' &&
		    sink_put(k, " ", 1) < 0)
			return -1;
		i = run = j;
	}
	return utf8_fix(k, in.p + run, to - run);
}

static bool
all_ws(struct span in, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!is_ws(in.p[i]))
			return false;
	return true;
}

static bool
same_charset(struct span a, struct span b)
{
	return a.len == b.len && strncasecmp(a.p, b.p, a.len) == 0;
}

/* Decoding state of one value. */
struct dec {
	struct sink k;
	struct conv conv;
	struct rfc2047_stats st;
	struct span cs;		/* charset of the pending run */
	struct buf raw;		/* its bytes */
	bool pending;
	bool joined;		/* rfc2047_decode_joined() */
	struct decode_b64 b;	/* joined: the run's B text so far */
	bool b_live;		/* joined: b holds the run's B words */
};

static int
flush_run(struct dec *d)
{
	bool unknown;
	int rc;

	if (!d->pending)
		return 0;
	d->pending = false;
	d->b_live = false;
	rc = convert(&d->k, &d->conv, d->cs, (struct span){ d->raw.data,
	    d->raw.len }, &unknown);
	buf_reset(&d->raw);
	return rc;
}

static int
decode_words(struct span in, size_t max_words, struct buf *out,
    struct rfc2047_stats *stats_r, unsigned flags)
{
	bool joined = (flags & RFC2047_JOINED) != 0;
	struct dec d = { .k = { out, false, false, 0,
	    (flags & RFC2047_CUT_NUL) != 0, false, 0 }, .joined = joined };
	struct scan s = { in, SIZE_MAX, SIZE_MAX, SIZE_MAX };
	size_t i = 0, lit = 0;
	int rc = 0;

	buf_init(&d.raw, in.len + 4);
	if (sink_put(&d.k, "", 0) < 0)
		rc = -1;
	while (rc == 0 && i + 1 < in.len) {
		struct word w;
		char name[RFC2047_CHARSET_MAX + 1];

		if (in.p[i] != '=' || in.p[i + 1] != '?') {
			i++;
			continue;
		}
		if (!parse_word(&s, i, &w, joined, flags, &d.st.ws_words)) {
			d.st.malformed++;
			i += 2;
			continue;
		}
		if (d.st.words >= max_words) {
			d.st.over_limit++;
			i = w.end;
			continue;
		}
		/* RFC 2047 6.2: white space between two words goes. */
		if (!(d.pending && all_ws(in, lit, i))) {
			if (flush_run(&d) < 0 ||
			    literal(&d.k, in, lit, i) < 0) {
				rc = -1;
				break;
			}
		}
		if (d.pending && !same_charset(d.cs, w.charset) &&
		    flush_run(&d) < 0) {
			rc = -1;
			break;
		}
		if (cs_classify(w.charset, name) == CS_UNKNOWN)
			d.st.unknown_charset++;
		d.cs = w.charset;
		d.pending = true;
		if (w.enc != 'b' || !d.b_live) {
			decode_b64_init(&d.b);
			/* GMime: the B text of a run joined, the decoding
			 * stopped at its first padding, an unpadded last
			 * group dropped. */
			d.b.stop_at_pad = d.joined;
			d.b.whole_groups = d.joined;
		}
		d.b_live = d.joined && w.enc == 'b';
		word_bytes(&w, &d.raw, &d.b);
		d.st.words++;
		i = lit = w.end;
	}
	if (rc == 0 && (flush_run(&d) < 0 || literal(&d.k, in, lit,
	    in.len) < 0))
		rc = -1;
	conv_close(&d.conv);
	buf_free(&d.raw);
	d.st.replaced = d.k.replaced;
	d.st.nuls = d.k.nuls;
	if (stats_r != NULL)
		*stats_r = d.st;
	return rc;
}

int
rfc2047_decode_full(struct span in, size_t max_words, struct buf *out,
    struct rfc2047_stats *stats_r)
{
	return decode_words(in, max_words, out, stats_r, 0);
}

int
rfc2047_decode(struct span in, struct buf *out)
{
	return decode_words(in, SIZE_MAX, out, NULL, 0);
}

int
rfc2047_decode_joined(struct span in, struct buf *out)
{
	return decode_words(in, SIZE_MAX, out, NULL, RFC2047_JOINED);
}

int
rfc2047_decode_stats(struct span in, unsigned flags, struct buf *out,
    struct rfc2047_stats *stats_r)
{
	return decode_words(in, SIZE_MAX, out, stats_r, flags);
}

int
rfc2047_decode_flags(struct span in, unsigned flags, struct buf *out,
    size_t *nuls_r)
{
	struct rfc2047_stats st;
	int rc = decode_words(in, SIZE_MAX, out, &st, flags);

	if (nuls_r != NULL)
		*nuls_r = st.nuls;
	return rc;
}
