/*
 * qimport.c - `msgsec quarantine import --by NAME [--reason TEXT]
 * [--from DIR] [--keep] [--dry-run]`: move a folder store (paths.quarantine, or DIR)
 * into the records database (quarantine.backend: postgresql).
 *
 * Per entry, one transaction under the store's advisory lock: the row
 * (meta.json as written plus an "imported" event in its history, the
 * message bytes, hashed by the server), its unconsumed release passes and
 * the audit line of the import.  After COMMIT the row is read back and
 * its sha256 compared with the file's; only then are the folder entry and
 * its pass files removed (--keep keeps the entry: the passes move all the
 * same, so no pass works twice).  An entry already in the database with
 * the same sha256 is skipped (reported), and its folder copy removed as
 * above; one with other bytes is an error and both copies stay.  A
 * corrupt entry is reported and kept; the rest go on.  The folder's
 * audit.jsonl is copied into msgsec_audit first, each line once, and is
 * never changed (the import's own lines are appended to it too, the same
 * text as in the database, so a second import does not copy them back).
 *
 * Pass files are renamed .release/.importing-TOKEN before the
 * transaction, so a milter still on the folder store cannot consume a
 * pass the database also holds; a failed transaction renames them back.
 *
 * Trusts: nothing in the folder: meta.json through qentry_parse(), pass
 * files bounded and their names checked, audit lines through
 * jsonread_check().  Exit: 0 all imported or skipped, 1 some failed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "id.h"
#include "jsonread.h"
#include "lockfile.h"
#include "mem.h"
#include "pgimport.h"
#include "qcli.h"
#include "release.h"
#include "sha256.h"
#include "str.h"

#define IMPORTING ".importing-"
#define PASS_FILE_MAX 256		/* bytes of one pass file */
#define AUDIT_MAX (256u << 20)		/* bytes of audit.jsonl */

struct ipass {
	char token[RELEASE_TOKEN_LEN + 1];
	char id[ID_MAX + 1];
	int64_t created;	/* the file's mtime */
	bool taken;		/* renamed .importing-TOKEN */
	bool gone;		/* consumed meanwhile, or moved */
};

struct imp {
	struct qcli *q;
	const char *dir;	/* the folder store */
	struct ipass *passes;
	size_t npasses;
	size_t imported, skipped, failed, removed, kept, moved;
};

static char *
pass_path(const struct imp *im, const struct ipass *p, bool taken)
{
	return mem_printf("%s/.release/%s%s", im->dir, taken ? IMPORTING : "",
	    p->token);
}

/* One pass file: TOKEN or .importing-TOKEN naming an entry; 0, or -1
 * when it is not one (left alone). */
static int
read_pass(const struct imp *im, const char *name, struct ipass *p)
{
	bool taken = strncmp(name, IMPORTING, strlen(IMPORTING)) == 0;
	const char *t = taken ? name + strlen(IMPORTING) : name;
	char *path, *text, *err = NULL;
	struct stat st;
	size_t len;

	memset(p, 0, sizeof(*p));
	if (release_token_parse(t, p->token) < 0 || strcmp(t, p->token) != 0)
		return -1;
	p->taken = taken;
	path = pass_path(im, p, taken);
	text = lockfile_read(path, PASS_FILE_MAX, &len, &err);
	if (text == NULL || stat(path, &st) < 0) {
		free(err);
		free(text);
		free(path);
		return -1;
	}
	text[strcspn(text, "\r\n")] = '\0';
	str_lcpy(p->id, text, sizeof(p->id));
	p->created = (int64_t)st.st_mtime;
	free(text);
	free(path);
	return qentry_id_is_valid(p->id) ? 0 : -1;
}

static void
read_passes(struct imp *im)
{
	char *dir = mem_printf("%s/.release", im->dir);
	DIR *dh = opendir(dir);
	struct dirent *de;

	while (dh != NULL && (de = readdir(dh)) != NULL) {
		struct ipass p;

		if (read_pass(im, de->d_name, &p) < 0)
			continue;
		im->passes = mem_reallocarray(im->passes, im->npasses + 1,
		    sizeof(*im->passes));
		im->passes[im->npasses++] = p;
	}
	if (dh != NULL)
		closedir(dh);
	free(dir);
}

