/*
 * mem.h - allocation wrappers that never return NULL.
 *
 * Out of memory is fatal inside the allocator (STYLE.md section 4): the
 * process logs one line and aborts, and the MTA applies its milter default
 * action.  Callers therefore never test the result.
 */
#ifndef MSGSEC_MEM_H
#define MSGSEC_MEM_H

#include <stddef.h>

void *mem_malloc(size_t size);
void *mem_calloc(size_t nmemb, size_t size);
/* Grow or shrink; nmemb * size is checked for overflow. */
void *mem_reallocarray(void *ptr, size_t nmemb, size_t size);
char *mem_strdup(const char *s);
/* Copy exactly len bytes and add a NUL; s need not be NUL-terminated. */
char *mem_strndup(const char *s, size_t len);
/* printf into a new string. */
char *mem_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
