/*
 * privs.c - give up root for good (privs.h).
 *
 * Trusts the passwd database (getpwnam_r).  An unknown user is an error,
 * never a silent "stay root"; so is a user whose uid is 0, and so is any
 * id (real, effective or saved, user or group) or supplementary group
 * that did not change: a saved uid of 0 would let a compromised process
 * take root back with one setuid call.
 */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "str.h"

int
privs_lookup(const char *user, struct privs_user *u_r, char **error_r)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int rc;

	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (rc != 0 || res == NULL ||
	    str_lcpy(u_r->name, user, sizeof(u_r->name)) >= sizeof(u_r->name)) {
		*error_r = mem_printf("user '%s' does not exist", user);
		return -1;
	}
	u_r->uid = pw.pw_uid;
	u_r->gid = pw.pw_gid;
	return 0;
}

/* Did the drop to u take, everywhere? */
static bool
privs_are(const struct privs_user *u)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, groups[2];
	int n;

	if (getresuid(&ruid, &euid, &suid) < 0 ||
	    getresgid(&rgid, &egid, &sgid) < 0)
		return false;
	if (ruid != u->uid || euid != u->uid || suid != u->uid ||
	    rgid != u->gid || egid != u->gid || sgid != u->gid)
		return false;
	n = getgroups(2, groups);
	if (n < 0 || n > 1 || (n == 1 && groups[0] != u->gid))
		return false;
	return setuid(0) != 0;
}

int
privs_become(const struct privs_user *u, char **error_r)
{
	if (u->uid == 0) {
		*error_r = mem_printf("user '%s' is root: give an "
		    "unprivileged user", u->name);
		return -1;
	}
	if (setgroups(1, &u->gid) < 0 || setresgid(u->gid, u->gid,
	    u->gid) < 0 || setresuid(u->uid, u->uid, u->uid) < 0) {
		*error_r = mem_printf("cannot become '%s': %s", u->name,
		    strerror(errno));
		return -1;
	}
	if (!privs_are(u)) {
		*error_r = mem_printf("privileges were not dropped");
		return -1;
	}
	return 0;
}
