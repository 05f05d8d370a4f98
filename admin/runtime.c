/*
 * runtime.c - `msgsec check --runtime`: what the running milter needs that
 * a valid policy does not prove.
 *
 *   virus database  clamav.database holds files libclamav loads, they load
 *                   and compile as milter.user (signature count), and the
 *                   newest signed container is younger than
 *                   clamav.max_age_days (its header's build time)
 *   socket          milter.socket (a unix path) can be reached by the
 *                   MTA's user: every folder above it searchable, the
 *                   socket writable and listening.  When Postfix's smtpd
 *                   or cleanup runs chrooted (master.cf column 5), the
 *                   path must lie inside queue_directory and is judged as
 *                   the chrooted process sees it.
 *   quarantine      paths.quarantine writable by milter.user
 *   alert log       the folder of alerts.file writable by milter.user (the
 *                   milter reopens the file there after rotation)
 *
 * As root every access is tried for real in a child process that becomes
 * the user concerned (and enters the chroot first), so ACLs, read-only
 * mounts and group membership count as the kernel counts them; the
 * owner/mode walk names the folder that blocks.  Not root, the walk alone
 * judges (and real tries are made for the invoking user).
 *
 * Trusts: the configuration and Postfix's main.cf and master.cf, which are
 * read whole up to limits.yaml_file_size and parsed as length-carrying
 * lines; nothing from the network.
 */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clamdb.h"
#include "decide.h"
#include "mem.h"
#include "str.h"

struct who {
	char *name;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
};

struct report {
	FILE *out;
	unsigned problems;
	struct buf ok;		/* the summary, printed when no problem */
};

/* A Postfix client of the milter socket: smtpd or cleanup. */
struct pf_client {
	const char *command;	/* master.cf column 8 */
	const char *param;	/* main.cf parameter naming the milter */
	bool chrooted;
	unsigned line;		/* master.cf line that chroots it */
};

static void problem(struct report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
	r->problems++;
}

/* ------------------------------------------------------------ users */

static void
who_free(struct who *w)
{
	free(w->name);
	free(w->groups);
	memset(w, 0, sizeof(*w));
}

static int
who_get(const char *name, struct who *w)
{
	struct passwd *pw;
	int n = 16;

	memset(w, 0, sizeof(*w));
	if (name == NULL || name[0] == '\0' || (pw = getpwnam(name)) == NULL)
		return -1;
	w->name = mem_strdup(name);
	w->uid = pw->pw_uid;
	w->gid = pw->pw_gid;
	for (;;) {
		int want = n;

		w->groups = mem_reallocarray(w->groups, (size_t)n,
		    sizeof(*w->groups));
		if (getgrouplist(name, w->gid, w->groups, &want) >= 0) {
			w->ngroups = want;
			return 0;
		}
		if (want <= n)
			want = n * 2;
		n = want;
	}
}

static bool
who_in_group(const struct who *w, gid_t g)
{
	if (w->gid == g)
		return true;
	for (int i = 0; i < w->ngroups; i++)
		if (w->groups[i] == g)
			return true;
	return false;
}

/* May w do all of bits (4 read, 2 write, 1 search/exec) on st? */
static bool
who_may(const struct who *w, uid_t uid, gid_t gid, mode_t mode, mode_t bits)
{
	mode_t m;

	if (w->uid == 0)
		return (bits & 1) == 0 || S_ISDIR(mode) || (mode & 0111) != 0;
	if (uid == w->uid)
		m = (mode >> 6) & 7;
	else if (who_in_group(w, gid))
		m = (mode >> 3) & 7;
	else
		m = mode & 7;
	return (m & bits) == bits;
}

/* "0750 root:msgsec" */
static void
describe(const struct stat *st, char *s, size_t size)
{
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	char u[32], g[32];

	if (pw != NULL)
		str_lcpy(u, pw->pw_name, sizeof(u));
	else
		(void)snprintf(u, sizeof(u), "%ld", (long)st->st_uid);
	if (gr != NULL)
		str_lcpy(g, gr->gr_name, sizeof(g));
	else
		(void)snprintf(g, sizeof(g), "%ld", (long)st->st_gid);
	(void)snprintf(s, size, "%04o %s:%s", (unsigned)(st->st_mode & 07777),
	    u, g);
}

/*
 * Can w search every folder from root down to dir (both absolute, dir
 * inside root)?  0, or -1 with *bad_r (malloc'd: the first folder that
 * stops it and why).
 */
