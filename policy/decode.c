/*
 * decode.c - base64 (RFC 2045 6.8) and quoted-printable (RFC 2045 6.7),
 * streaming.
 *
 * Trusts: nothing; every byte value is handled in every state.  Memory: the
 * state structs only, never an allocation.  Every decision depends on the
 * state and the current byte alone, never on where a chunk ends, which is
 * what makes the output independent of the chunking.
 *
 * base64, one group:
 *
 *     +--------+--------+--------+--------+
 *     | 6 bits | 6 bits | 6 bits | 6 bits |   4 alphabet characters
 *     +--------+--------+--------+--------+
 *     |  byte 1   |  byte 2   |  byte 3   |   written as soon as whole
 *
 * A byte is written as soon as its 8 bits are in, so a missing final
 * padding needs nothing at the end, and the leftover 2 or 4 bits of a
 * padded group are simply dropped.
 *
 * quoted-printable holds back what it cannot judge yet: a white space run
 * (data if text follows on the line, transport padding before a line end),
 * a CR (line end only with LF), "=" and "=X" (escape, soft break or
 * literal).  The hold is at most DECODE_QP_WS_MAX + 1 bytes, which is where
 * the output bound comes from: a call writes at most the bytes held before
 * it plus one byte per input byte.
 */
#include "decode.h"

#include <string.h>

/* Alphabet value + 1; 0 for everything else. */
static const unsigned char b64_value[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
decode_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* ------------------------------------------------------------ base64 */

void
decode_b64_init(struct decode_b64 *s)
{
	memset(s, 0, sizeof(*s));
}

size_t
decode_b64(struct decode_b64 *s, const char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		unsigned v = b64_value[c];

		if (v != 0) {
			if (s->ended) {
				s->after_pad++;
				if (s->stop_at_pad)
					continue;
			}
			s->in_pad = false;
			s->acc = (s->acc << 6) | (v - 1);
			switch (++s->pos) {
			case 2:
				if (!s->whole_groups)
					out[o++] = (char)((s->acc >> 4) & 0xff);
				break;
			case 3:
				if (!s->whole_groups)
					out[o++] = (char)((s->acc >> 2) & 0xff);
				break;
			case 4:
				if (s->whole_groups) {
					out[o++] = (char)((s->acc >> 16) & 0xff);
					out[o++] = (char)((s->acc >> 8) & 0xff);
				}
				out[o++] = (char)(s->acc & 0xff);
				s->pos = 0;
				s->acc = 0;
				break;
			default:
				break;
			}
		} else if (c == '=') {
			s->padded++;
			if (s->pos == 0 && !s->in_pad) {
				s->invalid++;	/* stray: no group */
				/* GMime: any '=' ends the stream. */
				if (s->stop_at_pad)
					s->ended = s->in_pad = true;
				continue;
			}
			if (s->pos == 1)
				s->partial++;
			/* A padded group is whole: its bytes are out. */
			if (s->whole_groups && s->pos >= 2)
				out[o++] = (char)((s->acc >> (s->pos == 2 ? 4 :
				    10)) & 0xff);
			if (s->whole_groups && s->pos == 3)
				out[o++] = (char)((s->acc >> 2) & 0xff);
			s->pos = 0;
			s->acc = 0;
			s->ended = true;
			s->in_pad = true;
		} else if (!is_space((char)c)) {
			s->invalid++;
		}
	}
	return o;
}

size_t
decode_b64_finish(struct decode_b64 *s, char *out)
{
	(void)out;
	if (s->pos == 1)
		s->partial++;
	else if (s->pos > 1)
		s->unpadded++;
	s->pos = 0;
	s->acc = 0;
	return 0;
}

/* ------------------------------------------------------------ QP */

void
decode_qp_init(struct decode_qp *s)
{
	memset(s, 0, sizeof(*s));
}

static size_t
flush_ws(struct decode_qp *s, char *out)
{
	size_t n = s->nws;

	memcpy(out, s->ws, n);
	s->nws = 0;
	return n;
}

