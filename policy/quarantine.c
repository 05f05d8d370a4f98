/*
 * quarantine.c - the durable store of blocked messages.
 *
 * Trusts: the id hint is the MTA's queue id, which a peer does not choose,
 * but it is still reduced to [A-Za-z0-9] so it can never form a path.
 * Every write is checked; any failure leaves no partial entry behind and
 * is reported, so the milter can answer tempfail (never lose a message).
 */
#include "quarantine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"


/* Returns 0, or -1 with errno from the step that failed. */
static int
mkdir_p(const char *path, mode_t mode)
{
	char *tmp = mem_strdup(path);
	int err = 0;

	for (char *p = tmp + 1; *p != '\0' && err == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			err = errno;
		*p = '/';
	}
	if (err == 0 && mkdir(tmp, mode) < 0 && errno != EEXIST)
		err = errno;
	free(tmp);
	errno = err;
	return err == 0 ? 0 : -1;
}

static int
fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
spool_to_file(struct spool *s)
{
	char *dir = mem_printf("%s/.spool", s->dir);

	if (mkdir_p(dir, 0700) < 0) {
		s->error = errno;
		free(dir);
		return -1;
	}
	s->path = mem_printf("%s/msg-XXXXXX", dir);
	free(dir);
	s->fd = mkostemp(s->path, O_CLOEXEC);
	if (s->fd < 0) {
		s->error = errno;
		free(s->path);
		s->path = NULL;
		return -1;
	}
	return 0;
}

static void
spool_file_write(struct spool *s, const char *p, size_t len)
{
	while (len > 0 && s->error == 0) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->error = errno;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

int
spool_open(struct spool *s, const char *qdir, size_t mem_max, char **error_r)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dir = mem_strdup(qdir);
	s->mem_max = mem_max;
	if (mem_max == 0 && spool_to_file(s) < 0) {
		*error_r = mem_printf("cannot create a spool file in %s/.spool: "
		    "%s", qdir, strerror(s->error));
		free(s->dir);
		s->dir = NULL;
		return -1;
	}
	return 0;
}

void
spool_write(struct spool *s, const void *data, size_t len)
{
	if (s->error != 0 || len == 0)
		return;
	s->size += len;
	if (s->fd < 0) {
		if (s->mem_max - s->mem_len >= len) {
			/* Grow geometrically: most mail is a few KiB, and a
			 * buffer of mem_max per message costs page faults. */
			if (s->mem_cap - s->mem_len < len) {
				size_t cap = s->mem_cap > 0 ? s->mem_cap :
				    s->mem_max < 65536 ? s->mem_max : 65536;

				while (cap - s->mem_len < len)
					cap = cap > s->mem_max / 2 ? s->mem_max :
					    cap * 2;
				s->mem = mem_reallocarray(s->mem, cap, 1);
				s->mem_cap = cap;
			}
			memcpy(s->mem + s->mem_len, data, len);
			s->mem_len += len;
			return;
		}
		/* Outgrew memory: move what we hold to a file. */
		if (spool_to_file(s) < 0)
			return;
		spool_file_write(s, s->mem, s->mem_len);
		free(s->mem);
		s->mem = NULL;
		s->mem_len = 0;
		s->mem_cap = 0;
	}
	spool_file_write(s, data, len);
}

