/*
 * node.h - YAML documents as trees that remember where every node came
 * from, so that every later check can say FILE:LINE:COL.
 *
 * libyaml does the tokenising; this layer builds the tree under limits
 * (file size, nesting depth, node count, scalar length), refuses aliases
 * (an alias can expand without bound) and duplicate keys, and offers the
 * small schema helpers the loaders use: unknown-key checks with a
 * "did you mean" suggestion, typed getters with exact diagnostics.
 *
 * Ownership: a struct node_doc owns every node in it and the file name all
 * nodes point at.  Trees are not shared between threads while built.
 */
#ifndef MSGSEC_NODE_H
#define MSGSEC_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum node_type {
	NODE_SCALAR,
	NODE_MAP,
	NODE_SEQ,
};

struct node;

struct node_pair {
	struct node *key;	/* always a scalar */
	struct node *value;
};

struct node {
	enum node_type type;
	const char *file;
	unsigned line, col;	/* 1-based */
	/* NODE_SCALAR: bytes (NUL-terminated for convenience; may hold NULs) */
	char *str;
	size_t len;
	bool plain;		/* unquoted: "~", "null" and "" are null */
	char quote;		/* 0 plain, '\'' or '"', '|' or '>' block */
	/* NODE_MAP */
	struct node_pair *pairs;
	size_t npairs;
	/* NODE_SEQ */
	struct node **items;
	size_t nitems;
};

struct node_limits {
	size_t max_file_size;	/* default 16 MiB */
	size_t max_depth;	/* default 128 */
	size_t max_nodes;	/* default 1,000,000 */
	size_t max_scalar;	/* default 1 MiB */
};

#define NODE_DEFAULT_MAX_FILE_SIZE (16u * 1024 * 1024)
#define NODE_DEFAULT_MAX_DEPTH 128
#define NODE_DEFAULT_MAX_NODES 1000000
#define NODE_DEFAULT_MAX_SCALAR (1024u * 1024)

void node_limits_default(struct node_limits *l);

struct node_doc {
	char *file;
	char sha256[65];	/* of the bytes parsed ("" if built) */
	struct node *root;	/* NULL when the document is empty */
	size_t nodes;
	char **adopted;		/* file names of adopted documents */
	size_t nadopted;
};

/*
 * Parse one YAML document.  name is what diagnostics call the file.
 * Returns the document, or NULL after adding diagnostics to d.  A file that
 * holds more than one document is an error.
 */
struct node_doc *node_load_file(const char *path, const struct node_limits *l,
    struct diags *d);
struct node_doc *node_load_buffer(const char *name, const char *data,
    size_t len, const struct node_limits *l, struct diags *d);
void node_doc_free(struct node_doc **doc);

/* An empty document owning nodes made by the node_new_* calls. */
struct node_doc *node_doc_new(const char *name);
struct node *node_new_scalar(struct node_doc *doc, const char *s, size_t len,
    bool plain);
struct node *node_new_map(struct node_doc *doc);
/* Append or replace key in map (the key's scalar is copied). */
void node_map_set(struct node_doc *doc, struct node *map, const char *key,
    struct node *value);

/*
 * Take over other's tree (freeing the shell of other) and return its root,
 * to be attached somewhere in doc with node_map_set.  Nodes keep their
 * file names, which doc now owns.
 */
struct node *node_adopt(struct node_doc *doc, struct node_doc *other);

const char *node_type_name(enum node_type t);
bool node_is_null(const struct node *n);

/* The value for key in map, or NULL (also when map is not a map). */
const struct node *node_get(const struct node *map, const char *key);

/*
 * Report every key of map that is not in allowed (NULL-terminated), with
 * "did you mean" when one allowed key is close.  what names the map in the
 * message ("rule", "exception").  Returns the number of unknown keys.
 */
size_t node_check_keys(const struct node *map, const char *const *allowed,
    const char *what, struct diags *d);

/*
 * Type checks: when n is not of type t, add "expected a T for 'key', found
 * a U" and return false.
 */
bool node_expect(const struct node *n, enum node_type t, const char *key,
    struct diags *d);

/*
 * Getters on map[key].  When the key is absent: if required, an error at
 * the map ("missing required key 'reasons' in exception") and -1; else 0
 * and *out untouched.  Present but wrong: an error at the value and -1.
 * Present and right: 1.
 */
int node_get_str(const struct node *map, const char *key, bool required,
    const char *what, struct diags *d, const struct node **out);
int node_get_u64(const struct node *map, const char *key, bool required,
    const char *what, uint64_t min, uint64_t max, struct diags *d,
    uint64_t *out);
int node_get_bool(const struct node *map, const char *key, bool required,
    const char *what, struct diags *d, bool *out);

/* Parse a scalar as a strict number / boolean; adds the error itself. */
int node_to_u64(const struct node *n, const char *key, uint64_t min,
    uint64_t max, struct diags *d, uint64_t *out);
int node_to_bool(const struct node *n, const char *key, struct diags *d,
    bool *out);

/*
 * The column of byte off of a scalar's value, when it can be mapped back
 * exactly (one line, no escapes); otherwise the scalar's own column.
 */
unsigned node_col_at(const struct node *n, size_t off);

/*
 * A short printable rendering of a scalar for diagnostics: non-printables
 * as \xHH, cut at 60 bytes.  Returns buf.
 */
const char *node_quote(const struct node *n, char *buf, size_t len);

#endif