static int
walk(const char *root, const char *dir, const struct who *w, char **bad_r)
{
	size_t rlen = strlen(root), len = strlen(dir), i;
	char *cur = mem_strdup(dir);
	struct stat st;

	*bad_r = NULL;
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	i = rlen > 1 ? rlen : 1;
	for (;;) {
		char saved = cur[i];
		char how[80];

		cur[i] = '\0';
		if (stat(i == 0 ? "/" : cur, &st) != 0) {
			*bad_r = mem_printf("%s: %s", cur, strerror(errno));
			free(cur);
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			*bad_r = mem_printf("%s is not a folder", cur);
			free(cur);
			return -1;
		}
		if (!who_may(w, st.st_uid, st.st_gid, st.st_mode, 1)) {
			describe(&st, how, sizeof(how));
			*bad_r = mem_printf("user %s cannot enter %s (%s)",
			    w->name, cur, how);
			free(cur);
			return -1;
		}
		cur[i] = saved;
		if (i >= len)
			break;
		for (i++; i < len && cur[i] != '/'; i++)
			;
	}
	free(cur);
	return 0;
}

/* ------------------------------------------------------------ tries */

enum try_op { TRY_CREATE, TRY_APPEND, TRY_CONNECT, TRY_CLAMAV };

static int
try_here(enum try_op op, const char *path, char *msg, size_t msgsize)
{
	int fd, e = 0;

	msg[0] = '\0';
	switch (op) {
	case TRY_CREATE: {
		char *tmp = mem_printf("%s/.msgsec-check.XXXXXX", path);

		if ((fd = mkstemp(tmp)) < 0) {
			e = errno;
		} else {
			close(fd);
			(void)unlink(tmp);
		}
		free(tmp);
		break;
	}
	case TRY_APPEND:
		if ((fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY |
		    O_CLOEXEC)) < 0)
			e = errno;
		else
			close(fd);
		break;
	case TRY_CONNECT: {
		struct sockaddr_un sa;

		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		if (str_lcpy(sa.sun_path, path, sizeof(sa.sun_path)) >=
		    sizeof(sa.sun_path))
			return ENAMETOOLONG;
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			e = errno;
		close(fd);
		break;
	}
	case TRY_CLAMAV: {
		unsigned sigs;
		char *err;

		if (clamdb_load(path, &sigs, &err) < 0) {
			str_lcpy(msg, err, msgsize);
			free(err);
			return -1;
		}
		(void)snprintf(msg, msgsize, "%u", sigs);
		break;
	}
	}
	return e;
}

/*
 * Do op as w: in a child that enters chroot_dir (NULL: none) and becomes
 * w, when we are root and w is someone else; here otherwise.  Returns 0,
 * an errno, or -1 with msg (TRY_CLAMAV); msg also carries its result.
 */
static int
try_as(const struct who *w, const char *chroot_dir, enum try_op op,
    const char *path, char *msg, size_t msgsize)
{
	int pfd[2], status, e = 0;
	ssize_t n;
	pid_t pid;
	char res[600];

	if (geteuid() != 0 || w->uid == 0)
		return try_here(op, path, msg, msgsize);
	if (pipe(pfd) < 0)
		return errno;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return e;
	}
	if (pid == 0) {
		const char *p = path;

		close(pfd[0]);
		memset(res, 0, sizeof(res));
		if (chroot_dir != NULL) {
			p = path + strlen(chroot_dir);
			if (chroot(chroot_dir) < 0 || chdir("/") < 0)
				e = errno;
		}
		if (e == 0 && (setgroups((size_t)w->ngroups, w->groups) < 0 ||
		    setresgid(w->gid, w->gid, w->gid) < 0 ||
		    setresuid(w->uid, w->uid, w->uid) < 0))
			e = errno;
		if (e == 0)
			e = try_here(op, p, res + sizeof(int),
			    sizeof(res) - sizeof(int));
		memcpy(res, &e, sizeof(e));
		n = write(pfd[1], res, sizeof(res));
		_exit(n == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(pfd[1]);
	memset(res, 0, sizeof(res));
	n = read(pfd[0], res, sizeof(res));
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(res))
		return EIO;
	memcpy(&e, res, sizeof(e));
	res[sizeof(res) - 1] = '\0';
	str_lcpy(msg, res + sizeof(int), msgsize);
	return e;
}

/* ------------------------------------------------------------ database */

static const struct rule *
unscannable_rule(const struct policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].id, "virus.unscannable") == 0 &&
		    p->rules[i].enabled)
			return &p->rules[i];
	return NULL;
}

