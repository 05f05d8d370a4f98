/*
 * test_sockspec.c - milter socket specs: every form accepted, each bad
 * part named, relative paths against the base (or the current folder);
 * the lock excluding a second holder, a stale socket removed, a live one
 * and a non-socket kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem.h"
#include "sockspec.h"

static void
good(const char *spec, const char *base, enum sockspec_kind kind,
    const char *canon)
{
	struct sockspec s;
	char *err = NULL;

	if (sockspec_parse(spec, base, &s, &err) < 0)
		fail_msg("%s: %s", spec, err);
	assert_int_equal(s.kind, kind);
	assert_string_equal(s.spec, canon);
	sockspec_free(&s);
}

static void
bad(const char *spec, const char *want)
{
	struct sockspec s;
	char *err = NULL;

	assert_int_equal(sockspec_parse(spec, NULL, &s, &err), -1);
	if (strstr(err, want) == NULL)
		fail_msg("%s: got '%s', want '%s'", spec, err, want);
	assert_null(s.spec);
	free(err);
}

static void
test_forms(void **state)
{
	struct sockspec s;
	char cwd[PATH_MAX], *want, *err = NULL;

	(void)state;
	good("unix:/run/msgsec/milter.sock", NULL, SOCKSPEC_UNIX,
	    "unix:/run/msgsec/milter.sock");
	good("local:/run/msgsec/milter.sock", NULL, SOCKSPEC_UNIX,
	    "unix:/run/msgsec/milter.sock");
	good("/run/msgsec/milter.sock", NULL, SOCKSPEC_UNIX,
	    "unix:/run/msgsec/milter.sock");
	good("unix:../state/m.sock", "/etc/msgsec/rules", SOCKSPEC_UNIX,
	    "unix:/etc/msgsec/state/m.sock");
	good("inet:8891@127.0.0.1", NULL, SOCKSPEC_INET, "inet:8891@127.0.0.1");
	good("inet:1@localhost", NULL, SOCKSPEC_INET, "inet:1@localhost");
	good("inet:65535@127.0.0.1", NULL, SOCKSPEC_INET,
	    "inet:65535@127.0.0.1");
	good("inet:8891", NULL, SOCKSPEC_INET, "inet:8891");
	good("inet6:8891@::1", NULL, SOCKSPEC_INET6, "inet6:8891@::1");
	/* Relative to the current folder when no base is given (-p). */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	want = mem_printf("unix:%s/m.sock", cwd);
	good("unix:m.sock", NULL, SOCKSPEC_UNIX, want);
	free(want);
	/* A relative base is itself in the current folder. */
	want = mem_printf("unix:%s/state/m.sock", cwd);
	good("unix:../state/m.sock", "rules", SOCKSPEC_UNIX, want);
	free(want);
	assert_int_equal(sockspec_parse("inet:25@127.0.0.1", NULL, &s, &err),
	    0);
	assert_int_equal(s.port, 25);
	assert_string_equal(s.host, "127.0.0.1");
	assert_null(s.path);
	sockspec_free(&s);
}

static void
test_errors(void **state)
{
	char *path;

	(void)state;
	bad("inet:70000@localhost",
	    "inet:70000@localhost: port 70000 is not 1-65535");
	bad("inet:65536@127.0.0.1", "port 65536 is not 1-65535");
	bad("inet:0@127.0.0.1", "port 0 is not 1-65535");
	bad("inet:99999999999999999999999@127.0.0.1", "is not 1-65535");
	bad("inet:-1@127.0.0.1", "port '-1' is not a number");
	bad("inet:+25@127.0.0.1", "port '+25' is not a number");
	bad("inet:smtp@127.0.0.1", "port 'smtp' is not a number");
	bad("inet:@127.0.0.1", "inet:@127.0.0.1: no port");
	bad("inet:", "inet:: no port");
	bad("inet:25@", "inet:25@: no host after '@'");
	bad("inet:25@::1", "host ::1 is an IPv6 address (use inet6:PORT@::1)");
	bad("inet6:25@127.0.0.1", "host 127.0.0.1 is an IPv4 address");
	bad("tcp:25@127.0.0.1", "tcp:25@127.0.0.1: unknown socket type 'tcp'");
	bad("milter.sock", "milter.sock: not a socket address");
	bad("", "'': not a socket address");
	bad("unix:", "unix:: no path after the colon");
	/* sun_path holds 107 bytes and the NUL: 107 fits, 108 does not. */
	path = mem_printf("unix:/%0106d", 0);
	good(path, NULL, SOCKSPEC_UNIX, path);
	free(path);
	path = mem_printf("unix:/%0107d", 0);
	bad(path, "is 108 bytes, longer than the 107 a unix socket address "
	    "holds");
	free(path);
}

