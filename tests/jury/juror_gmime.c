/*
 * juror_gmime.c - a juror of the reader jury (issue 11): GMime 3, the MIME
 * library of Evolution, Balsa, Geary and notmuch, reading a message as
 * such a reader does.  For every leaf part it prints one JSON line:
 *
 *   {"juror":"gmime","file":..,"type":..,"declared":..,"names":[..],
 *    "sha256":..,"sha256n":..,"size":..}
 *
 * declared: the Content-Type field as given (null if none).
 *
 * names: the Content-Disposition filename, the Content-Type name and
 * g_mime_part_get_filename(), as GMime decodes them (RFC 2231 and 2047,
 * its fallback charsets); sha256 of the decoded content, sha256n of the
 * same with CRLF as LF and trailing white space dropped (inspect.h).  A
 * message/rfc822 (news, global) leaf GMime did not open because it is
 * transfer-encoded is opened here from its decoded bytes, as a reader
 * opens an attached message.
 *
 * The message is read as a mail store keeps it: a leading mbox "From "
 * line dropped, CRLF as LF.  An argument "@LIST" reads file names from
 * LIST, one a line.
 *
 * Build: cc -o juror_gmime juror_gmime.c $(pkg-config --cflags --libs
 * gmime-3.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

/* Encoded messages are opened as deep as msgsec reads them: the shipped
 * limits.mime_depth (run-jury.sh judges with rules/msgsec.yaml). */
#define NEST_MAX 100

static GMimeParserOptions *opts;

static void walk(const char *file, GMimeObject *obj, int depth);

static void
json_str(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			g_string_append_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\u%04x", c);
		else if (c >= 0x80)
			/* Bytes as Latin-1 code points: ASCII stays exact,
			 * which is what the jury compares. */
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_c(out, (char)c);
	}
	g_string_append_c(out, '"');
}

static void
sha256_hex(const guchar *p, gsize len, char out[65])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(ck, p, len);
	g_strlcpy(out, g_checksum_get_string(ck), 65);
	g_checksum_free(ck);
}

static gsize
normalise(guchar *p, gsize len)
{
	gsize o = 0;

	for (gsize i = 0; i < len; i++) {
		while (p[i] == '\n' && o > 0 && p[o - 1] == '\r')
			o--;	/* CR... LF as LF */
		p[o++] = p[i];
	}
	while (o > 0 && (p[o - 1] == '\r' || p[o - 1] == '\n' ||
	    p[o - 1] == ' ' || p[o - 1] == '\t'))
		o--;
	return o;
}

static gboolean
is_message_type(GMimeContentType *ct)
{
	const char *sub;

	if (ct == NULL || !g_mime_content_type_is_type(ct, "message", "*"))
		return FALSE;
	sub = g_mime_content_type_get_media_subtype(ct);
	return sub != NULL && (g_ascii_strcasecmp(sub, "rfc822") == 0 ||
	    g_ascii_strcasecmp(sub, "news") == 0 ||
	    g_ascii_strcasecmp(sub, "global") == 0);
}

static void
add_name(const char **names, int *n, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	for (int i = 0; i < *n; i++)
		if (strcmp(names[i], s) == 0)
			return;
	names[(*n)++] = s;
}

static void
walk_bytes(const char *file, const guchar *p, gsize len, int depth)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)p,
	    len);
	GMimeParser *ps = g_mime_parser_new_with_stream(s);
	GMimeMessage *msg;

	g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(ps, opts);
	if (msg != NULL) {
		GMimeObject *top = g_mime_message_get_mime_part(msg);

		if (top != NULL)
			walk(file, top, depth + 1);
		g_object_unref(msg);
	}
	g_object_unref(ps);
	g_object_unref(s);
}

