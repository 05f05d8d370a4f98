/*
 * lockfile.c - locks, atomic replacement and durable appends (see
 * lockfile.h).
 *
 * Trusts: the folder names it is given (they come from the configuration).
 * Every system call is checked; on any failure the temporary file is
 * removed and the error says which step failed.  Limits: lockfile_read
 * refuses files over its max (the callers pass the YAML file limit).
 */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

int
lockfile_lock(const char *dir, const char *name, char **error_r)
{
	char *path = mem_printf("%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		*error_r = mem_printf("cannot open lock file %s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		*error_r = mem_printf("cannot lock %s: %s", path,
		    strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

void
lockfile_unlock(int *fd)
{
	if (*fd < 0)
		return;
	(void)flock(*fd, LOCK_UN);
	close(*fd);
	*fd = -1;
}

static pthread_mutex_t write_serial = PTHREAD_MUTEX_INITIALIZER;

void
write_serial_begin(void)
{
	pthread_mutex_lock(&write_serial);
}

void
write_serial_end(void)
{
	pthread_mutex_unlock(&write_serial);
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* no progress: never loop */
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
lockfile_replace(const char *dir, const char *name, const void *data,
    size_t len, mode_t mode, bool create_only, char **error_r)
{
	char *tmp = mem_printf("%s/.%s.XXXXXX", dir, name);
	char *final = mem_printf("%s/%s", dir, name);
	const char *step = "create a temporary file in";
	int fd = mkostemp(tmp, O_CLOEXEC), rc = -1;

	if (fd < 0)
		goto fail;
	step = "write";
	if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0 ||
	    fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (create_only) {
		step = "create";
		if (link(tmp, final) < 0)
			goto fail;
		(void)unlink(tmp);
	} else {
		step = "rename into";
		if (rename(tmp, final) < 0)
			goto fail;
	}
	free(tmp);
	tmp = NULL;
	step = "sync";
	if (fsync_dir(dir) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	{
		int err = errno;

		*error_r = mem_printf("cannot %s %s: %s", step,
		    strcmp(step, "create") == 0 ? final : dir,
		    strerror(err));
		if (fd >= 0)
			close(fd);
		if (tmp != NULL)
			(void)unlink(tmp);
		errno = err;
	}
out:
	free(tmp);
	free(final);
	return rc;
}

int
lockfile_append(const char *path, const void *data, size_t len, mode_t mode,
    char **error_r)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);

	if (fd < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		*error_r = mem_printf("cannot append to %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		*error_r = mem_printf("cannot append to %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

char *
lockfile_read(const char *path, size_t max, size_t *len_r, char **error_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data;
	size_t got = 0;

	if (fd < 0) {
		*error_r = mem_printf("cannot read %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*error_r = mem_printf("cannot read %s: not a regular file",
		    path);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		*error_r = mem_printf("%s is larger than %zu bytes", path, max);
		close(fd);
		return NULL;
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
	data[got] = '\0';
	*len_r = got;
	return data;
}
