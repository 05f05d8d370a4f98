/*
 * legacy.c - uuencode, yEnc, BinHex 4.0 and TNEF decoders.
 *
 * Trusts: nothing.  Lines are read through length-carrying spans, TNEF
 * attributes and the BinHex header through the library's bounds-checked
 * cursor (policy/cursor.h: every length is checked against the bytes left
 * before use), and each decoded file is bounded by max_out.
 *
 *   uuencode:  "begin" SP mode SP name / lines: len-char 4-char groups / "end"
 *   yEnc:      "=ybegin ... name=NAME" / escaped bytes (c - 42) / "=yend"
 *   BinHex:    ":" 6-bit text ":" -> RLE (0x90) -> header, data fork, rsrc
 *   TNEF:      u32 signature 0x223E9F78, u16 key, then attributes
 *              { u8 level, u32 id, u32 length, data[length], u16 checksum }
 */
#include "legacy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "mem.h"
#include "str.h"

struct out {
	char *p;
	size_t len, cap, max;
	bool truncated;
};

/* Grown as bytes come (max is limits.archive_bytes, 200 MiB by default:
 * not a size to ask for per file). */
static void
out_init(struct out *o, size_t max)
{
	o->cap = max < 4096 ? (max == 0 ? 1 : max) : 4096;
	o->p = mem_malloc(o->cap);
	o->len = 0;
	o->max = max;
	o->truncated = false;
}

static void
out_byte(struct out *o, unsigned char c)
{
	if (o->len >= o->max) {
		o->truncated = true;
		return;
	}
	if (o->len == o->cap) {
		o->cap = o->cap > o->max / 2 ? o->max : o->cap * 2;
		o->p = mem_reallocarray(o->p, o->cap, 1);
	}
	o->p[o->len++] = (char)c;
}

/* Next line of text from *pos: span without the line break. */
static bool
next_line(const char *text, size_t len, size_t *pos, struct span *line)
{
	size_t start = *pos, end;

	if (start >= len)
		return false;
	end = start;
	while (end < len && text[end] != '\n')
		end++;
	*pos = end < len ? end + 1 : end;
	line->p = text + start;
	line->len = end - start;
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	return true;
}

/* A name, whole: a cut one would lose its extension. */
static void
set_name(char **dst, struct span s)
{
	free(*dst);
	*dst = mem_strndup(s.p, s.len);
}

/*
 * "begin 644 name": the name, or false.  The mode is any run of digits
 * (decoders do not check it is octal).  loose (a part declared uuencoded):
 * "begin" alone or with anything after it starts a file, the name what
 * follows the mode, possibly empty.
 */
static bool
uu_begin(struct span l, char **name, bool loose)
{
	size_t i = 6;

	if (loose && l.len >= 5 && memcmp(l.p, "begin", 5) == 0 &&
	    (l.len == 5 || l.p[5] == ' ' || l.p[5] == '\t')) {
		i = 5;
		while (i < l.len && (l.p[i] == ' ' || l.p[i] == '\t'))
			i++;
		while (i < l.len && l.p[i] >= '0' && l.p[i] <= '9')
			i++;
		set_name(name, span_trim((struct span){ l.p + i,
		    l.len - i }));
		return true;
	}
	if (l.len < 9 || memcmp(l.p, "begin ", 6) != 0)
		return false;
	while (i < l.len && l.p[i] >= '0' && l.p[i] <= '9')
		i++;
	if (i == 6 || i >= l.len || l.p[i] != ' ')
		return false;
	set_name(name, span_trim((struct span){ l.p + i + 1, l.len - i - 1 }));
	return (*name)[0] != '\0';
}

static void
uu_line(struct span l, struct out *o)
{
	size_t n, i = 1;

	if (l.len == 0)
		return;
	n = (size_t)((l.p[0] - ' ') & 0x3f);
	while (n > 0 && i + 3 < l.len + 1) {
		unsigned char c[4] = { 0, 0, 0, 0 };

		for (int k = 0; k < 4; k++)
			c[k] = i + (size_t)k < l.len ?
			    (unsigned char)((l.p[i + k] - ' ') & 0x3f) : 0;
		out_byte(o, (unsigned char)(c[0] << 2 | c[1] >> 4));
		if (n > 1)
			out_byte(o, (unsigned char)(c[1] << 4 | c[2] >> 2));
		if (n > 2)
			out_byte(o, (unsigned char)(c[2] << 6 | c[3]));
		n = n > 3 ? n - 3 : 0;
		i += 4;
	}
}

/* "=ybegin part=1 line=128 size=123 name=file.exe": name is last. */
static bool
y_begin(struct span l, char **name)
{
	const char *n;

	if (l.len < 8 || memcmp(l.p, "=ybegin ", 8) != 0)
		return false;
	n = memmem(l.p, l.len, " name=", 6);
	if (n == NULL)
		return false;
	n += 6;
	set_name(name, span_trim((struct span){ n, (size_t)(l.p + l.len -
	    n) }));
	return (*name)[0] != '\0';
}

