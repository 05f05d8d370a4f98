/*
 * json.h - a small JSON writer into a bounded buffer.
 *
 * Any bytes may be written as a string: control characters become \u00XX,
 * '"' and '\\' are escaped, and bytes that are not valid UTF-8 become
 * U+FFFD, so the output is always valid JSON (RFC 8259) and one line.
 * A buffer-limit failure is sticky (w->error) and checked once at the end.
 */
#ifndef MSGSEC_JSON_H
#define MSGSEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define JSON_MAX_DEPTH 16

struct json_writer {
	struct buf *b;
	unsigned depth;
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool after_key;
	bool error;
};

void json_init(struct json_writer *w, struct buf *b);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* A key inside an object; the next value call writes its value. */
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);	/* NULL -> null */
void json_string_n(struct json_writer *w, const char *s, size_t len);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Append one JSON string literal, quotes included.  Returns 0 or -1. */
int json_append_string(struct buf *b, const char *s, size_t len);

#endif
