/*
 * content.h - what the bytes are, whatever the names say: true types from
 * libmagic, and the members of archives through libarchive (names, true
 * types, encryption), nested to a bounded depth.
 *
 * Thread safety: libmagic handles are not thread-safe; they are pooled, and
 * each call borrows one (content_thread_done frees the pool at exit).
 * Walks keep their state in the caller's struct content_budget.
 */
#ifndef MSGSEC_CONTENT_H
#define MSGSEC_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTENT_HEAD (64 * 1024)	/* bytes kept of each part and member */
#define CONTENT_MAGIC_BYTES (8 * 1024)	/* bytes libmagic looks at */

/*
 * The true type of bytes as a MIME type ("application/zip"), in storage
 * owned by this thread and valid until the next call.  Never NULL:
 * "application/octet-stream" when libmagic cannot tell or fails.
 */
const char *content_type(const void *data, size_t len);
void content_thread_done(void);

/* Per message: what archive walks may still spend. */
struct content_budget {
	uint64_t depth;		/* deepest nesting (0: do not open archives) */
	uint64_t members;	/* members left */
	uint64_t bytes;		/* expanded bytes left */
	uint64_t ratio;		/* largest expansion ratio of one archive */
	bool hit;		/* a limit was reached */
	char why[128];		/* which one */
};

struct content_member {
	const char *path;	/* as stored, UTF-8 where the archive says so */
	const char *type;	/* true type of its first bytes */
	uint64_t size;		/* bytes read (may stop at the head) */
	unsigned depth;		/* 1 for members of the attachment itself */
	bool encrypted;
};

enum content_event {
	CONTENT_MEMBER,		/* a member (m valid) */
	CONTENT_ENCRYPTED,	/* an encrypted member or header */
	CONTENT_MACRO,		/* an office macro project inside */
};

typedef void (*content_fn)(void *ctx, enum content_event ev,
    const struct content_member *m);

/*
 * Is type one libarchive should open?  is_archive decides (the shipped
 * list archive_types); office documents are never walked as archives,
 * only searched for macro projects.
 */
int content_walk(const void *data, size_t len, const char *name,
    bool (*is_archive)(void *ctx, const char *type), struct content_budget *b,
    content_fn fn, void *ctx);

/* OOXML / ODF / OLE2 office document types (zip or compound file). */
bool content_is_office(const char *type);

/*
 * Does an office document carry a macro project?  OOXML/ODF: a
 * vbaProject.bin or Basic/ member; OLE2: a _VBA_PROJECT stream name.
 */
bool content_has_macros(const void *data, size_t len, const char *type);

#endif
