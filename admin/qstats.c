/*
 * qstats.c - count the quarantine store for the report.
 *
 * Trusted: nothing in meta.json (the milter writes it, but the store is a
 * folder anyone with access may touch): each is read whole up to
 * QSTATS_META_MAX bytes and scanned by alertscan (strict JSON); a bad one
 * is counted as unreadable and skipped.  Hidden names (.spool, .release,
 * temporary entries being built) and plain files (audit.jsonl) are not
 * entries.  Only the folder's direct children
 * are looked at, and at most QSTATS_ENTRIES_MAX of them.
 */
#include "qstats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertscan.h"
#include "str.h"
#include "mem.h"

enum { QK_RULES, QK_ACTION, QK_SIZE, QK_COUNT };

static const char *const qkeys[QK_COUNT] = { "rules", "action", "size" };

/* Read dir/name/meta.json into *data (malloc'd).  0 or -1. */
static int
read_meta(int dfd, const char *name, char **data_r, size_t *len_r)
{
	char path[512];
	struct stat st;
	char *data;
	size_t got = 0;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/meta.json", name) >=
	    sizeof(path))
		return -1;
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > QSTATS_META_MAX) {
		close(fd);
		return -1;
	}
	data = mem_malloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*data_r = data;
	*len_r = got;
	return 0;
}

void
qstats_add(struct qstats *q, const char *data, size_t len)
{
	struct ascan_value v[QK_COUNT], item;
	char buf[COUNTER_KEY_MAX + 1];
	const char *why;
	uint64_t size = 0;
	size_t pos = 0;
	int n;

	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (ascan_object(data, len, qkeys, QK_COUNT, v, &why) < 0 ||
	    v[QK_SIZE].type != ASV_OTHER ||
	    str_to_u64((struct span){ v[QK_SIZE].p, v[QK_SIZE].len }, 0,
	    UINT64_MAX, &size) < 0) {
		q->unreadable++;
		return;
	}
	q->messages++;
	q->bytes += size;
	n = ascan_string(&v[QK_ACTION], buf, sizeof(buf));
	counter_add(q->by_action, n > 0 ? buf : "(none)", n > 0 ? (size_t)n :
	    6, 1, size);
	if (ascan_array_next(&v[QK_RULES], &pos, &item) == 0) {
		counter_add(q->by_rule, "(none)", 6, 1, size);
		return;
	}
	pos = 0;
	while (ascan_array_next(&v[QK_RULES], &pos, &item) == 1) {
		n = ascan_string(&item, buf, sizeof(buf));
		if (n > 0)
			counter_add(q->by_rule, buf, (size_t)n, 1, size);
	}
}

void
qstats_init(struct qstats *q)
{
	memset(q, 0, sizeof(*q));
	q->by_rule = counter_new();
	q->by_action = counter_new();
}

int
qstats_scan(const char *dir, struct qstats *q, char **error_r)
{
	DIR *d;
	struct dirent *de;
	uint64_t seen = 0;

	qstats_init(q);
	d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		*error_r = mem_printf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && seen < QSTATS_ENTRIES_MAX) {
		char *data;
		size_t len;

		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		/* Entries are folders; files beside them (audit.jsonl) are
		 * not. */
		if (de->d_type != DT_DIR && (de->d_type != DT_UNKNOWN ||
		    fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)))
			continue;
		seen++;
		if (read_meta(dirfd(d), de->d_name, &data, &len) < 0) {
			q->unreadable++;
			continue;
		}
		qstats_add(q, data, len);
		free(data);
	}
	closedir(d);
	return 0;
}

void
qstats_free(struct qstats *q)
{
	counter_free(&q->by_rule);
	counter_free(&q->by_action);
}
