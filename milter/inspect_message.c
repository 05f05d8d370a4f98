/*
 * inspect_message.c - RFC 5322 checks on the message itself: the raw
 * bytes (NUL, lines over 998 octets, bare CR or LF in the header block),
 * the top-level header fields kept for the rules (RFC 2047 decoded,
 * 8-bit bytes without SMTPUTF8, invalid field names), and, once they are
 * all read, the fields that must appear once (RFC 5322 3.6), the Date
 * syntax, automatic forwarding and clause 1.4's literal multipart mode.
 *
 * Trusts: nothing in the header.  Bounds: fields kept by
 * limits.header_count, each decoded value by limits.header_bytes.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "mem.h"
#include "rfc2047.h"
#include "rfcdate.h"

#include "inspect_priv.h"

/* Raw byte checks: NUL, line length, bare CR/LF in the header block. */
void
inspect_raw_scan(struct inspect *in, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (c == '\n') {
			if (in->raw_in_headers) {
				if (!in->prev_cr)
					inspect_raise(in, "rfc5322.bare-lf");
				if (in->line_len == 0)
					in->raw_in_headers = false;
			}
			in->line_len = 0;
			in->prev_cr = false;
			continue;
		}
		if (in->prev_cr && in->raw_in_headers)
			inspect_raise(in, "rfc5322.bare-cr");
		in->prev_cr = c == '\r';
		if (c == '\r')
			continue;
		if (c == '\0')
			inspect_raise(in, "rfc5322.nul");
		if (++in->line_len == RFC5322_LINE_MAX + 1)
			inspect_raise(in, "rfc5322.line.too-long");
	}
}

void
inspect_top_header(struct inspect *in, struct span name, struct span value)
{
	struct buf dec;
	struct hdr_field *f;

	if (in->nfields >= in->lim->header_count)
		return;
	buf_init(&dec, in->lim->header_bytes);
	(void)rfc2047_decode(value, &dec);
	in->fields = mem_reallocarray(in->fields, in->nfields + 1,
	    sizeof(*in->fields));
	f = &in->fields[in->nfields++];
	f->name = mem_strndup(name.p, name.len);
	str_lower(f->name);
	f->value = dec.data != NULL ? dec.data : mem_strdup("");
	if (strcmp(f->name, "subject") == 0 && in->subject == NULL)
		in->subject = mem_strdup(f->value);
	/* Addresses are parsed from the raw value: a comma that RFC 2047
	 * decoding puts into a display name must not split it. */
	if (strcmp(f->name, "from") == 0 && in->from_raw == NULL)
		in->from_raw = mem_strndup(value.p, value.len);
	/* 8-bit bytes in a header need SMTPUTF8 (RFC 6531). */
	if (!in->env.smtputf8) {
		for (size_t i = 0; i < value.len; i++)
			if ((unsigned char)value.p[i] >= 0x80) {
				inspect_raise(in, "rfc5322.8bit-header");
				break;
			}
		for (size_t i = 0; i < name.len; i++)
			if ((unsigned char)name.p[i] >= 0x80)
				inspect_raise(in, "rfc5322.8bit-header");
	}
	for (size_t i = 0; i < name.len; i++)
		if ((unsigned char)name.p[i] < 33 ||
		    (unsigned char)name.p[i] > 126)
			inspect_raise(in, "rfc5322.field-name.invalid");
}

static size_t
field_count(const struct inspect *in, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < in->nfields; i++)
		n += strcmp(in->fields[i].name, name) == 0;
	return n;
}

static const char *
field_value(const struct inspect *in, const char *name)
{
	for (size_t i = 0; i < in->nfields; i++)
		if (strcmp(in->fields[i].name, name) == 0)
			return in->fields[i].value;
	return NULL;
}

/* RFC 5322 3.6 and the other message-level checks. */
void
inspect_message_checks(struct inspect *in)
{
	/* RFC 5322 3.6: fields that may appear at most once. */
#define ONCE(f) { f, "rfc5322." f ".multiple" }
	static const struct {
		const char *field, *check;
	} once[] = {
		ONCE("sender"), ONCE("reply-to"), ONCE("to"), ONCE("cc"),
		ONCE("bcc"), ONCE("message-id"), ONCE("in-reply-to"),
		ONCE("references"), ONCE("subject"),
	};
#undef ONCE
	size_t from = field_count(in, "from"), date = field_count(in, "date");
	const char *v;

	if (from == 0)
		inspect_raise(in, "rfc5322.from.missing");
	else if (from > 1)
		inspect_raise(in, "rfc5322.from.multiple");
	if ((v = in->from_raw) != NULL) {
		struct address_list al;

		(void)address_parse(span_from_cstr(v), &al);
		if (al.count == 0)
			inspect_raise(in, "rfc5322.from.no-address");
		else if (al.count > 1 && field_count(in, "sender") == 0)
			inspect_raise(in, "rfc5322.sender.required");
	}
	if (date == 0)
		inspect_raise(in, "rfc5322.date.missing");
	else if (date > 1)
		inspect_raise(in, "rfc5322.date.multiple");
	if ((v = field_value(in, "date")) != NULL) {
		time_t t;
		const char *why;

		if (rfcdate_parse(span_from_cstr(v), &t, &why) < 0)
			inspect_raise(in, "rfc5322.date.invalid");
	}
	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (field_count(in, once[i].field) > 1)
			inspect_raise(in, once[i].check);
	/* Automatic forwarding (RFC 3834 Auto-Submitted, RFC 5322 3.6.6
	 * Resent-*, and the headers common forwarders add). */
	v = field_value(in, "auto-submitted");
	if ((v != NULL && strncasecmp(v, "no", 2) != 0) ||
	    field_value(in, "resent-from") != NULL ||
	    field_value(in, "resent-sender") != NULL ||
	    field_value(in, "x-forwarded-for") != NULL ||
	    field_value(in, "x-forwarded-to") != NULL ||
	    field_value(in, "x-ms-exchange-inbox-rules-loop") != NULL)
		inspect_raise(in, "forward.auto");
	if (in->is_multipart && in->p->config.multipart_literal)
		inspect_raise(in, "mime.multipart");
}