/* What the milter does while it has no usable database. */
static char *
meanwhile(const struct policy *p)
{
	const struct rule *r = unscannable_rule(p);

	if (r == NULL)
		return mem_strdup("no enabled rule virus.unscannable: messages "
		    "go unscanned for viruses");
	return mem_printf("until it has one, every message raises "
	    "virus.unscannable and is answered %s%s%s%s", action_name(
	    decide_is_monitor(p, r) ? ACTION_LOG : r->action),
	    r->reply != NULL ? " \"" : "", r->reply != NULL ? r->reply : "",
	    r->reply != NULL ? "\"" : "");
}

static char *
how_to_fill(const char *dir)
{
	return mem_printf("run freshclam (clamav-freshclam), or copy main.cvd, "
	    "daily.cvd and bytecode.cvd (or .cld) from a host that has them "
	    "into %s, or point freshclam at a private mirror "
	    "(PrivateMirror in freshclam.conf)", dir);
}

char *
runtime_db_warning(const struct policy *p)
{
	const char *dir = p->config.clamav_database;
	struct clamdb_info info;
	char *m, *h, *s;
	int e;

	if (!p->config.clamav_enabled)
		return NULL;
	if (clamdb_survey(dir, &info, &e) == 0 && info.files > 0)
		return NULL;
	m = meanwhile(p);
	h = how_to_fill(dir);
	s = mem_printf("warning: no virus database in %s%s%s: %s; %s "
	    "(msgsec check --runtime loads it)", dir, e != 0 ? ": " : "",
	    e != 0 ? strerror(e) : "", m, h);
	free(m);
	free(h);
	return s;
}

static void
check_database(const struct policy *p, const struct who *milter,
    struct report *r)
{
	const char *dir = p->config.clamav_database;
	struct clamdb_info info;
	char msg[512], built[32] = "", *m, *h;
	int e;

	if (!p->config.clamav_enabled) {
		(void)buf_printf(&r->ok, "virus database: scanning is off "
		    "(clamav.enabled false)\n");
		return;
	}
	if (clamdb_survey(dir, &info, &e) < 0 || info.files == 0) {
		m = meanwhile(p);
		h = how_to_fill(dir);
		problem(r, "virus database: %s %s%s%s: %s; %s", e != 0 ?
		    "cannot open" : "no database file in", dir, e != 0 ?
		    ": " : "", e != 0 ? strerror(e) : "", m, h);
		free(m);
		free(h);
		return;
	}
	if (info.cvd_built > 0) {
		struct tm tm;

		if (gmtime_r(&info.cvd_built, &tm) != NULL)
			(void)strftime(built, sizeof(built), "%Y-%m-%d %H:%M "
			    "UTC", &tm);
	}
	if (info.bad_name[0] != '\0')
		problem(r, "virus database: %s/%s: not a ClamAV database "
		    "(unreadable header)", dir, info.bad_name);
	e = try_as(milter, NULL, TRY_CLAMAV, dir, msg, sizeof(msg));
	if (e != 0) {
		m = meanwhile(p);
		problem(r, "virus database: %s cannot be loaded%s%s: %s; %s",
		    dir, milter->uid != geteuid() ? " by user " : "",
		    milter->uid != geteuid() ? milter->name : "",
		    e > 0 ? strerror(e) : msg, m);
		free(m);
	}
	if (info.cvd_built > 0) {
		time_t now = time(NULL);
		long days = now > info.cvd_built ?
		    (long)((now - info.cvd_built) / 86400) : 0;

		if (p->config.clamav_max_age_days > 0 &&
		    (uint64_t)days > p->config.clamav_max_age_days)
			problem(r, "virus database: %s/%s version %u was built "
			    "%s, %ld days ago (clamav.max_age_days %llu): is "
			    "freshclam running?", dir, info.cvd_name,
			    info.cvd_version, built, days,
			    (unsigned long long)p->config.clamav_max_age_days);
		if (e == 0)
			(void)buf_printf(&r->ok, "virus database: %s: %s "
			    "signatures in %zu files; %s version %u built %s "
			    "(%ld day%s ago)\n", dir, msg, info.files,
			    info.cvd_name, info.cvd_version, built, days,
			    days == 1 ? "" : "s");
	} else if (e == 0) {
		(void)buf_printf(&r->ok, "virus database: %s: %s signatures "
		    "in %zu files (no signed .cvd/.cld)\n", dir, msg,
		    info.files);
	}
}