/* Hold one white space byte; a full hold goes out as data first. */
static size_t
hold_ws(struct decode_qp *s, char c, char *out)
{
	size_t o = 0;

	if (s->nws == DECODE_QP_WS_MAX) {
		s->ws_passed++;
		o = flush_ws(s, out);
	}
	s->ws[s->nws++] = c;
	return o;
}

/*
 * One byte in state DECODE_QP_TEXT.  Called for fresh bytes and for bytes
 * that a pending sequence gave back.
 */
static size_t
qp_text(struct decode_qp *s, char c, char *out)
{
	size_t o = 0;

	switch (c) {
	case '=':
		/* White space before '=' is followed by a printable
		 * character on its line: it is data. */
		o = flush_ws(s, out);
		s->state = DECODE_QP_EQ;
		break;
	case ' ':
	case '\t':
		o = hold_ws(s, c, out);
		break;
	case '\r':
		s->state = DECODE_QP_CR;
		break;
	case '\n':
		if (s->nws > 0)
			s->ws_dropped++;
		s->nws = 0;	/* rule 3: trailing white space goes */
		out[o++] = '\n';
		break;
	default:
		o = flush_ws(s, out);
		out[o++] = c;
		break;
	}
	return o;
}

static size_t
qp_tolerant(struct decode_qp *s, const char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		switch (s->state) {
		case DECODE_QP_TEXT:
			o += qp_text(s, c, out + o);
			break;
		case DECODE_QP_CR:
			s->state = DECODE_QP_TEXT;
			if (c == '\n') {
				if (s->nws > 0)
					s->ws_dropped++;
				s->nws = 0;
				out[o++] = '\r';
				out[o++] = '\n';
			} else {
				/* A bare CR is data, and so is the white
				 * space before it. */
				o += flush_ws(s, out + o);
				out[o++] = '\r';
				o += qp_text(s, c, out + o);
			}
			break;
		case DECODE_QP_EQ:
			if (decode_hex(c) >= 0) {
				s->hex1 = c;
				s->state = DECODE_QP_EQ_HEX;
			} else if (c == '\r') {
				s->state = DECODE_QP_EQ_CR;
			} else if (c == '\n') {
				s->state = DECODE_QP_TEXT; /* soft break */
			} else if (c == ' ' || c == '\t') {
				s->state = DECODE_QP_EQ_WS;
				s->ws[s->nws++] = c;
			} else {
				s->invalid++;
				out[o++] = '=';
				s->state = DECODE_QP_TEXT;
				o += qp_text(s, c, out + o);
			}
			break;
		case DECODE_QP_EQ_HEX:
			s->state = DECODE_QP_TEXT;
			if (decode_hex(c) >= 0) {
				out[o++] = (char)(decode_hex(s->hex1) * 16 +
				    decode_hex(c));
			} else {
				s->invalid++;
				out[o++] = '=';
				out[o++] = s->hex1;
				o += qp_text(s, c, out + o);
			}
			break;
		case DECODE_QP_EQ_WS:
			if ((c == ' ' || c == '\t') &&
			    s->nws < DECODE_QP_WS_MAX) {
				s->ws[s->nws++] = c;
			} else if (c == '\r') {
				s->nws = 0;
				s->padded_soft++;
				s->state = DECODE_QP_EQ_CR;
			} else if (c == '\n') {
				s->nws = 0;	/* "=  \n": soft break */
				s->padded_soft++;
				s->state = DECODE_QP_TEXT;
			} else {
				/* "= x": not an escape after all; the '='
				 * and the white space are data. */
				s->invalid++;
				if (c == ' ' || c == '\t')
					s->ws_passed++;
				out[o++] = '=';
				o += flush_ws(s, out + o);
				s->state = DECODE_QP_TEXT;
				o += qp_text(s, c, out + o);
			}
			break;
		case DECODE_QP_EQ_CR:
			s->state = DECODE_QP_TEXT;
			/* "=\r" then text: still a soft break */
			if (c != '\n') {
				s->padded_soft++;
				o += qp_text(s, c, out + o);
			}
			break;
		}
	}
	return o;
}