ssize_t
spool_pread(const struct spool *s, uint64_t off, void *buf, size_t len)
{
	ssize_t n;

	if (s->fd < 0) {
		if (off >= s->mem_len)
			return 0;
		if (len > s->mem_len - off)
			len = s->mem_len - (size_t)off;
		memcpy(buf, s->mem + off, len);
		return (ssize_t)len;
	}
	do
		n = pread(s->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n;
}

void
spool_discard(struct spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
	free(s->dir);
	free(s->mem);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

void
quarantine_make_id(const char *hint, char *id, size_t len)
{
	char clean[48];
	size_t n = 0;
	time_t now = time(NULL);
	struct tm tm;

	for (const char *p = hint != NULL ? hint : ""; *p != '\0' &&
	    n + 1 < sizeof(clean); p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9'))
			clean[n++] = *p;
	clean[n] = '\0';
	if (n == 0)
		snprintf(clean, sizeof(clean), "%08lx%04x",
		    (unsigned long)random(), (unsigned)getpid() & 0xffff);
	gmtime_r(&now, &tm);
	snprintf(id, len, "%04d%02d%02dT%02d%02d%02dZ-%s", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    clean);
}


/*
 * Build DIR/.tmp-ID with message.eml (renamed from msg_path, or written
 * from data) and meta.json, fsync all, rename to DIR/ID, fsync DIR.
 */
static int
commit(const char *qdir, const char *id_hint, const char *msg_path,
    int msg_fd, const void *data, size_t len, const char *meta, char *id_r,
    char **error_r)
{
	char *tmp = NULL, *final = NULL, *file = NULL;
	int fd = -1, rc = -1;

	id_r[0] = '\0';
	if (mkdir_p(qdir, 0700) < 0) {
		*error_r = mem_printf("cannot create %s: %s", qdir,
		    strerror(errno));
		return -1;
	}
	quarantine_make_id(id_hint, id_r, 96);
	/*
	 * Only a name that is taken (the entry, or another thread's
	 * temporary folder for it) tries the next one; any other failure
	 * (EACCES, ENOSPC, EROFS ...) is the folder's and is reported as
	 * such at once, with no id invented for an entry that never was.
	 */
	for (int attempt = 0; attempt <= QUARANTINE_ID_TRIES; attempt++) {
		struct stat st;

		free(tmp);
		free(final);
		tmp = final = NULL;
		if (attempt == QUARANTINE_ID_TRIES) {
			*error_r = mem_printf("cannot store message in %s: %d "
			    "entry names taken", qdir, QUARANTINE_ID_TRIES);
			goto out;
		}
		if (attempt > 0) {
			size_t l = strlen(id_r);

			snprintf(id_r + (l > 90 ? 90 : l), 6, ".%d", attempt);
		}
		tmp = mem_printf("%s/.tmp-%s", qdir, id_r);
		final = mem_printf("%s/%s", qdir, id_r);
		if (lstat(final, &st) == 0)
			continue;
		if (errno != ENOENT) {
			*error_r = mem_printf("cannot store message in %s: %s",
			    qdir, strerror(errno));
			free(tmp);
			tmp = NULL;	/* not ours to clean */
			goto out;
		}
		if (mkdir(tmp, 0700) == 0)
			break;
		if (errno != EEXIST) {
			*error_r = mem_printf("cannot store message in %s: %s",
			    qdir, strerror(errno));
			free(tmp);
			tmp = NULL;	/* not ours to clean */
			goto out;
		}
	}
	file = mem_printf("%s/message.eml", tmp);
	if (msg_path != NULL) {
		if (fsync(msg_fd) < 0 || rename(msg_path, file) < 0) {
			*error_r = mem_printf("cannot store message in %s: %s",
			    qdir, strerror(errno));
			goto out;
		}
		if (fchmod(msg_fd, 0600) < 0)
			goto fail_errno;
	} else {
		fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
			goto fail_errno;
		close(fd);
		fd = -1;
	}
	free(file);
	file = mem_printf("%s/meta.json", tmp);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, meta, strlen(meta)) < 0 ||
	    write_all(fd, "\n", 1) < 0 || fsync(fd) < 0)
		goto fail_errno;
	close(fd);
	fd = -1;
	if (fsync_path(tmp, O_RDONLY | O_DIRECTORY) < 0 ||
	    rename(tmp, final) < 0 ||
	    fsync_path(qdir, O_RDONLY | O_DIRECTORY) < 0)
		goto fail_errno;
	rc = 0;
	goto out;
fail_errno:
	*error_r = mem_printf("cannot store message in %s: %s", qdir,
	    strerror(errno));
	if (msg_path != NULL && file != NULL) {
		/* Put the spool back so the caller still has it. */
		char *m = mem_printf("%s/message.eml", tmp);

		(void)rename(m, msg_path);
		free(m);
	}
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		id_r[0] = '\0';	/* no entry: no id to quote */
	if (rc < 0 && tmp != NULL) {
		char *m = mem_printf("%s/meta.json", tmp);

		unlink(m);
		free(m);
		m = mem_printf("%s/message.eml", tmp);
		if (msg_path == NULL)
			unlink(m);
		free(m);
		rmdir(tmp);
	}
	free(tmp);
	free(final);
	free(file);
	return rc;
}

int
quarantine_commit(struct spool *s, const char *qdir, const char *id_hint,
    const char *meta, char *id_r, char **error_r)
{
	if (s->error != 0) {
		*error_r = mem_printf("cannot spool the message in %s/.spool: "
		    "%s", qdir, strerror(s->error));
		id_r[0] = '\0';
		return -1;
	}
	if (s->fd < 0) {
		if (commit(qdir, id_hint, NULL, -1, s->mem != NULL ? s->mem :
		    "", s->mem_len, meta, id_r, error_r) < 0)
			return -1;
	} else if (commit(qdir, id_hint, s->path, s->fd, NULL, 0, meta, id_r,
	    error_r) < 0) {
		return -1;
	} else {
		close(s->fd);
		s->fd = -1;
		free(s->path);
		s->path = NULL;
	}
	spool_discard(s);
	return 0;
}

int
quarantine_store_buffer(const char *qdir, const char *id_hint,
    const void *data, size_t len, const char *meta, char *id_r,
    char **error_r)
{
	return commit(qdir, id_hint, NULL, -1, data, len, meta, id_r, error_r);
}
