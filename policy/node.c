/*
 * node.c - YAML through libyaml into located trees.
 *
 * Trusts: nothing in the file.  Limits: file size, nesting depth, node
 * count and scalar length (struct node_limits); aliases are refused because
 * a few bytes of aliases can expand into a tree of any size ("billion
 * laughs"); duplicate mapping keys are refused because YAML says the later
 * one silently wins, which hides mistakes in rule files.  Tags are ignored
 * except that a tagged scalar counts as quoted.
 *
 * libyaml reports 0-based line and column marks; we store 1-based.
 */
#include "node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "mem.h"
#include "sha256.h"
#include "str.h"
#include "suggest.h"

void
node_limits_default(struct node_limits *l)
{
	l->max_file_size = NODE_DEFAULT_MAX_FILE_SIZE;
	l->max_depth = NODE_DEFAULT_MAX_DEPTH;
	l->max_nodes = NODE_DEFAULT_MAX_NODES;
	l->max_scalar = NODE_DEFAULT_MAX_SCALAR;
}

const char *
node_type_name(enum node_type t)
{
	switch (t) {
	case NODE_SCALAR:
		return "scalar";
	case NODE_MAP:
		return "mapping";
	case NODE_SEQ:
		return "list";
	}
	return "?";
}

static struct node *
node_alloc(struct node_doc *doc, enum node_type t, unsigned line, unsigned col)
{
	struct node *n = mem_calloc(1, sizeof(*n));

	n->type = t;
	n->file = doc->file;
	n->line = line;
	n->col = col;
	doc->nodes++;
	return n;
}

static void
node_free_tree(struct node *n)
{
	if (n == NULL)
		return;
	free(n->str);
	for (size_t i = 0; i < n->npairs; i++) {
		node_free_tree(n->pairs[i].key);
		node_free_tree(n->pairs[i].value);
	}
	free(n->pairs);
	for (size_t i = 0; i < n->nitems; i++)
		node_free_tree(n->items[i]);
	free(n->items);
	free(n);
}

/*
 * Freeing recursion depth is bounded by max_depth at build time; nodes
 * made by node_new_* are only ever a few levels deep.
 */
void
node_doc_free(struct node_doc **docp)
{
	struct node_doc *doc = *docp;

	if (doc == NULL)
		return;
	node_free_tree(doc->root);
	free(doc->file);
	for (size_t i = 0; i < doc->nadopted; i++)
		free(doc->adopted[i]);
	free(doc->adopted);
	free(doc);
	*docp = NULL;
}

struct node_doc *
node_doc_new(const char *name)
{
	struct node_doc *doc = mem_calloc(1, sizeof(*doc));

	doc->file = mem_strdup(name);
	return doc;
}

struct node *
node_new_scalar(struct node_doc *doc, const char *s, size_t len, bool plain)
{
	struct node *n = node_alloc(doc, NODE_SCALAR, 0, 0);

	n->str = mem_strndup(s, len);
	n->len = len;
	n->plain = plain;
	return n;
}

struct node *
node_new_map(struct node_doc *doc)
{
	return node_alloc(doc, NODE_MAP, 0, 0);
}

struct node *
node_adopt(struct node_doc *doc, struct node_doc *other)
{
	struct node *root = other->root;

	doc->adopted = mem_reallocarray(doc->adopted, doc->nadopted + 1 +
	    other->nadopted, sizeof(*doc->adopted));
	doc->adopted[doc->nadopted++] = other->file;
	for (size_t i = 0; i < other->nadopted; i++)
		doc->adopted[doc->nadopted++] = other->adopted[i];
	doc->nodes += other->nodes;
	free(other->adopted);
	free(other);
	return root;
}

static void
map_append(struct node *map, struct node *key, struct node *value)
{
	map->pairs = mem_reallocarray(map->pairs, map->npairs + 1,
	    sizeof(*map->pairs));
	map->pairs[map->npairs].key = key;
	map->pairs[map->npairs].value = value;
	map->npairs++;
}

void
node_map_set(struct node_doc *doc, struct node *map, const char *key,
    struct node *value)
{
	for (size_t i = 0; i < map->npairs; i++) {
		if (strcmp(map->pairs[i].key->str, key) == 0) {
			node_free_tree(map->pairs[i].value);
			map->pairs[i].value = value;
			return;
		}
	}
	map_append(map, node_new_scalar(doc, key, strlen(key), true), value);
}

/* ------------------------------------------------------------ building */

struct builder {
	struct node_doc *doc;
	const struct node_limits *l;
	struct diags *d;
	struct node **stack;	/* open collections */
	size_t depth;
	bool failed;
};

