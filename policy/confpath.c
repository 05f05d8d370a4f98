/*
 * confpath.c - which main configuration file a program reads when it was
 * not told: the search order the admin command (and any program that
 * wants the same) follows.
 *
 * Trusted input: the environment and the file system of the operator who
 * runs the command.  Nothing is read but the names of folders and whether
 * two files exist.  The walk up from the program's folder is bounded by
 * CONFPATH_UP_MAX: it runs before any configuration is known, so it cannot
 * be a setting.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confpath.h"
#include "mem.h"
#include "str.h"

static bool
confpath_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Append "what (why)" to the list of places looked at. */
static void
tried_add(struct confpath *cp, const char *what, const char *why)
{
	char *line = why != NULL ? mem_printf("%s (%s)", what, why) :
	    mem_strdup(what);
	char *j;

	if (cp->tried == NULL) {
		cp->tried = line;
		return;
	}
	j = mem_printf("%s, %s", cp->tried, line);
	free(cp->tried);
	free(line);
	cp->tried = j;
}

char *
confpath_checkout(const char *exe_path)
{
	char dir[PATH_MAX];
	char *slash;

	if (str_lcpy(dir, exe_path, sizeof(dir)) >= sizeof(dir))
		return NULL;
	if ((slash = strrchr(dir, '/')) == NULL)
		return NULL;
	*slash = '\0';
	for (int up = 0; up <= CONFPATH_UP_MAX; up++) {
		char *c = mem_printf("%s/rules/msgsec.yaml", dir);
		char *m = mem_printf("%s/" CONFPATH_MARK, dir);
		bool hit = confpath_readable(c) && confpath_readable(m);

		free(m);
		if (hit)
			return c;
		free(c);
		if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
			break;
		*slash = '\0';
	}
	return NULL;
}

void
confpath_find(struct confpath *cp, const char *given, const char *dflt)
{
	const char *env = getenv("MSGSEC_CONFIG");
	char exe[PATH_MAX];
	ssize_t n;

	memset(cp, 0, sizeof(*cp));
	if (given != NULL) {
		cp->path = mem_strdup(given);
		cp->source = "-c";
		tried_add(cp, given, "-c");
		cp->found = confpath_readable(given);
		return;
	}
	if (env != NULL && *env != '\0') {
		cp->path = mem_strdup(env);
		cp->source = "MSGSEC_CONFIG";
		tried_add(cp, env, "MSGSEC_CONFIG");
		cp->found = confpath_readable(env);
		return;
	}
	tried_add(cp, "MSGSEC_CONFIG", "unset");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		cp->path = confpath_checkout(exe);
		if (cp->path != NULL) {
			cp->source = "checkout";
			cp->found = true;
			return;
		}
		tried_add(cp, exe, "not in a checkout");
	}
	cp->path = mem_strdup(dflt);
	cp->source = "default";
	tried_add(cp, dflt, NULL);
	cp->found = confpath_readable(dflt);
}

void
confpath_free(struct confpath *cp)
{
	free(cp->path);
	free(cp->tried);
	cp->path = NULL;
	cp->tried = NULL;
}
