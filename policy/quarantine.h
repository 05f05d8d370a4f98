/*
 * quarantine.h - the store of messages msgsec blocked (clause 5: every
 * message is a public record; nothing msgsec rejects or discards is lost).
 *
 * Layout: DIR/ID/message.eml holds the bytes exactly as received,
 * DIR/ID/meta.json what happened and why.  An entry is built in a hidden
 * temporary folder, every file and folder fsync'd, then renamed into
 * place: it exists whole or not at all.  Folders are 0700, files 0600.
 *
 * While a message streams in, its bytes go to a spool file in DIR/.spool,
 * so memory stays bounded whatever the message size.
 */
#ifndef MSGSEC_QUARANTINE_H
#define MSGSEC_QUARANTINE_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

struct spool {
	int fd;			/* -1 while the message is in memory */
	char *path;
	char *dir;		/* the quarantine folder */
	char *mem;		/* the first bytes, up to mem_max */
	size_t mem_len, mem_cap, mem_max;
	uint64_t size;
	int error;		/* errno of the first failed write, or 0 */
};

/*
 * Start the spool for one message.  Messages up to mem_max bytes stay in
 * memory (no file is touched unless one is blocked); a larger one moves to
 * a file in DIR/.spool as soon as it outgrows that.  Returns 0, or -1 with
 * *error_r.
 */
int spool_open(struct spool *s, const char *qdir, size_t mem_max,
    char **error_r);
/* Append; a failure is remembered in s->error (checked at the end). */
void spool_write(struct spool *s, const void *data, size_t len);
/*
 * Read back up to len spooled bytes from off, to read the message a
 * second way.  Returns the bytes read (0 at the end), or -1 with errno.
 */
ssize_t spool_pread(const struct spool *s, uint64_t off, void *buf,
    size_t len);
/* Remove the spool file (the message was accepted). */
void spool_discard(struct spool *s);

/*
 * Move the spool into a new entry with meta (a JSON object, one line) and
 * make it durable.  id_hint (the MTA queue id) becomes part of the entry
 * id; the id is written to id_r (at least 96 bytes).  Returns 0, or -1 with
 * *error_r naming the folder and the errno, and id_r "" (no entry exists;
 * the spool is kept, so the caller can still answer tempfail).  Only a
 * name already taken makes it try the next ("ID.1" ...); any other failure
 * is reported at once.
 */
int quarantine_commit(struct spool *s, const char *qdir, const char *id_hint,
    const char *meta, char *id_r, char **error_r);

/*
 * An entry id: the time now, UTC, and the hint reduced to [A-Za-z0-9] (a
 * random one when that leaves nothing): "20260315T100000Z-3F2A1B7C".  A
 * store that finds it taken tries "ID.1", "ID.2" ...
 */
void quarantine_make_id(const char *hint, char *id, size_t len);

/* Entry names tried for one message ("ID", "ID.1" ...) before giving up,
 * in either store. */
#define QUARANTINE_ID_TRIES 100

/* Store bytes from memory the same way (for --test and tools). */
int quarantine_store_buffer(const char *qdir, const char *id_hint,
    const void *data, size_t len, const char *meta, char *id_r,
    char **error_r);

#endif
