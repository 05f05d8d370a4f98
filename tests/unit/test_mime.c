/*
 * test_mime.c - the push MIME parser: structure, boundaries (missing,
 * prefixing, nested), header folding, encodings, message/rfc822 descent,
 * every limit at and over its value, and the same events for every
 * chunking (1, 2, 3, 7 bytes and whole).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "mime.h"

/* Events serialised one per line, body bytes concatenated per part. */
struct rec {
	struct buf out;
	int last_body_part;
};

static int
record(void *ctx, const struct mime_event *ev)
{
	struct rec *r = ctx;
	const struct mime_part *p = ev->part;

	if (ev->type != MIME_EV_BODY && r->last_body_part >= 0) {
		buf_append_cstr(&r->out, "|\n");
		r->last_body_part = -1;
	}
	switch (ev->type) {
	case MIME_EV_HEADER:
		buf_printf(&r->out, "H%zu %.*s=", p->index, (int)ev->name.len,
		    ev->name.p);
		buf_append_escaped(&r->out, ev->value, 200);
		buf_append_cstr(&r->out, "\n");
		break;
	case MIME_EV_PART_BEGIN:
		buf_printf(&r->out, "B%zu d%zu p%zu %s enc=%s", p->index,
		    p->depth, p->parent, p->type, p->encoding_name);
		if (p->filename != NULL)
			buf_printf(&r->out, " filename=%s", p->filename);
		if (p->name != NULL)
			buf_printf(&r->out, " name=%s", p->name);
		buf_append_cstr(&r->out, "\n");
		break;
	case MIME_EV_BODY:
		if (r->last_body_part != (int)p->index) {
			buf_printf(&r->out, "D%zu |", p->index);
			r->last_body_part = (int)p->index;
		}
		buf_append_escaped(&r->out, ev->value, 100000);
		break;
	case MIME_EV_PART_END:
		buf_printf(&r->out, "E%zu\n", p->index);
		break;
	case MIME_EV_DEFECT:
		buf_printf(&r->out, "X%zu %s\n", p->index,
		    mime_defect_name(ev->defect));
		break;
	}
	return 0;
}

static char *
parse_chunked(const char *msg, size_t len, size_t chunk,
    const struct mime_limits *l)
{
	struct rec r = { .last_body_part = -1 };
	struct mime *m;

	buf_init(&r.out, 1 << 20);
	m = mime_new(l, record, &r);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		assert_int_equal(mime_feed(m, msg + off, n), 0);
	}
	assert_int_equal(mime_finish(m), 0);
	if (r.last_body_part >= 0)
		buf_append_cstr(&r.out, "|\n");
	mime_free(&m);
	return r.out.data != NULL ? r.out.data : mem_strdup("");
}

/* Parse with every chunking; all must agree; return the whole one. */
static char *
parse_l(const char *msg, const struct mime_limits *l)
{
	static const size_t chunks[] = { 1, 2, 3, 7 };
	size_t len = strlen(msg);
	char *whole = parse_chunked(msg, len, len == 0 ? 1 : len, l);

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *c = parse_chunked(msg, len, chunks[i], l);

		if (strcmp(c, whole) != 0)
			fprintf(stderr, "chunk %zu differs:\n%s\nwhole:\n%s\n",
			    chunks[i], c, whole);
		assert_string_equal(c, whole);
		free(c);
	}
	return whole;
}

static char *
parse(const char *msg)
{
	return parse_l(msg, NULL);
}

static void
expect(const char *msg, const char *events)
{
	char *got = parse(msg);

	if (strcmp(got, events) != 0)
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, events);
	assert_string_equal(got, events);
	free(got);
}

static void
test_simple(void **state)
{
	(void)state;
	expect("From: a@b.example\r\nSubject: hi\r\n\r\nHello\r\nworld\r\n",
	    "H0 From=a@b.example\n"
	    "H0 Subject=hi\n"
	    "B0 d0 p0 text/plain enc=\n"
	    "D0 |Hello\\x0d\\x0aworld\\x0d\\x0a|\n"
	    "E0\n");
}

static void
test_folding_and_lf(void **state)
{
	(void)state;
	expect("Subject: one\n two\n\tthree\nX: y\n\nbody",
	    "H0 Subject=one\\x0d\\x0a two\\x0d\\x0a\\x09three\n"
	    "H0 X=y\n"
	    "B0 d0 p0 text/plain enc=\n"
	    "D0 |body|\n"
	    "E0\n");
}

