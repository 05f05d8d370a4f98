/*
 * hostname.c - host names seen on the wire (TLS SNI, gQUIC SNI) made safe
 * to print, log and match: letters folded to lower case, digits, '-', '_'
 * and '.' kept, any other byte written as \DDD, so a name with odd bytes
 * can never equal a listed one.  Trusts nothing; never writes past out.
 */
#include "hostname.h"

#include <stdbool.h>
#include <string.h>

/*
 * Append the escaped form of one byte: lowercase letters, digits, '-',
 * '_' and '.' stand for themselves (upper case folded), anything else is
 * \DDD.  Returns false (nothing written) when it does not fit with the
 * terminating NUL.
 */
static bool
put_name_byte(char *out, size_t outsize, size_t *pos, uint8_t b)
{
	if (b >= 'A' && b <= 'Z')
		b = (uint8_t)(b - 'A' + 'a');
	if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
	    b == '_' || b == '.') {
		if (outsize - *pos < 2)
			return false;
		out[(*pos)++] = (char)b;
		return true;
	}
	if (outsize - *pos < 5)
		return false;
	out[(*pos)++] = '\\';
	out[(*pos)++] = (char)('0' + b / 100);
	out[(*pos)++] = (char)('0' + b / 10 % 10);
	out[(*pos)++] = (char)('0' + b % 10);
	return true;
}

/*
 * Escape a name into out.  A name that does not fit is cut and ends in
 * "\..." so that a cut name can never equal (or end like) a listed one.
 */
void
hostname_escape(char *out, size_t outsize, const uint8_t *p, size_t n)
{
	size_t pos = 0;

	for (size_t i = 0; i < n; i++) {
		if (!put_name_byte(out, outsize, &pos, p[i])) {
			while (pos > 0 && outsize - pos < 5)
				pos--;
			/* Do not leave half of a \DDD before the marker. */
			for (size_t k = pos > 3 ? pos - 3 : 0; k < pos; k++)
				if (out[k] == '\\')
					pos = k;
			memcpy(out + pos, "\\...", 4);
			pos += 4;
			break;
		}
	}
	out[pos] = '\0';
}