/* ------------------------------------------------------------ folders */

static char *
absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return path_join(NULL, path);
	return path_join(cwd, path);
}

static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return mem_strdup("/");
	return mem_strndup(path, (size_t)(slash - path));
}

/* what: "quarantine"; dir must exist and take new files from w. */
static void
check_writable_dir(const char *what, const char *dir0, const struct who *w,
    struct report *r)
{
	char *dir = absolute(dir0), *bad, how[80], msg[8];
	struct stat st;
	int e;

	if (walk("/", dir, w, &bad) < 0) {
		problem(r, "%s: %s: %s", what, dir, bad);
		free(bad);
	} else if (stat(dir, &st) != 0) {
		problem(r, "%s: %s: %s", what, dir, strerror(errno));
	} else if (!who_may(w, st.st_uid, st.st_gid, st.st_mode, 3)) {
		describe(&st, how, sizeof(how));
		problem(r, "%s: %s is not writable by user %s (%s): chown %s "
		    "%s; chmod u+rwx %s", what, dir, w->name, how, w->name,
		    dir, dir);
	} else if ((e = try_as(w, NULL, TRY_CREATE, dir, msg,
	    sizeof(msg))) != 0) {
		problem(r, "%s: user %s cannot create a file in %s: %s", what,
		    w->name, dir, e > 0 ? strerror(e) : msg);
	} else {
		(void)buf_printf(&r->ok, "%s: %s, writable by %s\n", what,
		    dir, w->name);
	}
	free(dir);
}

static void
check_alert_log(const struct policy *p, const struct who *w,
    struct report *r)
{
	char *file, *dir, how[80], msg[8];
	struct stat st;
	int e;

	if (p->config.alert_output != ALERT_OUT_FILE) {
		(void)buf_printf(&r->ok, "alert log: not a file (alerts.output)"
		    "\n");
		return;
	}
	file = absolute(p->config.alert_file);
	dir = parent_of(file);
	check_writable_dir("alert log folder", dir, w, r);
	if (stat(file, &st) == 0) {
		if (!who_may(w, st.st_uid, st.st_gid, st.st_mode, 2)) {
			describe(&st, how, sizeof(how));
			problem(r, "alert log: %s is not writable by user %s "
			    "(%s)", file, w->name, how);
		} else if ((e = try_as(w, NULL, TRY_APPEND, file, msg,
		    sizeof(msg))) != 0) {
			problem(r, "alert log: user %s cannot write %s: %s",
			    w->name, file, e > 0 ? strerror(e) : msg);
		}
	}
	free(dir);
	free(file);
}

/* ------------------------------------------------------------ Postfix */

/* Read a whole configuration file, bounded; NULL with errno on failure. */
static char *
slurp(const char *path, uint64_t max, size_t *len_r)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd;

	*len_r = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	buf_init(&b, max > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)max);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&b, chunk, (size_t)n) < 0) {
			buf_free(&b);
			close(fd);
			errno = EFBIG;
			return NULL;
		}
	close(fd);
	if (n < 0 || buf_append(&b, "", 1) < 0) {
		buf_free(&b);
		errno = n < 0 ? EIO : EFBIG;
		return NULL;
	}
	*len_r = b.len - 1;
	return b.data;
}

/* Split off the next field of line (blank-separated). */
static struct span
next_field(struct span *line)
{
	struct span f;

	while (line->len > 0 && (*line->p == ' ' || *line->p == '\t'))
		line->p++, line->len--;
	f.p = line->p;
	for (f.len = 0; f.len < line->len && f.p[f.len] != ' ' &&
	    f.p[f.len] != '\t'; f.len++)
		;
	line->p += f.len;
	line->len -= f.len;
	return f;
}

/*
 * master.cf: a service line starts in column 1 (others continue it or are
 * comments); columns are service, type, private, unpriv, chroot, wakeup,
 * maxproc, command.  "-" in the chroot column is "n" since Postfix 3.0.
 */
static void
parse_master(const char *text, size_t len, struct pf_client *c, size_t nc)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct span line = { p, (size_t)((nl ? nl : end) - p) };
		struct span f[8];

		lineno++;
		p = nl ? nl + 1 : end;
		if (line.len == 0 || line.p[0] == '#' || line.p[0] == ' ' ||
		    line.p[0] == '\t')
			continue;
		for (size_t i = 0; i < 8; i++)
			f[i] = next_field(&line);
		if (f[7].len == 0)
			continue;
		for (size_t i = 0; i < nc; i++)
			if (span_eq(f[7], c[i].command) && span_eq(f[4], "y") &&
			    !c[i].chrooted) {
				c[i].chrooted = true;
				c[i].line = lineno;
			}
	}
}

