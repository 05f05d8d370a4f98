/*
 * check.c - the vocabulary of built-in checks.
 *
 * Each name is raised by exactly one component (the milter's MIME walk,
 * header checks, content inspection, or the sensor); rules decide what to
 * do about it.  Adding a check means adding a line here and raising it
 * there; the loader refuses rules that name checks not in this table.
 */
#include "check.h"

#include <string.h>

#include "suggest.h"

#define M CHECK_MAIL
#define N CHECK_NETWORK

static const struct check_info checks[] = {
	/* 1.1 names, types, viruses, archives */
	{ "attachment.bidi-name", M, "1.1",
	    "attachment name holds bidirectional or invisible controls" },
	{ "attachment.double-extension", M, "1.1",
	    "attachment name hides a dangerous extension behind another" },
	{ "attachment.name-mismatch", M, "1.1",
	    "Content-Disposition filename and Content-Type name differ" },
	{ "attachment.type-mismatch", M, "1.1",
	    "declared type or extension contradicts the true type" },
	{ "virus.found", M, "1.1", "libclamav found a known virus" },
	{ "virus.unscannable", M, "1.1",
	    "the virus scanner failed or hit a limit" },
	{ "archive.encrypted", M, "1.1",
	    "an archive or member is encrypted and cannot be inspected" },
	{ "office.macro", M, "1.1", "an office document carries macros" },
	/* 1.3 RFC 5322 syntax */
	{ "rfc5322.from.missing", M, "1.3", "no From field" },
	{ "rfc5322.from.multiple", M, "1.3", "more than one From field" },
	{ "rfc5322.from.no-address", M, "1.3",
	    "From holds no parseable address" },
	{ "rfc5322.date.missing", M, "1.3", "no Date field" },
	{ "rfc5322.date.multiple", M, "1.3", "more than one Date field" },
	{ "rfc5322.date.invalid", M, "1.3", "Date does not parse" },
	{ "rfc5322.sender.multiple", M, "1.3", "more than one Sender" },
	{ "rfc5322.reply-to.multiple", M, "1.3", "more than one Reply-To" },
	{ "rfc5322.to.multiple", M, "1.3", "more than one To" },
	{ "rfc5322.cc.multiple", M, "1.3", "more than one Cc" },
	{ "rfc5322.bcc.multiple", M, "1.3", "more than one Bcc" },
	{ "rfc5322.message-id.multiple", M, "1.3",
	    "more than one Message-ID" },
	{ "rfc5322.in-reply-to.multiple", M, "1.3",
	    "more than one In-Reply-To" },
	{ "rfc5322.references.multiple", M, "1.3",
	    "more than one References" },
	{ "rfc5322.subject.multiple", M, "1.3", "more than one Subject" },
	{ "rfc5322.sender.required", M, "1.3",
	    "From has several addresses but there is no Sender" },
	{ "rfc5322.field-name.invalid", M, "1.3",
	    "a header field name with bytes outside 33-126 or no colon" },
	{ "rfc5322.line.too-long", M, "1.3", "a line over 998 octets" },
	{ "rfc5322.nul", M, "1.3", "a NUL byte in the message" },
	{ "rfc5322.bare-cr", M, "1.3", "a CR not followed by LF in headers" },
	{ "rfc5322.bare-lf", M, "1.3", "an LF not preceded by CR in headers" },
	{ "rfc5322.8bit-header", M, "1.3",
	    "8-bit bytes in headers without SMTPUTF8" },
	{ "mime.ambiguous", M, "1.3",
	    "the message reads two ways and another reading yields a part "
	    "the first does not (detail: header, name, boundary, encoding, "
	    "decoding, structure)" },
	/* 1.4 segmentation */
	{ "mime.partial", M, "1.4", "a message/partial part at any depth" },
	{ "mime.external-body", M, "1.4", "a message/external-body part" },
	{ "mime.multipart", M, "1.4",
	    "any multi-part message (the literal reading, off by default)" },
	/* 3.1 official mail to free-mail */
	{ "forward.auto", M, "3.1",
	    "an automatically forwarded message (Auto-Submitted, Resent-*)" },
	/* limits: mail */
	{ "limit.message-size", M, "1.1", "message over limits.message_size" },
	{ "limit.mime-depth", M, "1.1", "MIME nesting over limits.mime_depth" },
	{ "limit.mime-parts", M, "1.1", "more parts than limits.mime_parts" },
	{ "limit.header-bytes", M, "1.3",
	    "header over limits.header_bytes" },
	{ "limit.header-count", M, "1.3",
	    "more fields than limits.header_count" },
	{ "limit.line-length", M, "1.3",
	    "a line over limits.line_length" },
	{ "limit.archive", M, "1.1",
	    "archive depth, member, size or ratio limit (members include "
	    "files in legacy encodings)" },
	{ "limit.mime-params", M, "1.1",
	    "a parameter over limits.mime_params or limits.param_sections, "
	    "or cut decoding" },
	{ "limit.text", M, "1.2",
	    "text over limits.text_bytes: content rules and legacy "
	    "encodings saw only its first bytes" },
	{ "limit.regex", M, "1.2",
	    "a content rule's pattern hit limits.regex_match_limit or "
	    "limits.regex_depth_limit: it could not say no" },
	{ "limit.recipients", M, "1.1",
	    "more recipients than limits.recipients" },
	/* network */
	{ "tls.name-hidden", N, "3.1",
	    "TLS Encrypted ClientHello to a known ECH front hides the name" },
	{ "limit.flows", N, "3.3", "the flow table is full" },
	{ "limit.reassembly", N, "3.3",
	    "a stream filled sensor.stream_bytes before a parser decided" },
	{ "limit.stun", N, "3.3",
	    "sensor.stun_messages STUN/TURN messages read without naming the "
	    "calling service" },
	{ NULL, 0, NULL, NULL },
};

#undef M
#undef N

const struct check_info *
check_table(void)
{
	return checks;
}

const struct check_info *
check_find(const char *name)
{
	for (const struct check_info *c = checks; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

bool
glob_match(const char *pattern, const char *s, size_t len)
{
	const char *star = NULL;
	size_t si = 0, resume = 0;

	/* Iterative with one backtrack point: linear in practice. */
	while (si < len) {
		if (*pattern == '*') {
			star = pattern++;
			resume = si;
		} else if (*pattern != '\0' && *pattern == s[si]) {
			pattern++;
			si++;
		} else if (star != NULL) {
			pattern = star + 1;
			si = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

bool
check_glob_matches_any(const char *glob, enum check_scope scope)
{
	for (const struct check_info *c = checks; c->name != NULL; c++)
		if ((c->scope & scope) != 0 &&
		    glob_match(glob, c->name, strlen(c->name)))
			return true;
	return false;
}

const char *
check_suggest(const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name, SUGGEST_FAR);
	for (const struct check_info *c = checks; c->name != NULL; c++)
		(void)suggest_add(&sg, c->name);
	return suggest_best(&sg);
}