/* One byte, Python's way (DECODE_QP_LITERAL). */
static size_t
qp_literal(struct decode_qp *s, char c, char *out)
{
	size_t o = 0;

	switch (s->state) {
	case DECODE_QP_EQ:
		s->state = DECODE_QP_TEXT;
		if (c == '\n')
			break;			/* soft break */
		if (c == '\r') {
			s->state = DECODE_QP_EQ_CR;	/* to the LF */
		} else if (c == '=') {
			out[o++] = '=';		/* "==" */
		} else if (decode_hex(c) >= 0) {
			s->hex1 = c;
			s->state = DECODE_QP_EQ_HEX;
		} else {
			out[o++] = '=';
			o += qp_literal(s, c, out + o);
		}
		break;
	case DECODE_QP_EQ_HEX:
		s->state = DECODE_QP_TEXT;
		if (decode_hex(c) >= 0) {
			out[o++] = (char)(decode_hex(s->hex1) * 16 +
			    decode_hex(c));
		} else {
			out[o++] = '=';
			out[o++] = s->hex1;
			o += qp_literal(s, c, out + o);
		}
		break;
	case DECODE_QP_EQ_CR:
		if (c == '\n')
			s->state = DECODE_QP_TEXT;
		break;
	default:
		if (c == '=')
			s->state = DECODE_QP_EQ;
		else
			out[o++] = c;
		break;
	}
	return o;
}

/* One byte, GMime's way (DECODE_QP_TRIPLET). */
static size_t
qp_triplet(struct decode_qp *s, char c, char *out)
{
	size_t o = 0;

	switch (s->state) {
	case DECODE_QP_EQ:
		if (c == '\n') {
			s->state = DECODE_QP_TEXT;	/* soft break */
		} else {
			s->hex1 = c;
			s->state = DECODE_QP_EQ_HEX;
		}
		break;
	case DECODE_QP_EQ_HEX:
		s->state = DECODE_QP_TEXT;
		if (decode_hex(s->hex1) >= 0 && decode_hex(c) >= 0) {
			out[o++] = (char)(decode_hex(s->hex1) * 16 +
			    decode_hex(c));
		} else if (!(s->hex1 == '\r' && c == '\n')) {
			out[o++] = '=';
			out[o++] = s->hex1;
			out[o++] = c;
		}
		break;
	default:
		if (c == '=')
			s->state = DECODE_QP_EQ;
		else
			out[o++] = c;
		break;
	}
	return o;
}

size_t
decode_qp(struct decode_qp *s, const char *in, size_t len, char *out)
{
	size_t o = 0;

	if (s->mode == DECODE_QP_TOLERANT)
		return qp_tolerant(s, in, len, out);
	for (size_t i = 0; i < len; i++)
		o += s->mode == DECODE_QP_LITERAL ?
		    qp_literal(s, in[i], out + o) :
		    qp_triplet(s, in[i], out + o);
	return o;
}

size_t
decode_qp_finish(struct decode_qp *s, char *out)
{
	size_t o = 0;

	if (s->mode != DECODE_QP_TOLERANT) {
		/* Python keeps a final "=X"; GMime drops what it holds. */
		if (s->mode == DECODE_QP_LITERAL &&
		    s->state == DECODE_QP_EQ_HEX) {
			out[o++] = '=';
			out[o++] = s->hex1;
		}
		s->state = DECODE_QP_TEXT;
		return o;
	}
	switch (s->state) {
	case DECODE_QP_TEXT:
		s->nws = 0;	/* white space at the very end is padding */
		break;
	case DECODE_QP_CR:
		o = flush_ws(s, out);
		out[o++] = '\r';
		break;
	case DECODE_QP_EQ_HEX:
		s->invalid++;
		out[o++] = '=';
		out[o++] = s->hex1;
		break;
	case DECODE_QP_EQ:
	case DECODE_QP_EQ_WS:
	case DECODE_QP_EQ_CR:
		/* A final "=" is a soft break whose line end belongs to
		 * the next boundary delimiter (RFC 2046 5.1.1). */
		s->nws = 0;
		break;
	}
	s->state = DECODE_QP_TEXT;
	return o;
}
