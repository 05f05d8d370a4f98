/*
 * flowlog.c - buffered whole-line writer for the flow log.
 *
 * The buffer (FLOWLOG_BUF bytes) only ever holds complete lines; a line
 * longer than the buffer is written on its own.  Write errors are counted
 * and the lines dropped: the sensor never stops for its log.
 */
#include "flowlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"

#define FLOWLOG_BUF (256 * 1024)

struct flowlog {
	char *path;		/* NULL: stdout */
	int fd;
	char *buf;
	size_t len;
	uint64_t lines, failed;
	uint64_t pending;	/* lines in buf */
};

static int
open_path(const char *path, char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		*error_r = mem_printf("cannot open flow log %s: %s", path,
		    strerror(errno));
	return fd;
}

struct flowlog *
flowlog_open(const char *path, char **error_r)
{
	struct flowlog *l;
	int fd = STDOUT_FILENO;

	if (strcmp(path, "-") != 0) {
		fd = open_path(path, error_r);
		if (fd < 0)
			return NULL;
	}
	l = mem_calloc(1, sizeof(*l));
	l->fd = fd;
	l->path = strcmp(path, "-") != 0 ? mem_strdup(path) : NULL;
	l->buf = mem_malloc(FLOWLOG_BUF);
	return l;
}


int
flowlog_flush(struct flowlog *l)
{
	int rc = 0;

	if (l->len > 0 && write_all(l->fd, l->buf, l->len) < 0) {
		l->failed += l->pending;
		rc = -1;
	} else {
		l->lines += l->pending;
	}
	l->len = 0;
	l->pending = 0;
	return rc;
}

int
flowlog_write(struct flowlog *l, const char *line, size_t len)
{
	if (len >= FLOWLOG_BUF - 1) {
		/* Alone, in two writes: rare (a line is a few hundred bytes). */
		(void)flowlog_flush(l);
		if (write_all(l->fd, line, len) < 0 ||
		    write_all(l->fd, "\n", 1) < 0) {
			l->failed++;
			return -1;
		}
		l->lines++;
		return 0;
	}
	if (FLOWLOG_BUF - l->len < len + 1 && flowlog_flush(l) < 0)
		return -1;
	memcpy(l->buf + l->len, line, len);
	l->buf[l->len + len] = '\n';
	l->len += len + 1;
	l->pending++;
	return 0;
}

int
flowlog_reopen(struct flowlog *l, char **error_r)
{
	int fd;

	(void)flowlog_flush(l);
	if (l->path == NULL)
		return 0;
	fd = open_path(l->path, error_r);
	if (fd < 0)
		return -1;
	close(l->fd);
	l->fd = fd;
	return 0;
}

void
flowlog_close(struct flowlog **lp)
{
	struct flowlog *l = *lp;

	if (l == NULL)
		return;
	(void)flowlog_flush(l);
	if (l->path != NULL)
		close(l->fd);
	free(l->path);
	free(l->buf);
	free(l);
	*lp = NULL;
}

uint64_t
flowlog_lines(const struct flowlog *l)
{
	return l->lines;
}

uint64_t
flowlog_failed(const struct flowlog *l)
{
	return l->failed;
}
