/*
 * test_quarantine.c - the store's entry names: a taken name tries the
 * next one, any other failure is the folder's and is reported at once with
 * its path and errno, and a failed store leaves no id and no debris.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem.h"
#include "quarantine.h"

static char *
tmpdir(void)
{
	char *d = mem_strdup("/tmp/test_quarantine.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static size_t
count_entries(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(dh);
	while ((de = readdir(dh)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dh);
	return n;
}

static void
rm_tree(const char *dir)
{
	char *cmd = mem_printf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
test_store_and_collision(void **state)
{
	char *dir = tmpdir(), *q = mem_printf("%s/q", dir), *err = NULL;
	char id1[96], id2[96], *p;
	struct stat st;

	(void)state;
	assert_int_equal(quarantine_store_buffer(q, "QID1", "m", 1, "{}", id1,
	    &err), 0);
	p = mem_printf("%s/%s/message.eml", q, id1);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(p);
	/* The same queue id in the same second: the next name, not a
	 * failure (unless the clock turned, which gives a new name anyway). */
	assert_int_equal(quarantine_store_buffer(q, "QID1", "m", 1, "{}", id2,
	    &err), 0);
	assert_string_not_equal(id1, id2);
	if (strncmp(id1, id2, strlen(id1)) == 0)
		assert_string_equal(id2 + strlen(id1), ".1");
	assert_int_equal(count_entries(q), 2);
	free(q);
	rm_tree(dir);
	free(dir);
}

static void
test_folder_errors(void **state)
{
	char *dir = tmpdir(), *file = mem_printf("%s/file", dir), *err = NULL;
	char *want, *q;
	char id[96];
	int fd;

	(void)state;
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* The folder is a file: reported at once as the folder's error,
	 * never 100 "collisions", and no id for the entry that never was. */
	memset(id, 'x', sizeof(id));
	assert_int_equal(quarantine_store_buffer(file, "QID", "m", 1, "{}", id,
	    &err), -1);
	want = mem_printf("cannot store message in %s: Not a directory", file);
	assert_string_equal(err, want);
	assert_string_equal(id, "");
	free(want);
	free(err);
	err = NULL;
	/* Below a file: the folder cannot be made. */
	q = mem_printf("%s/q", file);
	memset(id, 'x', sizeof(id));
	assert_int_equal(quarantine_store_buffer(q, "QID", "m", 1, "{}", id,
	    &err), -1);
	want = mem_printf("cannot create %s: Not a directory", q);
	assert_string_equal(err, want);
	assert_string_equal(id, "");
	free(want);
	free(err);
	err = NULL;
	free(q);
	/* A folder we may not write (root may write anywhere: skipped). */
	if (geteuid() != 0) {
		q = mem_printf("%s/ro", dir);
		assert_int_equal(mkdir(q, 0500), 0);
		assert_int_equal(quarantine_store_buffer(q, "QID", "m", 1, "{}",
		    id, &err), -1);
		want = mem_printf("cannot store message in %s: Permission "
		    "denied", q);
		assert_string_equal(err, want);
		assert_string_equal(id, "");
		assert_int_equal(count_entries(q), 0);
		free(want);
		free(err);
		chmod(q, 0700);
		free(q);
	}
	free(file);
	rm_tree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_and_collision),
		cmocka_unit_test(test_folder_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