static void
leaf(const char *file, GMimePart *part, int depth)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *out = g_mime_stream_mem_new();
	GByteArray *ba;
	const char *names[3];
	int n = 0;
	char h[65], hn[65];
	char *type = ct != NULL ? g_mime_content_type_get_mime_type(ct) :
	    g_strdup("text/plain");
	GString *js = g_string_new(NULL);
	const char *declared = g_mime_object_get_header(obj, "Content-Type");
	guchar *copy;
	gsize nlen;

	if (dw != NULL)
		(void)g_mime_data_wrapper_write_to_stream(dw, out);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	if (is_message_type(ct) && ba->len > 0 && depth < NEST_MAX) {
		walk_bytes(file, ba->data, ba->len, depth);
		goto done;
	}
	add_name(names, &n, g_mime_object_get_content_disposition_parameter(
	    obj, "filename"));
	add_name(names, &n, g_mime_object_get_content_type_parameter(obj,
	    "name"));
	add_name(names, &n, g_mime_part_get_filename(part));
	sha256_hex(ba->len > 0 ? ba->data : (const guchar *)"", ba->len, h);
	copy = g_malloc(ba->len + 1);
	if (ba->len > 0)
		memcpy(copy, ba->data, ba->len);
	nlen = normalise(copy, ba->len);
	sha256_hex(copy, nlen, hn);
	g_free(copy);
	g_string_append(js, "{\"juror\":\"gmime\",\"file\":");
	json_str(js, file);
	g_string_append(js, ",\"type\":");
	json_str(js, type);
	g_string_append(js, ",\"declared\":");
	if (declared != NULL)
		json_str(js, declared);
	else
		g_string_append(js, "null");
	g_string_append(js, ",\"names\":[");
	for (int i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c(js, ',');
		json_str(js, names[i]);
	}
	g_string_append_printf(js, "],\"sha256\":\"%s\",\"sha256n\":\"%s\","
	    "\"size\":%u}", h, hn, ba->len);
	printf("%s\n", js->str);
done:
	g_string_free(js, TRUE);
	g_free(type);
	g_object_unref(out);
}

static void
walk(const char *file, GMimeObject *obj, int depth)
{
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++)
			walk(file, g_mime_multipart_get_part(mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *msg = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		GMimeObject *top = msg != NULL ?
		    g_mime_message_get_mime_part(msg) : NULL;

		if (top != NULL && depth < NEST_MAX)
			walk(file, top, depth + 1);
	} else if (GMIME_IS_PART(obj)) {
		leaf(file, GMIME_PART(obj), depth);
	}
}

/* The message as a store keeps it (module comment). */
static gchar *
stored(const gchar *data, gsize len, gsize *len_r)
{
	gchar *out = g_malloc(len + 1);
	gsize o = 0, i = 0;

	if (len > 5 && memcmp(data, "From ", 5) == 0) {
		const gchar *nl = memchr(data, '\n', len);

		i = nl != NULL ? (gsize)(nl - data) + 1 : len;
	}
	for (; i < len; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			continue;
		out[o++] = data[i];
	}
	*len_r = o;
	return out;
}

static void
judge(const char *file)
{
	gchar *data, *msgb;
	gsize len, mlen;
	GError *err = NULL;
	GMimeStream *s;
	GMimeParser *ps;
	GMimeMessage *msg;

	if (!g_file_get_contents(file, &data, &len, &err)) {
		GString *js = g_string_new("{\"juror\":\"gmime\",\"file\":");

		json_str(js, file);
		g_string_append(js, ",\"error\":");
		json_str(js, err->message);
		printf("%s}\n", js->str);
		g_string_free(js, TRUE);
		g_error_free(err);
		return;
	}
	msgb = stored(data, len, &mlen);
	g_free(data);
	s = g_mime_stream_mem_new_with_buffer(msgb, mlen);
	ps = g_mime_parser_new_with_stream(s);
	g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(ps, opts);
	if (msg != NULL) {
		GMimeObject *top = g_mime_message_get_mime_part(msg);

		if (top != NULL)
			walk(file, top, 0);
		g_object_unref(msg);
	}
	g_object_unref(ps);
	g_object_unref(s);
	g_free(msgb);
}

int
main(int argc, char **argv)
{
	g_mime_init();
	opts = g_mime_parser_options_new();
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '@') {
			FILE *f = fopen(argv[i] + 1, "r");
			char line[4096];

			if (f == NULL) {
				perror(argv[i] + 1);
				return 2;
			}
			while (fgets(line, sizeof(line), f) != NULL) {
				line[strcspn(line, "\r\n")] = '\0';
				if (line[0] != '\0')
					judge(line);
			}
			fclose(f);
		} else {
			judge(argv[i]);
		}
	}
	g_mime_parser_options_free(opts);
	g_mime_shutdown();
	return 0;
}