static const char multi[] =
    "From: a@b.example\r\n"
    "Content-Type: multipart/mixed; boundary=\"xx\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--xx\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "first\r\n"
    "--xx\r\n"
    "Content-Type: application/octet-stream; name=\"a.exe\"\r\n"
    "Content-Disposition: attachment; filename=\"b.exe\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "TVqQAA==\r\n"
    "--xx--\r\n"
    "epilogue\r\n";

static void
test_multipart(void **state)
{
	(void)state;
	expect(multi,
	    "H0 From=a@b.example\n"
	    "H0 Content-Type=multipart/mixed; boundary=\"xx\"\n"
	    "B0 d0 p0 multipart/mixed enc=\n"
	    "H1 Content-Type=text/plain\n"
	    "B1 d1 p0 text/plain enc=\n"
	    "D1 |first|\n"
	    "E1\n"
	    "H2 Content-Type=application/octet-stream; name=\"a.exe\"\n"
	    "H2 Content-Disposition=attachment; filename=\"b.exe\"\n"
	    "H2 Content-Transfer-Encoding=base64\n"
	    "B2 d1 p0 application/octet-stream enc=base64 filename=b.exe "
	    "name=a.exe\n"
	    "D2 |MZ\\x90\\x00|\n"
	    "E2\n"
	    "E0\n");
}

/* Offsets: where each part's header, body and end lie in the input. */
struct offs {
	uint64_t h[8], b[8], e[8];
	bool valid[8];
};

static int
record_offsets(void *ctx, const struct mime_event *ev)
{
	struct offs *o = ctx;
	size_t i = ev->part->index;

	if (i >= 8)
		return 0;
	if (ev->type == MIME_EV_PART_BEGIN) {
		o->h[i] = ev->part->off_header;
		o->b[i] = ev->part->off_body;
		o->valid[i] = ev->part->off_valid;
	} else if (ev->type == MIME_EV_PART_END) {
		o->e[i] = ev->part->off_end;
	}
	return 0;
}

static void
test_offsets(void **state)
{
	static const size_t chunks[] = { 1, 3, 7, sizeof(multi) };
	const char *part2 = strstr(multi, "Content-Type: application/");
	const char *body2 = strstr(multi, "TVqQAA==");

	(void)state;
	for (size_t c = 0; c < 4; c++) {
		struct offs o;
		struct mime *m;

		memset(&o, 0, sizeof(o));
		m = mime_new(NULL, record_offsets, &o);
		for (size_t off = 0; off < sizeof(multi) - 1; off += chunks[c])
			mime_feed(m, multi + off, sizeof(multi) - 1 - off <
			    chunks[c] ? sizeof(multi) - 1 - off : chunks[c]);
		mime_finish(m);
		mime_free(&m);
		assert_true(o.valid[2]);
		assert_int_equal(o.h[0], 0);
		assert_int_equal(o.h[2], (uint64_t)(part2 - multi));
		assert_int_equal(o.b[2], (uint64_t)(body2 - multi));
		/* the content ends before the CRLF that precedes "--xx--" */
		assert_int_equal(o.e[2], (uint64_t)(body2 - multi) + 8);
		assert_int_equal(o.h[1], (uint64_t)(strstr(multi,
		    "Content-Type: text/plain") - multi));
	}
}

static void
test_prefix_boundaries(void **state)
{
	(void)state;
	/* Inner boundary "ab" is a prefix of the outer "abc". */
	expect("Content-Type: multipart/mixed; boundary=abc\n\n"
	    "--abc\n"
	    "Content-Type: multipart/alternative; boundary=ab\n\n"
	    "--ab\n\ninner\n"
	    "--abc\n\nsecond\n"
	    "--abc--\n",
	    "H0 Content-Type=multipart/mixed; boundary=abc\n"
	    "B0 d0 p0 multipart/mixed enc=\n"
	    "H1 Content-Type=multipart/alternative; boundary=ab\n"
	    "B1 d1 p0 multipart/alternative enc=\n"
	    "B2 d2 p1 text/plain enc=\n"
	    "D2 |inner|\n"
	    "E2\n"
	    "X1 close-boundary-missing\n"
	    "E1\n"
	    "B3 d1 p0 text/plain enc=\n"
	    "D3 |second|\n"
	    "E3\n"
	    "E0\n");
}

