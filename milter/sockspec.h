/*
 * sockspec.h - the milter's listening socket: its address checked and
 * resolved before anything is opened, and, for a unix socket, the lock
 * that makes one milter per socket.
 *
 * Syntax (libmilter's, as Postfix and Sendmail write it): unix:PATH,
 * local:PATH, an absolute PATH, inet:PORT@HOST, inet6:PORT@HOST, or
 * inet:PORT / inet6:PORT for every address.  A relative PATH is relative
 * to a base folder the caller gives (the current folder for -p, the
 * configuration file's folder for milter.socket).
 *
 * The lock is an flock(2) on PATH.lock, taken before the socket is
 * touched and held for the daemon's lifetime (it survives daemon(3)'s
 * fork, since flock locks belong to the open file).  Only its holder
 * removes a socket left at PATH, and only a stale one (nobody accepts on
 * it).  An inet socket needs no lock: the bind itself is exclusive.
 */
#ifndef MSGSEC_SOCKSPEC_H
#define MSGSEC_SOCKSPEC_H

#include <stdbool.h>

enum sockspec_kind {
	SOCKSPEC_UNIX,
	SOCKSPEC_INET,
	SOCKSPEC_INET6,
};

struct sockspec {
	enum sockspec_kind kind;
	char *spec;	/* canonical, for smfi_setconn: unix:/abs, inet:P@H */
	char *path;	/* unix: the absolute path; else NULL */
	char *host;	/* inet: as given, or NULL for every address */
	unsigned port;	/* inet: 1-65535 */
	int lock_fd;	/* unix: PATH.lock while held, else -1 */
	char *lock_path;
	bool bound;	/* the socket at path is ours to remove */
};

/*
 * Parse and check spec; a relative unix path is joined to base (NULL: the
 * current folder) and made absolute.  A host is checked to be an address
 * of the family or a name that resolves to one.  Returns 0, or -1 with
 * *error_r (allocated) naming the bad part, e.g.
 * "inet:70000@localhost: port 70000 is not 1-65535".
 */
int sockspec_parse(const char *spec, const char *base, struct sockspec *s,
    char **error_r);

/*
 * unix: take PATH.lock without waiting, then remove a stale socket at
 * PATH; a live one, or anything that is not a socket, is left alone and
 * refused.  inet: nothing to do.  Returns 0, or -1 with *error_r.
 */
int sockspec_lock(struct sockspec *s, char **error_r);

/* Write the current process id into the held lock file (after a fork). */
void sockspec_lock_mark(const struct sockspec *s);

/* The bind failed with err: the message to give (allocated). */
char *sockspec_bind_error(const struct sockspec *s, int err);

/*
 * Remove the socket if we bound it and the lock file, then drop the lock;
 * free everything.  Safe on a parsed-but-unlocked or zeroed spec.
 */
void sockspec_free(struct sockspec *s);

#endif
