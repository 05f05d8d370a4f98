/*
 * decode.c - base64 and quoted-printable, streaming.
 *
 * Trusts: nothing; every byte value is handled.  Memory: the state structs
 * only (quoted-printable holds at most DECODE_QP_WS_MAX bytes of trailing
 * white space while it waits to see whether a line end follows, since RFC
 * 2045 6.7 rule 3 says such white space is not part of the data).
 */
#include "decode.h"

#include <string.h>

static const signed char b64_table[256] = {
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
		int v = b64_table[c];

		if (v > 0) {
			s->acc = (s->acc << 6) | (uint32_t)(v - 1);
			s->bits += 6;
			if (s->bits >= 8) {
				s->bits -= 8;
				out[o++] = (char)(s->acc >> s->bits);
				s->acc &= (1u << s->bits) - 1;
			}
		} else if (c == '=') {
			/* Padding ends a quantum; what follows (a second
			 * concatenated block) starts afresh. */
			s->padded++;
			s->acc = 0;
			s->bits = 0;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			s->invalid++;
		}
	}
	return o;
}

size_t
decode_b64_finish(struct decode_b64 *s, char *out)
{
	(void)out;
	s->acc = 0;
	s->bits = 0;
	return 0;
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

size_t
decode_qp(struct decode_qp *s, const char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		switch (s->state) {
		case QP_TEXT:
			if (c == '=') {
				s->state = QP_EQ;
			} else if (c == ' ' || c == '\t') {
				if (s->nws == DECODE_QP_WS_MAX)
					o += flush_ws(s, out + o);
				s->ws[s->nws++] = c;
			} else if (c == '\r') {
				s->state = QP_CR;
			} else if (c == '\n') {
				s->nws = 0;	/* trailing white space */
				out[o++] = '\n';
			} else {
				o += flush_ws(s, out + o);
				out[o++] = c;
			}
			break;
		case QP_CR:
			s->state = QP_TEXT;
			if (c == '\n') {
				s->nws = 0;
				out[o++] = '\r';
				out[o++] = '\n';
			} else {
				o += flush_ws(s, out + o);
				out[o++] = '\r';
				i--;	/* look at c again as text */
			}
			break;
		case QP_EQ:
			if (decode_hex(c) >= 0) {
				s->hex1 = c;
				s->state = QP_EQ1;
				break;
			}
			if (c == '\r') {
				s->state = QP_EQ_CR;
			} else if (c == '\n') {
				/* Soft line break: white space before the
				 * '=' is data. */
				o += flush_ws(s, out + o);
				s->state = QP_TEXT;
			} else if (c == ' ' || c == '\t') {
				s->state = QP_EQ_WS;
			} else {
				s->invalid++;
				o += flush_ws(s, out + o);
				out[o++] = '=';
				s->state = QP_TEXT;
				i--;
			}
			break;
		case QP_EQ1:
			s->state = QP_TEXT;
			o += flush_ws(s, out + o);
			if (decode_hex(c) >= 0) {
				out[o++] = (char)(decode_hex(s->hex1) * 16 +
				    decode_hex(c));
			} else {
				s->invalid++;
				out[o++] = '=';
				out[o++] = s->hex1;
				i--;
			}
			break;
		case QP_EQ_WS:
			if (c == ' ' || c == '\t')
				break;	/* "=  \r\n" is a soft break too */
			if (c == '\r') {
				s->state = QP_EQ_CR;
			} else if (c == '\n') {
				o += flush_ws(s, out + o);
				s->state = QP_TEXT;
			} else {
				s->invalid++;
				o += flush_ws(s, out + o);
				out[o++] = '=';
				s->state = QP_TEXT;
				i--;
			}
			break;
		case QP_EQ_CR:
			o += flush_ws(s, out + o);	/* soft line break */
			s->state = QP_TEXT;
			if (c != '\n')
				i--;	/* "=\r" then text: still a break */
			break;
		}
	}
	return o;
}

size_t
decode_qp_finish(struct decode_qp *s, char *out)
{
	size_t o = flush_ws(s, out);

	switch (s->state) {
	case QP_CR:
		out[o++] = '\r';
		break;
	case QP_EQ:
	case QP_EQ_WS:
		s->invalid++;
		out[o++] = '=';
		break;
	case QP_EQ1:
		s->invalid++;
		out[o++] = '=';
		out[o++] = s->hex1;
		break;
	default:
		break;
	}
	s->state = QP_TEXT;
	return o;
}