static void
test_missing_boundaries(void **state)
{
	(void)state;
	expect("Content-Type: multipart/mixed; boundary=q\n\n"
	    "--q\n\nunterminated\n",
	    "H0 Content-Type=multipart/mixed; boundary=q\n"
	    "B0 d0 p0 multipart/mixed enc=\n"
	    "B1 d1 p0 text/plain enc=\n"
	    "D1 |unterminated\\x0a|\n"
	    "E1\n"
	    "X0 close-boundary-missing\n"
	    "E0\n");
	expect("Content-Type: multipart/mixed; boundary=q\n\nno parts\n",
	    "H0 Content-Type=multipart/mixed; boundary=q\n"
	    "B0 d0 p0 multipart/mixed enc=\n"
	    "X0 start-boundary-missing\n"
	    "E0\n");
	expect("Content-Type: multipart/mixed\n\nbody\n",
	    "H0 Content-Type=multipart/mixed\n"
	    "X0 multipart-without-boundary\n"
	    "B0 d0 p0 multipart/mixed enc=\n"
	    "D0 |body\\x0a|\n"
	    "E0\n");
}

static void
test_rfc822(void **state)
{
	(void)state;
	expect("Content-Type: multipart/mixed; boundary=z\n\n"
	    "--z\n"
	    "Content-Type: message/rfc822\n\n"
	    "Subject: inner\n"
	    "Content-Type: message/partial; id=\"x\"; number=1\n\n"
	    "part\n"
	    "--z--\n",
	    "H0 Content-Type=multipart/mixed; boundary=z\n"
	    "B0 d0 p0 multipart/mixed enc=\n"
	    "H1 Content-Type=message/rfc822\n"
	    "B1 d1 p0 message/rfc822 enc=\n"
	    "H2 Subject=inner\n"
	    "H2 Content-Type=message/partial; id=\"x\"; number=1\n"
	    "B2 d2 p1 message/partial enc=\n"
	    "X3 header-separator-missing\n"
	    "B3 d3 p2 text/plain enc=\n"
	    "D3 |part|\n"
	    "E3\n"
	    "E2\n"
	    "E1\n"
	    "E0\n");
}

static void
test_rfc822_base64(void **state)
{
	(void)state;
	/* "Subject: s\n\nx" in base64: the embedded message is decoded
	 * first, then parsed. */
	expect("Content-Type: message/rfc822\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "U3ViamVjdDogcwoKeA==\n",
	    "H0 Content-Type=message/rfc822\n"
	    "H0 Content-Transfer-Encoding=base64\n"
	    "B0 d0 p0 message/rfc822 enc=base64\n"
	    "H1 Subject=s\n"
	    "B1 d1 p0 text/plain enc=\n"
	    "D1 |x|\n"
	    "E1\n"
	    "E0\n");
}

static void
test_qp(void **state)
{
	(void)state;
	expect("Content-Transfer-Encoding: quoted-printable\n\n"
	    "caf=C3=A9 soft=\nbreak\n",
	    "H0 Content-Transfer-Encoding=quoted-printable\n"
	    "B0 d0 p0 text/plain enc=quoted-printable\n"
	    "D0 |caf\\xc3\\xa9 softbreak\\x0a|\n"
	    "E0\n");
}

static void
test_missing_separator(void **state)
{
	(void)state;
	expect("Subject: x\nthis is body\nmore\n",
	    "X0 bad-header-line\n"
	    "H0 Subject=x\n"
	    "B0 d0 p0 text/plain enc=\n"
	    "D0 |this is body\\x0amore\\x0a|\n"
	    "E0\n");
}

static void
test_digest_default(void **state)
{
	(void)state;
	expect("Content-Type: multipart/digest; boundary=d\n\n"
	    "--d\n\nSubject: in digest\n\nx\n--d--\n",
	    "H0 Content-Type=multipart/digest; boundary=d\n"
	    "B0 d0 p0 multipart/digest enc=\n"
	    "B1 d1 p0 message/rfc822 enc=\n"
	    "H2 Subject=in digest\n"
	    "B2 d2 p1 text/plain enc=\n"
	    "D2 |x|\n"
	    "E2\n"
	    "E1\n"
	    "E0\n");
}

