/*
 * inspect_text.c - the message's own text for content rules: each unnamed
 * text/plain or text/html part decoded to UTF-8 (HTML without tags,
 * scripts and styles, white space folded), the files hidden in it in
 * legacy encodings handed on (inspect_archive.c).
 *
 * Trusts: nothing in the text.  Bounds: the text of one part and of the
 * whole message by limits.text_bytes; past it limit.text is raised and
 * content rules see only the start.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "mime.h"
#include "rfc2047.h"

#include "inspect_priv.h"

void
inspect_text_begin(struct inspect *in, const struct mime_part *part)
{
	bool plain = strcmp(part->type, "text/plain") == 0;
	bool html = strcmp(part->type, "text/html") == 0;

	in->text_part = SIZE_MAX;
	if ((!plain && !html) || part->filename != NULL)
		return;
	in->text_part = part->index;
	in->text_html = html;
	str_lcpy(in->text_charset, part->charset, sizeof(in->text_charset));
	buf_reset(&in->part_text);
}

/* Remove tags, scripts and styles from HTML; keep text. */
static void
strip_html(struct span html, struct buf *out)
{
	bool tag = false;
	size_t skip_until = 0;

	for (size_t i = 0; i < html.len; i++) {
		char c = html.p[i];

		if (i < skip_until)
			continue;
		if (tag) {
			if (c == '>')
				tag = false;
			continue;
		}
		if (c == '<') {
			static const char *const blocks[] = { "script",
				"style" };

			tag = true;
			for (size_t b = 0; b < 2; b++) {
				size_t n = strlen(blocks[b]);
				char end[16];

				if (html.len - i > n + 1 && strncasecmp(html.p +
				    i + 1, blocks[b], n) == 0) {
					snprintf(end, sizeof(end), "</%s",
					    blocks[b]);
					const char *e = memmem(html.p + i,
					    html.len - i, end, strlen(end));

					skip_until = e == NULL ? html.len :
					    (size_t)(e - html.p);
				}
			}
			(void)buf_append(out, " ", 1);
			continue;
		}
		(void)buf_append(out, &c, 1);
	}
}

void
inspect_text_end(struct inspect *in)
{
	struct buf utf8;
	size_t start;

	if (in->text_part == SIZE_MAX)
		return;
	/* Files hidden in the text in old encodings. */
	inspect_legacy_text(in, in->text_part, in->part_text.data,
	    in->part_text.len);
	in->text_part = SIZE_MAX;
	buf_init(&utf8, in->lim->text_bytes);
	if (rfc2047_charset_to_utf8(span_from_cstr(in->text_charset),
	    (struct span){ in->part_text.data != NULL ? in->part_text.data :
	    "", in->part_text.len }, &utf8, NULL) < 0)
		inspect_raise(in, "limit.text");
	start = in->text.len;
	if (in->text_html) {
		struct buf stripped;
		bool space = true;

		/* Tags become spaces; runs of white space become one, so
		 * "<b>won</b> the" reads "won the" to a content rule. */
		buf_init(&stripped, in->lim->text_bytes);
		strip_html((struct span){ utf8.data, utf8.len }, &stripped);
		for (size_t i = 0; i < stripped.len; i++) {
			char ch = stripped.data[i];
			bool ws = ch == ' ' || ch == '\t' || ch == '\r' ||
			    ch == '\n';

			if (ws && space)
				continue;
			space = ws;
			if (buf_append(&in->text, ws ? " " : &ch, 1) < 0) {
				inspect_raise(in, "limit.text");
				break;
			}
		}
		buf_free(&stripped);
	} else {
		if (buf_append(&in->text, utf8.data, utf8.len) < 0)
			inspect_raise(in, "limit.text");
	}
	if (in->text.len > start) {
		in->texts = mem_reallocarray(in->texts, in->ntexts + 1,
		    sizeof(*in->texts));
		in->texts[in->ntexts].p = NULL;	/* fixed up at the end */
		in->texts[in->ntexts].len = in->text.len - start;
		in->ntexts++;
	}
	buf_free(&utf8);
	buf_reset(&in->part_text);
}

/* The message's text is complete: its last part read, its spans set. */
void
inspect_text_finish(struct inspect *in)
{
	inspect_text_end(in);
	/* Text spans point into one buffer that may have moved. */
	{
		size_t off = 0;

		for (size_t i = 0; i < in->ntexts; i++) {
			in->texts[i].p = in->text.data + off;
			off += in->texts[i].len;
		}
	}
}
