/*
 * qentry.c - reading and recording quarantine entries (see qentry.h).
 *
 * Trusts: meta.json is written by msgsec-milter, but the store is a folder
 * on disk that a person may have touched, so it is parsed as untrusted
 * JSON by the library's strict reader (jsonread.h: RFC 8259, UTF-8,
 * QENTRY_MAX_META bytes, depth QENTRY_MAX_DEPTH), strings unescaped with
 * \uXXXX (surrogate pairs) to UTF-8, numbers as signed 64-bit integers
 * (a fraction is dropped).  Anything malformed makes the entry unreadable
 * with a message and the byte where it went wrong; it is never guessed
 * at.
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

#include "id.h"
#include "jsonread.h"
#include "lockfile.h"
#include "mem.h"
#include "str.h"

/* ------------------------------------------------------------ JSON */

/*
 * meta.json as a small tree, built from the library's reader: the
 * reader checks the grammar, this keeps what the fields below look up.
 */
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

/* Depth as before the shared reader; strings and tokens: the file's size. */
static const struct jsonread_limits qj_limits = {
	QENTRY_MAX_DEPTH, QENTRY_MAX_META, QENTRY_MAX_META
};

struct qj_parser {
	struct jsonread r;
	const char *text;
	const char *err;
	size_t err_off;
};

static void qj_free(struct qj *v);
static int qj_value(struct qj_parser *ps, const struct jsonread_token *t,
    struct qj *v);

static int
qj_fail(struct qj_parser *ps, const char *why, size_t off)
{
	if (ps->err == NULL) {
		ps->err = why;
		ps->err_off = off;
	}
	return -1;
}

/* The reader stopped: its error, or text after the object. */
static int
qj_read_fail(struct qj_parser *ps)
{
	return qj_fail(ps, jsonread_strerror(jsonread_error(&ps->r)),
	    jsonread_error_offset(&ps->r));
}

static size_t
qj_off(const struct qj_parser *ps, const struct jsonread_token *t)
{
	return (size_t)(t->p - ps->text);
}

static int
qj_string(struct qj_parser *ps, const struct jsonread_token *t, char **out)
{
	char *s = mem_malloc(t->len + 1);

	/* Unescaped text is never longer than the escaped. */
	if (jsonread_unescape(t->p, t->len, s, t->len + 1) < 0) {
		free(s);
		return qj_fail(ps, "bad string", qj_off(ps, t));
	}
	*out = s;
	return 0;
}

/* A signed 64-bit integer; a fraction or an exponent is dropped. */
static int
qj_number(struct qj_parser *ps, const struct jsonread_token *t, struct qj *v)
{
	const char *p = t->p, *end = t->p + t->len;
	bool neg = false;
	uint64_t n = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (n > (uint64_t)INT64_MAX / 10)
			return qj_fail(ps, "number out of range", qj_off(ps, t));
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n > (uint64_t)INT64_MAX)
		return qj_fail(ps, "number out of range", qj_off(ps, t));
	v->t = QJ_NUM;
	v->n = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

/* The members or elements after the opening token, to the closing one. */
static int
qj_container(struct qj_parser *ps, bool obj, struct qj *v)
{
	struct jsonread_token t;

	v->t = obj ? QJ_OBJ : QJ_ARR;
	for (;;) {
		char *key = NULL;

		if (jsonread_next(&ps->r, &t) != 1)
			return qj_read_fail(ps);
		if (t.type == JSONREAD_OBJECT_END ||
		    t.type == JSONREAD_ARRAY_END) {
			v->end = qj_off(ps, &t);
			return 0;
		}
		if (obj) {
			if (qj_string(ps, &t, &key) < 0)
				return -1;
			if (jsonread_next(&ps->r, &t) != 1) {
				free(key);
				return qj_read_fail(ps);
			}
		}
		v->items = mem_reallocarray(v->items, v->nitems + 1,
		    sizeof(*v->items));
		v->keys = mem_reallocarray(v->keys, v->nitems + 1,
		    sizeof(*v->keys));
		memset(&v->items[v->nitems], 0, sizeof(v->items[0]));
		v->keys[v->nitems] = key;
		v->nitems++;
		if (qj_value(ps, &t, &v->items[v->nitems - 1]) < 0)
			return -1;
	}
}

