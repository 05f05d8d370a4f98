/*
 * mime_priv.h - the MIME reader's insides, shared by mime.c (setup,
 * events, bodies, delimiters, feeding) and mime_header.c (header blocks:
 * fields, Content-* values, the part a block declares).  Not for use
 * outside those two files.
 */
#ifndef MIME_PRIV_H
#define MIME_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "mime.h"
#include "str.h"

/* An open multipart. */
struct frame {
	struct mime_part part;	/* the container, for its PART_END */
	char *boundary;		/* any length (RFC 2046 says 70, readers
				 * take more): bounded by header_bytes */
	size_t blen;
	bool seen_first;	/* past the preamble */
	bool closed;		/* past the close delimiter: epilogue */
	bool digest;		/* multipart/digest: children default to
				 * message/rfc822 */
};

enum body_mode {
	BODY_NONE,		/* preamble, epilogue, or ignored content */
	BODY_LEAF,		/* decode and deliver */
	BODY_CHILD,		/* decode and feed the embedded message */
};

/* Counters and the reading, shared by a parser and its children. */
struct mime_shared {
	size_t parts;
	bool parts_exhausted;
	unsigned amb;		/* MIME_AMB_* met */
	struct mime_reading rd;
};

struct mime {
	struct mime_limits lim;
	mime_event_fn fn;
	void *ctx;
	struct mime_shared *shared;
	bool owns_shared;
	size_t base_depth;	/* depth of this parser's message */
	size_t parent_index;	/* for a child: the message/rfc822 part */
	const struct mime *up;	/* for a child: the parser it lies in */
	/* offsets: this parser's stream starts at base in the top-level
	 * stream (valid unless an encoded embedded message lies between) */
	uint64_t base;
	bool base_valid;
	uint64_t consumed;	/* bytes of completed lines and fragments */
	uint64_t line_off;	/* start of the line being handled */
	uint64_t line_end;	/* end of it, line break included */

	/* line assembly */
	char *line;
	size_t line_len;
	bool in_long_line;	/* the current line overflowed */
	bool broke_headers;	/* a line without a colon ended them */
	char **popped;		/* boundaries of multiparts an outer
				 * delimiter ended before their close (at
				 * most one per part: limits.parts) */
	size_t npopped;
	char *nocolon;		/* fold-nocolon reading: such a line held,
				 * in case the next one continues it */
	size_t nocolon_len;
	char nocolon_eol[2];
	size_t nocolon_eol_len;
	bool stopped;		/* a callback asked to stop */
	bool finished;

	/* the part whose header block or body is being read */
	struct mime_part cur;
	bool in_headers;
	bool cur_open;		/* cur had PART_BEGIN and needs PART_END */
	bool parent_digest;
	struct buf field;	/* the field being assembled */
	size_t header_bytes;
	size_t header_count;
	bool header_limit_hit;
	bool sep_missing;	/* the header block ended without a blank line */
	char *latin8[2];	/* Content-Type, -Disposition as GMime reads
				 * their 8-bit bytes (mimeparam_gmime_8bit()) */
	char *ctype, *cdisp, *cte;	/* raw values of this part: first */
	char *ctype2, *cdisp2, *cte2;	/* and last, when given again */

	/* body */
	enum body_mode mode;
	struct decode_b64 b64;
	struct decode_qp qp;
	char pending_eol[2];	/* the line end held back for a delimiter */
	size_t pending_len;
	struct mime *child;
	char *out;		/* decoder output buffer */
	size_t out_cap;

	struct frame *frames;
	size_t nframes;
};

/* mime.c */
int mime_emit(struct mime *m, struct mime_event *ev);
int mime_emit_defect(struct mime *m, const struct mime_part *part,
    enum mime_defect d);
int mime_emit_simple(struct mime *m, enum mime_event_type t,
    const struct mime_part *part);
struct mime *mime_new_child(const struct mime *parent, size_t depth,
    size_t parent_index);
int mime_line(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len, bool fragment);

/* mime_header.c */
int mime_headers_done(struct mime *m);
int mime_header_line(struct mime *m, const char *p, size_t len,
    const char *eol, size_t eol_len, bool fragment);
int mime_nocolon_flush(struct mime *m);
int mime_nocolon_next(struct mime *m, const char *p, size_t len,
    const char *eol, size_t eol_len);

#endif
