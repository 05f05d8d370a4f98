/*
 * fuzz_gmime_diff.c - a differential fuzzer: GMime 3 (the MIME library of
 * Evolution, Balsa and others) against msgsec's own pipeline, in one
 * process (issue 11, "a reader jury in the tests").
 *
 * Each input is one message.  msgsec judges it as `msgsec-milter --test`
 * does (inspect.h, with the inventory on); GMime parses the same bytes and
 * every leaf part it yields is held against that inventory:
 *
 *   - every name GMime gives the leaf (Content-Disposition filename,
 *     Content-Type name, g_mime_part_get_filename) must be a name msgsec
 *     inspected, both compared as a skeleton: the last path element, ASCII
 *     lowercased, each run of other bytes (controls, 8-bit) and of '?'
 *     (what GMime writes for bytes its charset converter cannot map,
 *     where msgsec writes U+FFFD; no file name holds one) as one '?',
 *     a trailing one dropped,
 *     double quotes (no file name holds one) and outer white space
 *     dropped (a tail of an inspected name holding a dot, or holding none
 *     where the whole holds none, counts as seen: it has no extension the
 *     whole has not);
 *   - its decoded bytes, unless white space only, must have the SHA-256 of
 *     an item msgsec inspected, exact or normalised (CRLF as LF, trailing
 *     white space dropped: sha256n in inspect.h), either side.
 *
 * A miss aborts, the part described on stderr, unless msgsec itself saw
 * that the message reads two ways (inspect_ambiguous() != 0, or the
 * syntax.mime-ambiguous hit: the message is quarantined), or blocked the
 * whole message for its very structure: a limit.* hit (MIME depth, parts,
 * header or line size: the parser stopped following) or segment.partial
 * (message/partial, blocked at any depth), with an action that does not
 * deliver (quarantine or stronger).
 *
 * Honest differences, not evasions, left out of the comparison:
 *   - a multipart's preamble and epilogue, and the body of a multipart
 *     without a usable boundary: GMime keeps them as the multipart's
 *     prologue/epilogue text, not as parts a reader lists;
 *   - the names of message/rfc822 containers: readers open such a part as
 *     a message, whose own leaves are compared;
 *   - a message/rfc822 (news, global) in base64, QP or uuencode is a leaf
 *     to GMime (gmime-parser.c); a reader opens it as a message, and so
 *     does msgsec, so its decoded bytes are parsed again here as a message
 *     and its leaves compared, not the blob;
 *   - transcoding: GMime converts 8-bit and RFC 2047/2231 names to UTF-8
 *     with its fallback charsets where msgsec may keep other bytes; the
 *     skeleton keeps every ASCII byte (so an extension GMime decodes out
 *     of UTF-16 still counts) and folds the rest.
 *
 * Input bytes as the milter gets them: a leading mbox "From " line is
 * dropped and a message whose first line ends in a bare LF is taken as
 * Unix text and given CRLF line ends (as main.c's --test does).  GMime
 * reads the message as a store delivers it to a reader: those bytes with
 * CRLF as LF (GMime's own CRLF handling has quirks, e.g. its uudecoder
 * stops early, that would show less, not more).  Deterministic: a fixed
 * clock, no libclamav engine, everything in memory.
 *
 * The policy is the checkout's rules/msgsec.yaml, loaded once from
 * $MSGSEC_CONFIG, else $MSGSEC_TOP/rules/msgsec.yaml, else the first
 * rules/msgsec.yaml in a folder above the executable, else in the current
 * folder; with clamav.enabled off and the spool in memory.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "content.h"
#include "inspect.h"
#include "mem.h"
#include "policy.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_NOW 1700000000	/* 2023-11-14: a fixed clock */
#define SHA_HEX 65

static struct policy *policy;
static GMimeParserOptions *gopts;
static bool verbose;		/* $GMIME_DIFF_VERBOSE: list every leaf */
static const char *known;	/* $GMIME_DIFF_KNOWN: classes not to stop on */