/* Take (rename away) or give back an entry's pass files. */
static void
take_passes(struct imp *im, const char *id, bool take)
{
	for (size_t i = 0; i < im->npasses; i++) {
		struct ipass *p = &im->passes[i];
		char *from, *to;

		if (p->gone || p->taken == take || strcmp(p->id, id) != 0)
			continue;
		from = pass_path(im, p, !take);
		to = pass_path(im, p, take);
		if (rename(from, to) == 0)
			p->taken = take;
		else if (errno == ENOENT)
			p->gone = true;	/* a milter consumed it */
		free(from);
		free(to);
	}
}

/* Remove the pass files an import committed. */
static void
drop_passes(struct imp *im, const char *id)
{
	for (size_t i = 0; i < im->npasses; i++) {
		struct ipass *p = &im->passes[i];
		char *path;

		if (p->gone || !p->taken || strcmp(p->id, id) != 0)
			continue;
		path = pass_path(im, p, true);
		(void)unlink(path);
		free(path);
		p->gone = true;
		im->moved++;
	}
}

static int
write_passes(struct imp *im, const char *id, char **error_r)
{
	for (size_t i = 0; i < im->npasses; i++) {
		const struct ipass *p = &im->passes[i];

		if (p->gone || !p->taken || strcmp(p->id, id) != 0)
			continue;
		if (pgimport_pass(im->q->store.db, p->token, id, p->created,
		    error_r) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------- audit trail */

/* audit.jsonl's JSON lines into the database, each once. */
static int
import_audit(struct imp *im)
{
	static const struct jsonread_limits lim = { .max_depth =
		QENTRY_MAX_DEPTH, .max_string = QENTRY_MAX_META,
		.max_tokens = QENTRY_MAX_META };
	char *path = mem_printf("%s/%s", im->dir, QENTRY_AUDIT), *text;
	char *err = NULL;
	size_t len, lineno = 0;
	uint64_t added = 0;
	struct buf good;
	int rc = 0;

	if ((text = lockfile_read(path, AUDIT_MAX, &len, &err)) == NULL) {
		if (access(path, F_OK) != 0) {	/* none: nothing done yet */
			free(err);
			free(path);
			return 0;
		}
		qcli_err(im->q, "%s (the audit trail is not imported)", err);
		free(err);
		free(path);
		return -1;
	}
	buf_init(&good, AUDIT_MAX);
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = (nl != NULL ? (size_t)(nl - text) : len) - off;

		lineno++;
		if (n > 0 && jsonread_check(text + off, n, &lim, NULL) !=
		    JSONREAD_OK) {
			printf("failed %s line %zu: not JSON "
			    "(not imported)\n", QENTRY_AUDIT, lineno);
			rc = -1;
		} else if (n > 0) {
			(void)buf_append(&good, text + off, n);
			(void)buf_append(&good, "\n", 1);
		}
		off += n + 1;
	}
	if (good.len > 0 && pgimport_audit_file(im->q->store.db,
	    good.data, &added, &err) < 0) {
		qcli_err(im->q, "%s: %s (the audit trail is not imported)",
		    path, err);
		free(err);
		rc = -1;
	} else {
		printf("audit trail %s: %llu line%s added\n", path,
		    (unsigned long long)added, added == 1 ? "" : "s");
	}
	buf_free(&good);
	free(text);
	free(path);
	return rc;
}

/* ------------------------------------------------------------ entries */

/* An entry's files: meta.json parsed into e, message.eml and its hash. */
static int
read_entry(struct imp *im, const char *id, struct qentry *e, char **msg_r,
    size_t *len_r, char sha[SHA256_HEX_LEN + 1], char **error_r)
{
	char *path = mem_printf("%s/%s/message.eml", im->dir, id);
	char *err = NULL;

	if (qentry_load(im->dir, id, e, error_r) < 0) {
		free(path);
		return -1;
	}
	*msg_r = lockfile_read(path, PGIMPORT_MAX_MESSAGE, len_r, &err);
	free(path);
	if (*msg_r == NULL) {
		*error_r = mem_printf("message.eml: %s", err);
		free(err);
		qentry_free(e);
		return -1;
	}
	e->size = *len_r;
	sha256_hex(*msg_r, *len_r, sha);
	return 0;
}

/*
 * The transaction: the row, the import's record and the passes (or, when
 * the row is there with the same bytes, the passes alone).  1 skipped,
 * 0 imported, -1 failed with *error_r (nothing committed, or nothing
 * known to be).
 */
static int
commit_entry(struct imp *im, struct qentry *e, const char *msg, size_t len,
    const char *sha, char **error_r)
{
	struct pgadmin *a = im->q->store.db;
	char there[SHA256_HEX_LEN + 1];
	uint64_t size;
	bool found, ok = false;

	if (pgadmin_begin(a, error_r) < 0)
		return -1;
	if (pgimport_find(a, e->id, &found, there, &size, error_r) < 0)
		goto out;
	if (found && strcmp(there, sha) != 0) {
		*error_r = mem_printf("the database holds %s with other "
		    "bytes (sha256 %.12s there, %.12s here): not imported",
		    e->id, there, sha);
		goto out;
	}
	if (!found && (pgimport_message(a, e->id, e->received, e->meta,
	    e->meta_len, msg, len, error_r) < 0 ||
	    qcli_record(im->q, e, "imported", NULL, 0, true) < 0)) {
		if (*error_r == NULL)
			*error_r = mem_strdup("the import's record failed");
		goto out;
	}
	ok = write_passes(im, e->id, error_r) == 0;
out:
	if (!ok) {
		char *ignore = NULL;

		(void)pgadmin_end(a, false, &ignore);
		free(ignore);
		return -1;
	}
	if (pgadmin_end(a, true, error_r) < 0)
		return -1;
	return found ? 1 : 0;
}

/* After COMMIT: the row is there and its bytes hash as the file's. */
static int
verify_entry(struct imp *im, const struct qentry *e, const char *sha,
    char **error_r)
{
	char there[SHA256_HEX_LEN + 1];
	uint64_t size;
	bool found;

	if (pgimport_find(im->q->store.db, e->id, &found, there, &size,
	    error_r) < 0)
		return -1;
	if (!found || strcmp(there, sha) != 0 || size != e->size) {
		*error_r = mem_printf("not verified after COMMIT (%s): kept",
		    found ? "other sha256 or size in the database" :
		    "no row in the database");
		return -1;
	}
	return 0;
}

/*
 * The folder copy goes, its record in the folder's audit trail first:
 * "imported", the line the database got in the same words (so a second
 * import does not copy it back), or "import-skipped" for a copy whose row
 * an earlier run committed.
 */
static int
remove_entry(struct imp *im, const struct qentry *e, bool skipped,
    char **error_r)
{
	struct buf line;
	int rc;

	qcli_event(im->q, e, skipped ? "import-skipped" : "imported", NULL, 0,
	    true, &line);
	rc = qentry_audit(im->dir, line.data, error_r);
	buf_free(&line);
	if (rc == 0)
		rc = qentry_remove(im->dir, e->id, error_r);
	return rc;
}

/* --dry-run: what would be done, nothing changed. */
static void
dry_run_one(struct imp *im, const struct qentry *e, size_t len,
    const char *sha)
{
	char there[SHA256_HEX_LEN + 1], *err = NULL;
	uint64_t size;
	bool found;

	if (pgimport_find(im->q->store.db, e->id, &found, there, &size,
	    &err) < 0) {
		printf("failed %s: %s (kept)\n", e->id, err);
		im->failed++;
		free(err);
	} else if (found && strcmp(there, sha) != 0) {
		printf("failed %s: the database holds %s with other bytes "
		    "(sha256 %.12s there, %.12s here): would not be imported "
		    "(kept)\n", e->id, e->id, there, sha);
		im->failed++;
	} else {
		printf("would %s %s (%zu bytes, sha256 %.12s)%s\n", found ?
		    "skip" : "import", e->id, len, sha, found ? ": already "
		    "in the database, same sha256" : "");
		*(found ? &im->skipped : &im->imported) += 1;
	}
}

static void
import_one(struct imp *im, const char *id)
{
	struct qentry e;
	char sha[SHA256_HEX_LEN + 1], *msg = NULL, *err = NULL;
	size_t len, npass = im->moved;
	int got;

	if (read_entry(im, id, &e, &msg, &len, sha, &err) < 0) {
		printf("failed %s: %s (kept)\n", id, err);
		im->failed++;
		free(err);
		return;
	}
	if (im->q->dry_run) {
		dry_run_one(im, &e, len, sha);
		goto out;
	}
	take_passes(im, id, true);
	if ((got = commit_entry(im, &e, msg, len, sha, &err)) < 0) {
		take_passes(im, id, false);
		printf("failed %s: %s (kept)\n", id, err);
		im->failed++;
	} else if (verify_entry(im, &e, sha, &err) < 0) {
		/* Committed, or maybe not: the pass files stay taken. */
		printf("failed %s: %s\n", id, err);
		im->failed++;
	} else {
		const char *what = got == 1 ? "skipped" : "imported";
		const char *tail = got == 1 ? ": already in the database, "
		    "same sha256" : "";

		drop_passes(im, id);
		*(got == 1 ? &im->skipped : &im->imported) += 1;
		if (im->q->keep) {
			printf("%s %s (%zu bytes, sha256 %.12s, %zu pass%s)%s; "
			    "folder entry kept (--keep)\n", what, id, len, sha,
			    im->moved - npass, im->moved - npass == 1 ? "" :
			    "es", tail);
			im->kept++;
		} else if (remove_entry(im, &e, got == 1, &err) < 0) {
			printf("%s %s (%zu bytes, sha256 %.12s)%s; but the "
			    "folder entry stays: %s\n", what, id, len, sha,
			    tail, err);
			im->kept++;
		} else {
			printf("%s %s (%zu bytes, sha256 %.12s, %zu pass%s)%s; "
			    "folder entry removed\n", what, id, len, sha,
			    im->moved - npass, im->moved - npass == 1 ? "" :
			    "es", tail);
			im->removed++;
		}
	}
out:
	free(err);
	free(msg);
	qentry_free(&e);
}

/* Hidden .tmp-ID folders: entries a milter never finished (it answered
 * tempfail for them); said, never imported. */
static void
report_unfinished(const struct imp *im)
{
	DIR *dh = opendir(im->dir);
	struct dirent *de;

	while (dh != NULL && (de = readdir(dh)) != NULL)
		if (strncmp(de->d_name, ".tmp-", 5) == 0)
			printf("left %s: a half-written entry (never stored, "
			    "the sender was answered tempfail): not "
			    "imported\n", de->d_name);
	if (dh != NULL)
		closedir(dh);
}

int
qimport_run(struct qcli *q)
{
	struct imp im = { .q = q };
	char **ids, *err = NULL, *reason = NULL;
	size_t n;
	int lock, rc = 0;

	im.dir = q->from != NULL ? q->from : q->qdir;
	if (q->store.db == NULL) {
		qcli_err(q, "quarantine.backend is files: set "
		    "quarantine.backend: postgresql and quarantine.dsn to "
		    "import %s into the records database", im.dir);
		return 1;
	}
	if (qcli_blank(q->by)) {
		qcli_err(q, "missing --by (who does it: clause 5 keeps a "
		    "record)");
		return 1;
	}
	if (qcli_blank(q->reason)) {
		reason = mem_printf("import from the folder store %s", im.dir);
		free(q->reason);
		q->reason = reason;
	}
	if (access(im.dir, R_OK | X_OK) != 0) {
		qcli_err(q, "cannot read %s: %s", im.dir, strerror(errno));
		return 1;
	}
	/* The folder store's lock: no folder-store command meanwhile. */
	if ((lock = lockfile_lock(im.dir, QENTRY_LOCK, &err)) < 0 ||
	    qentry_list(im.dir, &ids, &n, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		lockfile_unlock(&lock);
		return 1;
	}
	if (!q->dry_run && import_audit(&im) < 0)
		rc = 1;
	read_passes(&im);
	for (size_t i = 0; i < n; i++)
		import_one(&im, ids[i]);
	report_unfinished(&im);
	if (q->dry_run)
		printf("%zu would be imported, %zu skipped (already in the "
		    "database), %zu failed; nothing changed (--dry-run)\n",
		    im.imported, im.skipped, im.failed);
	else
		printf("%zu imported, %zu skipped (already in the database), "
		    "%zu failed; %zu folder entr%s removed, %zu kept; %zu "
		    "pass%s moved\n", im.imported, im.skipped, im.failed,
		    im.removed, im.removed == 1 ? "y" : "ies", im.kept,
		    im.moved, im.moved == 1 ? "" : "es");
	if (im.failed > 0)
		rc = 1;
	qentry_list_free(ids, n);
	free(im.passes);
	lockfile_unlock(&lock);
	return rc;
}
