/*
 * excfile.h - one exception record as a file that tools change: read it,
 * validate it with the loader (exception.c), and produce the new text of
 * a change without rewriting anything else.
 *
 * A change is made of three kinds of edit on the file's own bytes: the
 * value of `status:` is replaced, one item is appended to `reviews:`, one
 * to `history:`.  Everything else (the leading comment block, comments,
 * layout, every past review and history entry) is kept byte for byte, so
 * the past is never rewritten and `git diff` of a change shows only it.
 * A record written by hand in flow style ({...} for the whole record, or
 * [...] for reviews or history) cannot be appended to this way: the edit
 * is refused with a message saying so.
 *
 * The new text is checked by loading it again (excfile_check) before any
 * caller writes it.
 */
#ifndef MSGSEC_EXCFILE_H
#define MSGSEC_EXCFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "exception.h"
#include "node.h"
#include "str.h"

struct excfile {
	char *path;
	char *text;		/* the file's bytes, NUL-terminated */
	size_t len;
	struct node_doc *doc;
	struct exception *e;	/* the loaded record, or NULL */
	const struct node *map;	/* its 'exception' mapping */
};

/*
 * Read and load path (at most max_size bytes) with the loader's rules.
 * Returns 0 with f filled, or -1 with diagnostics in d (f is then freed).
 */
int excfile_load(struct excfile *f, const char *path, size_t max_size,
    const struct exception_settings *set, const struct agency *agencies,
    size_t nagencies, struct diags *d);
void excfile_free(struct excfile *f);

/* What a change does; NULL members are left alone. */
struct excfile_change {
	const char *status;	/* new value of status */
	const char *review;	/* a flow mapping "{ ... }" for reviews */
	const char *history;	/* a flow mapping "{ ... }" for history */
};

/*
 * The text of f with change c applied, into out (initialised by the
 * caller).  Returns 0, or -1 with *error_r (allocated) when the file's
 * layout does not allow the edit.
 */
int excfile_apply(const struct excfile *f, const struct excfile_change *c,
    struct buf *out, char **error_r);

/*
 * Load text as the file name (only the last component matters: the id
 * must match it) and return the record, or NULL with diagnostics.
 * *doc_r owns what the record points into; free both.
 */
struct exception *excfile_check(const char *name, const char *text,
    size_t len, const struct exception_settings *set,
    const struct agency *agencies, size_t nagencies,
    struct node_doc **doc_r, struct diags *d);

/*
 * Append s to b as a YAML scalar that is safe in flow and block context:
 * plain when it is made only of letters, digits, space and ._@/+-: (not
 * first, and ':' not before a space) and cannot be read as null,
 * double-quoted with escapes otherwise.  Returns 0, or -1 when s is not
 * valid UTF-8 or b is full.
 */
int excfile_scalar(struct buf *b, const char *s);

/* Does s hold only valid UTF-8 without C0 controls other than tab? */
bool excfile_text_is_valid(const char *s);

#endif
