/*
 * prom.c - Prometheus text exposition and its atomic file.
 *
 * Trusts: the metric names (ours).  Does not trust label values: rule ids
 * come from rule files, which STYLE.md counts as untrusted input, so every
 * value is escaped and cut to PROM_LABEL_MAX bytes.
 *
 * The table is open addressing over a fixed array: a key's slot is found
 * by hashing and probing; an empty slot is claimed with a compare-and-
 * swap of its key pointer, so two threads adding the same new key agree
 * on one slot (the loser frees its copy and uses the winner's).  Slots are
 * never removed: a Prometheus counter never goes away while the process
 * lives.
 */
#include "prom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

#define PROM_LABEL_MAX 200

void
prom_head(struct buf *b, const char *name, const char *type, const char *help)
{
	(void)buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
prom_labels(struct buf *b, const char *name, const char *const *labels)
{
	(void)buf_append_cstr(b, name);
	if (labels == NULL || labels[0] == NULL)
		return;
	(void)buf_append(b, "{", 1);
	for (size_t i = 0; labels[i] != NULL && labels[i + 1] != NULL; i += 2) {
		const char *v = labels[i + 1];
		size_t n = 0;

		(void)buf_printf(b, "%s%s=\"", i > 0 ? "," : "", labels[i]);
		for (; *v != '\0' && n < PROM_LABEL_MAX; v++, n++) {
			unsigned char c = (unsigned char)*v;

			if (c == '\\' || c == '"')
				(void)buf_printf(b, "\\%c", c);
			else if (c == '\n')
				(void)buf_append(b, "\\n", 2);
			else if (c < 0x20 || c >= 0x7f)
				(void)buf_append(b, "?", 1);
			else
				(void)buf_append(b, v, 1);
		}
		(void)buf_append(b, "\"", 1);
	}
	(void)buf_append(b, "}", 1);
}

void
prom_u64(struct buf *b, const char *name, const char *const *labels,
    uint64_t v)
{
	prom_labels(b, name, labels);
	(void)buf_printf(b, " %llu\n", (unsigned long long)v);
}

void
prom_double(struct buf *b, const char *name, const char *const *labels,
    double v)
{
	prom_labels(b, name, labels);
	(void)buf_printf(b, " %.9g\n", v);
}

int
prom_write_file(const char *path, const struct buf *b, char **error_r)
{
	char *tmp = mem_printf("%s.tmp", path);
	int fd, e = 0;
	size_t off = 0;

	*error_r = NULL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd < 0) {
		*error_r = mem_printf("cannot write %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			break;
		}
		off += (size_t)n;
	}
	if (e == 0 && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) < 0)
		e = errno;
	if (e != 0) {
		*error_r = mem_printf("cannot write %s: %s", path, strerror(e));
		(void)unlink(tmp);
	}
	free(tmp);
	return e == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ table */

struct prom_slot {
	char *_Atomic key;
	_Atomic uint64_t n;
};

struct prom_table {
	size_t cap;		/* slots: a power of two >= 2 * keys */
	size_t keys_max;
	atomic_size_t keys;
	_Atomic uint64_t overflow;
	struct prom_slot *slot;
};

struct prom_table *
prom_table_new(size_t cap)
{
	struct prom_table *t = mem_calloc(1, sizeof(*t));
	size_t n = 16;

	while (n < cap * 2 && n < ((size_t)1 << 30))
		n *= 2;
	t->cap = n;
	t->keys_max = cap;
	t->slot = mem_calloc(n, sizeof(*t->slot));
	return t;
}

void
prom_table_free(struct prom_table **tp)
{
	struct prom_table *t = *tp;

	if (t == NULL)
		return;
	for (size_t i = 0; i < t->cap; i++)
		free(atomic_load(&t->slot[i].key));
	free(t->slot);
	free(t);
	*tp = NULL;
}

static uint64_t
prom_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

void
prom_table_add(struct prom_table *t, const char *key, uint64_t n)
{
	size_t mask = t->cap - 1, i = (size_t)prom_hash(key) & mask;
	char *mine = NULL;

	for (size_t probes = 0; probes < t->cap; probes++, i = (i + 1) & mask) {
		struct prom_slot *s = &t->slot[i];
		char *k = atomic_load_explicit(&s->key, memory_order_acquire);

		if (k == NULL) {
			/* Claim it, unless the table holds its maximum. */
			if (atomic_fetch_add(&t->keys, 1) >= t->keys_max) {
				atomic_fetch_sub(&t->keys, 1);
				break;
			}
			if (mine == NULL)
				mine = mem_strdup(key);
			if (atomic_compare_exchange_strong_explicit(&s->key, &k,
			    mine, memory_order_acq_rel, memory_order_acquire)) {
				atomic_fetch_add_explicit(&s->n, n,
				    memory_order_relaxed);
				return;
			}
			/* Somebody else took the slot: k is theirs now. */
			atomic_fetch_sub(&t->keys, 1);
		}
		if (strcmp(k, key) == 0) {
			free(mine);
			atomic_fetch_add_explicit(&s->n, n,
			    memory_order_relaxed);
			return;
		}
	}
	free(mine);
	atomic_fetch_add_explicit(&t->overflow, n, memory_order_relaxed);
}

uint64_t
prom_table_each(const struct prom_table *t,
    void (*fn)(void *ctx, const char *key, uint64_t n), void *ctx)
{
	for (size_t i = 0; i < t->cap; i++) {
		struct prom_slot *s = &t->slot[i];
		const char *k = atomic_load_explicit(&s->key,
		    memory_order_acquire);

		if (k != NULL)
			fn(ctx, k, atomic_load_explicit(&s->n,
			    memory_order_relaxed));
	}
	return atomic_load_explicit(&t->overflow, memory_order_relaxed);
}