static void
y_line(struct span l, struct out *o)
{
	for (size_t i = 0; i < l.len; i++) {
		unsigned char c = (unsigned char)l.p[i];

		if (c == '=' && i + 1 < l.len) {
			c = (unsigned char)(l.p[++i] - 64);
		}
		out_byte(o, (unsigned char)(c - 42));
	}
}

static size_t
scan_text(const char *text, size_t len, size_t max_out, legacy_fn fn,
    void *ctx, bool loose)
{
	size_t pos = 0, files = 0;
	struct span l;
	char *name = NULL;
	bool go = true;

	while (go && next_line(text, len, &pos, &l)) {
		bool uu = uu_begin(l, &name, loose);
		bool y = !uu && y_begin(l, &name);
		struct out o;

		if (!uu && !y)
			continue;
		out_init(&o, max_out);
		while (next_line(text, len, &pos, &l)) {
			if (uu && l.len >= 3 && memcmp(l.p, "end", 3) == 0 &&
			    span_trim((struct span){ l.p, l.len }).len == 3)
				break;
			if (y && l.len >= 6 && memcmp(l.p, "=yend", 5) == 0)
				break;
			if (y && l.len >= 7 && memcmp(l.p, "=ypart", 6) == 0)
				continue;
			if (uu)
				uu_line(l, &o);
			else
				y_line(l, &o);
		}
		go = fn(ctx, uu ? "uuencode" : "yenc", name, o.p, o.len,
		    o.truncated);
		free(o.p);
		files++;
	}
	free(name);
	return files;
}

size_t
legacy_scan_text(const char *text, size_t len, size_t max_out, legacy_fn fn,
    void *ctx)
{
	return scan_text(text, len, max_out, fn, ctx, false);
}

/*
 * GMime's reading of a uuencoded part (Evolution, Balsa, Geary): from the
 * line after the first "begin " line, one stream in which a length
 * character is read at each line start and again wherever the length it
 * announced runs out mid-line, 4-character groups go on across line ends,
 * and a zero length ends the file.  Lines are not ended by "end": only a
 * zero length ends it.  Written to o; the name from the begin line.
 */
static bool
uu_stream(const char *text, size_t len, struct out *o, char **name)
{
	size_t pos = 0, left = 0, nq = 0;
	unsigned char q[4];
	bool bol = true, found = false;
	struct span l;

	while (next_line(text, len, &pos, &l))
		if (l.len >= 6 && memcmp(l.p, "begin ", 6) == 0) {
			found = uu_begin(l, name, true);
			break;
		}
	if (!found)
		return false;
	for (; pos < len; pos++) {
		unsigned char c = (unsigned char)text[pos];

		if (c == '\n') {
			bol = true;
			continue;
		}
		if (c == '\r' && pos + 1 < len && text[pos + 1] == '\n')
			continue;	/* GMime reads the part with LF ends */
		if (bol || left == 0) {
			bol = false;
			left = (size_t)((c - ' ') & 0x3f);
			if (left == 0)
				break;
			continue;
		}
		q[nq++] = (unsigned char)((c - ' ') & 0x3f);
		if (nq < 4)
			continue;
		nq = 0;
		out_byte(o, (unsigned char)(q[0] << 2 | q[1] >> 4));
		left--;
		if (left > 0) {
			out_byte(o, (unsigned char)(q[1] << 4 | q[2] >> 2));
			left--;
		}
		if (left > 0) {
			out_byte(o, (unsigned char)(q[2] << 6 | q[3]));
			left--;
		}
	}
	return true;
}

/* The first file the line-by-line reading finds, kept for comparison. */
struct first_file {
	legacy_fn fn;
	void *ctx;
	char *data;
	size_t len;
	bool seen;
};

static bool
keep_first(void *ctx, const char *kind, const char *name, const void *data,
    size_t len, bool truncated)
{
	struct first_file *ff = ctx;

	if (!ff->seen) {
		ff->seen = true;
		ff->data = mem_malloc(len == 0 ? 1 : len);
		memcpy(ff->data, data, len);
		ff->len = len;
	}
	return ff->fn(ff->ctx, kind, name, data, len, truncated);
}

size_t
legacy_scan_uu_part(const char *text, size_t len, size_t max_out,
    legacy_fn fn, void *ctx)
{
	struct first_file ff = { fn, ctx, NULL, 0, false };
	size_t files = scan_text(text, len, max_out, keep_first, &ff, true);
	char *name = NULL;
	struct out o;

	/* GMime's stream reading, where it gives other bytes. */
	out_init(&o, max_out);
	if (uu_stream(text, len, &o, &name) && (!ff.seen || o.len != ff.len ||
	    memcmp(o.p, ff.data, o.len) != 0)) {
		(void)fn(ctx, "uuencode-stream", name, o.p, o.len,
		    o.truncated);
		files++;
	}
	free(o.p);
	free(name);
	free(ff.data);
	return files;
}

/* ------------------------------------------------------------ BinHex */

