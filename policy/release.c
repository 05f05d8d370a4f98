/*
 * release.c - one-time release passes (see release.h).
 *
 * Trusts: nothing in the header value; it must be exactly 32 lowercase or
 * uppercase hex digits before it becomes part of a path.  The pass file
 * is read with a bound (256 bytes).  Randomness comes from getrandom(2);
 * if it fails no pass is made.
 */
#include "release.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"
#include "str.h"

#define RELEASE_DIR ".release"

/* Give path to the owner of qdir when we are root (the milter's user). */
static void
give_to_owner(const char *qdir, const char *path)
{
	struct stat st;

	if (geteuid() != 0 || stat(qdir, &st) != 0)
		return;
	/* Best effort: without it the milter cannot consume the pass, and
	 * the release is refused at the MTA, never silently let through. */
	if (chown(path, st.st_uid, st.st_gid) != 0)
		fprintf(stderr, "msgsec: cannot give %s to the quarantine "
		    "folder's owner: %s\n", path, strerror(errno));
}

int
release_token_new(char token_r[RELEASE_TOKEN_LEN + 1], char **error_r)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[RELEASE_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = mem_printf("cannot get random bytes: %s",
			    strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(rnd); i++) {
		token_r[2 * i] = hex[rnd[i] >> 4];
		token_r[2 * i + 1] = hex[rnd[i] & 15];
	}
	token_r[RELEASE_TOKEN_LEN] = '\0';
	return 0;
}

int
release_create(const char *qdir, const char *id,
    char token_r[RELEASE_TOKEN_LEN + 1], char **error_r)
{
	char *dir, *line;
	int rc;

	if (release_token_new(token_r, error_r) < 0)
		return -1;
	dir = mem_printf("%s/%s", qdir, RELEASE_DIR);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		*error_r = mem_printf("cannot create %s: %s", dir,
		    strerror(errno));
		free(dir);
		return -1;
	}
	give_to_owner(qdir, dir);
	line = mem_printf("%s\n", id);
	rc = lockfile_replace(dir, token_r, line, strlen(line), 0600, true,
	    error_r);
	free(line);
	if (rc == 0) {
		char *path = mem_printf("%s/%s", dir, token_r);

		give_to_owner(qdir, path);
		free(path);
	}
	free(dir);
	return rc;
}

void
release_cancel(const char *qdir, const char *token)
{
	char *path = mem_printf("%s/%s/%s", qdir, RELEASE_DIR, token);

	(void)unlink(path);
	free(path);
}

int
release_token_parse(const char *value, char token[RELEASE_TOKEN_LEN + 1])
{
	struct span v = span_from_cstr(value);

	/* Folding white space around the value. */
	while (v.len > 0 && strchr(" \t\r\n", v.p[0]) != NULL) {
		v.p++;
		v.len--;
	}
	while (v.len > 0 && strchr(" \t\r\n", v.p[v.len - 1]) != NULL)
		v.len--;

	if (v.len != RELEASE_TOKEN_LEN)
		return -1;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		token[i] = c;
	}
	token[RELEASE_TOKEN_LEN] = '\0';
	return 0;
}

int
release_consume(const char *qdir, const char *value, time_t now,
    uint64_t max_age, char *id_r, size_t idlen, const char **why_r)
{
	char token[RELEASE_TOKEN_LEN + 1], buf[256], *path;
	struct stat st;
	ssize_t n;
	int fd;

	if (release_token_parse(value, token) < 0) {
		*why_r = "malformed pass";
		return -1;
	}
	path = mem_printf("%s/%s/%s", qdir, RELEASE_DIR, token);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		*why_r = "unknown or already used pass";
		free(path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why_r = "unknown or already used pass";
		close(fd);
		free(path);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	/* Only the caller that removes the file wins. */
	if (unlink(path) < 0) {
		*why_r = "unknown or already used pass";
		free(path);
		return -1;
	}
	free(path);
	if (now - st.st_mtime > (time_t)max_age || now < st.st_mtime - 300) {
		*why_r = "expired pass (quarantine.release_seconds)";
		return -1;
	}
	str_lcpy(id_r, buf, idlen);
	return 0;
}
