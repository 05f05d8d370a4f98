/*
 * privs.c - give up root for good: setgroups, setresgid, setresuid, then
 * verify with getresuid/getresgid and that setuid(0) now fails, as
 * Postfix and OpenSMTPD do.
 *
 * Trusts the passwd database (getpwnam_r).  An unknown user is an error,
 * never a silent "stay root".
 */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "mem.h"

int
privs_drop(const char *user, char **error_r)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, gid;
	int rc;

	if (geteuid() != 0 || user == NULL || user[0] == '\0' ||
	    strcmp(user, "root") == 0)
		return 0;
	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (rc != 0 || res == NULL) {
		*error_r = mem_printf("user '%s' does not exist: create it "
		    "(useradd --system --user-group --no-create-home --shell "
		    "/usr/sbin/nologin %s), or give -u USER; -u root (or "
		    "--set sensor.user=) keeps root", user, user);
		return -1;
	}
	if (pw.pw_uid == 0) {
		*error_r = mem_printf("user '%s' is root: give an "
		    "unprivileged user", user);
		return -1;
	}
	gid = pw.pw_gid;
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid) < 0) {
		*error_r = mem_printf("cannot become '%s': %s", user,
		    strerror(errno));
		return -1;
	}
	if (getresuid(&ruid, &euid, &suid) < 0 ||
	    getresgid(&rgid, &egid, &sgid) < 0 || ruid != pw.pw_uid ||
	    euid != pw.pw_uid || suid != pw.pw_uid || rgid != gid ||
	    egid != gid || sgid != gid || setuid(0) == 0) {
		*error_r = mem_printf("privileges were not dropped");
		return -1;
	}
	return 1;
}