/* What msgsec inspected, as the comparison needs it. */
struct seen {
	char **names;		/* skeletons */
	size_t nnames;
	const char **hashes;	/* sha256 and sha256n of every item */
	size_t nhashes;
};

/* One comparison: the input, msgsec's view, and the current GMime path. */
struct cmp {
	const struct seen *seen;
	const struct inspect *in;
	unsigned warnings;	/* 1 << GMimeParserWarning, as GMime warned */
	size_t skipped;		/* misses of a known class */
	char path[256];
};

/* ------------------------------------------------------------ setup */

static void
cleanup(void)
{
	policy_unref(&policy);
	content_thread_done();
	g_mime_parser_options_free(gopts);
	g_mime_shutdown();
}

static bool
readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The configuration to load (module comment); caller frees. */
static char *
find_config(void)
{
	const char *env = getenv("MSGSEC_CONFIG");
	char exe[PATH_MAX];
	ssize_t n;

	if (env != NULL && *env != '\0')
		return mem_strdup(env);
	env = getenv("MSGSEC_TOP");
	if (env != NULL && *env != '\0')
		return mem_printf("%s/rules/msgsec.yaml", env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 6; up++) {
			char *slash = strrchr(exe, '/'), *c;

			if (slash == NULL)
				break;
			*slash = '\0';
			c = mem_printf("%s/rules/msgsec.yaml", exe);
			if (readable(c))
				return c;
			free(c);
		}
	}
	return mem_strdup("rules/msgsec.yaml");
}

static void
setup(void)
{
	static const char *const sets[] = {
		"clamav.enabled=false",
		/* Every input stays in memory: no spool file. */
		"limits.spool_memory=52428800",
	};
	struct diags dg;
	char *config;

	if (policy != NULL)
		return;
	config = find_config();
	diags_init(&dg);
	policy = policy_load(config, sets, sizeof(sets) / sizeof(sets[0]),
	    &dg);
	if (policy == NULL) {
		diags_print(&dg, stderr);
		fprintf(stderr, "fuzz_gmime_diff: %s: configuration not usable "
		    "(set MSGSEC_TOP to the checkout)\n", config);
		abort();
	}
	diags_free(&dg);
	free(config);
	g_mime_init();
	gopts = g_mime_parser_options_new();
	verbose = getenv("GMIME_DIFF_VERBOSE") != NULL;
	known = getenv("GMIME_DIFF_KNOWN");
	atexit(cleanup);
}

/* ------------------------------------------------------------ helpers */

static void
sha256_hex(const void *data, size_t len, char out[SHA_HEX])
{
	static const char x[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 ||
	    n != 32) {
		fprintf(stderr, "fuzz_gmime_diff: EVP_Digest failed\n");
		abort();
	}
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = x[md[i] >> 4];
		out[2 * i + 1] = x[md[i] & 15];
	}
	out[64] = '\0';
}

static bool
is_ws(unsigned char c)
{
	return c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

/*
 * The bytes as sha256n sees them: CRLF as LF, trailing white space
 * dropped.  Returns the new length (in place).
 */
static size_t
normalise(unsigned char *p, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		while (p[i] == '\n' && o > 0 && p[o - 1] == '\r')
			o--;	/* CR... LF as LF */
		p[o++] = p[i];
	}
	while (o > 0 && is_ws(p[o - 1]))
		o--;
	return o;
}

/* The skeleton of a name (module comment); "" when nothing is left. */
static char *
skeleton(const char *s)
{
	const char *slash = strrchr(s, '/'), *bs = strrchr(s, '\\');
	char *out, *o;
	bool folded = false;

	if (slash != NULL)
		s = slash + 1;
	if (bs != NULL && bs + 1 > s)
		s = bs + 1;
	out = o = mem_malloc(strlen(s) + 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '?') {
			if (!folded)
				*o++ = '?';
			folded = true;
			continue;
		}
		folded = false;
		if (c == '"')
			continue;	/* no file name holds one (Windows) */
		*o++ = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c;
	}
	*o = '\0';
	/* Trailing white space and undecodable bytes go, as msgsec's name
	 * rules drop them (inspect_names.c; GMime drops an incomplete last
	 * character, msgsec writes U+FFFD). */
	while (o > out && (o[-1] == ' ' || o[-1] == '\t' || o[-1] == '?'))
		*--o = '\0';
	o = out;
	while (*o == ' ' || *o == '\t')
		o++;
	memmove(out, o, strlen(o) + 1);
	return out;
}