static char *
tmpdir(void)
{
	char *d = mem_strdup("/tmp/test_sockspec.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
parse_in(const char *dir, const char *name, struct sockspec *s)
{
	char *spec = mem_printf("unix:%s/%s", dir, name), *err = NULL;

	assert_int_equal(sockspec_parse(spec, NULL, s, &err), 0);
	free(spec);
}

/* A socket bound at path (listening or not); returns its descriptor. */
static int
bind_at(const char *path, bool listening)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (listening)
		assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void
test_lock(void **state)
{
	char *dir = tmpdir(), *err = NULL, *lock, *sock;
	struct sockspec a, b;
	struct stat st;
	int status, fd;
	pid_t pid;

	(void)state;
	lock = mem_printf("%s/m.sock.lock", dir);
	sock = mem_printf("%s/m.sock", dir);
	parse_in(dir, "m.sock", &a);
	assert_int_equal(sockspec_lock(&a, &err), 0);
	assert_true(a.lock_fd >= 0);
	/* A second process is refused, naming the holder. */
	pid = fork();
	if (pid == 0) {
		int rc;

		parse_in(dir, "m.sock", &b);
		rc = sockspec_lock(&b, &err) == -1 &&
		    strstr(err, "another msgsec-milter is serving this socket")
		    != NULL && strstr(err, "lock ") != NULL ? 0 : 1;
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	/* A stale socket under our lock goes; freeing removes the lock. */
	close(bind_at(sock, false));
	a.bound = false;
	sockspec_free(&a);
	assert_int_equal(stat(lock, &st), -1);
	parse_in(dir, "m.sock", &a);
	assert_int_equal(sockspec_lock(&a, &err), 0);
	assert_int_equal(lstat(sock, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* bound: the socket is ours and goes with the spec. */
	close(bind_at(sock, false));
	a.bound = true;
	sockspec_free(&a);
	assert_int_equal(lstat(sock, &st), -1);
	assert_int_equal(lstat(lock, &st), -1);

	/* A live listener that holds no lock is left alone. */
	fd = bind_at(sock, true);
	parse_in(dir, "m.sock", &a);
	assert_int_equal(sockspec_lock(&a, &err), -1);
	assert_non_null(strstr(err, "accepts connections on"));
	free(err);
	err = NULL;
	assert_int_equal(lstat(sock, &st), 0);
	assert_int_equal(lstat(lock, &st), -1);	/* made for nothing: gone */
	sockspec_free(&a);
	close(fd);
	unlink(sock);
	/* So is a file that is not a socket. */
	fd = open(sock, O_WRONLY | O_CREAT, 0600);
	close(fd);
	parse_in(dir, "m.sock", &a);
	assert_int_equal(sockspec_lock(&a, &err), -1);
	assert_non_null(strstr(err, "exists and is not a socket"));
	free(err);
	assert_int_equal(lstat(sock, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	sockspec_free(&a);
	unlink(sock);
	/* inet: nothing to lock. */
	assert_int_equal(sockspec_parse("inet:8891@127.0.0.1", NULL, &a, &err),
	    0);
	assert_int_equal(sockspec_lock(&a, &err), 0);
	assert_int_equal(a.lock_fd, -1);
	sockspec_free(&a);
	rmdir(dir);
	free(dir);
	free(lock);
	free(sock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
