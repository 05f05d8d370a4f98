/*
 * sockspec.c - the milter socket's address and its lock (see sockspec.h).
 *
 * Trusts: the spec comes from the command line or the configuration, the
 * admin's own words, but it is still checked part by part so a mistake is
 * named (port range, host, path length) before the daemon forks.  The
 * lock file and whatever sits at the socket path are not trusted: a
 * symbolic link is not followed, a regular file is never removed, and a
 * socket someone still accepts on is left alone.
 */
#include "sockspec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mem.h"
#include "str.h"

#define SOCKSPEC_FORMS "unix:PATH, local:PATH, inet:PORT@HOST or " \
	"inet6:PORT@HOST"
/* Tries at a lock file that its holder removes as we open it. */
#define SOCKSPEC_LOCK_TRIES 8

/* dir made absolute against the current folder (allocated), or NULL. */
static char *
absolute_dir(const char *dir, char **error_r)
{
	char cwd[PATH_MAX];

	if (dir != NULL && dir[0] == '/')
		return mem_strdup(dir);
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		*error_r = mem_printf("cannot find the current folder: %s",
		    strerror(errno));
		return NULL;
	}
	return dir != NULL && dir[0] != '\0' ? path_join(cwd, dir) :
	    mem_strdup(cwd);
}

static int
parse_unix(const char *spec, const char *p, const char *base,
    struct sockspec *s, char **error_r)
{
	struct sockaddr_un sa;
	char *dir;

	if (p[0] == '\0') {
		*error_r = mem_printf("%s: no path after the colon", spec);
		return -1;
	}
	if (p[0] == '/') {
		s->path = path_join(NULL, p);
	} else {
		if ((dir = absolute_dir(base, error_r)) == NULL)
			return -1;
		s->path = path_join(dir, p);
		free(dir);
	}
	if (strlen(s->path) >= sizeof(sa.sun_path)) {
		*error_r = mem_printf("%s: path %s is %zu bytes, longer than "
		    "the %zu a unix socket address holds", spec, s->path,
		    strlen(s->path), sizeof(sa.sun_path) - 1);
		return -1;
	}
	s->kind = SOCKSPEC_UNIX;
	s->spec = mem_printf("unix:%s", s->path);
	return 0;
}

static int
parse_port(const char *spec, struct span port, unsigned *port_r,
    char **error_r)
{
	uint64_t v;
	bool digits = port.len > 0;

	for (size_t i = 0; i < port.len; i++)
		if (port.p[i] < '0' || port.p[i] > '9')
			digits = false;
	if (port.len == 0) {
		*error_r = mem_printf("%s: no port (PORT@HOST)", spec);
		return -1;
	}
	if (!digits) {
		*error_r = mem_printf("%s: port '%.*s' is not a number", spec,
		    (int)port.len, port.p);
		return -1;
	}
	if (str_to_u64(port, 1, 65535, &v) < 0) {
		*error_r = mem_printf("%s: port %.*s is not 1-65535", spec,
		    (int)port.len, port.p);
		return -1;
	}
	*port_r = (unsigned)v;
	return 0;
}

static int
check_host(const char *spec, const char *host, int family, char **error_r)
{
	unsigned char addr[sizeof(struct in6_addr)];
	struct addrinfo hints, *res = NULL;
	int rc;

	if (host[0] == '\0') {
		*error_r = mem_printf("%s: no host after '@'", spec);
		return -1;
	}
	if (inet_pton(family, host, addr) == 1)
		return 0;
	if (inet_pton(family == AF_INET ? AF_INET6 : AF_INET, host,
	    addr) == 1) {
		*error_r = mem_printf("%s: host %s is an IPv%s address (use "
		    "%s:PORT@%s)", spec, host, family == AF_INET ? "6" : "4",
		    family == AF_INET ? "inet6" : "inet", host);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		*error_r = mem_printf("%s: host '%s' is neither an IPv%s "
		    "address nor a name that resolves to one (%s)", spec, host,
		    family == AF_INET ? "4" : "6",
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	freeaddrinfo(res);
	return 0;
}

static int
parse_inet(const char *spec, const char *p, int family, struct sockspec *s,
    char **error_r)
{
	const char *at = strchr(p, '@');
	struct span port = { p, at != NULL ? (size_t)(at - p) : strlen(p) };

	if (parse_port(spec, port, &s->port, error_r) < 0)
		return -1;
	if (at != NULL) {
		if (check_host(spec, at + 1, family, error_r) < 0)
			return -1;
		s->host = mem_strdup(at + 1);
	}
	s->kind = family == AF_INET ? SOCKSPEC_INET : SOCKSPEC_INET6;
	s->spec = mem_strdup(spec);
	return 0;
}

int
sockspec_parse(const char *spec, const char *base, struct sockspec *s,
    char **error_r)
{
	const char *colon = strchr(spec, ':');
	int rc;

	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	if (spec[0] == '/')
		rc = parse_unix(spec, spec, base, s, error_r);
	else if (strncmp(spec, "unix:", 5) == 0)
		rc = parse_unix(spec, spec + 5, base, s, error_r);
	else if (strncmp(spec, "local:", 6) == 0)
		rc = parse_unix(spec, spec + 6, base, s, error_r);
	else if (strncmp(spec, "inet:", 5) == 0)
		rc = parse_inet(spec, spec + 5, AF_INET, s, error_r);
	else if (strncmp(spec, "inet6:", 6) == 0)
		rc = parse_inet(spec, spec + 6, AF_INET6, s, error_r);
	else if (colon != NULL) {
		*error_r = mem_printf("%s: unknown socket type '%.*s' (%s)",
		    spec, (int)(colon - spec), spec, SOCKSPEC_FORMS);
		rc = -1;
	} else {
		*error_r = mem_printf("%s: not a socket address (%s)",
		    spec[0] != '\0' ? spec : "''", SOCKSPEC_FORMS);
		rc = -1;
	}
	if (rc < 0)
		sockspec_free(s);
	return rc;
}

/* "pid N" from the holder's lock file, or "" when it wrote none. */
static void
holder_pid(int fd, char *out, size_t size)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);
	uint64_t pid;
	size_t len = 0;

	out[0] = '\0';
	if (n <= 0)
		return;
	b[n] = '\0';
	while (len < (size_t)n && b[len] >= '0' && b[len] <= '9')
		len++;
	if (str_to_u64((struct span){ b, len }, 1, INT_MAX, &pid) == 0)
		snprintf(out, size, "pid %llu, ", (unsigned long long)pid);
}

