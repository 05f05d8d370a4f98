/*
 * content.c - true types (libmagic) and archive walks (libarchive).
 *
 * Trusts: nothing in the bytes.  Every walk is bounded by the message's
 * budget: nesting depth, members, expanded bytes, and the expansion ratio
 * of each archive (a bomb stops at the bound with budget->hit set, never
 * with unbounded work).  Only the first CONTENT_HEAD bytes of a member are
 * kept unless the member is itself an archive to open, which is read whole
 * within the byte budget.  Encrypted members and headers are reported,
 * never guessed at.  The one format read here by hand, the CAB structure
 * check before libarchive opens a cabinet, reads through policy/cursor.h.
 */
#include "content.h"

#include <archive.h>
#include <archive_entry.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "mem.h"
#include "str.h"

/*
 * libmagic handles are not thread-safe, and loading one costs
 * milliseconds and megabytes, while libmilter runs each connection on a
 * new thread: so handles live in a small pool, each used by one thread at
 * a time and returned after every call.
 */
#define MAGIC_POOL_MAX 64

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_pool[MAGIC_POOL_MAX];
static size_t magic_free;
static __thread char thread_type[128];

static magic_t
magic_get(void)
{
	magic_t m = NULL;

	pthread_mutex_lock(&magic_lock);
	if (magic_free > 0)
		m = magic_pool[--magic_free];
	pthread_mutex_unlock(&magic_lock);
	if (m != NULL)
		return m;
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
	    MAGIC_NO_CHECK_ELF);
	if (m != NULL && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	return m;
}

static void
magic_put(magic_t m)
{
	pthread_mutex_lock(&magic_lock);
	if (magic_free < MAGIC_POOL_MAX) {
		magic_pool[magic_free++] = m;
		m = NULL;
	}
	pthread_mutex_unlock(&magic_lock);
	if (m != NULL)
		magic_close(m);
}

const char *
content_type(const void *data, size_t len)
{
	const char *t;
	magic_t m;

	if (len == 0)
		return "application/x-empty";
	m = magic_get();
	if (m == NULL)
		return "application/octet-stream";
	/* libmagic's regex tests cost time in proportion to the bytes they
	 * scan (most of a small message's cost): its answer comes from the
	 * first few kilobytes. */
	t = magic_buffer(m, data, len < CONTENT_MAGIC_BYTES ? len :
	    CONTENT_MAGIC_BYTES);
	str_lcpy(thread_type, t != NULL ? t : "application/octet-stream",
	    sizeof(thread_type));
	magic_put(m);
	return thread_type;
}

void
content_thread_done(void)
{
	/* Handles are pooled, not per thread: free the pool (at exit). */
	pthread_mutex_lock(&magic_lock);
	while (magic_free > 0)
		magic_close(magic_pool[--magic_free]);
	pthread_mutex_unlock(&magic_lock);
}

bool
content_is_office(const char *type)
{
	return strncmp(type, "application/vnd.openxmlformats-officedocument",
	    45) == 0 || strncmp(type, "application/vnd.ms-", 19) == 0 ||
	    strncmp(type, "application/vnd.oasis.opendocument", 34) == 0 ||
	    strcmp(type, "application/msword") == 0 ||
	    strcmp(type, "application/x-ole-storage") == 0 ||
	    strcmp(type, "application/CDFV2") == 0;
}

static const char vba_utf16[] = "_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T\0";

