/*
 * fuzz_archive.c - the archive walk (libarchive under msgsec's budget) and
 * libmagic on whatever bytes come in.  The first byte picks small limits.
 * Invariant: the walk ends, within the budget, whatever the bytes.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "content.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
any_archive(void *ctx, const char *type)
{
	(void)ctx;
	return strcmp(type, "application/zip") == 0 ||
	    strcmp(type, "application/gzip") == 0 ||
	    strcmp(type, "application/x-tar") == 0 ||
	    strcmp(type, "application/x-7z-compressed") == 0 ||
	    strcmp(type, "application/x-bzip2") == 0 ||
	    strcmp(type, "application/x-xz") == 0 ||
	    strcmp(type, "application/x-cpio") == 0 ||
	    strcmp(type, "application/vnd.ms-cab-compressed") == 0;
}

static void
count(void *ctx, enum content_event ev, const struct content_member *m)
{
	size_t *n = ctx;

	(void)ev;
	assert(m->path != NULL);
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct content_budget b;
	size_t events = 0;

	if (size < 1)
		return 0;
	memset(&b, 0, sizeof(b));
	b.depth = (uint64_t)(data[0] % 4) + 1;
	b.members = 64;
	b.bytes = 4 * 1024 * 1024;
	b.ratio = 100;
	(void)content_type(data + 1, size - 1);
	(void)content_walk(data + 1, size - 1, "fuzz.bin", any_archive, &b,
	    count, &events);
	assert(b.members <= 64);
	(void)content_has_macros(data + 1, size - 1, "application/msword");
	return 0;
}
