/*
 * confpath.h - find the main configuration file.
 *
 * The order, first that applies:
 *   1. the file given with -c (used even when missing: the error names it);
 *   2. $MSGSEC_CONFIG when set and not empty (likewise);
 *   3. the checkout's rules/msgsec.yaml, when the program runs from a
 *      checkout: the folder of /proc/self/exe (symbolic links resolved)
 *      or one of the CONFPATH_UP_MAX folders above it holds both
 *      rules/msgsec.yaml and CONFPATH_MARK (build/msgsec and
 *      build/san/msgsec are one and two folders below the checkout);
 *   4. the installed default (/etc/msgsec/msgsec.yaml).
 */
#ifndef MSGSEC_CONFPATH_H
#define MSGSEC_CONFPATH_H

#include <stdbool.h>

#define CONFPATH_UP_MAX 3	/* folders above the program's own */
#define CONFPATH_MARK "admin/msgsec.c"	/* a checkout has this */

struct confpath {
	char *path;		/* the file to read (always set) */
	const char *source;	/* "-c", "MSGSEC_CONFIG", "checkout", "default" */
	bool found;		/* path is readable */
	char *tried;		/* what was looked at, for an error message */
};

/*
 * Fill cp: given is the -c value or NULL, dflt the installed default.
 * Not thread-safe (getenv).  Free with confpath_free.
 */
void confpath_find(struct confpath *cp, const char *given, const char *dflt);
void confpath_free(struct confpath *cp);

/*
 * The checkout's rules/msgsec.yaml for a program at exe_path (rule 3
 * above), or NULL.  Caller frees.
 */
char *confpath_checkout(const char *exe_path);

#endif
