/*
 * logfiles.c - alert log files for review: rotated siblings, gzip through
 * zlib, bounded line splitting, tail -F style following.
 *
 * Trusted: nothing in the files.  Lines are split with memchr over large
 * reads (LOG_READ_CHUNK) into one buffer allocated per file; a line longer
 * than LOG_LINE_MAX is reported once and skipped to its LF, so memory is
 * bounded by the buffer whatever the input.  A gzip error (corrupt or
 * truncated member) ends that file with a message; what was read before
 * it counts.  The rotated-file search stops at LOG_ROTATED_MAX.
 */
#include "logfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mem.h"

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void
logfiles_rotated(const char *base, char ***paths_r, size_t *n_r)
{
	char **v = NULL;
	size_t n = 0;

	for (unsigned k = 1; k <= LOG_ROTATED_MAX; k++) {
		char *p = mem_printf("%s.%u", base, k);

		if (!exists(p)) {
			free(p);
			p = mem_printf("%s.%u.gz", base, k);
			if (!exists(p)) {
				free(p);
				break;
			}
		}
		v = mem_reallocarray(v, n + 2, sizeof(*v));
		v[n++] = p;
	}
	/* Oldest first. */
	for (size_t i = 0; i < n / 2; i++) {
		char *t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	if (exists(base)) {
		v = mem_reallocarray(v, n + 1, sizeof(*v));
		v[n++] = mem_strdup(base);
	}
	*paths_r = v;
	*n_r = n;
}

bool
logfiles_is_gzip(const char *path)
{
	unsigned char m[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool gz;

	if (fd < 0)
		return false;
	gz = read(fd, m, 2) == 2 && m[0] == 0x1f && m[1] == 0x8b;
	close(fd);
	return gz;
}

int
logreader_open(struct logreader *r, const char *path, char **error_r)
{
	struct stat st;
	unsigned char m[2];
	ssize_t got;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (strcmp(path, "-") == 0) {
		r->fd = dup(STDIN_FILENO);
		if (r->fd < 0) {
			*error_r = mem_printf("standard input: %s",
			    strerror(errno));
			return -1;
		}
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			*error_r = mem_printf("%s: %s", path, strerror(errno));
			return -1;
		}
	}
	r->path = mem_strdup(strcmp(path, "-") == 0 ? "(stdin)" : path);
	if (fstat(r->fd, &st) == 0) {
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		if (S_ISREG(st.st_mode))
			r->size = (uint64_t)st.st_size;
	}
	/* Sniff the gzip magic where the file can be re-read. */
	if (S_ISREG(st.st_mode) && (got = pread(r->fd, m, 2, 0)) == 2 &&
	    m[0] == 0x1f && m[1] == 0x8b) {
		int fd2 = dup(r->fd);

		if (fd2 < 0 || (r->gz = gzdopen(fd2, "rb")) == NULL) {
			if (fd2 >= 0)
				close(fd2);
			*error_r = mem_printf("%s: cannot start gzip", path);
			logreader_close(r);
			return -1;
		}
		gzbuffer(r->gz, 256 * 1024);
	}
	r->cap = LOG_READ_CHUNK + LOG_LINE_MAX;
	r->buf = mem_malloc(r->cap);
	return 0;
}

uint64_t
logreader_pos(const struct logreader *r)
{
	if (r->gz != NULL) {
		z_off_t o = gzoffset(r->gz);

		return o > 0 ? (uint64_t)o : 0;
	}
	return r->consumed;
}

/* Read more after r->end.  Returns bytes read, 0 at end, -1 on error. */
static ssize_t
fill(struct logreader *r, char **error_r)
{
	size_t room = r->cap - r->end;
	ssize_t n;

	if (r->gz != NULL) {
		int errnum;
		const char *msg;

		n = gzread(r->gz, r->buf + r->end,
		    (unsigned)(room > LOG_READ_CHUNK ? LOG_READ_CHUNK : room));
		msg = gzerror(r->gz, &errnum);
		if (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
			if (n > 0) {
				/* Hand out what came before the error; the
				 * error shows on the next call. */
				r->consumed += (uint64_t)n;
				return n;
			}
			*error_r = mem_printf("%s: gzip: %s", r->path,
			    errnum == Z_ERRNO ? strerror(errno) : msg);
			return -1;
		}
	} else {
		do {
			n = read(r->fd, r->buf + r->end, room);
		} while (n < 0 && errno == EINTR);
		if (n < 0) {
			*error_r = mem_printf("%s: %s", r->path,
			    strerror(errno));
			return -1;
		}
	}
	r->consumed += (uint64_t)n;
	return n;
}

int
logreader_next(struct logreader *r, bool final, struct span *line_r,
    bool *overlong_r, char **error_r)
{
	ssize_t n;

	*overlong_r = false;
	for (;;) {
		if (r->start < r->end) {
			char *p = r->buf + r->start;
			char *nl = memchr(p, '\n', r->end - r->start);

			if (nl != NULL) {
				r->start = (size_t)(nl + 1 - r->buf);
				if (r->skipping) {
					r->skipping = false;
					continue;
				}
				line_r->p = p;
				line_r->len = (size_t)(nl - p);
				r->lineno++;
				if (line_r->len >= LOG_LINE_MAX) {
					/* Its LF came in the same read. */
					line_r->len = LOG_LINE_MAX;
					*overlong_r = true;
				}
				return 1;
			}
			if (r->end - r->start >= LOG_LINE_MAX) {
				bool first = !r->skipping;

				line_r->p = p;
				line_r->len = LOG_LINE_MAX;
				r->start = r->end;
				r->skipping = true;
				if (first) {
					r->lineno++;
					*overlong_r = true;
					return 1;
				}
			}
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		n = fill(r, error_r);
		if (n < 0)
			return -1;
		if (n > 0) {
			r->end += (size_t)n;
			continue;
		}
		if (!final || r->end == r->start)
			return 0;
		/* A last line without LF. */
		line_r->p = r->buf + r->start;
		line_r->len = r->end - r->start;
		r->start = r->end;
		if (r->skipping) {
			r->skipping = false;
			return 0;
		}
		r->lineno++;
		return 1;
	}
}

void
logreader_close(struct logreader *r)
{
	if (r->gz != NULL)
		gzclose(r->gz);
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->path);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

int
logreader_follow(struct logreader *r, char **error_r)
{
	struct stat st, cur;

	if (r->gz != NULL)
		return LOGFOLLOW_SAME;
	if (stat(r->path, &st) < 0)
		return LOGFOLLOW_GONE;
	if (st.st_dev != r->dev || st.st_ino != r->ino)
		return LOGFOLLOW_ROTATED;
	if (fstat(r->fd, &cur) == 0 && (uint64_t)cur.st_size < r->consumed) {
		if (lseek(r->fd, 0, SEEK_SET) < 0) {
			*error_r = mem_printf("%s: %s", r->path,
			    strerror(errno));
			return -1;
		}
		r->consumed = 0;
		r->start = r->end = 0;
		r->skipping = false;
		return LOGFOLLOW_TRUNCATED;
	}
	return LOGFOLLOW_SAME;
}

int
logreader_reopen(struct logreader *r, char **error_r)
{
	struct logreader nr;
	char *path = mem_strdup(r->path);
	int rc = logreader_open(&nr, path, error_r);

	free(path);
	if (rc < 0)
		return -1;
	logreader_close(r);
	*r = nr;
	return 0;
}

void
logreader_seek_end(struct logreader *r)
{
	char last;
	off_t end;

	if (r->gz != NULL || (end = lseek(r->fd, 0, SEEK_END)) < 0)
		return;
	r->consumed = (uint64_t)end;
	r->start = r->end = 0;
	/* Mid-line: skip to the next LF. */
	r->skipping = end > 0 && pread(r->fd, &last, 1, end - 1) == 1 &&
	    last != '\n';
}