/* n nested multiparts, each with one part. */
static char *
nested_multiparts(size_t n)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%zu\n"
		    "\n--b%zu\n", i, i);
	buf_append_cstr(&b, "\nleaf\n");
	return b.data;
}

static void
test_limit_depth(void **state)
{
	struct mime_limits l;
	char *msg, *got;

	(void)state;
	mime_limits_default(&l);
	l.depth = 3;
	/* Three multiparts: depths 0, 1, 2; the leaf is at depth 3. */
	msg = nested_multiparts(3);
	got = parse_l(msg, &l);
	assert_null(strstr(got, "limit-depth"));
	assert_non_null(strstr(got, "B3 d3 p2 text/plain"));
	free(got);
	free(msg);
	/* Four: the fourth multipart (depth 3) is at the limit and may not
	 * open children: it becomes a leaf. */
	msg = nested_multiparts(4);
	got = parse_l(msg, &l);
	assert_non_null(strstr(got, "X3 limit-depth"));
	assert_non_null(strstr(got, "B3 d3 p2 multipart/mixed"));
	assert_null(strstr(got, "B4"));
	free(got);
	free(msg);
}

static void
test_limit_parts(void **state)
{
	struct mime_limits l;
	const char *msg = "Content-Type: multipart/mixed; boundary=p\n\n"
	    "--p\n\na\n--p\n\nb\n--p\n\nc\n--p--\n";
	char *got;

	(void)state;
	mime_limits_default(&l);
	l.parts = 4;	/* message + 3 parts: exactly at the limit */
	got = parse_l(msg, &l);
	assert_null(strstr(got, "limit-parts"));
	assert_non_null(strstr(got, "D3 |c|"));
	free(got);
	l.parts = 3;	/* one over */
	got = parse_l(msg, &l);
	assert_non_null(strstr(got, "X0 limit-parts"));
	assert_null(strstr(got, "D3"));
	free(got);
}

static void
test_limit_headers(void **state)
{
	struct mime_limits l;
	char *got;

	(void)state;
	mime_limits_default(&l);
	l.header_count = 2;
	got = parse_l("A: 1\nB: 2\n\nx", &l);
	assert_null(strstr(got, "limit"));
	free(got);
	got = parse_l("A: 1\nB: 2\nC: 3\n\nx", &l);
	assert_non_null(strstr(got, "X0 limit-header-count"));
	assert_null(strstr(got, "H0 C="));
	assert_non_null(strstr(got, "D0 |x|"));
	free(got);

	mime_limits_default(&l);
	l.header_bytes = 8;	/* "A: 12345" is 8 bytes */
	got = parse_l("A: 12345\n\nx", &l);
	assert_null(strstr(got, "limit"));
	free(got);
	got = parse_l("A: 123456\n\nx", &l);
	assert_non_null(strstr(got, "X0 limit-header-bytes"));
	assert_non_null(strstr(got, "D0 |x|"));
	free(got);
}

static void
test_limit_line(void **state)
{
	struct mime_limits l;
	char msg[400], *got;

	(void)state;
	mime_limits_default(&l);
	l.line_length = 100;
	memset(msg, 0, sizeof(msg));
	memcpy(msg, "X: y\n\n", 6);
	memset(msg + 6, 'a', 100);	/* exactly at the limit */
	msg[106] = '\n';
	got = parse_l(msg, &l);
	assert_null(strstr(got, "limit"));
	free(got);
	memset(msg + 6, 'a', 250);	/* over it */
	msg[256] = '\n';
	memcpy(msg + 257, "--no\n", 5);
	got = parse_l(msg, &l);
	assert_non_null(strstr(got, "X0 limit-line-length"));
	/* Every byte still reaches the body, nothing is lost. */
	assert_non_null(strstr(got, "\\x0a--no\\x0a|"));
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_folding_and_lf),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_prefix_boundaries),
		cmocka_unit_test(test_missing_boundaries),
		cmocka_unit_test(test_rfc822),
		cmocka_unit_test(test_rfc822_base64),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_missing_separator),
		cmocka_unit_test(test_digest_default),
		cmocka_unit_test(test_limit_depth),
		cmocka_unit_test(test_limit_parts),
		cmocka_unit_test(test_limit_headers),
		cmocka_unit_test(test_limit_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
