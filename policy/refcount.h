/*
 * refcount.h - a reference count for objects shared between threads (the
 * policy snapshot, the libclamav engine): taken relaxed, dropped with
 * release-acquire so the last holder sees every holder's writes.
 */
#ifndef MSGSEC_REFCOUNT_H
#define MSGSEC_REFCOUNT_H

#include <stdbool.h>

static inline void
ref_init(unsigned *r)
{
	__atomic_store_n(r, 1, __ATOMIC_RELAXED);
}

static inline void
ref_get(unsigned *r)
{
	__atomic_add_fetch(r, 1, __ATOMIC_RELAXED);
}

/* Drop one reference; true when it was the last (free the object). */
static inline bool
ref_put(unsigned *r)
{
	return __atomic_sub_fetch(r, 1, __ATOMIC_ACQ_REL) == 0;
}

/* The references held now (acquire: a holder's writes before it let go
 * are seen). */
static inline unsigned
ref_count(const unsigned *r)
{
	return __atomic_load_n(r, __ATOMIC_ACQUIRE);
}

#endif
