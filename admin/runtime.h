/*
 * runtime.h - `msgsec check --runtime`: what the running milter needs
 * beyond a valid policy.
 */
#ifndef MSGSEC_RUNTIME_H
#define MSGSEC_RUNTIME_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"

struct runtime_opts {
	const char *postfix_dir;	/* Postfix's config_directory */
	const char *mta_user;		/* NULL: main.cf mail_owner, or postfix */
	bool before_start;		/* the socket is not there yet */
};

/*
 * Check, for the loaded policy p: the virus database (present, loadable
 * by milter.user, its signature count and age), the milter socket
 * (reachable by the MTA's user, through Postfix's chroot when smtpd or
 * cleanup runs chrooted, and listening), the quarantine store and the
 * alert log's folder (writable by milter.user).  Prints one line per
 * problem to out, or a short summary when there is none.  Run as root, it
 * tries each access as the user concerned (in a child process that drops
 * to that user, and enters Postfix's chroot for the socket); otherwise it
 * judges from owners and modes.  Returns the number of problems.
 */
unsigned runtime_check(const struct policy *p, const struct runtime_opts *o,
    FILE *out);

/*
 * The one line `msgsec check` prints when the virus database folder holds
 * no database file (NULL when it does, or scanning is off): where it
 * looked, what the milter does meanwhile, how to provide signatures.
 * Returns a malloc'd string.
 */
char *runtime_db_warning(const struct policy *p);

#endif
