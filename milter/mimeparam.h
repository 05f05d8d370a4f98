/*
 * mimeparam.h - Content-Type and Content-Disposition values: the token
 * ("multipart/mixed", "attachment") and parameters, with RFC 2045 quoting,
 * RFC 2231 continuations and charsets, and RFC 2047 words inside quoted
 * values (not standard, but common in file names).
 *
 * Parameter names are case-insensitive; the first occurrence of a name
 * wins; values come out as UTF-8.  Bounded: at most max parameters,
 * MIMEPARAM_SECTIONS continuation sections per name, MIMEPARAM_VALUE_MAX
 * bytes per value.
 */
#ifndef MSGSEC_MIMEPARAM_H
#define MSGSEC_MIMEPARAM_H

#include <stddef.h>

#include "str.h"

#define MIMEPARAM_SECTIONS 64
#define MIMEPARAM_VALUE_MAX 4096

struct mimeparam_entry {
	char *name;		/* lowercase, without "*N*" */
	char *value;		/* UTF-8 */
	size_t len;
};

struct mimeparam {
	char value[128];	/* the token, lowercase; "" if none */
	struct mimeparam_entry *v;
	size_t n;
	size_t max;
	size_t dropped;		/* parameters over the limit */
};

void mimeparam_init(struct mimeparam *p, size_t max);
/* Parse a field value.  Returns 0, or -1 when there is no token at all. */
int mimeparam_parse(struct mimeparam *p, struct span s);
/* The value of a parameter, or {NULL, 0}. */
struct span mimeparam_get(const struct mimeparam *p, const char *name);
void mimeparam_free(struct mimeparam *p);

#endif
