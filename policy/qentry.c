/*
 * qentry.c - reading and recording quarantine entries (see qentry.h).
 *
 * Trusts: meta.json is written by msgsec-milter, but the store is a folder
 * on disk that a person may have touched, so it is parsed as untrusted
 * JSON: a bounded recursive-descent reader (QENTRY_MAX_META bytes, depth
 * 16), strings unescaped with \uXXXX (surrogate pairs) to UTF-8, numbers
 * as signed 64-bit integers.  Anything malformed makes the entry
 * unreadable with a message; it is never guessed at.
 */
#include "qentry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"
#include "str.h"

/* ------------------------------------------------------------ JSON */

enum qj_type { QJ_NULL, QJ_BOOL, QJ_NUM, QJ_STR, QJ_ARR, QJ_OBJ };

struct qj {
	enum qj_type t;
	char *s;		/* QJ_STR */
	int64_t n;		/* QJ_NUM, QJ_BOOL */
	struct qj *items;	/* QJ_ARR, QJ_OBJ values */
	char **keys;		/* QJ_OBJ */
	size_t nitems;
	size_t end;		/* offset of the closing bracket */
};

struct qj_parser {
	const char *p;
	size_t len, off;
	unsigned depth;
	const char *err;
};

static void qj_free(struct qj *v);
static int qj_value(struct qj_parser *ps, struct qj *v);

static void
qj_ws(struct qj_parser *ps)
{
	while (ps->off < ps->len && (ps->p[ps->off] == ' ' ||
	    ps->p[ps->off] == '\t' || ps->p[ps->off] == '\n' ||
	    ps->p[ps->off] == '\r'))
		ps->off++;
}

static int
qj_fail(struct qj_parser *ps, const char *why)
{
	if (ps->err == NULL)
		ps->err = why;
	return -1;
}

static int
qj_hex4(struct qj_parser *ps, unsigned *cp)
{
	*cp = 0;
	if (ps->len - ps->off < 4)
		return qj_fail(ps, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = ps->p[ps->off++];

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*cp |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*cp |= (unsigned)(c - 'A' + 10);
		else
			return qj_fail(ps, "bad \\u escape");
	}
	return 0;
}

static void
qj_utf8(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	(void)buf_append(b, u, n);
}

