/*
 * watch.c - fingerprints of the policy's files (see watch.h).
 *
 * Trusts: the paths (configuration).  No limits beyond the folder sizes
 * policy_load itself accepts; nothing is read but directory entries and
 * stat data.  Entries are combined by addition of per-entry hashes, so
 * the order readdir returns them in does not matter.
 */
#include "watch.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t
fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t
stat_hash(const char *name, const struct stat *st)
{
	uint64_t h = fnv(FNV_OFFSET, name, strlen(name));
	int64_t v[7] = {
		(int64_t)st->st_ino, (int64_t)st->st_size,
		(int64_t)st->st_mtim.tv_sec, (int64_t)st->st_mtim.tv_nsec,
		(int64_t)st->st_ctim.tv_sec, (int64_t)st->st_ctim.tv_nsec,
		(int64_t)st->st_dev,
	};

	return fnv(h, v, sizeof(v));
}

static bool
is_yaml(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".yaml") ==
	    0;
}

static uint64_t
path_hash(const char *path)
{
	struct stat st;
	struct dirent *de;
	uint64_t sum;
	DIR *dh;

	if (stat(path, &st) != 0)
		return fnv(FNV_OFFSET, "missing:", 8) ^ fnv(FNV_OFFSET, path,
		    strlen(path));
	sum = stat_hash(path, &st);
	if (!S_ISDIR(st.st_mode) || (dh = opendir(path)) == NULL)
		return sum;
	while ((de = readdir(dh)) != NULL) {
		char *p;

		if (!is_yaml(de->d_name))
			continue;
		p = mem_printf("%s/%s", path, de->d_name);
		if (stat(p, &st) == 0)
			sum += stat_hash(de->d_name, &st);
		else
			sum += fnv(FNV_OFFSET, de->d_name, strlen(de->d_name));
		free(p);
	}
	closedir(dh);
	return sum;
}

uint64_t
watch_fingerprint(const char *const *paths, size_t npaths)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < npaths; i++) {
		uint64_t ph = path_hash(paths[i]);

		h = fnv(h, &ph, sizeof(ph));
	}
	return h;
}

uint64_t
watch_policy_sources(const struct config *c)
{
	const char *paths[4];
	size_t n = 0;

	if (c->file != NULL)
		paths[n++] = c->file;
	if (c->rules_dir != NULL)
		paths[n++] = c->rules_dir;
	if (c->agencies_dir != NULL)
		paths[n++] = c->agencies_dir;
	if (c->exceptions_dir != NULL)
		paths[n++] = c->exceptions_dir;
	return watch_fingerprint(paths, n);
}
