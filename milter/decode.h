/*
 * decode.h - streaming base64 (RFC 2045 6.8) and quoted-printable
 * (RFC 2045 6.7) decoders.
 *
 * Each decoder keeps its state in a struct, takes input in chunks of any
 * size and gives the same output whatever the chunking.  Output goes to a
 * caller buffer of at least DECODE_OUT_MAX(len) bytes, so decoding never
 * allocates.  Both are tolerant the way mail readers are: base64 skips
 * white space and junk (counted in .invalid), quoted-printable passes
 * broken escapes through literally (counted).
 */
#ifndef MSGSEC_DECODE_H
#define MSGSEC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECODE_QP_WS_MAX 64	/* white space held back at most */
/* Output bound for one call with len input bytes (or for finish: 0). */
#define DECODE_OUT_MAX(len) ((len) + 8 + DECODE_QP_WS_MAX)

struct decode_b64 {
	uint32_t acc;
	unsigned bits;
	size_t invalid;		/* bytes outside the alphabet */
	size_t padded;		/* '=' seen */
};

void decode_b64_init(struct decode_b64 *s);
/* Decode len bytes; returns the bytes written to out. */
size_t decode_b64(struct decode_b64 *s, const char *in, size_t len,
    char *out);
/* End of input: returns bytes written (always 0: partial bits drop). */
size_t decode_b64_finish(struct decode_b64 *s, char *out);

enum decode_qp_state {
	QP_TEXT,
	QP_CR,			/* CR seen, LF may follow */
	QP_EQ,			/* '=' seen */
	QP_EQ1,			/* '=' and one hex digit */
	QP_EQ_WS,		/* '=' then white space (soft break coming?) */
	QP_EQ_CR,		/* '=' [ws] CR */
};

struct decode_qp {
	enum decode_qp_state state;
	char hex1;
	char ws[DECODE_QP_WS_MAX];
	size_t nws;
	size_t invalid;		/* broken escapes passed through */
};

void decode_qp_init(struct decode_qp *s);
size_t decode_qp(struct decode_qp *s, const char *in, size_t len, char *out);
size_t decode_qp_finish(struct decode_qp *s, char *out);

/* Value of a hex digit, or -1. */
int decode_hex(char c);

#endif
