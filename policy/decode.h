/*
 * decode.h - streaming base64 (RFC 2045 6.8) and quoted-printable
 * (RFC 2045 6.7) decoders for MIME bodies and RFC 2047 words.
 *
 * Each decoder keeps all its state in a caller-owned struct, takes input in
 * chunks of any size (a chunk may end anywhere, even inside "=\r\n") and
 * gives the same output whatever the chunking.  Output goes to a caller
 * buffer of at least the documented bound for that chunk's length, so the
 * decoders never allocate and never write past it.
 *
 * Both are tolerant the way mail readers are, and count what they
 * tolerated so the caller can report a defect:
 *
 *   base64   white space is skipped silently; bytes outside the alphabet
 *            are skipped and counted (.invalid); '=' ends the current
 *            4-character group; alphabet bytes after padding are not lost
 *            but decoded as a fresh group sequence (concatenated encodings,
 *            which lenient clients show) and counted (.after_pad); a
 *            missing final padding is accepted (.unpadded), a lone final
 *            character decodes to nothing (.partial).
 *   QP       "=XY" with upper- or lowercase hex decodes; "=" before a line
 *            end ("=\r\n", "=\n", "=\r", with transport white space between)
 *            is a soft line break, as is a final "=" at the end of input;
 *            any other "=" passes through literally (.invalid); white space
 *            before a line end or the end of input is dropped (rule 3),
 *            except that a run longer than DECODE_QP_WS_MAX is passed
 *            through (the decoder must hold the run while it waits to see
 *            what follows, and that hold is bounded); line ends are kept as
 *            they came (CRLF or LF).
 *
 * Thread safety: none needed; a state struct belongs to one caller.
 */
#ifndef MSGSEC_DECODE_H
#define MSGSEC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* White space bytes quoted-printable holds back at most (see above). */
#define DECODE_QP_WS_MAX 64

/*
 * Output bounds: decode_b64() writes at most DECODE_B64_OUT_MAX(len) bytes
 * for len input bytes and decode_b64_finish() writes none;
 * decode_qp() writes at most DECODE_QP_OUT_MAX(len) bytes and
 * decode_qp_finish() at most DECODE_QP_OUT_MAX(0).  DECODE_OUT_MAX(len)
 * covers both decoders and both calls.  None of them overflows for any
 * len a caller can have in memory.
 */
#define DECODE_B64_OUT_MAX(len) ((len) / 4 * 3 + 3)
#define DECODE_QP_OUT_MAX(len) ((len) + DECODE_QP_WS_MAX + 2)
#define DECODE_OUT_MAX(len) DECODE_QP_OUT_MAX(len)

struct decode_b64 {
	uint32_t acc;		/* bits of the current group */
	unsigned pos;		/* characters in the current group, 0..3 */
	bool ended;		/* a '=' has ended a group */
	bool in_pad;		/* last non-space byte was '=' */
	bool stop_at_pad;	/* set by the caller after init: alphabet
				 * bytes after padding are counted, not
				 * decoded (what strict readers do) */
	bool whole_groups;	/* set by the caller after init: bytes are
				 * written when their group of four (or a
				 * padded one) is whole, so an unpadded last
				 * group is dropped (GMime, strict readers) */
	size_t invalid;		/* bytes not in the alphabet, stray '=' */
	size_t padded;		/* '=' bytes seen */
	size_t after_pad;	/* alphabet bytes after the first padding */
	size_t partial;		/* groups cut after one character */
	size_t unpadded;	/* groups of 2 or 3 characters at the end */
};

/* Start (or restart) a base64 stream.  Cannot fail. */
void decode_b64_init(struct decode_b64 *s);

/*
 * Decode in[0..len) (any bytes, not NUL-terminated) and append the result
 * to out, which must have room for DECODE_B64_OUT_MAX(len) bytes.  Returns
 * the number of bytes written.  in and out must not overlap.
 */
size_t decode_b64(struct decode_b64 *s, const char *in, size_t len,
    char *out);

/*
 * End of input: settles the counters for an incomplete last group.
 * Returns the bytes written to out (always 0: whole bytes are written as
 * soon as they are complete), so out may be any buffer.  s can then be
 * reused only after decode_b64_init().
 */
size_t decode_b64_finish(struct decode_b64 *s, char *out);

enum decode_qp_state {
	DECODE_QP_TEXT,		/* in text; held: white space run */
	DECODE_QP_CR,		/* held: white space run, then CR */
	DECODE_QP_EQ,		/* held: "=" */
	DECODE_QP_EQ_HEX,	/* held: "=" and one hex digit (hex1) */
	DECODE_QP_EQ_WS,	/* held: "=" and a white space run */
	DECODE_QP_EQ_CR,	/* "=" [white space] CR: a soft break */
};

/*
 * How strictly to read (set by the caller after init).  The tolerant
 * reading is the one above.  The other two are what readers that do not
 * follow RFC 2045's advice to decoders do, white space always data:
 *
 *   LITERAL  Python's binascii.a2b_qp: "=XY" (hex, any case) is a byte,
 *            "=" LF and "=" CR ... LF are soft breaks, "==" is one "=",
 *            any other "=" is data and what follows it is read afresh;
 *            a final "=" is dropped, a final "=X" kept.
 *   TRIPLET  GMime: "=" LF is a soft break; otherwise "=" and the next
 *            two bytes are a byte (hex), a soft break (CR LF) or data as
 *            they are, all three; an incomplete final escape is dropped.
 */
enum decode_qp_mode {
	DECODE_QP_TOLERANT,
	DECODE_QP_LITERAL,
	DECODE_QP_TRIPLET,
};

struct decode_qp {
	enum decode_qp_state state;
	enum decode_qp_mode mode;
	char hex1;
	size_t nws;
	char ws[DECODE_QP_WS_MAX];
	size_t invalid;		/* "=" sequences passed through as is */
	size_t ws_passed;	/* white space runs too long to hold */
	size_t ws_dropped;	/* white space runs dropped before a line
				 * end (rule 3; the strict modes keep them) */
	size_t padded_soft;	/* soft breaks with white space or junk
				 * between "=" and the line end */
};

/* Start (or restart) a quoted-printable stream.  Cannot fail. */
void decode_qp_init(struct decode_qp *s);

/*
 * Decode in[0..len) and append to out, which must have room for
 * DECODE_QP_OUT_MAX(len) bytes.  Returns the bytes written.  in and out
 * must not overlap.
 */
size_t decode_qp(struct decode_qp *s, const char *in, size_t len, char *out);

/*
 * End of input: writes what was held back (at most DECODE_QP_OUT_MAX(0)
 * bytes) and returns the count.  s can then be reused only after
 * decode_qp_init().
 */
size_t decode_qp_finish(struct decode_qp *s, char *out);

/* Value of an ASCII hex digit (either case), or -1.  Pure. */
int decode_hex(char c);

#endif