static void
seen_init(struct seen *s, const struct inspect *in)
{
	const struct inspect_item *items;
	size_t n = inspect_inventory(in, &items);

	memset(s, 0, sizeof(*s));
	s->names = mem_reallocarray(NULL, 2 * n + 1, sizeof(*s->names));
	s->hashes = mem_reallocarray(NULL, 2 * n + 1, sizeof(*s->hashes));
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++)
			if (items[i].names[k] != NULL)
				s->names[s->nnames++] =
				    skeleton(items[i].names[k]);
		if (items[i].sha256[0] != '\0')
			s->hashes[s->nhashes++] = items[i].sha256;
		if (items[i].sha256n[0] != '\0')
			s->hashes[s->nhashes++] = items[i].sha256n;
	}
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->hashes);
}

/*
 * Seen: the same skeleton, or a tail of one msgsec inspected that holds a
 * dot, or that holds none where the whole holds none either (GMime
 * dropped the first RFC 2231 sections it could not decode: "il.exe" of
 * "Devil.exe", "il" of "Devil").  Such a tail has no extension the whole
 * name does not have, and ends in the same one (or, like it, in none).
 */
static bool
seen_name(const struct seen *s, const char *skel)
{
	size_t n = strlen(skel);

	for (size_t i = 0; i < s->nnames; i++) {
		size_t m = strlen(s->names[i]);

		if (strcmp(s->names[i], skel) == 0)
			return true;
		if (m > n && strcmp(s->names[i] + m - n, skel) == 0 &&
		    (strchr(skel, '.') != NULL ||
		    strchr(s->names[i], '.') == NULL))
			return true;
	}
	return false;
}

static bool
seen_hash(const struct seen *s, const char *hex)
{
	for (size_t i = 0; i < s->nhashes; i++)
		if (strcmp(s->hashes[i], hex) == 0)
			return true;
	return false;
}

/*
 * Does msgsec's verdict already answer for whatever GMime may see: the
 * message reads two ways, or was blocked for its structure?
 */
static bool
excused(const struct inspect *in, const struct verdict *v)
{
	if (inspect_ambiguous(in) != 0)
		return true;
	for (size_t i = 0; i < v->nhits; i++) {
		const struct hit *h = &v->hits[i];
		const char *id = h->rule->id;

		if (strcmp(id, "syntax.mime-ambiguous") == 0)
			return true;
		if (h->action < ACTION_QUARANTINE)
			continue;
		if (strncmp(id, "limit.", 6) == 0 ||
		    strcmp(id, "segment.partial") == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------ reports */

static void
print_escaped(const char *label, const void *p, size_t len)
{
	struct buf b;

	buf_init(&b, 4096);
	(void)buf_append_escaped(&b, (struct span){ p, len }, 160);
	fprintf(stderr, "  %s: \"%s\"\n", label, b.data != NULL ? b.data : "");
	buf_free(&b);
}

static void
print_inventory(const struct inspect *in)
{
	const struct inspect_item *items;
	size_t n = inspect_inventory(in, &items);

	fprintf(stderr, "  msgsec inspected %zu item(s):\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct inspect_item *it = &items[i];

		fprintf(stderr, "    %s part %zu %s size %llu sha256 %.16s "
		    "sha256n %.16s\n", it->reading, it->part, it->kind,
		    (unsigned long long)it->size, it->sha256, it->sha256n);
		for (int k = 0; k < 2; k++)
			if (it->names[k] != NULL)
				print_escaped(k == 0 ? "    names[0]" :
				    "    names[1]", it->names[k],
				    strlen(it->names[k]));
	}
}

static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
    gpointer ctx)
{
	struct cmp *c = ctx;

	(void)offset;
	(void)item;
	if ((unsigned)code < 32)
		c->warnings |= 1u << (unsigned)code;
}

/* The transfer-encoded bytes of a leaf, as GMime holds them. */
static GByteArray *
raw_content(GMimePart *part, GMimeStream **mem_r)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *src = dw != NULL ? g_mime_data_wrapper_get_stream(dw) :
	    NULL;

	*mem_r = g_mime_stream_mem_new();
	if (src != NULL) {
		(void)g_mime_stream_reset(src);
		(void)g_mime_stream_write_to_stream(src, *mem_r);
		(void)g_mime_stream_reset(src);
	}
	return g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(*mem_r));
}

