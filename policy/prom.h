/*
 * prom.h - metrics in the Prometheus text exposition format (version
 * 0.0.4), written to a file the way node_exporter's textfile collector
 * reads it: rendered whole, written to a temporary file beside the
 * target, renamed over it, so a reader never sees half a file.
 *
 * Also a table of counters by label value (hits by rule id) that many
 * threads may add to at once without a lock.
 */
#ifndef MSGSEC_PROM_H
#define MSGSEC_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

/* "# HELP name help\n# TYPE name type\n"; type: counter, gauge, ... */
void prom_head(struct buf *b, const char *name, const char *type,
    const char *help);

/*
 * One sample line: name{labels} value.  labels is NULL or pairs of label
 * name and value, terminated by NULL; values are escaped (\\, \", \n) and
 * bytes outside printable ASCII become '?', so hostile text cannot break
 * the format.
 */
void prom_u64(struct buf *b, const char *name, const char *const *labels,
    uint64_t v);
void prom_double(struct buf *b, const char *name, const char *const *labels,
    double v);

/*
 * Write b's bytes to path atomically (path.tmp, fsync, rename), mode
 * 0644.  Returns 0, or -1 with *error_r (malloc'd) naming the file and
 * what failed.
 */
int prom_write_file(const char *path, const struct buf *b, char **error_r);

/*
 * Counters keyed by a string, at most cap keys (a setting: every bound is
 * one); past it a key's counts go to the overflow counter.  Keys are
 * copied.  prom_table_add and prom_table_get may run in any number of
 * threads at once (atomics, no lock); prom_table_free only when no other
 * thread uses the table.
 */
struct prom_table;

struct prom_table *prom_table_new(size_t cap);
void prom_table_free(struct prom_table **t);
void prom_table_add(struct prom_table *t, const char *key, uint64_t n);

/*
 * Visit every key with its count (in no particular order); fn's strings
 * live as long as the table.  Returns the overflow count: additions to
 * keys that did not fit.
 */
uint64_t prom_table_each(const struct prom_table *t,
    void (*fn)(void *ctx, const char *key, uint64_t n), void *ctx);

#endif
