/*
 * id.c - the id syntax (see id.h).
 *
 * Trusts: nothing; ids come from rule files, the command line and folder
 * names.  The check reads exactly len bytes and allocates nothing.
 *
 * The rule set is the strictest that every id the shipped rules, the
 * tests and the documentation use passes, chosen from the four checks
 * that came before it: the loaders' alphabet (rules, exceptions), the
 * quarantine store's ban on a leading '.' and its 200-byte bound, and the
 * exception command's ban on a leading '.'.
 */
#include "id.h"

#include <string.h>

#define STR(x) #x
#define XSTR(x) STR(x)

bool
id_is_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

enum id_fault
id_check(const char *s, size_t len, size_t *at_r)
{
	if (len == 0)
		return ID_EMPTY;
	for (size_t i = 0; i < len; i++)
		if (!id_is_char((unsigned char)s[i])) {
			if (at_r != NULL)
				*at_r = i;
			return ID_BAD_CHAR;
		}
	if (s[0] == '.')
		return ID_LEADING_DOT;
	if (len > ID_MAX)
		return ID_TOO_LONG;
	return ID_OK;
}

bool
id_is_valid(const char *s)
{
	return s != NULL && id_check(s, strlen(s), NULL) == ID_OK;
}

const char *
id_fault_text(enum id_fault f)
{
	switch (f) {
	case ID_OK:
		return "is valid";
	case ID_EMPTY:
		return "must not be empty";
	case ID_BAD_CHAR:
		return "holds a character that is not allowed";
	case ID_LEADING_DOT:
		return "must not start with '.'";
	default:
		return "is longer than " XSTR(ID_MAX) " bytes";
	}
}