static bool
is_b64(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
}

/*
 * Triage: the classes of difference already reported (README in the
 * findings folder), named in the report, so that a fuzzing run can go past
 * them ($GMIME_DIFF_KNOWN, a comma list; never set by `make test`):
 *   header-junk-line   GMime met a line that is no header field inside a
 *                      header block and read on to the blank line;
 *   b64-partial-quad   base64 whose alphabet characters do not fill the
 *                      last quad (GMime drops them);
 *   qp-trailing-space  quoted-printable with white space before a line
 *                      end (GMime keeps it).
 */
static void
classes(const struct cmp *c, GMimePart *part, struct buf *out)
{
	if (c->warnings & (1u << GMIME_CRIT_INVALID_HEADER_NAME))
		(void)buf_append_cstr(out, "header-junk-line,");
	if (part != NULL) {
		GMimeContentEncoding enc = g_mime_part_get_content_encoding(
		    part);
		GMimeStream *mem;
		GByteArray *raw = raw_content(part, &mem);
		size_t n = 0;
		bool ws = false;

		for (guint i = 0; i < raw->len; i++) {
			unsigned char ch = raw->data[i];

			n += is_b64(ch);
			if (ch == '\n' && i > 0 && (raw->data[i - 1] == ' ' ||
			    raw->data[i - 1] == '\t'))
				ws = true;
		}
		if (enc == GMIME_CONTENT_ENCODING_BASE64 && n % 4 != 0)
			(void)buf_append_cstr(out, "b64-partial-quad,");
		if (enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && ws)
			(void)buf_append_cstr(out, "qp-trailing-space,");
		g_object_unref(mem);
	}
	if (out->len > 0)
		out->data[--out->len] = '\0';
}

/* Is every class in list (comma separated) one of $GMIME_DIFF_KNOWN? */
static bool
all_known(const char *list)
{
	const char *p = list;

	if (known == NULL || *list == '\0')
		return false;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		const char *k = known;
		bool found = false;

		while (*k != '\0' && !found) {
			size_t m = strcspn(k, ",");

			found = m == n && memcmp(k, p, n) == 0;
			k += m + (k[m] == ',');
		}
		if (!found)
			return false;
		p += n + (p[n] == ',');
	}
	return true;
}

static void
miss(struct cmp *c, GMimePart *part, const char *what, const void *p,
    size_t len)
{
	struct buf cl;

	buf_init(&cl, 1024);
	classes(c, part, &cl);
	if (all_known(cl.data != NULL ? cl.data : "")) {
		c->skipped++;
		buf_free(&cl);
		return;
	}
	fprintf(stderr, "fuzz_gmime_diff: GMime part %s: %s msgsec did not "
	    "inspect (and no mime.ambiguous)\n", c->path, what);
	print_escaped(what, p, len);
	fprintf(stderr, "  classes: %s\n  GMime warnings:",
	    cl.data != NULL ? cl.data : "(none)");
	for (unsigned i = 0; i < 32; i++)
		if (c->warnings & (1u << i))
			fprintf(stderr, " %u", i);
	fprintf(stderr, "\n");
	print_inventory(c->in);
	buf_free(&cl);
	abort();
}