static int
qj_string(struct qj_parser *ps, char **out)
{
	struct buf b;

	buf_init(&b, QENTRY_MAX_META);
	ps->off++;	/* the opening quote */
	while (ps->off < ps->len) {
		char c = ps->p[ps->off++];
		unsigned cp, lo;

		if (c == '"') {
			*out = b.data != NULL ? b.data : mem_strdup("");
			return 0;
		}
		if ((unsigned char)c < 0x20)
			break;
		if (c != '\\') {
			(void)buf_append(&b, &c, 1);
			continue;
		}
		if (ps->off >= ps->len)
			break;
		c = ps->p[ps->off++];
		switch (c) {
		case '"': case '\\': case '/':
			(void)buf_append(&b, &c, 1);
			break;
		case 'b': (void)buf_append(&b, "\b", 1); break;
		case 'f': (void)buf_append(&b, "\f", 1); break;
		case 'n': (void)buf_append(&b, "\n", 1); break;
		case 'r': (void)buf_append(&b, "\r", 1); break;
		case 't': (void)buf_append(&b, "\t", 1); break;
		case 'u':
			if (qj_hex4(ps, &cp) < 0)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (ps->len - ps->off < 6 ||
				    ps->p[ps->off] != '\\' ||
				    ps->p[ps->off + 1] != 'u')
					goto bad;
				ps->off += 2;
				if (qj_hex4(ps, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				goto bad;
			}
			qj_utf8(&b, cp);
			break;
		default:
			goto bad;
		}
	}
bad:
	buf_free(&b);
	return qj_fail(ps, "bad string");
}

static int
qj_number(struct qj_parser *ps, struct qj *v)
{
	bool neg = false;
	uint64_t n = 0;

	if (ps->p[ps->off] == '-') {
		neg = true;
		ps->off++;
	}
	if (ps->off >= ps->len || ps->p[ps->off] < '0' ||
	    ps->p[ps->off] > '9')
		return qj_fail(ps, "bad number");
	while (ps->off < ps->len && ps->p[ps->off] >= '0' &&
	    ps->p[ps->off] <= '9') {
		if (n > (uint64_t)INT64_MAX / 10)
			return qj_fail(ps, "number out of range");
		n = n * 10 + (uint64_t)(ps->p[ps->off++] - '0');
	}
	/* Fractions and exponents are skipped (none are written). */
	while (ps->off < ps->len && strchr(".eE+-0123456789",
	    ps->p[ps->off]) != NULL && ps->p[ps->off] != '\0')
		ps->off++;
	if (n > (uint64_t)INT64_MAX)
		return qj_fail(ps, "number out of range");
	v->t = QJ_NUM;
	v->n = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

static int
qj_container(struct qj_parser *ps, struct qj *v, bool obj)
{
	char close = obj ? '}' : ']';

	if (++ps->depth > 16)
		return qj_fail(ps, "nested too deeply");
	v->t = obj ? QJ_OBJ : QJ_ARR;
	ps->off++;
	qj_ws(ps);
	if (ps->off < ps->len && ps->p[ps->off] == close) {
		v->end = ps->off++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		qj_ws(ps);
		if (obj) {
			if (ps->off >= ps->len || ps->p[ps->off] != '"' ||
			    qj_string(ps, &key) < 0)
				return qj_fail(ps, "expected a key");
			qj_ws(ps);
			if (ps->off >= ps->len || ps->p[ps->off] != ':') {
				free(key);
				return qj_fail(ps, "expected ':'");
			}
			ps->off++;
		}
		v->items = mem_reallocarray(v->items, v->nitems + 1,
		    sizeof(*v->items));
		v->keys = mem_reallocarray(v->keys, v->nitems + 1,
		    sizeof(*v->keys));
		memset(&v->items[v->nitems], 0, sizeof(v->items[0]));
		v->keys[v->nitems] = key;
		v->nitems++;
		if (qj_value(ps, &v->items[v->nitems - 1]) < 0)
			return -1;
		qj_ws(ps);
		if (ps->off >= ps->len)
			return qj_fail(ps, "unterminated");
		if (ps->p[ps->off] == ',') {
			ps->off++;
			continue;
		}
		if (ps->p[ps->off] != close)
			return qj_fail(ps, "expected ',' or a closing bracket");
		v->end = ps->off++;
		ps->depth--;
		return 0;
	}
}

static int
qj_value(struct qj_parser *ps, struct qj *v)
{
	qj_ws(ps);
	if (ps->off >= ps->len)
		return qj_fail(ps, "unexpected end");
	switch (ps->p[ps->off]) {
	case '{':
		return qj_container(ps, v, true);
	case '[':
		return qj_container(ps, v, false);
	case '"':
		v->t = QJ_STR;
		return qj_string(ps, &v->s);
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };

		for (size_t i = 0; i < 3; i++) {
			size_t l = strlen(words[i]);

			if (ps->len - ps->off >= l &&
			    memcmp(ps->p + ps->off, words[i], l) == 0) {
				ps->off += l;
				v->t = i == 2 ? QJ_NULL : QJ_BOOL;
				v->n = i == 0;
				return 0;
			}
		}
		return qj_fail(ps, "bad literal");
	}
	default:
		return qj_number(ps, v);
	}
}