/* The value whose first token is t. */
static int
qj_value(struct qj_parser *ps, const struct jsonread_token *t, struct qj *v)
{
	switch (t->type) {
	case JSONREAD_OBJECT:
	case JSONREAD_ARRAY:
		return qj_container(ps, t->type == JSONREAD_OBJECT, v);
	case JSONREAD_STRING:
		v->t = QJ_STR;
		return qj_string(ps, t, &v->s);
	case JSONREAD_NUMBER:
		return qj_number(ps, t, v);
	case JSONREAD_TRUE:
	case JSONREAD_FALSE:
		v->t = QJ_BOOL;
		v->n = t->type == JSONREAD_TRUE;
		return 0;
	default:
		v->t = QJ_NULL;
		return 0;
	}
}

/* The whole text: one object, nothing after it. */
static int
qj_parse(struct qj_parser *ps, const char *text, size_t len, struct qj *root)
{
	struct jsonread_token t;

	memset(ps, 0, sizeof(*ps));
	ps->text = text;
	jsonread_init(&ps->r, text, len, &qj_limits);
	if (jsonread_next(&ps->r, &t) != 1)
		return qj_read_fail(ps);
	if (t.type != JSONREAD_OBJECT)
		return qj_fail(ps, "not an object", qj_off(ps, &t));
	if (qj_value(ps, &t, root) < 0)
		return -1;
	if (jsonread_next(&ps->r, &t) == 1 ||
	    jsonread_error(&ps->r) != JSONREAD_OK)
		return qj_read_fail(ps);
	return 0;
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
	return id_is_valid(id);
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
	if (qj_parse(&ps, e->meta, e->meta_len, &root) < 0) {
		*error_r = mem_printf("not a JSON object (%s at byte %zu)",
		    ps.err, ps.err_off);
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
			o->case_ref = qj_str(ev, "case");
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
	free(e->gateway);
	free_strs(e->rcpts, e->nrcpts);
	free_strs(e->held_for, e->nheld_for);
	free_strs(e->rules, e->nrules);
	for (size_t i = 0; i < e->nhistory; i++) {
		free(e->history[i].by);
		free(e->history[i].action);
		free(e->history[i].reason);
		free(e->history[i].case_ref);
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

const char *
qentry_hold(const struct qentry *e, const char *case_ref)
{
	for (size_t i = e->nhistory; i-- > 0;) {
		const struct qentry_event *h = &e->history[i];
		bool released = false;

		if (h->action == NULL || h->case_ref == NULL ||
		    strcmp(h->action, "hold") != 0 ||
		    (case_ref != NULL && strcmp(h->case_ref, case_ref) != 0))
			continue;
		for (size_t k = i + 1; k < e->nhistory && !released; k++)
			released = e->history[k].action != NULL &&
			    e->history[k].case_ref != NULL &&
			    strcmp(e->history[k].action, "hold-released") == 0 &&
			    strcmp(e->history[k].case_ref, h->case_ref) == 0;
		if (!released)
			return h->case_ref;
	}
	return NULL;
}

int
qentry_meta_with_event(const struct qentry *e, const char *event,
    struct buf *out, char **error_r)
{
	bool empty;

	if (e->history_end == SIZE_MAX) {
		*error_r = mem_printf("the metadata of %s has no history array",
		    e->id);
		return -1;
	}
	/* Is the array empty?  Look back from ']' past white space. */
	{
		size_t i = e->history_end;

		while (i > 0 && strchr(" \t\r\n", e->meta[i - 1]) != NULL)
			i--;
		empty = i > 0 && e->meta[i - 1] == '[';
	}
	buf_init(out, QENTRY_MAX_META * 2);
	(void)buf_append(out, e->meta, e->history_end);
	(void)buf_printf(out, "%s%s", empty ? "" : ",", event);
	if (buf_append(out, e->meta + e->history_end, e->meta_len -
	    e->history_end) < 0) {
		*error_r = mem_printf("the metadata of %s would grow too large",
		    e->id);
		buf_free(out);
		return -1;
	}
	return 0;
}

int
qentry_add_history(const char *qdir, const struct qentry *e,
    const char *event, char **error_r)
{
	struct buf b;
	char *dir, *err = NULL;
	int rc;

	if (qentry_meta_with_event(e, event, &b, &err) < 0) {
		*error_r = mem_printf("%s/%s/meta.json: %s", qdir, e->id, err);
		free(err);
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
