/*
 * inspect_names.c - what a file name says: normalised as Windows treats
 * it (invisible and bidirectional characters removed, the last path
 * element, dots and spaces at the end dropped), its extensions, a dangerous one disguised
 * behind another, and an extension the true type contradicts; and a
 * part's two declared names (Content-Disposition filename, Content-Type
 * name) kept with what they say.
 *
 * Trusts: nothing in the names (UTF-8 from mime.c, any length).  No bound
 * on names or extensions: "invoice.1.2.3.4.5.6.7.abcdef.js" ends in js
 * however many dots come before.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "mem.h"

#include "inspect_priv.h"

/*
 * Bidirectional controls and invisible characters that disguise names:
 * U+200B..U+200F, U+202A..U+202E, U+2060..U+2064, U+2066..U+2069,
 * U+FEFF.  Returns the UTF-8 length of one at s, or 0.
 */
static size_t
invisible(const unsigned char *s, size_t len)
{
	unsigned cp;

	if (len < 3)
		return 0;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] >= 0x8b && s[2] <= 0x8f))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] >= 0xaa && s[2] <= 0xae))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81) {
		cp = s[2];
		if ((cp >= 0xa0 && cp <= 0xa4) || (cp >= 0xa6 && cp <= 0xa9))
			return 3;
	}
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/*
 * Normalise a file name the way Windows will treat it: drop invisible and
 * bidirectional characters (reporting them), take the last path element,
 * strip trailing dots, spaces and U+FFFD, lowercase ASCII.
 */
char *
inspect_name_normalise(const char *raw, bool *bidi_r)
{
	size_t len = strlen(raw), o = 0;
	char *out = mem_malloc(len + 1);
	const unsigned char *s = (const unsigned char *)raw;

	for (size_t i = 0; i < len;) {
		size_t n = invisible(s + i, len - i);

		if (n > 0) {
			*bidi_r = true;
			i += n;
			continue;
		}
		if (s[i] == '/' || s[i] == '\\') {
			o = 0;	/* keep the last path element */
			i++;
			continue;
		}
		out[o++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 :
		    s[i]);
		i++;
	}
	/* Trailing dots and spaces go (Windows), and so do U+FFFD (bytes
	 * that did not decode): GMime drops an incomplete last character,
	 * so "evil.exe" and an odd byte of UTF-16 is evil.exe to it. */
	for (;;) {
		if (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' ' ||
		    out[o - 1] == '\t'))
			o--;
		else if (o >= 3 && memcmp(out + o - 3, "\xef\xbf\xbd", 3) == 0)
			o -= 3;
		else
			break;
	}
	out[o] = '\0';
	return out;
}

/*
 * The extensions of a normalised name, one per call from *pos (0 to
 * start): "a.pdf.exe" -> pdf, exe; white space around each is dropped,
 * empty ones are skipped.  They are read from the name each time a rule
 * asks, not stored: every one of them is checked, however many there are
 * ("invoice.1.2.3.4.5.6.7.abcdef.js" ends in js), at no cost in memory.
 */
bool
inspect_name_ext(const char *name, size_t *pos, struct span *e)
{
	const char *dot = strchr(name + *pos, '.');

	while (dot != NULL) {
		const char *next = strchr(dot + 1, '.');
		size_t n = next == NULL ? strlen(dot + 1) :
		    (size_t)(next - dot - 1);

		*e = span_trim((struct span){ dot + 1, n });
		*pos = (size_t)(dot + 1 + n - name);
		if (e->len > 0)
			return true;
		dot = next;
	}
	return false;
}

/* Is the last extension dangerous and disguised behind another? */
bool
inspect_name_double_ext(const struct inspect *in, const char *name)
{
	const struct list *l = policy_list(in->p, in->p->config.dangerous_list);
	const char *last = strrchr(name, '.'), *prev;
	size_t plen;

	if (l == NULL || last == NULL || last == name)
		return false;
	if (!list_has_str(l, last + 1, strlen(last + 1)))
		return false;
	/* Padding before the real extension hides it in a file list. */
	if (last[-1] == ' ' || (last - name > 2 && last[-1] == '_' &&
	    last[-2] == '_'))
		return true;
	for (prev = last - 1; prev > name && *prev != '.'; prev--)
		;
	if (*prev != '.')
		return false;
	/* Any length: "invoice.abcdef.js" disguises js as well as
	 * "invoice.pdf.js" does. */
	plen = (size_t)(last - prev - 1);
	return plen > 0 && !list_has_str(l, prev + 1, plen);
}


/*
 * The last extension names a type family the bytes contradict
 * (report.pdf that is a PE, photo.jpg that is a zip).
 */
bool
inspect_name_type_mismatch(const char *name, const char *type)
{
	static const struct {
		const char *ext, *prefix;
	} fam[] = {
		{ "pdf", "application/pdf" },
		{ "jpg", "image/" }, { "jpeg", "image/" }, { "png", "image/" },
		{ "gif", "image/" }, { "bmp", "image/" }, { "tif", "image/" },
		{ "doc", "office" }, { "xls", "office" }, { "ppt", "office" },
		{ "docx", "office" }, { "xlsx", "office" }, { "pptx", "office" },
		{ "rtf", "text/rtf" }, { "zip", "application/zip" },
		{ "txt", "text/" }, { "csv", "text/" }, { "htm", "text/" },
		{ "html", "text/" }, { "ics", "text/" }, { "xml", "text/" },
	};
	const char *dot = strrchr(name, '.');

	if (dot == NULL || strcmp(type, "application/octet-stream") == 0 ||
	    strcmp(type, "application/x-empty") == 0)
		return false;
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		if (strcmp(dot + 1, fam[i].ext) != 0)
			continue;
		if (strcmp(fam[i].prefix, "office") == 0)
			/* OLE2, OOXML (a zip) and RTF all pass for office */
			return !(content_is_office(type) ||
			    strcmp(type, "application/zip") == 0 ||
			    strcmp(type, "text/rtf") == 0);
		return strncmp(type, fam[i].prefix, strlen(fam[i].prefix)) != 0;
	}
	/* a named executable type behind a document extension */
	return false;
}

/* ------------------------------------------------------------ parts */

void
inspect_part_names(struct inspect *in, const struct mime_part *part)
{
	const char *raws[2] = { part->filename, part->name };
	struct attachment *a;
	bool bidi = false;

	if (raws[0] == NULL && raws[1] == NULL)
		return;
	a = inspect_attachment_for(in, part);
	for (int i = 0; i < 2; i++) {
		if (raws[i] == NULL)
			continue;
		a->raw[i] = mem_strdup(raws[i]);
		a->names[i] = inspect_name_normalise(raws[i], &bidi);
		if (inspect_name_double_ext(in, a->names[i]))
			inspect_att_check(a, "attachment.double-extension");
	}
	if (bidi)
		inspect_att_check(a, "attachment.bidi-name");
	if (a->names[0] != NULL && a->names[1] != NULL &&
	    strcmp(a->names[0], a->names[1]) != 0)
		inspect_att_check(a, "attachment.name-mismatch");
}