/* Open and lock s->lock_path without waiting: 0, or -1 with *error_r. */
static int
take_lock(struct sockspec *s, char **error_r)
{
	for (int i = 0; i < SOCKSPEC_LOCK_TRIES; i++) {
		struct stat fst, pst;
		int fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0600);

		if (fd < 0) {
			*error_r = mem_printf("%s: cannot open the lock file "
			    "%s: %s", s->spec, s->lock_path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int err = errno;
			char pid[48];

			if (err == EWOULDBLOCK) {
				holder_pid(fd, pid, sizeof(pid));
				*error_r = mem_printf("%s: another msgsec-milter "
				    "is serving this socket (%slock %s held): "
				    "not starting a second one", s->spec, pid,
				    s->lock_path);
			} else {
				*error_r = mem_printf("%s: cannot lock %s: %s",
				    s->spec, s->lock_path, strerror(err));
			}
			close(fd);
			return -1;
		}
		/* The holder may have removed the file as it stopped, after
		 * we opened it: then our lock is on a file nobody sees. */
		if (fstat(fd, &fst) == 0 && stat(s->lock_path, &pst) == 0 &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino) {
			s->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	*error_r = mem_printf("%s: the lock file %s keeps changing under us",
	    s->spec, s->lock_path);
	return -1;
}

/* With the lock held: remove a stale socket at s->path, refuse the rest. */
static int
clear_path(struct sockspec *s, char **error_r)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(s->path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		*error_r = mem_printf("%s: cannot examine %s: %s", s->spec,
		    s->path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		*error_r = mem_printf("%s: %s exists and is not a socket: not "
		    "removing it", s->spec, s->path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	str_lcpy(sa.sun_path, s->path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*error_r = mem_printf("%s: socket: %s", s->spec,
		    strerror(errno));
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc == 0) {
		close(fd);
		*error_r = mem_printf("%s: a process that does not hold %s "
		    "accepts connections on %s (another milter?): not "
		    "removing it", s->spec, s->lock_path, s->path);
		return -1;
	}
	if (errno != ECONNREFUSED && errno != ENOENT) {
		*error_r = mem_printf("%s: cannot tell whether %s is in use: "
		    "%s", s->spec, s->path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (unlink(s->path) < 0 && errno != ENOENT) {
		*error_r = mem_printf("%s: cannot remove the stale socket %s: "
		    "%s", s->spec, s->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
sockspec_lock(struct sockspec *s, char **error_r)
{
	if (s->kind != SOCKSPEC_UNIX)
		return 0;
	free(s->lock_path);
	s->lock_path = mem_printf("%s.lock", s->path);
	if (take_lock(s, error_r) < 0)
		return -1;
	sockspec_lock_mark(s);
	if (clear_path(s, error_r) < 0) {
		/* Not ours to remove: the lock file was made for nothing. */
		(void)unlink(s->lock_path);
		close(s->lock_fd);
		s->lock_fd = -1;
		return -1;
	}
	return 0;
}

void
sockspec_lock_mark(const struct sockspec *s)
{
	char b[32];
	int n;

	if (s->lock_fd < 0)
		return;
	n = snprintf(b, sizeof(b), "%ld\n", (long)getpid());
	if (n > 0 && ftruncate(s->lock_fd, 0) == 0)
		(void)!pwrite(s->lock_fd, b, (size_t)n, 0);
}

char *
sockspec_bind_error(const struct sockspec *s, int err)
{
	if (err == EADDRINUSE && s->kind != SOCKSPEC_UNIX)
		return mem_printf("%s: port %u on %s is already in use (another "
		    "milter running?): %s", s->spec, s->port, s->host != NULL ?
		    s->host : "every address", strerror(err));
	if (err == 0)
		return mem_printf("%s: cannot listen (libmilter says why in "
		    "syslog)", s->spec);
	return mem_printf("%s: cannot listen: %s", s->spec, strerror(err));
}

void
sockspec_free(struct sockspec *s)
{
	if (s->bound && s->path != NULL)
		(void)unlink(s->path);
	if (s->lock_fd >= 0) {
		(void)unlink(s->lock_path);
		close(s->lock_fd);
	}
	free(s->spec);
	free(s->path);
	free(s->host);
	free(s->lock_path);
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
}
