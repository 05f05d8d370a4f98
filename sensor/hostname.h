/*
 * hostname.h - escaping of host names read from packets (see hostname.c).
 */
#ifndef MSGSEC_HOSTNAME_H
#define MSGSEC_HOSTNAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write the escaped form of the n bytes at p into out (outsize > 4,
 * always NUL-terminated).  A name that does not fit is cut and ends in
 * "\..." so that a cut name can never equal (or end like) a listed one.
 */
void hostname_escape(char *out, size_t outsize, const uint8_t *p, size_t n);

#endif