/* main.cf "name = value" (no $expansion: a value starting with $ is NULL). */
static char *
main_cf_value(const char *text, size_t len, const char *name)
{
	const char *p = text, *end = text + len;
	char *value = NULL;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct span line = { p, (size_t)((nl ? nl : end) - p) };
		struct span key;

		p = nl ? nl + 1 : end;
		if (line.len == 0 || line.p[0] == '#' || line.p[0] == ' ' ||
		    line.p[0] == '\t')
			continue;
		key = line;
		for (key.len = 0; key.len < line.len && line.p[key.len] != '=' &&
		    line.p[key.len] != ' ' && line.p[key.len] != '\t'; key.len++)
			;
		if (!span_eq(key, name))
			continue;
		line.p += key.len;
		line.len -= key.len;
		line = span_trim(line);
		if (line.len == 0 || line.p[0] != '=')
			continue;
		line.p++;
		line.len--;
		line = span_trim(line);
		free(value);
		value = line.len > 0 && line.p[0] != '$' ?
		    mem_strndup(line.p, line.len) : NULL;
	}
	return value;
}

static bool
is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* One client of the socket (or two alike), reached from root. */
static void
check_client(const struct policy *p, const char *sock, const char *label,
    const struct pf_client *c, const char *queue, const struct who *mta,
    const struct who *milter, const struct runtime_opts *o, const char *mcf,
    struct report *r)
{
	const char *root = c != NULL && c->chrooted ? queue : "/";
	char *dir = parent_of(sock), *bad, how[80], msg[8], seen[600];
	struct stat st;
	int e;

	if (c != NULL && c->chrooted && !is_under(sock, queue)) {
		problem(r, "socket: Postfix's %s (chrooted in %s: %s line %u, "
		    "chroot y) cannot reach %s: put the socket inside, e.g. --set "
		    "milter.socket=unix:%s/msgsec/milter.sock and %s = "
		    "unix:/msgsec/milter.sock in main.cf, or set the chroot "
		    "column to n", label, queue, mcf, c->line, sock, queue,
		    c->param);
		free(dir);
		return;
	}
	if (c != NULL && c->chrooted)
		(void)snprintf(seen, sizeof(seen), "unix:%s (chrooted in %s)",
		    sock + strlen(queue), queue);
	else
		(void)snprintf(seen, sizeof(seen), "unix:%s", sock);
	if (walk(root, dir, mta, &bad) < 0) {
		problem(r, "socket: %s cannot reach %s: %s", label, sock, bad);
		free(bad);
	} else if (stat(sock, &st) != 0) {
		if (!o->before_start) {
			problem(r, "socket: %s: %s: is msgsec-milter running "
			    "(on this socket)?", sock, strerror(errno));
		} else if (milter != NULL && !who_may(mta, milter->uid,
		    milter->gid, S_IFSOCK | (mode_t)p->config.
		    milter_socket_mode, 2)) {
			problem(r, "socket: %s will be %04o %s:%s "
			    "(milter.socket_mode), which %s (user %s) cannot "
			    "write: add %s to group %s or widen the mode",
			    sock, (unsigned)p->config.milter_socket_mode,
			    milter->name, milter->name, label, mta->name,
			    mta->name, milter->name);
		} else {
			(void)buf_printf(&r->ok, "socket: %s can reach %s once "
			    "the milter listens\n", label, seen);
		}
	} else if (!S_ISSOCK(st.st_mode)) {
		problem(r, "socket: %s is not a socket", sock);
	} else if (!who_may(mta, st.st_uid, st.st_gid, st.st_mode, 2)) {
		describe(&st, how, sizeof(how));
		problem(r, "socket: %s (user %s) cannot write %s (%s)", label,
		    mta->name, sock, how);
	} else if ((e = try_as(mta, root[1] != '\0' ? root : NULL,
	    TRY_CONNECT, sock, msg, sizeof(msg))) != 0) {
		problem(r, "socket: %s (user %s) cannot connect to %s: %s%s",
		    label, mta->name, seen, strerror(e), e == ECONNREFUSED ?
		    " (nothing listens: is msgsec-milter running?)" : "");
	} else {
		(void)buf_printf(&r->ok, "socket: %s (user %s) connects to "
		    "%s\n", label, mta->name, seen);
	}
	free(dir);
}

