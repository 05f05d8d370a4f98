/*
 * test_lockfile.c - atomic replacement (no temporary left, create_only
 * never overwrites), durable appends, bounded reads, and the lock
 * excluding a second holder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lockfile.h"
#include "mem.h"

static size_t
count_entries(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while ((de = readdir(dh)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dh);
	return n;
}

static void
rm_all(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;

	while ((de = readdir(dh)) != NULL) {
		char *p = mem_printf("%s/%s", dir, de->d_name);

		if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0))
			unlink(p);
		free(p);
	}
	closedir(dh);
	rmdir(dir);
}

static void
test_replace(void **state)
{
	char dir[] = "/tmp/msgsec-lock.XXXXXX", *err = NULL, *data, *p;
	size_t len;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(lockfile_replace(dir, "a.yaml", "one\n", 4, 0640,
	    true, &err), 0);
	assert_int_equal(lockfile_replace(dir, "a.yaml", "two\n", 4, 0640,
	    true, &err), -1);
	assert_int_equal(errno, EEXIST);
	assert_non_null(strstr(err, "File exists"));
	free(err);
	err = NULL;
	assert_int_equal(count_entries(dir), 1);	/* no temporary left */
	assert_int_equal(lockfile_replace(dir, "a.yaml", "three\n", 6, 0600,
	    false, &err), 0);
	p = mem_printf("%s/a.yaml", dir);
	data = lockfile_read(p, 100, &len, &err);
	assert_non_null(data);
	assert_string_equal(data, "three\n");
	free(data);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Bounded read. */
	assert_null(lockfile_read(p, 5, &len, &err));
	assert_non_null(strstr(err, "larger than 5 bytes"));
	free(err);
	err = NULL;
	assert_non_null(data = lockfile_read(p, 6, &len, &err));
	free(data);
	/* Append. */
	free(p);
	p = mem_printf("%s/log", dir);
	assert_int_equal(lockfile_append(p, "x\n", 2, 0600, &err), 0);
	assert_int_equal(lockfile_append(p, "y\n", 2, 0600, &err), 0);
	data = lockfile_read(p, 100, &len, &err);
	assert_string_equal(data, "x\ny\n");
	free(data);
	free(p);
	/* A folder that does not exist. */
	assert_int_equal(lockfile_replace("/nonexistent/x", "a", "", 0, 0600,
	    false, &err), -1);
	free(err);
	rm_all(dir);
}

static void
test_lock_excludes(void **state)
{
	char dir[] = "/tmp/msgsec-lock.XXXXXX", *err = NULL;
	int fd, status;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = lockfile_lock(dir, ".lock", &err);
	assert_true(fd >= 0);
	pid = fork();
	if (pid == 0) {
		char *p = mem_printf("%s/.lock", dir);
		int f = open(p, O_RDWR);

		_exit(flock(f, LOCK_EX | LOCK_NB) < 0 &&
		    errno == EWOULDBLOCK ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	lockfile_unlock(&fd);
	assert_int_equal(fd, -1);
	lockfile_unlock(&fd);	/* safe twice */
	assert_int_equal(lockfile_lock("/nonexistent/x", ".lock", &err), -1);
	free(err);
	rm_all(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_lock_excludes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
