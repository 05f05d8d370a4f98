/*
 * inspect_feed.c - the message's bytes in: the size limit, the raw checks
 * (inspect_message.c), the spool, the MIME parser; and its events
 * dispatched: top-level fields, part names, text parts, leaf parts'
 * bytes, limits and defects raised as checks.
 *
 * Trusts: nothing in the message.  Bounds: limits.message_size (past it
 * the bytes go to the spool only, and limit.message-size is raised); the
 * MIME parser's limits from limits.* (inspect_mime_limits).
 */
#include <stdint.h>
#include <string.h>

#include "mime.h"

#include "inspect_priv.h"

int
inspect_feed(struct inspect *in, const char *data, size_t len)
{
	if (in->finished)
		return -1;
	if (in->size > in->lim->message_size ||
	    in->lim->message_size - in->size < len) {
		inspect_raise(in, "limit.message-size");
		in->size += len;
		/* Keep the bytes: a blocked message must still be stored. */
		if (in->spooling)
			spool_write(&in->spool, data, len);
		return 0;
	}
	in->size += len;
	inspect_raw_scan(in, data, len);
	if (in->spooling)
		spool_write(&in->spool, data, len);
	in->mime_fed += len;
	(void)mime_feed(in->mime, data, len);
	return 0;
}

int
inspect_on_mime(void *ctx, const struct mime_event *ev)
{
	struct inspect *in = ctx;
	const struct mime_part *p = ev->part;

	switch (ev->type) {
	case MIME_EV_HEADER:
		if (p->index == 0)
			inspect_top_header(in, ev->name, ev->value);
		break;
	case MIME_EV_PART_BEGIN:
		in->parts++;
		if (p->index == 0)
			in->body_off = p->off_body;
		if (p->index == 0 && p->is_multipart)
			in->is_multipart = true;
		if (strcmp(p->type, "message/partial") == 0)
			inspect_raise(in, "mime.partial");
		else if (strcmp(p->type, "message/external-body") == 0)
			inspect_raise(in, "mime.external-body");
		inspect_part_names(in, p);
		if (!p->is_multipart && !p->is_message) {
			inspect_text_begin(in, p);
			inspect_leaf_begin(in, p);
		}
		break;
	case MIME_EV_BODY:
		/* Text past limits.text_bytes is not read by content
		 * rules or the legacy decoders: a finding, not a cut. */
		if (in->text_part == p->index && buf_append(&in->part_text,
		    ev->value.p, ev->value.len) < 0)
			inspect_raise(in, "limit.text");
		inspect_leaf_body(in, p, ev->value);
		break;
	case MIME_EV_PART_END:
		if (in->text_part == p->index)
			inspect_text_end(in);
		if (in->part_index == p->index)
			inspect_leaf_end(in, p, true);
		if (in->natts > 0 && in->atts[in->natts - 1].part == p->index)
			in->atts[in->natts - 1].off_end = p->off_end;
		else
			for (size_t i = 0; i < in->natts; i++)
				if (in->atts[i].part == p->index)
					in->atts[i].off_end = p->off_end;
		break;
	case MIME_EV_DEFECT:
		inspect_defect(in, ev);
		break;
	}
	return 0;
}

void
inspect_defect(struct inspect *in, const struct mime_event *ev)
{
	const struct mime_part *p = ev->part;

	switch (ev->defect) {
	case MIME_LIMIT_DEPTH:
		inspect_raise(in, "limit.mime-depth");
		break;
	case MIME_LIMIT_PARTS:
		inspect_raise(in, "limit.mime-parts");
		break;
	case MIME_LIMIT_HEADER_BYTES:
		inspect_raise(in, "limit.header-bytes");
		break;
	case MIME_LIMIT_HEADER_COUNT:
		inspect_raise(in, "limit.header-count");
		break;
	case MIME_LIMIT_LINE_LENGTH:
		inspect_raise(in, "limit.line-length");
		break;
	case MIME_LIMIT_PARAMS:
		inspect_raise(in, "limit.mime-params");
		break;
	case MIME_DEF_BAD_HEADER_LINE:
		if (p->index == 0 && in->reading == NULL)
			inspect_raise(in, "rfc5322.field-name.invalid");
		break;
	default:
		break;
	}
}

void
inspect_container_names(struct inspect *in, const struct mime_part *p)
{
	inspect_part_names(in, p);
}

void
inspect_mime_limits(const struct inspect *in, struct mime_limits *ml)
{
	mime_limits_default(ml);
	ml->depth = in->lim->mime_depth;
	ml->parts = in->lim->mime_parts;
	ml->header_bytes = in->lim->header_bytes;
	ml->header_count = in->lim->header_count;
	ml->line_length = in->lim->line_length;
	ml->params = in->lim->mime_params;
	ml->param_sections = in->lim->param_sections;
	/* A value is at most its field; only decoding can make it longer
	 * (a bad byte becomes U+FFFD), and a cut is a limit hit. */
	ml->param_bytes = in->lim->header_bytes;
}