/*
 * For maps we need to know whether the next node is a key or a value.  A
 * map holds its pairs; a pair whose value is NULL is waiting for a value.
 */
static bool
map_wants_value(const struct node *map)
{
	return map->npairs > 0 && map->pairs[map->npairs - 1].value == NULL;
}

/* A limit hit: name the bound and the setting that raises it. */
static void
builder_error(struct builder *b, unsigned line, unsigned col,
    const char *which, size_t limit)
{
	if (strcmp(which, "depth") == 0)
		diag_error(b->d, b->doc->file, line, col,
		    "nesting deeper than %zu levels (limits.yaml_depth)", limit);
	else if (strcmp(which, "nodes") == 0)
		diag_error(b->d, b->doc->file, line, col,
		    "more than %zu YAML nodes in one file (limits.yaml_nodes)",
		    limit);
	else
		diag_error(b->d, b->doc->file, line, col,
		    "a scalar longer than %zu bytes", limit);
	b->failed = true;
}

/* Attach a finished node to its parent.  Returns 0 or -1. */
static int
builder_attach(struct builder *b, struct node *n)
{
	struct node *parent;

	if (b->depth == 0) {
		b->doc->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == NODE_SEQ) {
		parent->items = mem_reallocarray(parent->items,
		    parent->nitems + 1, sizeof(*parent->items));
		parent->items[parent->nitems++] = n;
		return 0;
	}
	if (map_wants_value(parent)) {
		parent->pairs[parent->npairs - 1].value = n;
		return 0;
	}
	/* n is a key. */
	if (n->type != NODE_SCALAR) {
		diag_error(b->d, b->doc->file, n->line, n->col,
		    "mapping keys must be plain strings, found a %s",
		    node_type_name(n->type));
		b->failed = true;
		node_free_tree(n);
		return -1;
	}
	for (size_t i = 0; i < parent->npairs; i++) {
		if (parent->pairs[i].key->len == n->len &&
		    memcmp(parent->pairs[i].key->str, n->str, n->len) == 0) {
			char q[80];

			diag_error(b->d, b->doc->file, n->line, n->col,
			    "duplicate key '%s' (first at line %u)",
			    node_quote(n, q, sizeof(q)),
			    parent->pairs[i].key->line);
			b->failed = true;
			node_free_tree(n);
			return -1;
		}
	}
	map_append(parent, n, NULL);
	return 0;
}

static int
builder_event(struct builder *b, const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;
	unsigned col = (unsigned)ev->start_mark.column + 1;
	struct node *n;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.length > b->l->max_scalar) {
			builder_error(b, line, col, "scalar", b->l->max_scalar);
			return -1;
		}
		if (b->doc->nodes >= b->l->max_nodes) {
			builder_error(b, line, col, "nodes", b->l->max_nodes);
			return -1;
		}
		n = node_alloc(b->doc, NODE_SCALAR, line, col);
		n->str = mem_strndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    ev->data.scalar.tag == NULL;
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE:
			n->quote = '\'';
			break;
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
			n->quote = '"';
			break;
		case YAML_LITERAL_SCALAR_STYLE:
			n->quote = '|';
			break;
		case YAML_FOLDED_SCALAR_STYLE:
			n->quote = '>';
			break;
		default:
			n->quote = 0;
			break;
		}
		return builder_attach(b, n);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth >= b->l->max_depth) {
			builder_error(b, line, col, "depth", b->l->max_depth);
			return -1;
		}
		if (b->doc->nodes >= b->l->max_nodes) {
			builder_error(b, line, col, "nodes", b->l->max_nodes);
			return -1;
		}
		n = node_alloc(b->doc, ev->type == YAML_SEQUENCE_START_EVENT ?
		    NODE_SEQ : NODE_MAP, line, col);
		if (builder_attach(b, n) < 0)
			return -1;
		b->stack[b->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		diag_error(b->d, b->doc->file, line, col,
		    "YAML aliases are not allowed (they can expand without "
		    "bound)");
		b->failed = true;
		return -1;
	default:
		return 0;
	}
}

static void
parser_error(struct builder *b, const yaml_parser_t *p)
{
	unsigned line = (unsigned)p->problem_mark.line + 1;
	unsigned col = (unsigned)p->problem_mark.column + 1;
	const char *problem = p->problem != NULL ? p->problem : "syntax error";

	if (p->error == YAML_MEMORY_ERROR) {
		diag_error(b->d, b->doc->file, 0, 0, "YAML parser out of memory");
	} else if (p->context != NULL) {
		diag_error(b->d, b->doc->file, line, col,
		    "YAML syntax: %s (%s at line %u, column %u)", problem,
		    p->context, (unsigned)p->context_mark.line + 1,
		    (unsigned)p->context_mark.column + 1);
	} else {
		diag_error(b->d, b->doc->file, line, col, "YAML syntax: %s",
		    problem);
	}
	b->failed = true;
}

