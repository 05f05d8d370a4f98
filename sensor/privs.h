/*
 * privs.h - dropping root after the capture is open (STYLE.md 6): the
 * supplementary groups, then the real, effective and saved group and user
 * ids, then a check that root cannot be regained.
 */
#ifndef MSGSEC_PRIVS_H
#define MSGSEC_PRIVS_H

/*
 * When running as root and user is neither NULL, "" nor "root": become
 * user (its passwd entry's uid and primary gid).  Returns 1 when it did,
 * 0 when there was nothing to do (not root, or asked to stay root), -1
 * with a malloc'd *error_r (unknown user, a failed call, root regained).
 */
int privs_drop(const char *user, char **error_r);

#endif