static void
qj_free(struct qj *v)
{
	for (size_t i = 0; i < v->nitems; i++) {
		qj_free(&v->items[i]);
		free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

static const struct qj *
qj_get(const struct qj *o, const char *key)
{
	if (o->t != QJ_OBJ)
		return NULL;
	for (size_t i = 0; i < o->nitems; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->items[i];
	return NULL;
}

static char *
qj_str(const struct qj *o, const char *key)
{
	const struct qj *v = qj_get(o, key);

	return v != NULL && v->t == QJ_STR ? mem_strdup(v->s) : NULL;
}

static char **
qj_strs(const struct qj *o, const char *key, size_t *n)
{
	const struct qj *v = qj_get(o, key);
	char **out;

	*n = 0;
	if (v == NULL || v->t != QJ_ARR)
		return NULL;
	out = mem_calloc(v->nitems + 1, sizeof(*out));
	for (size_t i = 0; i < v->nitems; i++)
		if (v->items[i].t == QJ_STR)
			out[(*n)++] = mem_strdup(v->items[i].s);
	return out;
}

/* ------------------------------------------------------------ entries */

bool
qentry_id_is_valid(const char *id)
{
	if (id == NULL || id[0] == '\0' || id[0] == '.' ||
	    strlen(id) > 200)
		return false;
	for (const char *p = id; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return false;
	return true;
}

static int64_t
qj_part(const struct qj *o)
{
	const struct qj *v = qj_get(o, "part");

	return v != NULL && v->t == QJ_NUM && v->n >= 0 ? v->n : -1;
}

/* "hits" and "files": what the office reviews the entry by. */
static void
parse_review(struct qentry *e, const struct qj *root)
{
	const struct qj *h = qj_get(root, "hits"), *f = qj_get(root, "files");

	if (h != NULL && h->t == QJ_ARR) {
		e->hits = mem_calloc(h->nitems + 1, sizeof(*e->hits));
		for (size_t i = 0; i < h->nitems; i++) {
			const struct qj *o = &h->items[i];
			struct qentry_hit *x = &e->hits[e->nhits];

			if (o->t != QJ_OBJ || (x->rule = qj_str(o, "rule")) ==
			    NULL)
				continue;
			x->action = qj_str(o, "action");
			x->filename = qj_str(o, "filename");
			x->detail = qj_str(o, "detail");
			x->part = qj_part(o);
			e->nhits++;
		}
	}
	if (f != NULL && f->t == QJ_ARR) {
		e->files = mem_calloc(f->nitems + 1, sizeof(*e->files));
		for (size_t i = 0; i < f->nitems; i++) {
			const struct qj *o = &f->items[i];
			struct qentry_file *x = &e->files[e->nfiles];

			if (o->t != QJ_OBJ || (x->name = qj_str(o, "name")) ==
			    NULL)
				continue;
			x->type = qj_str(o, "type");
			x->reading = qj_str(o, "reading");
			x->part = qj_part(o);
			e->nfiles++;
		}
	}
}

int
qentry_parse(struct qentry *e, const char *meta, size_t len, char **error_r)
{
	struct qj_parser ps;
	struct qj root;
	const struct qj *h;

	memset(e, 0, sizeof(*e));
	memset(&root, 0, sizeof(root));
	if (len > QENTRY_MAX_META) {
		*error_r = mem_printf("over %u bytes", QENTRY_MAX_META);
		return -1;
	}
	e->meta = mem_malloc(len + 1);
	memcpy(e->meta, meta, len);
	e->meta[len] = '\0';
	e->meta_len = len;
	memset(&ps, 0, sizeof(ps));
	ps.p = e->meta;
	ps.len = e->meta_len;
	if (qj_value(&ps, &root) < 0 || root.t != QJ_OBJ) {
		*error_r = mem_printf("not a JSON object (%s at byte %zu)",
		    ps.err != NULL ? ps.err : "not an object", ps.off);
		qj_free(&root);
		qentry_free(e);
		return -1;
	}
	e->queue_id = qj_str(&root, "queue_id");
	e->mail_from = qj_str(&root, "mail_from");
	e->client_ip = qj_str(&root, "client_ip");
	e->direction = qj_str(&root, "direction");
	e->agency = qj_str(&root, "agency");
	e->action = qj_str(&root, "action");
	e->rcpts = qj_strs(&root, "rcpt_to", &e->nrcpts);
	e->held_for = qj_strs(&root, "held_for", &e->nheld_for);
	e->rules = qj_strs(&root, "rules", &e->nrules);
	if ((h = qj_get(&root, "received")) != NULL && h->t == QJ_NUM)
		e->received = h->n;
	e->subject = qj_str(&root, "subject");
	e->reply = qj_str(&root, "reply");
	e->decided_by = qj_str(&root, "decided_by");
	parse_review(e, &root);
	e->history_end = SIZE_MAX;
	if ((h = qj_get(&root, "history")) != NULL && h->t == QJ_ARR) {
		e->history_end = h->end;
		e->history = mem_calloc(h->nitems + 1, sizeof(*e->history));
		for (size_t i = 0; i < h->nitems; i++) {
			const struct qj *ev = &h->items[i], *on;
			struct qentry_event *o = &e->history[e->nhistory];

			if (ev->t != QJ_OBJ)
				continue;
			on = qj_get(ev, "on");
			o->on = on != NULL && on->t == QJ_NUM ? on->n : 0;
			o->by = qj_str(ev, "by");
			o->action = qj_str(ev, "action");
			o->reason = qj_str(ev, "reason");
			e->nhistory++;
		}
	}
	qj_free(&root);
	return 0;
}

int
qentry_load(const char *qdir, const char *id, struct qentry *e,
    char **error_r)
{
	struct stat st;
	char *path, *msg, *text, *err = NULL;
	size_t len = 0;

	memset(e, 0, sizeof(*e));
	if (!qentry_id_is_valid(id)) {
		*error_r = mem_printf("bad quarantine id '%s'", id);
		return -1;
	}
	path = mem_printf("%s/%s/meta.json", qdir, id);
	text = lockfile_read(path, QENTRY_MAX_META, &len, &err);
	if (text == NULL) {
		char *dir = mem_printf("%s/%s", qdir, id);

		if (access(dir, F_OK) != 0)
			*error_r = mem_printf("no quarantine entry %s", id);
		else
			*error_r = err, err = NULL;
		free(dir);
		free(err);
		free(path);
		return -1;
	}
	if (qentry_parse(e, text, len, &err) < 0) {
		*error_r = mem_printf("%s: %s", path, err);
		free(err);
		free(text);
		free(path);
		return -1;
	}
	free(text);
	free(path);
	e->id = mem_strdup(id);
	msg = mem_printf("%s/%s/message.eml", qdir, id);
	if (stat(msg, &st) == 0)
		e->size = (uint64_t)st.st_size;
	free(msg);
	return 0;
}

static void
free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
qentry_free(struct qentry *e)
{
	free(e->id);
	free(e->queue_id);
	free(e->mail_from);
	free(e->client_ip);
	free(e->direction);
	free(e->agency);
	free(e->action);
	free_strs(e->rcpts, e->nrcpts);
	free_strs(e->held_for, e->nheld_for);
	free_strs(e->rules, e->nrules);
	for (size_t i = 0; i < e->nhistory; i++) {
		free(e->history[i].by);
		free(e->history[i].action);
		free(e->history[i].reason);
	}
	free(e->history);
	for (size_t i = 0; i < e->nhits; i++) {
		free(e->hits[i].rule);
		free(e->hits[i].action);
		free(e->hits[i].filename);
		free(e->hits[i].detail);
	}
	free(e->hits);
	for (size_t i = 0; i < e->nfiles; i++) {
		free(e->files[i].name);
		free(e->files[i].type);
		free(e->files[i].reading);
	}
	free(e->files);
	free(e->subject);
	free(e->reply);
	free(e->decided_by);
	free(e->meta);
	memset(e, 0, sizeof(*e));
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
qentry_list(const char *qdir, char ***ids_r, size_t *n_r, char **error_r)
{
	DIR *dh = opendir(qdir);
	struct dirent *de;
	size_t cap = 0;

	*ids_r = NULL;
	*n_r = 0;
	if (dh == NULL) {
		if (errno == ENOENT)
			return 0;	/* nothing stored yet */
		*error_r = mem_printf("cannot read %s: %s", qdir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		struct stat st;
		char *p;

		if (!qentry_id_is_valid(de->d_name))
			continue;
		p = mem_printf("%s/%s", qdir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (*n_r == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				*ids_r = mem_reallocarray(*ids_r, cap,
				    sizeof(**ids_r));
			}
			(*ids_r)[(*n_r)++] = mem_strdup(de->d_name);
		}
		free(p);
	}
	closedir(dh);
	if (*n_r > 1)
		qsort(*ids_r, *n_r, sizeof(**ids_r), str_cmp);
	return 0;
}

void
qentry_list_free(char **ids, size_t n)
{
	free_strs(ids, n);
}

int
qentry_add_history(const char *qdir, const struct qentry *e,
    const char *event, char **error_r)
{
	struct buf b;
	char *dir;
	bool empty;
	int rc;

	if (e->history_end == SIZE_MAX) {
		*error_r = mem_printf("%s/%s/meta.json has no history array",
		    qdir, e->id);
		return -1;
	}
	/* Is the array empty?  Look back from ']' past white space. */
	{
		size_t i = e->history_end;

		while (i > 0 && strchr(" \t\r\n", e->meta[i - 1]) != NULL)
			i--;
		empty = i > 0 && e->meta[i - 1] == '[';
	}
	buf_init(&b, QENTRY_MAX_META * 2);
	(void)buf_append(&b, e->meta, e->history_end);
	(void)buf_printf(&b, "%s%s", empty ? "" : ",", event);
	if (buf_append(&b, e->meta + e->history_end, e->meta_len -
	    e->history_end) < 0) {
		*error_r = mem_printf("%s/%s/meta.json would grow too large",
		    qdir, e->id);
		buf_free(&b);
		return -1;
	}
	dir = mem_printf("%s/%s", qdir, e->id);
	rc = lockfile_replace(dir, "meta.json", b.data, b.len, 0600, false,
	    error_r);
	free(dir);
	buf_free(&b);
	return rc;
}

int
qentry_audit(const char *qdir, const char *line, char **error_r)
{
	char *path = mem_printf("%s/%s", qdir, QENTRY_AUDIT);
	char *l = mem_printf("%s\n", line);
	int rc = lockfile_append(path, l, strlen(l), 0600, error_r);

	free(l);
	free(path);
	return rc;
}

int
qentry_remove(const char *qdir, const char *id, char **error_r)
{
	char *from = mem_printf("%s/%s", qdir, id);
	char *to = mem_printf("%s/.removing-%s", qdir, id);
	DIR *dh;
	struct dirent *de;
	int rc = -1, fd;

	if (rename(from, to) < 0) {
		*error_r = mem_printf("cannot remove %s: %s", from,
		    strerror(errno));
		goto out;
	}
	dh = opendir(to);
	while (dh != NULL && (de = readdir(dh)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = mem_printf("%s/%s", to, de->d_name);
		(void)unlink(p);
		free(p);
	}
	if (dh != NULL)
		closedir(dh);
	if (rmdir(to) < 0) {
		*error_r = mem_printf("cannot remove %s: %s", to,
		    strerror(errno));
		goto out;
	}
	fd = open(qdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	rc = 0;
out:
	free(from);
	free(to);
	return rc;
}
