/*
 * excfile.c - changing exception records in place (see excfile.h).
 *
 * Trusts: nothing in the file; it is loaded with the loader's checks
 * before any edit, and the edited text is loaded again before anyone
 * writes it.  Positions come from the located tree (node.c): libyaml's
 * line and column, where a column counts characters, so offsets are found
 * by walking UTF-8 sequences on the line.  Every position is verified
 * against the bytes found there before it is used; a mismatch refuses the
 * edit rather than guess.
 *
 * Limits: the file is bounded by the caller's max_size (limits.
 * yaml_file_size); an edit adds at most the items given.
 */
#include "excfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockfile.h"
#include "mem.h"

/* ------------------------------------------------------------ scalars */

bool
excfile_text_is_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
			    p[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		n = utf8_seq_len(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static bool
scalar_is_plain(const char *s)
{
	size_t len = strlen(s);
	char c0 = s[0];

	if (len == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0)
		return false;
	if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') ||
	    (c0 >= '0' && c0 <= '9')))
		return false;
	if (s[len - 1] == ' ' || s[len - 1] == ':')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '@' || c == '/' || c == '+' || c == '-')
			continue;
		if (c == ' ' && s[i + 1] != ' ')
			continue;
		if (c == ':' && s[i + 1] != ' ')
			continue;
		return false;
	}
	return true;
}

