/*
 * daemon.h - the libmilter side of msgsec-milter.  Every libmilter call
 * lives in daemon.c; main.c and the pipeline know nothing of it.
 */
#ifndef MSGSEC_DAEMON_H
#define MSGSEC_DAEMON_H

#include <stdbool.h>

#include "alert.h"
#include "policy.h"

struct daemon_opts {
	const char *config;
	const char *const *sets;
	size_t nsets;
	const char *socket;	/* libmilter syntax: unix:/path, inet:P@H */
	bool socket_from_config;	/* milter.socket: a relative unix path
					 * is in the configuration's folder;
					 * -p: in the current one */
	bool foreground;
	const char *user;	/* drop to this user when started as root */
	const char *pidfile;
};

/*
 * Serve until SIGTERM/SIGINT.  Takes over h (the published policy) and
 * log.  SIGHUP reloads the policy (keeping the old one on error) and
 * reopens the alert log.  Returns the process exit status.
 */
int daemon_run(const struct daemon_opts *o, struct policy_holder *h,
    struct alert_log *log);

#endif