bool
content_has_macros(const void *data, size_t len, const char *type)
{
	struct archive *a;
	struct archive_entry *e;
	bool found = false;
	int n = 0;

	if (strncmp(type, "application/vnd.openxmlformats", 30) != 0 &&
	    strncmp(type, "application/vnd.oasis", 21) != 0 &&
	    strncmp(type, "application/vnd.ms-word.document.macro", 38) != 0 &&
	    strncmp(type, "application/vnd.ms-excel.sheet.macro", 36) != 0)
		/* OLE2 compound file: the VBA project stream's name. */
		return memmem(data, len, vba_utf16, sizeof(vba_utf16) - 1) !=
		    NULL;
	a = archive_read_new();
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) == ARCHIVE_OK) {
		while (!found && n++ < 10000 &&
		    archive_read_next_header(a, &e) == ARCHIVE_OK) {
			const char *p = archive_entry_pathname(e);

			if (p != NULL && (strstr(p, "vbaProject.bin") != NULL ||
			    strncmp(p, "Basic/", 6) == 0))
				found = true;
		}
	}
	archive_read_free(a);
	return found;
}

/*
 * Is a Microsoft Cabinet structurally sound (every folder, data block
 * and file record inside the bytes we have)?  libarchive 3.6's CAB reader
 * dereferences bad offsets in malformed files (found by fuzzing), so a
 * cabinet that fails this is not opened; its true type still counts.
 * Little-endian throughout; offsets count from the start of the file (cab).
 *
 *   CFHEADER  "MSCF" res cbCabinet res coffFiles res ver cFolders cFiles
 *             flags setID iCabinet [cbCFHeader cbCFFolder cbCFData res..]
 *   CFFOLDER  coffCabStart cCFData typeCompress [res]
 *   CFDATA    csum cbData cbUncomp [res] data[cbData]
 *   CFFILE    cbFile uoffFolderStart iFolder date time attribs szName
 */
static bool
cab_check(struct cursor cab, uint64_t *unpacked)
{
	struct cursor h = cab, fi;
	uint32_t coff_files;
	uint16_t folders, files, flags, hres = 0;
	uint8_t fres = 0, dres = 0;

	(void)cur_skip(&h, 16);
	(void)cur_le32(&h, &coff_files);
	(void)cur_skip(&h, 6);
	(void)cur_le16(&h, &folders);
	(void)cur_le16(&h, &files);
	(void)cur_le16(&h, &flags);
	(void)cur_skip(&h, 4);
	if (!cur_ok(&h) || files == 0 || (flags & 3) != 0)
		return false;	/* multi-cabinet sets are not followed */
	if (flags & 4) {
		(void)cur_le16(&h, &hres);
		(void)cur_u8(&h, &fres);
		(void)cur_u8(&h, &dres);
		if (!cur_ok(&h))
			return false;
		(void)cur_skip(&h, hres);
	}
	for (unsigned f = 0; f < folders; f++) {
		struct cursor fo, d = cab;
		uint32_t start;
		uint16_t blocks, type;
		bool stored;

		if (!cur_sub(&h, 8 + (size_t)fres, &fo))
			return false;
		(void)cur_le32(&fo, &start);
		(void)cur_le16(&fo, &blocks);
		(void)cur_le16(&fo, &type);
		stored = (type & 0x0f) == 0;
		unpacked[f] = 0;
		if (blocks == 0 || start < 36 || !cur_skip(&d, start))
			return false;
		for (unsigned k = 0; k < blocks; k++) {
			struct cursor blk;
			uint16_t packed, plain;

			if (!cur_sub(&d, 8 + (size_t)dres, &blk))
				return false;
			(void)cur_skip(&blk, 4);	/* csum */
			(void)cur_le16(&blk, &packed);
			(void)cur_le16(&blk, &plain);
			/* a block holds 1..32768 bytes; stored ones as is */
			if (plain == 0 || plain > 32768 || packed == 0 ||
			    (stored && packed != plain))
				return false;
			unpacked[f] += plain;
			if (!cur_skip(&d, packed))
				return false;
		}
	}
	fi = cab;
	if (coff_files < 36 || !cur_skip(&fi, coff_files))
		return false;
	for (unsigned f = 0; f < files; f++) {
		struct cursor rec, name;
		uint32_t size, at;
		uint16_t folder;

		if (!cur_sub(&fi, 16, &rec))
			return false;
		(void)cur_le32(&rec, &size);
		(void)cur_le32(&rec, &at);
		(void)cur_le16(&rec, &folder);
		if (folder >= folders)
			return false;
		/* the file lies inside its folder's data */
		if ((uint64_t)at + size > unpacked[folder])
			return false;
		if (!cur_until(&fi, '\0', &name))
			return false;
	}
	return true;
}

