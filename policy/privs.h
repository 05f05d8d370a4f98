/*
 * privs.h - giving up root for good (STYLE.md section 6), for both
 * daemons: the milter after it has bound its socket, the sensor after it
 * has opened its capture.  The supplementary groups, then the real,
 * effective and saved group and user ids, then a check of all of them
 * and that root cannot be regained, as Postfix and OpenSMTPD do.
 */
#ifndef MSGSEC_PRIVS_H
#define MSGSEC_PRIVS_H

#include <sys/types.h>

/* A user to become, from the passwd database. */
struct privs_user {
	char name[256];
	uid_t uid;
	gid_t gid;		/* its primary group */
};

/*
 * Look user up (getpwnam_r).  Returns 0 with *u_r, or -1 with a malloc'd
 * *error_r "user 'NAME' does not exist" (the caller says what to do).
 */
int privs_lookup(const char *user, struct privs_user *u_r, char **error_r);

/*
 * Become u for good: setgroups (its primary group alone), setresgid,
 * setresuid; then verify with getgroups, getresgid and getresuid that
 * every id changed (real, effective and saved) and that setuid(0) now
 * fails.  A user whose uid is 0 is refused before anything changes.
 * Returns 0, or -1 with a malloc'd *error_r; after a failure past the
 * first call the process is in an unknown state and must exit.
 * Process-wide (glibc changes the ids of every thread).
 */
int privs_become(const struct privs_user *u, char **error_r);

#endif