struct node_doc *
node_load_buffer(const char *name, const char *data, size_t len,
    const struct node_limits *lim, struct diags *d)
{
	struct node_limits dl;
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned documents = 0;
	bool done = false;

	if (lim == NULL) {
		node_limits_default(&dl);
		lim = &dl;
	}
	memset(&b, 0, sizeof(b));
	b.doc = node_doc_new(name);
	b.l = lim;
	b.d = d;
	if (len > lim->max_file_size) {
		diag_error(d, name, 0, 0,
		    "file is %zu bytes, over the limit of %zu "
		    "(limits.yaml_file_size)", len, lim->max_file_size);
		node_doc_free(&b.doc);
		return NULL;
	}
	sha256_hex(data, len, b.doc->sha256);
	b.stack = mem_calloc(lim->max_depth + 1, sizeof(*b.stack));
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&b, &parser);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		else if (ev.type == YAML_DOCUMENT_START_EVENT &&
		    ++documents > 1) {
			diag_error(d, name, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1,
			    "more than one YAML document in one file");
			b.failed = true;
			done = true;
		} else if (builder_event(&b, &ev) < 0) {
			done = true;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(b.stack);
	if (b.failed) {
		node_doc_free(&b.doc);
		return NULL;
	}
	return b.doc;
}

struct node_doc *
node_load_file(const char *path, const struct node_limits *lim,
    struct diags *d)
{
	struct node_limits dl;
	struct node_doc *doc;
	struct stat st;
	FILE *f;
	char *data;
	size_t n;

	if (lim == NULL) {
		node_limits_default(&dl);
		lim = &dl;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		diag_error(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, path, 0, 0, "not a regular file");
		fclose(f);
		return NULL;
	}
	if ((uint64_t)st.st_size > lim->max_file_size) {
		diag_error(d, path, 0, 0,
		    "file is %lld bytes, over the limit of %zu "
		    "(limits.yaml_file_size)", (long long)st.st_size,
		    lim->max_file_size);
		fclose(f);
		return NULL;
	}
	data = mem_malloc((size_t)st.st_size + 1);
	n = fread(data, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || n > (size_t)st.st_size) {
		diag_error(d, path, 0, 0, "read failed or file grew");
		free(data);
		fclose(f);
		return NULL;
	}
	fclose(f);
	doc = node_load_buffer(path, data, n, lim, d);
	free(data);
	return doc;
}

/* ------------------------------------------------------------ schema */