/* ------------------------------------------------------------ GMime */

static void walk(struct cmp *c, GMimeObject *obj, int depth);

static void
check_name(struct cmp *c, GMimePart *part, const char *name)
{
	char *skel;

	if (name == NULL)
		return;
	skel = skeleton(name);
	if (skel[0] != '\0' && !seen_name(c->seen, skel))
		miss(c, part, "a name", name, strlen(name));
	free(skel);
}

static bool
is_message_type(GMimeContentType *ct)
{
	const char *sub;

	if (ct == NULL || !g_mime_content_type_is_type(ct, "message", "*"))
		return false;
	sub = g_mime_content_type_get_media_subtype(ct);
	/* external-body: msgsec opens it too, its phantom entity's
	 * header naming the file it points to. */
	return sub != NULL && (g_ascii_strcasecmp(sub, "rfc822") == 0 ||
	    g_ascii_strcasecmp(sub, "news") == 0 ||
	    g_ascii_strcasecmp(sub, "rfc2822") == 0 ||
	    g_ascii_strcasecmp(sub, "external-body") == 0 ||
	    g_ascii_strcasecmp(sub, "global") == 0);
}

/* Walk the message in len bytes at p (an encoded message/rfc822 leaf). */
static void
walk_bytes(struct cmp *c, const unsigned char *p, size_t len, int depth)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)p,
	    len);
	GMimeParser *ps = g_mime_parser_new_with_stream(s);
	GMimeMessage *msg;

	g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(ps, gopts);
	if (msg != NULL) {
		GMimeObject *top = g_mime_message_get_mime_part(msg);

		if (top != NULL)
			walk(c, top, depth + 1);
		g_object_unref(msg);
	}
	g_object_unref(ps);
	g_object_unref(s);
}

static void
leaf(struct cmp *c, GMimePart *part, int depth)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *out;
	GByteArray *ba;
	char exact[SHA_HEX], norm[SHA_HEX];
	size_t nlen;
	bool message = is_message_type(g_mime_object_get_content_type(obj));

	if (!message) {
		check_name(c, part,
		    g_mime_object_get_content_disposition_parameter(obj,
		    "filename"));
		check_name(c, part, g_mime_object_get_content_type_parameter(
		    obj, "name"));
		check_name(c, part, g_mime_part_get_filename(part));
	}
	if (dw == NULL)
		return;
	out = g_mime_stream_mem_new();
	(void)g_mime_data_wrapper_write_to_stream(dw, out);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	if (ba->len == 0) {
		/* Nothing to hide in (and ba->data may be NULL). */
		g_object_unref(out);
		return;
	}
	if (message) {
		/* As deep as msgsec reads (limits.mime_depth): past it
		 * msgsec raises limit.mime-depth, which excuses. */
		if ((uint64_t)depth < policy->config.limits.mime_depth)
			walk_bytes(c, ba->data, ba->len, depth);
		g_object_unref(out);
		return;
	}
	sha256_hex(ba->data, ba->len, exact);
	if (verbose) {
		fprintf(stderr, "fuzz_gmime_diff: GMime part %s: %u bytes, "
		    "sha256 %.16s\n", c->path, ba->len, exact);
		if (g_mime_part_get_filename(part) != NULL)
			print_escaped("name", g_mime_part_get_filename(part),
			    strlen(g_mime_part_get_filename(part)));
	}
	if (!seen_hash(c->seen, exact)) {
		unsigned char *copy = mem_malloc(ba->len + 1);

		memcpy(copy, ba->data, ba->len);
		nlen = normalise(copy, ba->len);
		sha256_hex(copy, nlen, norm);
		free(copy);
		if (nlen > 0 && !seen_hash(c->seen, norm))
			miss(c, part, "decoded bytes", ba->data, ba->len);
	}
	g_object_unref(out);
}

