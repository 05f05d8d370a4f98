/*
 * test_privs.c - the one privilege drop: an unknown user, a user whose
 * uid is 0 refused before anything changes, and (as root, in a child so
 * the test itself keeps root) a drop to nobody that leaves no id behind
 * (real, effective, saved, groups) and cannot be undone, after which a
 * second drop fails with its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "privs.h"

static void
test_unknown_user(void **state)
{
	struct privs_user u;
	char *err = NULL;

	(void)state;
	assert_int_equal(privs_lookup("no-such-user-msgsec-test", &u, &err),
	    -1);
	assert_string_equal(err, "user 'no-such-user-msgsec-test' does not "
	    "exist");
	free(err);
}

static void
test_root_refused(void **state)
{
	struct privs_user u;
	char *err = NULL;
	uid_t ruid, euid, suid;
	uid_t r0 = getuid(), e0 = geteuid();

	(void)state;
	assert_int_equal(privs_lookup("root", &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(privs_become(&u, &err), -1);
	assert_string_equal(err, "user 'root' is root: give an unprivileged "
	    "user");
	free(err);
	/* Refused before anything changed. */
	assert_int_equal(getresuid(&ruid, &euid, &suid), 0);
	assert_int_equal(ruid, r0);
	assert_int_equal(euid, e0);
}

/*
 * In the child: become nobody; exit 0 when every id is nobody's, root
 * cannot be had back, and a second drop (to root's group) fails.
 */
static int
child_drop(void)
{
	struct privs_user u, again;
	char *err = NULL;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, groups[4];

	if (privs_lookup("nobody", &u, &err) < 0)
		return 10;
	if (privs_become(&u, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 11;
	}
	if (getresuid(&ruid, &euid, &suid) < 0 || ruid != u.uid ||
	    euid != u.uid || suid != u.uid)
		return 12;
	if (getresgid(&rgid, &egid, &sgid) < 0 || rgid != u.gid ||
	    egid != u.gid || sgid != u.gid)
		return 13;
	if (getgroups(4, groups) != 1 || groups[0] != u.gid)
		return 14;
	if (setuid(0) == 0 || seteuid(0) == 0 || setresuid(0, 0, 0) == 0)
		return 15;
	again = u;
	again.gid = 0;
	if (privs_become(&again, &err) == 0 ||
	    strncmp(err, "cannot become 'nobody': ", 24) != 0)
		return 16;
	free(err);
	return 0;
}

static void
test_drop_to_nobody(void **state)
{
	struct privs_user u;
	char *err = NULL;
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0 || privs_lookup("nobody", &u, &err) < 0) {
		free(err);
		skip();		/* needs root and a user nobody */
	}
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_drop());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The parent kept root. */
	assert_int_equal(geteuid(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_root_refused),
		cmocka_unit_test(test_drop_to_nobody),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
