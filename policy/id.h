/*
 * id.h - the one syntax of the ids people give things: rules, agencies,
 * exception records (also their file names, ID.yaml) and quarantine
 * entries (their folder names).
 *
 * An id is 1 to ID_MAX bytes of ASCII letters, digits, '.', '-' and '_',
 * and does not start with '.' (a name starting with '.' is hidden: the
 * rule folders skip such files, the store keeps its temporary and
 * half-removed entries under such names).  Agency ids also refuse '.',
 * as they always have (agency.c says why).
 *
 * Thread safety: pure functions.
 */
#ifndef MSGSEC_ID_H
#define MSGSEC_ID_H

#include <stdbool.h>
#include <stddef.h>

#define ID_MAX 200		/* bytes */

enum id_fault {
	ID_OK = 0,
	ID_EMPTY,
	ID_BAD_CHAR,		/* a byte outside the alphabet */
	ID_LEADING_DOT,
	ID_TOO_LONG,		/* more than ID_MAX bytes */
};

/* Is c one of the id alphabet's bytes? */
bool id_is_char(unsigned char c);

/*
 * Check s[0..len) (any bytes).  Returns ID_OK or the first fault, in the
 * order above: an empty id, then the first byte outside the alphabet
 * (*at_r, when not NULL, is its offset), then a leading '.', then the
 * length.
 */
enum id_fault id_check(const char *s, size_t len, size_t *at_r);

/* The same for a NUL-terminated string (NULL is not an id). */
bool id_is_valid(const char *s);

/*
 * The fault as the end of a sentence ("must not start with '.'"); for
 * ID_BAD_CHAR the caller says which characters it allows.
 */
const char *id_fault_text(enum id_fault f);

#endif
