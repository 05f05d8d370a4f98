/*
 * mem.c - allocation wrappers.
 *
 * Trusts: nothing; every size is checked for overflow before it reaches
 * malloc.  An allocation failure is not recoverable in a daemon that must
 * never half-process a message, so it panics (log.h): one line, then an
 * abort with a core.
 */
#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void __attribute__((noreturn))
mem_fatal(size_t size)
{
	/* log_panic allocates nothing: the allocator is what failed. */
	log_panic("out of memory allocating %zu bytes", size);
}

void *
mem_malloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		mem_fatal(size);
	return p;
}

void *
mem_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		mem_fatal(nmemb * size);
	return p;
}

void *
mem_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		mem_fatal(SIZE_MAX);
	p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size);
	if (p == NULL)
		mem_fatal(nmemb * size);
	return p;
}

char *
mem_strdup(const char *s)
{
	return mem_strndup(s, strlen(s));
}

char *
mem_strndup(const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		mem_fatal(len);
	p = mem_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
mem_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		mem_fatal(0);
	p = mem_malloc((size_t)n + 1);
	va_start(ap, fmt);
	n = vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		mem_fatal(0);
	return p;
}