static const char hqx_alphabet[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

int
legacy_binhex(const char *text, size_t len, size_t max_out, legacy_fn fn,
    void *ctx)
{
	const char *start;
	struct out raw, dec;
	struct cursor h;
	const uint8_t *hname;
	uint8_t nlen;
	uint32_t acc = 0, dlen;
	unsigned bits = 0;
	size_t i;
	int rc = -1;

	/* The data starts after the first ':' at the start of a line. */
	start = NULL;
	for (i = 0; i < len; i++)
		if (text[i] == ':' && (i == 0 || text[i - 1] == '\n')) {
			start = text + i + 1;
			break;
		}
	if (start == NULL)
		return -1;
	/* 6-bit decode; the 8-bit stream is at most 3/4 of the text. */
	out_init(&raw, (len / 4) * 3 + 3);
	for (i = (size_t)(start - text); i < len && text[i] != ':'; i++) {
		const char *q = memchr(hqx_alphabet, text[i], 64);

		if (q == NULL || text[i] == '\0')
			continue;	/* line breaks, white space */
		acc = (acc << 6) | (uint32_t)(q - hqx_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out_byte(&raw, (unsigned char)(acc >> bits));
		}
	}
	/* RLE: 0x90 n repeats the previous byte n-1 more times; 0x90 0
	 * is a literal 0x90. */
	out_init(&dec, max_out + 512);
	for (i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.p[i];

		if (c == 0x90 && i + 1 < raw.len) {
			unsigned n = (unsigned char)raw.p[++i];

			if (n == 0) {
				out_byte(&dec, 0x90);
			} else if (dec.len > 0) {
				unsigned char prev = (unsigned char)
				    dec.p[dec.len - 1];

				for (unsigned k = 1; k < n && !dec.truncated; k++)
					out_byte(&dec, prev);
			}
		} else {
			out_byte(&dec, c);
		}
	}
	/* Header: len(1) name(len) 0(1) type(4) creator(4) flags(2)
	 * dlen(4) rlen(4) crc(2), then the data fork. */
	cur_init(&h, dec.p, dec.len);
	(void)cur_u8(&h, &nlen);
	(void)cur_bytes(&h, nlen, &hname);
	(void)cur_skip(&h, 1 + 4 + 4 + 2);
	(void)cur_u32(&h, &dlen);
	(void)cur_skip(&h, 4 + 2);
	if (cur_ok(&h) && nlen > 0) {
		size_t have = h.left, n = dlen < have ? dlen : have;
		char *name = mem_strndup((const char *)hname, nlen);

		(void)fn(ctx, "binhex", name, h.p, n < max_out ? n : max_out,
		    dec.truncated || dlen > have || n > max_out);
		free(name);
		rc = 0;
	}
	free(raw.p);
	free(dec.p);
	return rc;
}

/* ------------------------------------------------------------ TNEF */

#define TNEF_SIGNATURE 0x223e9f78u
#define ATT_ATTACH_REND_DATA 0x00069002u	/* starts an attachment */
#define ATT_ATTACH_TITLE 0x00018010u
#define ATT_ATTACH_DATA 0x0006800fu
#define LVL_ATTACHMENT 2

int
legacy_tnef(const void *data, size_t len, size_t max_out, legacy_fn fn,
    void *ctx)
{
	struct cursor c;
	char *name;
	const unsigned char *fdata = NULL;
	size_t flen = 0;
	uint32_t signature;
	bool in_att = false, go = true;
	int files = 0;

	cur_init(&c, data, len);
	if (!cur_le32(&c, &signature) || signature != TNEF_SIGNATURE)
		return -1;
	(void)cur_skip(&c, 2);	/* legacy key */
	name = mem_strdup("");

	while (go && cur_ok(&c) && c.left > 0) {
		uint8_t level;
		uint32_t id, alen;
		const uint8_t *val;

		(void)cur_u8(&c, &level);
		(void)cur_le32(&c, &id);
		(void)cur_le32(&c, &alen);
		if (!cur_bytes(&c, alen, &val))
			break;
		/* A missing checksum ends the walk after this attribute. */
		(void)cur_skip(&c, 2);
		if (level != LVL_ATTACHMENT)
			continue;
		if (id == ATT_ATTACH_REND_DATA) {
			if (in_att && (name[0] != '\0' || fdata != NULL)) {
				go = fn(ctx, "tnef", name[0] ? name :
				    "attachment",
				    fdata != NULL ? (const void *)fdata : "",
				    flen < max_out ? flen : max_out,
				    flen > max_out);
				files++;
			}
			in_att = true;
			name[0] = '\0';
			fdata = NULL;
			flen = 0;
		} else if (id == ATT_ATTACH_TITLE) {
			size_t n = alen;

			while (n > 0 && val[n - 1] == '\0')
				n--;
			set_name(&name, (struct span){ (const char *)val, n });
		} else if (id == ATT_ATTACH_DATA) {
			fdata = val;
			flen = alen;
		}
	}
	if (go && in_att && (name[0] != '\0' || fdata != NULL)) {
		(void)fn(ctx, "tnef", name[0] ? name : "attachment",
		    fdata != NULL ? (const void *)fdata : "",
		    flen < max_out ? flen : max_out, flen > max_out);
		files++;
	}
	free(name);
	return files;
}