static void
check_socket(const struct policy *p, const struct who *milter,
    const struct runtime_opts *o, struct report *r)
{
	const char *spec = p->config.milter_socket, *path = NULL;
	struct pf_client c[2] = {
		{ "smtpd", "smtpd_milters", false, 0 },
		{ "cleanup", "non_smtpd_milters", false, 0 },
	};
	char *mcf, *maincf, *text, *queue = NULL, *owner = NULL, *sock, *rel;
	size_t len;
	bool postfix;
	struct who mta;

	if (strncmp(spec, "unix:", 5) == 0)
		path = spec + 5;
	else if (strncmp(spec, "local:", 6) == 0)
		path = spec + 6;
	else if (spec[0] == '/')
		path = spec;
	if (path == NULL) {
		(void)buf_printf(&r->ok, "socket: %s (not a unix socket: not "
		    "checked)\n", spec);
		return;
	}
	rel = path_join(path[0] == '/' ? NULL : p->config.dir, path);
	sock = absolute(rel);
	free(rel);
	mcf = path_join(o->postfix_dir, "master.cf");
	maincf = path_join(o->postfix_dir, "main.cf");
	postfix = access(mcf, F_OK) == 0;
	if (postfix) {
		if ((text = slurp(mcf, p->config.limits.yaml_file_size,
		    &len)) == NULL) {
			problem(r, "socket: cannot read %s: %s%s", mcf,
			    strerror(errno), errno == EFBIG ?
			    " (limits.yaml_file_size)" : "");
		} else {
			parse_master(text, len, c, 2);
			free(text);
		}
		if ((text = slurp(maincf, p->config.limits.yaml_file_size,
		    &len)) != NULL) {
			queue = main_cf_value(text, len, "queue_directory");
			owner = main_cf_value(text, len, "mail_owner");
			free(text);
		}
	}
	if (queue == NULL)
		queue = mem_strdup("/var/spool/postfix");
	if (who_get(o->mta_user != NULL ? o->mta_user : owner != NULL ?
	    owner : "postfix", &mta) < 0) {
		if (o->mta_user != NULL || postfix)
			problem(r, "socket: no user %s to check it for "
			    "(--mta-user)", o->mta_user != NULL ? o->mta_user :
			    owner != NULL ? owner : "postfix");
		else
			(void)buf_printf(&r->ok, "socket: %s (no Postfix in %s: "
			    "not checked for the MTA)\n", sock,
			    o->postfix_dir);
	} else if (!postfix) {
		check_client(p, sock, "the MTA", NULL, queue, &mta, milter, o,
		    mcf, r);
	} else if (c[0].chrooted == c[1].chrooted) {
		check_client(p, sock, "smtpd and cleanup", &c[0], queue, &mta,
		    milter, o, mcf, r);
	} else {
		check_client(p, sock, "smtpd", &c[0], queue, &mta, milter, o,
		    mcf, r);
		check_client(p, sock, "cleanup", &c[1], queue, &mta, milter, o,
		    mcf, r);
	}
	who_free(&mta);
	free(queue);
	free(owner);
	free(mcf);
	free(maincf);
	free(sock);
}

/* ------------------------------------------------------------ entry */

unsigned
runtime_check(const struct policy *p, const struct runtime_opts *o,
    FILE *out)
{
	struct report r = { out, 0, { 0 } };
	struct who milter;
	bool have_milter;

	buf_init(&r.ok, 1 << 16);
	have_milter = who_get(p->config.milter_user, &milter) == 0;
	if (!have_milter) {
		struct passwd *pw = getpwuid(geteuid());

		problem(&r, "milter.user %s does not exist (make run and the "
		    "package create it; or --set milter.user=USER)",
		    p->config.milter_user);
		/* The database is still worth a look, as ourselves. */
		if (pw != NULL && who_get(pw->pw_name, &milter) == 0)
			check_database(p, &milter, &r);
	} else {
		check_database(p, &milter, &r);
		check_writable_dir("quarantine", p->config.quarantine_dir,
		    &milter, &r);
		check_alert_log(p, &milter, &r);
	}
	check_socket(p, have_milter ? &milter : NULL, o, &r);
	if (r.problems == 0)
		fprintf(out, "%s: runtime OK (milter.user %s)\n%s",
		    p->config.file, milter.name, r.ok.data != NULL ?
		    r.ok.data : "");
	buf_free(&r.ok);
	who_free(&milter);
	return r.problems;
}
