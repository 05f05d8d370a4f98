/*
 * test_log.c - the log's stderr lines (plain and stamped), the level
 * threshold, stderr turned off, and fatal exiting and panic aborting
 * (in a child) with their line written first.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "stderr_capture.h"

/* Run fn with stderr captured; return what it wrote. */
static char *
capture(void (*fn)(void))
{
	static char out[4096];
	struct capture c;

	capture_begin(&c);
	fn();
	capture_end(&c, out, sizeof(out));
	return out;
}

static void
plain_lines(void)
{
	log_open("msgsec-test", LOG_TO_STDERR, 0);
	log_debug("not shown %d", 1);
	log_info("info %d", 2);
	log_notice("notice %s", "x");
	log_warning("warning");
	log_error("error: %s", "why");
	log_msg(LOG_LEVEL_NOTICE, "by level");
}

static void
test_plain(void **state)
{
	(void)state;
	assert_string_equal(capture(plain_lines),
	    "msgsec-test: info 2\n"
	    "msgsec-test: notice x\n"
	    "msgsec-test: warning\n"
	    "msgsec-test: error: why\n"
	    "msgsec-test: by level\n");
}

static void
level_lines(void)
{
	log_open("msgsec-test", LOG_TO_STDERR, 0);
	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("debug");
	log_set_level(LOG_LEVEL_WARNING);
	log_info("dropped");
	log_notice("dropped");
	log_warning("kept");
	log_set_level(LOG_LEVEL_PANIC);	/* never past fatal */
	log_error("dropped");
	log_set_level(LOG_LEVEL_INFO);
}

static void
test_levels(void **state)
{
	(void)state;
	assert_string_equal(capture(level_lines),
	    "msgsec-test: debug\nmsgsec-test: kept\n");
}

static void
stamped_lines(void)
{
	log_open("msgsec-milter", LOG_TO_STDERR | LOG_STAMP, 0);
	log_notice("listening");
	log_set_stderr(false);
	log_error("nowhere");
	log_set_stderr(true);
	log_info("back");
	log_open("msgsec-test", LOG_TO_STDERR, 0);
}

/* s starts with 2026-03-15T10:00:00.123+01:00 and a space (the shape
 * tests/milter/run-daemon.sh checks in the daemon's lines). */
static bool
is_stamped(const char *s)
{
	const char *shape = "dddd-dd-ddTdd:dd:dd.ddd+dd:dd ";

	for (size_t i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    shape[i] == '+' ? s[i] != '+' && s[i] != '-' :
		    s[i] != shape[i])
			return false;
	}
	return true;
}

static void
test_stamped(void **state)
{
	const char *out, *second;

	(void)state;
	out = capture(stamped_lines);
	second = strchr(out, '\n');
	assert_non_null(second);
	second++;
	assert_true(is_stamped(out));
	assert_true(strncmp(out + 30, "msgsec-milter: listening\n", 25) == 0);
	assert_true(is_stamped(second));
	assert_string_equal(second + 30, "msgsec-milter: back\n");
}

static void
test_stamp(void **state)
{
	char s[48], tiny[4];

	(void)state;
	log_stamp(s, sizeof(s));
	assert_int_equal(strlen(s), 29);
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[19], '.');
	assert_int_equal(s[26], ':');
	/* Too small for the whole stamp: empty, never half a time. */
	log_stamp(tiny, sizeof(tiny));
	assert_string_equal(tiny, "");
}

/* Run fn in a child with stderr to a pipe; its status and output. */
static int
in_child(void (*fn)(void), char *out, size_t size)
{
	int fds[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		fn();
		_exit(99);	/* not reached */
	}
	close(fds[1]);
	while (got + 1 < size && (n = read(fds[0], out + got,
	    size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
do_fatal(void)
{
	log_open("msgsec-test", LOG_TO_STDERR, 0);
	log_fatal("cannot go on: %s", "reason");
}

static void
do_panic(void)
{
	const struct rlimit no_core = { 0, 0 };
	char big[2000];

	memset(big, 'a', sizeof(big) - 1);	/* an over-long argument */
	big[sizeof(big) - 1] = '\0';
	log_open("msgsec-test", LOG_TO_STDERR, 0);
	signal(SIGABRT, SIG_DFL);
	(void)setrlimit(RLIMIT_CORE, &no_core);	/* no core file left */
	log_panic("broken %s", big);
}

static void
test_fatal_exits(void **state)
{
	char out[4096];
	int st = in_child(do_fatal, out, sizeof(out));

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_string_equal(out, "msgsec-test: fatal: cannot go on: reason\n");
}

static void
test_panic_aborts(void **state)
{
	char out[4096];
	int st = in_child(do_panic, out, sizeof(out));

	(void)state;
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	/* Cut to its stack buffer, one whole line. */
	assert_true(strncmp(out, "msgsec-test: panic: broken aaa", 30) == 0);
	assert_true(strlen(out) < 1100);
	assert_int_equal(out[strlen(out) - 1], '\n');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_stamped),
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_fatal_exits),
		cmocka_unit_test(test_panic_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