/* Any number of folders (the format allows 65535): no silent cut. */
static bool
cab_is_sane(const unsigned char *p, size_t len)
{
	struct cursor cab, h;
	const uint8_t *sig;
	uint32_t size;
	uint16_t folders;
	uint64_t *unpacked;
	bool ok;

	cur_init(&cab, p, len);
	h = cab;
	(void)cur_bytes(&h, 4, &sig);
	(void)cur_skip(&h, 4);
	(void)cur_le32(&h, &size);
	(void)cur_skip(&h, 14);
	(void)cur_le16(&h, &folders);
	(void)cur_skip(&h, 8);		/* the 36 bytes every header has */
	if (!cur_ok(&h) || memcmp(sig, "MSCF", 4) != 0 || size > len ||
	    folders == 0)
		return false;
	unpacked = mem_calloc(folders, sizeof(*unpacked));
	ok = cab_check(cab, unpacked);
	free(unpacked);
	return ok;
}

/* One archive level; returns 0, or -1 when the budget ran out. */
static int
walk(const void *data, size_t len, const char *name, unsigned depth,
    bool (*is_archive)(void *, const char *), struct content_budget *b,
    content_fn fn, void *ctx)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct buf member;
	uint64_t expanded = 0, declared = 0;
	bool raw = false;
	int rc = 0, r;

	if (len >= 4 && memcmp(data, "MSCF", 4) == 0 &&
	    !cab_is_sane(data, len)) {
		archive_read_free(a);
		return 0;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		archive_read_free(a);
		/* A lone compressed file (.gz, .xz ...): the raw format. */
		a = archive_read_new();
		archive_read_support_filter_all(a);
		archive_read_support_format_raw(a);
		if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
			archive_read_free(a);
			return 0;
		}
		raw = true;
	}
	buf_init(&member, b->bytes < SIZE_MAX ? (size_t)b->bytes : SIZE_MAX);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		struct content_member m;
		char *path;
		bool want_all = false;
		const char *type;

		if (raw && archive_filter_count(a) <= 1)
			break;	/* raw without a filter: not an archive */
		if (b->members == 0) {
			b->hit = true;
			snprintf(b->why, sizeof(b->why),
			    "more members than limits.archive_members");
			rc = -1;
			break;
		}
		b->members--;
		memset(&m, 0, sizeof(m));
		m.depth = depth;
		if (raw) {
			/* Name the content after the archive, minus the
			 * compression extension: report.exe.gz -> report.exe */
			const char *dot = name != NULL ? strrchr(name, '.') :
			    NULL;

			path = name != NULL ? mem_strndup(name, dot != NULL &&
			    dot != name ? (size_t)(dot - name) : strlen(name)) :
			    mem_strdup("data");
		} else {
			const char *p = archive_entry_pathname_utf8(e);

			if (p == NULL)
				p = archive_entry_pathname(e);
			path = mem_strdup(p != NULL ? p : "");
		}
		m.path = path;
		m.encrypted = archive_entry_is_encrypted(e) != 0;
		if (m.encrypted) {
			fn(ctx, CONTENT_ENCRYPTED, &m);
			fn(ctx, CONTENT_MEMBER, &m);
			free(path);
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG && !raw) {
			free(path);
			continue;
		}
		/*
		 * What the archive says its members expand to: a bomb is
		 * caught before anything is inflated (only heads are read).
		 */
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
			declared += (uint64_t)archive_entry_size(e);
			if (b->ratio > 0 && len > 0 && declared > 1024 * 1024 &&
			    declared / len > b->ratio) {
				b->hit = true;
				snprintf(b->why, sizeof(b->why), "declared "
				    "expansion over limits.archive_ratio");
				free(path);
				rc = -1;
				break;
			}
		}
		/* The head, then the rest only if it is an archive to open. */
		buf_reset(&member);
		for (;;) {
			char chunk[16384];
			ssize_t n;

			if (!want_all && member.len >= CONTENT_HEAD)
				break;
			n = archive_read_data(a, chunk, sizeof(chunk));
			if (n < 0) {
				const char *err = archive_error_string(a);

				if (err != NULL && (strstr(err, "ncrypt") != NULL ||
				    strstr(err, "assphrase") != NULL ||
				    strstr(err, "assword") != NULL)) {
					m.encrypted = true;
					fn(ctx, CONTENT_ENCRYPTED, &m);
				}
				break;
			}
			if (n == 0)
				break;
			expanded += (uint64_t)n;
			if ((uint64_t)n > b->bytes) {
				b->hit = true;
				snprintf(b->why, sizeof(b->why), "more expanded "
				    "bytes than limits.archive_bytes");
				rc = -1;
				break;
			}
			b->bytes -= (uint64_t)n;
			if (b->ratio > 0 && len > 0 && expanded / len >
			    b->ratio && expanded > 1024 * 1024) {
				b->hit = true;
				snprintf(b->why, sizeof(b->why), "expansion over "
				    "limits.archive_ratio");
				rc = -1;
				break;
			}
			if (buf_append(&member, chunk, (size_t)n) < 0)
				break;
			if (member.len >= CONTENT_HEAD && !want_all) {
				type = content_type(member.data, member.len);
				want_all = depth < b->depth &&
				    is_archive(ctx, type);
			}
		}
		type = content_type(member.data, member.len);
		m.type = type;
		m.size = member.len;
		fn(ctx, CONTENT_MEMBER, &m);
		if (rc == 0 && content_is_office(type) &&
		    content_has_macros(member.data, member.len, type))
			fn(ctx, CONTENT_MACRO, &m);
		if (rc == 0 && is_archive(ctx, type)) {
			if (depth >= b->depth) {
				b->hit = true;
				snprintf(b->why, sizeof(b->why), "archives "
				    "nested deeper than limits.archive_depth");
				rc = -1;
			} else {
				char *tname = mem_strdup(path);

				rc = walk(member.data, member.len, tname,
				    depth + 1, is_archive, b, fn, ctx);
				free(tname);
			}
		}
		free(path);
		if (rc < 0 || raw)
			break;
	}
	if (r == ARCHIVE_FATAL && rc == 0) {
		const char *err = archive_error_string(a);

		/* 7z and rar with encrypted headers fail here. */
		if (err != NULL && (strstr(err, "ncrypt") != NULL ||
		    strstr(err, "assword") != NULL ||
		    strstr(err, "assphrase") != NULL)) {
			struct content_member m;

			memset(&m, 0, sizeof(m));
			m.path = name != NULL ? name : "";
			m.depth = depth;
			m.encrypted = true;
			fn(ctx, CONTENT_ENCRYPTED, &m);
		}
	}
	if (archive_read_has_encrypted_entries(a) > 0 && rc == 0) {
		struct content_member m;

		memset(&m, 0, sizeof(m));
		m.path = name != NULL ? name : "";
		m.depth = depth;
		m.encrypted = true;
		fn(ctx, CONTENT_ENCRYPTED, &m);
	}
	buf_free(&member);
	archive_read_free(a);
	return rc;
}

int
content_walk(const void *data, size_t len, const char *name,
    bool (*is_archive)(void *ctx, const char *type), struct content_budget *b,
    content_fn fn, void *ctx)
{
	if (b->depth == 0) {
		b->hit = true;
		snprintf(b->why, sizeof(b->why),
		    "archives not opened (limits.archive_depth is 0)");
		return -1;
	}
	return walk(data, len, name, 1, is_archive, b, fn, ctx);
}