bool
node_is_null(const struct node *n)
{
	if (n == NULL)
		return true;
	if (n->type != NODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0;
}

const struct node *
node_get(const struct node *map, const char *key)
{
	size_t klen = strlen(key);

	if (map == NULL || map->type != NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->npairs; i++) {
		const struct node *k = map->pairs[i].key;

		if (k->len == klen && memcmp(k->str, key, klen) == 0)
			return map->pairs[i].value;
	}
	return NULL;
}

unsigned
node_col_at(const struct node *n, size_t off)
{
	if (n->type != NODE_SCALAR || off > n->len ||
	    (n->quote != 0 && n->quote != '\'' && n->quote != '"'))
		return n->col;
	for (size_t i = 0; i < n->len; i++) {
		unsigned char c = (unsigned char)n->str[i];

		/* Anything that may have been written differently. */
		if (c < 0x20 || c >= 0x7f || (n->quote == '\'' && c == '\'') ||
		    (n->quote == '"' && (c == '"' || c == '\\')))
			return n->col;
	}
	return n->col + (n->quote != 0 ? 1u : 0u) + (unsigned)off;
}

const char *
node_quote(const struct node *n, char *buf, size_t len)
{
	struct buf b;
	struct span s = { "", 0 };

	if (len == 0)
		return buf;
	if (n != NULL && n->type == NODE_SCALAR)
		s = (struct span){ n->str, n->len };
	buf_init(&b, len > 4 ? len - 4 : 0);
	(void)buf_append_escaped(&b, s, 60);
	str_lcpy(buf, b.data != NULL ? b.data : "", len);
	buf_free(&b);
	return buf;
}

size_t
node_check_keys(const struct node *map, const char *const *allowed,
    const char *what, struct diags *d)
{
	size_t bad = 0;

	if (map == NULL || map->type != NODE_MAP)
		return 0;
	for (size_t i = 0; i < map->npairs; i++) {
		const struct node *k = map->pairs[i].key;
		const char *best;
		struct suggest sg;
		bool known = false;
		char q[80];

		suggest_init(&sg, k->str, SUGGEST_NEAR);
		for (size_t j = 0; allowed[j] != NULL; j++) {
			if (strlen(allowed[j]) == k->len &&
			    memcmp(allowed[j], k->str, k->len) == 0) {
				known = true;
				break;
			}
			/* A key holding NUL is never close to anything. */
			if (memchr(k->str, '\0', k->len) == NULL)
				(void)suggest_add(&sg, allowed[j]);
		}
		if (known)
			continue;
		bad++;
		if ((best = suggest_best(&sg)) != NULL)
			diag_error(d, k->file, k->line, k->col,
			    "unknown key '%s' in %s (did you mean '%s'?)",
			    node_quote(k, q, sizeof(q)), what, best);
		else
			diag_error(d, k->file, k->line, k->col,
			    "unknown key '%s' in %s", node_quote(k, q, sizeof(q)),
			    what);
	}
	return bad;
}

static const char *
node_article(enum node_type t)
{
	return t == NODE_SCALAR ? "a scalar" : t == NODE_MAP ? "a mapping" :
	    "a list";
}

bool
node_expect(const struct node *n, enum node_type t, const char *key,
    struct diags *d)
{
	if (n->type == t)
		return true;
	diag_error(d, n->file, n->line, n->col, "expected %s for '%s', found %s",
	    node_article(t), key, node_article(n->type));
	return false;
}

static const struct node *
node_lookup(const struct node *map, const char *key, bool required,
    const char *what, struct diags *d)
{
	const struct node *v = node_get(map, key);

	if (v == NULL && required && map != NULL)
		diag_error(d, map->file, map->line, map->col,
		    "missing required key '%s' in %s", key, what);
	return v;
}

int
node_get_str(const struct node *map, const char *key, bool required,
    const char *what, struct diags *d, const struct node **out)
{
	const struct node *v = node_lookup(map, key, required, what, d);

	if (v == NULL)
		return required ? -1 : 0;
	if (!node_expect(v, NODE_SCALAR, key, d))
		return -1;
	if (node_is_null(v) || v->len == 0) {
		diag_error(d, v->file, v->line, v->col,
		    "'%s' must not be empty", key);
		return -1;
	}
	if (memchr(v->str, '\0', v->len) != NULL) {
		diag_error(d, v->file, v->line, v->col,
		    "'%s' contains a NUL byte", key);
		return -1;
	}
	*out = v;
	return 1;
}

int
node_to_u64(const struct node *n, const char *key, uint64_t min, uint64_t max,
    struct diags *d, uint64_t *out)
{
	char q[80];

	if (!node_expect(n, NODE_SCALAR, key, d))
		return -1;
	if (str_to_u64((struct span){ n->str, n->len }, min, max, out) < 0) {
		diag_error(d, n->file, n->line, n->col,
		    "'%s' must be a whole number from %llu to %llu, not '%s'",
		    key, (unsigned long long)min, (unsigned long long)max,
		    node_quote(n, q, sizeof(q)));
		return -1;
	}
	return 0;
}

int
node_get_u64(const struct node *map, const char *key, bool required,
    const char *what, uint64_t min, uint64_t max, struct diags *d,
    uint64_t *out)
{
	const struct node *v = node_lookup(map, key, required, what, d);

	if (v == NULL)
		return required ? -1 : 0;
	return node_to_u64(v, key, min, max, d, out) < 0 ? -1 : 1;
}

int
node_to_bool(const struct node *n, const char *key, struct diags *d, bool *out)
{
	char q[80];

	if (!node_expect(n, NODE_SCALAR, key, d))
		return -1;
	if (strcmp(n->str, "true") == 0 || strcmp(n->str, "yes") == 0 ||
	    strcmp(n->str, "on") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(n->str, "false") == 0 || strcmp(n->str, "no") == 0 ||
	    strcmp(n->str, "off") == 0) {
		*out = false;
		return 0;
	}
	diag_error(d, n->file, n->line, n->col,
	    "'%s' must be true or false, not '%s'", key,
	    node_quote(n, q, sizeof(q)));
	return -1;
}

int
node_get_bool(const struct node *map, const char *key, bool required,
    const char *what, struct diags *d, bool *out)
{
	const struct node *v = node_lookup(map, key, required, what, d);

	if (v == NULL)
		return required ? -1 : 0;
	return node_to_bool(v, key, d, out) < 0 ? -1 : 1;
}