int
excfile_scalar(struct buf *b, const char *s)
{
	int rc = 0;

	if (!excfile_text_is_valid(s))
		return -1;
	if (scalar_is_plain(s))
		return buf_append_cstr(b, s);
	rc |= buf_append(b, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			rc |= buf_append(b, "\\", 1);
			rc |= buf_append(b, p, 1);
		} else if (c == '\n') {
			rc |= buf_append(b, "\\n", 2);
		} else if (c == '\t') {
			rc |= buf_append(b, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f) {
			rc |= buf_printf(b, "\\x%02x", c);
		} else {
			rc |= buf_append(b, p, 1);
		}
	}
	rc |= buf_append(b, "\"", 1);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ loading */

struct exception *
excfile_check(const char *name, const char *text, size_t len,
    const struct exception_settings *set, const struct agency *agencies,
    size_t nagencies, struct node_doc **doc_r, struct diags *d)
{
	struct node_limits nl;
	struct exception *e;

	node_limits_default(&nl);
	*doc_r = node_load_buffer(name, text, len, &nl, d);
	if (*doc_r == NULL)
		return NULL;
	e = exception_load((*doc_r)->root, (*doc_r)->file, set, agencies,
	    nagencies, d);
	if (e == NULL)
		node_doc_free(doc_r);
	return e;
}

int
excfile_load(struct excfile *f, const char *path, size_t max_size,
    const struct exception_settings *set, const struct agency *agencies,
    size_t nagencies, struct diags *d)
{
	char *err = NULL;

	memset(f, 0, sizeof(*f));
	f->path = mem_strdup(path);
	f->text = lockfile_read(path, max_size, &f->len, &err);
	if (f->text == NULL) {
		diag_error(d, path, 0, 0, "%s", err);
		free(err);
		excfile_free(f);
		return -1;
	}
	f->e = excfile_check(path, f->text, f->len, set, agencies, nagencies,
	    &f->doc, d);
	if (f->e == NULL) {
		excfile_free(f);
		return -1;
	}
	f->map = node_get(f->doc->root, "exception");
	return 0;
}

void
excfile_free(struct excfile *f)
{
	exception_free(&f->e);
	node_doc_free(&f->doc);
	free(f->text);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

/* ------------------------------------------------------------ editing */

struct edit {
	size_t off, del;
	char *ins;
	unsigned seq;
};

struct edits {
	struct edit v[8];
	size_t n;
};

static void
edit_add(struct edits *e, size_t off, size_t del, char *ins)
{
	if (e->n == sizeof(e->v) / sizeof(e->v[0])) {
		free(ins);
		return;
	}
	e->v[e->n].off = off;
	e->v[e->n].del = del;
	e->v[e->n].ins = ins;
	e->v[e->n].seq = (unsigned)e->n;
	e->n++;
}

static int
edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Byte offset of the start of 1-based line, or len. */
static size_t
line_start(const struct excfile *f, unsigned line)
{
	size_t off = 0;

	for (unsigned l = 1; l < line && off < f->len; off++)
		if (f->text[off] == '\n')
			l++;
	return off;
}

/* Offset just after the line holding off ends (after its '\n'), or len. */
static size_t
line_after(const struct excfile *f, size_t off)
{
	const char *nl = memchr(f->text + off, '\n', f->len - off);

	return nl == NULL ? f->len : (size_t)(nl - f->text) + 1;
}

/* Byte offset of a node's (line, col), counting characters. */
static size_t
node_offset(const struct excfile *f, const struct node *n)
{
	size_t off = line_start(f, n->line);
	const unsigned char *t = (const unsigned char *)f->text;

	for (unsigned c = 1; c < n->col && off < f->len &&
	    t[off] != '\n'; c++) {
		size_t k = t[off] < 0x80 ? 1 : utf8_seq_len(t + off,
		    f->len - off);

		off += k == 0 ? 1 : k;
	}
	return off;
}

static bool
line_is_blank_or_comment(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i == len || p[i] == '\n' || p[i] == '#';
}

static const struct node_pair *
pair_of(const struct node *map, const char *key)
{
	for (size_t i = 0; i < map->npairs; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return &map->pairs[i];
	return NULL;
}

/* The line of the first key after line, or 0. */
static unsigned
next_key_line(const struct node *map, unsigned line)
{
	unsigned best = 0;

	for (size_t i = 0; i < map->npairs; i++) {
		unsigned l = map->pairs[i].key->line;

		if (l > line && (best == 0 || l < best))
			best = l;
	}
	return best;
}

static char *
spaces(unsigned n)
{
	char *s = mem_malloc(n + 1);

	memset(s, ' ', n);
	s[n] = '\0';
	return s;
}

/* Append one item to the list under key. */
static int
append_item(const struct excfile *f, struct edits *ed, const char *key,
    const char *item, char **error_r)
{
	const struct node *map = f->map;
	const struct node_pair *p = pair_of(map, key);
	unsigned kcol = map->pairs[0].key->col;
	const char *lead = "";	/* excfile_apply ends a last line first */
	char *ind, *ind2;

	ind = spaces(kcol - 1);
	ind2 = spaces(kcol + 1);
	if (p == NULL) {
		const struct node_pair *h = strcmp(key, "reviews") == 0 ?
		    pair_of(map, "history") : NULL;

		if (h != NULL)
			edit_add(ed, line_start(f, h->key->line), 0,
			    mem_printf("%s%s:\n%s- %s\n", ind, key, ind2,
			    item));
		else
			edit_add(ed, f->len, 0, mem_printf("%s%s%s:\n%s- %s\n",
			    lead, ind, key, ind2, item));
	} else if (node_is_null(p->value)) {
		size_t koff = node_offset(f, p->key), eol, a;

		if (p->key->quote != 0 || koff + p->key->len > f->len ||
		    memcmp(f->text + koff, key, p->key->len) != 0)
			goto layout;
		a = koff + p->key->len;
		while (a < f->len && (f->text[a] == ' ' || f->text[a] == '\t'))
			a++;
		if (a >= f->len || f->text[a] != ':')
			goto layout;
		a++;
		eol = line_after(f, a);
		{
			size_t end = a;

			while (end < eol && f->text[end] != '#' &&
			    f->text[end] != '\n' && f->text[end] != '\r')
				end++;
			/* Only "~", "null" or nothing may stand there. */
			{
				struct span v = span_trim((struct span){
				    f->text + a, end - a });

				if (!(v.len == 0 || span_eq(v, "~") ||
				    span_eq(v, "null") || span_eq(v, "Null") ||
				    span_eq(v, "NULL")))
					goto layout;
			}
			edit_add(ed, a, end - a, mem_strdup(""));
		}
		edit_add(ed, eol, 0, mem_printf("%s%s- %s\n", eol == f->len ?
		    lead : "", ind2, item));
	} else if (p->value->type == NODE_SEQ) {
		size_t voff = node_offset(f, p->value), end, pos;
		unsigned next = next_key_line(map, p->key->line);

		if (voff >= f->len || f->text[voff] != '-') {
			*error_r = mem_printf("%s: '%s' is written as a flow "
			    "list [...]; write it as a block list (one '- ' "
			    "item per line) so entries can be appended",
			    f->path, key);
			free(ind);
			free(ind2);
			return -1;
		}
		free(ind2);
		ind2 = spaces(p->value->col - 1);
		end = next == 0 ? f->len : line_start(f, next);
		pos = end;
		while (pos > voff) {
			size_t s = pos - 1;

			while (s > 0 && f->text[s - 1] != '\n')
				s--;
			if (s <= voff || !line_is_blank_or_comment(f->text + s,
			    pos - s))
				break;
			pos = s;
		}
		edit_add(ed, pos, 0, mem_printf("%s%s- %s\n", pos == f->len ?
		    lead : "", ind2, item));
	} else {
		*error_r = mem_printf("%s: '%s' is not a list", f->path, key);
		free(ind);
		free(ind2);
		return -1;
	}
	free(ind);
	free(ind2);
	return 0;
layout:
	*error_r = mem_printf("%s: cannot find where '%s' is written; edit "
	    "the record by hand", f->path, key);
	free(ind);
	free(ind2);
	return -1;
}

static int
set_status(const struct excfile *f, struct edits *ed, const char *status,
    char **error_r)
{
	const struct node *v = node_get(f->map, "status");
	size_t off, len;

	if (v == NULL || v->type != NODE_SCALAR)
		goto layout;
	off = node_offset(f, v);
	len = v->len + (v->quote == '"' || v->quote == '\'' ? 2 : 0);
	if (v->quote != 0 && v->quote != '"' && v->quote != '\'')
		goto layout;
	if (off + len > f->len || memcmp(f->text + off + (v->quote != 0),
	    v->str, v->len) != 0 || (v->quote != 0 && (f->text[off] !=
	    v->quote || f->text[off + len - 1] != v->quote)))
		goto layout;
	edit_add(ed, off, len, mem_strdup(status));
	return 0;
layout:
	*error_r = mem_printf("%s: cannot find where 'status' is written; "
	    "edit the record by hand", f->path);
	return -1;
}

int
excfile_apply(const struct excfile *f, const struct excfile_change *c,
    struct buf *out, char **error_r)
{
	struct edits ed;
	size_t at = 0;
	bool lead_done = false;
	int rc = -1;

	memset(&ed, 0, sizeof(ed));
	if (f->map == NULL || f->map->type != NODE_MAP ||
	    f->map->npairs == 0 || (node_offset(f, f->map) < f->len &&
	    f->text[node_offset(f, f->map)] == '{')) {
		*error_r = mem_printf("%s: the record is written as a flow "
		    "mapping {...}; write it as a block mapping to change it "
		    "with msgsec", f->path);
		return -1;
	}
	if (c->status != NULL && set_status(f, &ed, c->status, error_r) < 0)
		goto out;
	if (c->review != NULL && append_item(f, &ed, "reviews", c->review,
	    error_r) < 0)
		goto out;
	if (c->history != NULL && append_item(f, &ed, "history", c->history,
	    error_r) < 0)
		goto out;
	qsort(ed.v, ed.n, sizeof(ed.v[0]), edit_cmp);
	for (size_t i = 0; i < ed.n; i++) {
		if (ed.v[i].off < at) {
			*error_r = mem_printf("%s: overlapping edits; edit the "
			    "record by hand", f->path);
			goto out;
		}
		if (buf_append(out, f->text + at, ed.v[i].off - at) < 0)
			goto full;
		/* Text added after a last line that has no newline. */
		if (!lead_done && ed.v[i].off == f->len && f->len > 0 &&
		    f->text[f->len - 1] != '\n' && *ed.v[i].ins != '\0') {
			lead_done = true;
			if (buf_append(out, "\n", 1) < 0)
				goto full;
		}
		if (buf_append_cstr(out, ed.v[i].ins) < 0)
			goto full;
		at = ed.v[i].off + ed.v[i].del;
	}
	if (buf_append(out, f->text + at, f->len - at) < 0)
		goto full;
	rc = 0;
	goto out;
full:
	*error_r = mem_printf("%s: the record would grow past its size limit",
	    f->path);
out:
	for (size_t i = 0; i < ed.n; i++)
		free(ed.v[i].ins);
	return rc;
}