static void
walk(struct cmp *c, GMimeObject *obj, int depth)
{
	size_t plen = strlen(c->path);

	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++) {
			(void)snprintf(c->path + plen, sizeof(c->path) - plen,
			    "%s%d", plen > 0 ? "." : "", i + 1);
			walk(c, g_mime_multipart_get_part(mp, i), depth + 1);
		}
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *msg = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		GMimeObject *top = msg != NULL ?
		    g_mime_message_get_mime_part(msg) : NULL;

		if (top != NULL && (uint64_t)depth <
		    policy->config.limits.mime_depth) {
			(void)snprintf(c->path + plen, sizeof(c->path) - plen,
			    "%sm", plen > 0 ? "." : "");
			walk(c, top, depth + 1);
		}
	} else if (GMIME_IS_PART(obj)) {
		leaf(c, GMIME_PART(obj), depth);
	}
	c->path[plen] = '\0';
}

/* ------------------------------------------------------------ msgsec */

/*
 * The bytes as the milter gets them, as main.c's --test reads a file: an
 * mbox "From " separator line is not part of the message; a first line
 * ending in a bare LF means Unix text, every bare LF then becomes CRLF.
 * Caller frees.
 */
static char *
canonical(const uint8_t *data, size_t size, size_t *len_r)
{
	const uint8_t *lf = memchr(data, '\n', size);
	bool unix_ends = lf != NULL && (lf == data || lf[-1] != '\r');
	char *out = mem_malloc(2 * size + 1);
	size_t o = 0, start = 0;

	if (size > 5 && memcmp(data, "From ", 5) == 0 && lf != NULL)
		start = (size_t)(lf - data) + 1;
	for (size_t i = start; i < size; i++) {
		if (unix_ends && data[i] == '\n' &&
		    (i == start || data[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = (char)data[i];
	}
	*len_r = o;
	return out;
}

/*
 * The same message as a mail store keeps it for a reader (Postfix's local
 * and virtual delivery, maildir, mbox): CRLF as LF.  Caller frees.
 */
static char *
stored(const char *msg, size_t len, size_t *len_r)
{
	char *out = mem_malloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
			continue;
		out[o++] = msg[i];
	}
	*len_r = o;
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rcpts[] = { "user@example.org" };
	struct envelope env;
	struct inspect *in;
	const struct verdict *v;
	char *msg;
	size_t len;

	setup();
	msg = canonical(data, size, &len);
	memset(&env, 0, sizeof(env));
	env.mail_from = "sender@example.com";
	env.rcpts = rcpts;
	env.nrcpts = 1;
	in = inspect_new(policy, &env, FIXED_NOW, NULL, false);
	inspect_set_inventory(in, true);
	(void)inspect_feed(in, msg, len);
	v = inspect_finish(in);
	if (v->action == ACTION_TEMPFAIL && v->decider == NULL) {
		fprintf(stderr, "fuzz_gmime_diff: msgsec: internal error "
		    "(tempfail with no rule)\n");
		abort();
	}
	if (verbose)
		print_inventory(in);
	if (!excused(in, v)) {
		struct seen s;
		struct cmp c;
		size_t slen;
		char *smsg = stored(msg, len, &slen);
		GMimeStream *st = g_mime_stream_mem_new_with_buffer(smsg, slen);
		GMimeParser *ps = g_mime_parser_new_with_stream(st);
		GMimeMessage *m;

		seen_init(&s, in);
		memset(&c, 0, sizeof(c));
		c.seen = &s;
		c.in = in;
		g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
		g_mime_parser_options_set_warning_callback(gopts, on_warning,
		    &c);
		m = g_mime_parser_construct_message(ps, gopts);
		if (m != NULL) {
			GMimeObject *top = g_mime_message_get_mime_part(m);

			if (top != NULL)
				walk(&c, top, 0);
			g_object_unref(m);
		}
		g_object_unref(ps);
		g_object_unref(st);
		free(smsg);
		seen_free(&s);
	}
	inspect_free(&in);
	free(msg);
	return 0;
}
