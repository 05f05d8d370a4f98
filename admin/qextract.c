/*
 * qextract.c - `msgsec quarantine extract ID (--part N | --raw) -o FILE`:
 * one decoded MIME part, or the message as received, out of the store
 * and into a file, safely.
 *
 * Safe means: never onto a terminal (the bytes may be anything); never
 * over an existing file unless --force, and never over anything but a
 * regular file even then; the new file is 0600 and appears whole or not
 * at all (written to a temporary file beside it, fsync'd, then linked or
 * renamed into place); "-o -" writes standard output, only when that is
 * not a terminal.
 *
 * Part numbers are the milter's: the message is read with msgsec's own
 * MIME reader (policy/mime.c, the primary reading) under the configured
 * limits.* bounds, so N is the "part" that `msgsec quarantine show` and
 * the alerts name.  Untrusted: message.eml, streamed in EXTRACT_CHUNK
 * pieces (memory stays bounded whatever its size).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"
#include "mime.h"
#include "qcli.h"
#include "str.h"

#define EXTRACT_CHUNK (64u * 1024)

struct extract {
	size_t want;		/* part index */
	bool seen, container;
	int fd;
	int error;		/* errno of a failed write */
	uint64_t bytes;
};


static int
on_event(void *ctx, const struct mime_event *ev)
{
	struct extract *x = ctx;

	if (ev->part == NULL || ev->part->index != x->want)
		return 0;
	if (ev->type == MIME_EV_PART_BEGIN) {
		x->seen = true;
		x->container = ev->part->is_multipart || ev->part->is_message;
	} else if (ev->type == MIME_EV_BODY && x->error == 0) {
		if (write_all(x->fd, ev->value.p, ev->value.len) < 0)
			x->error = errno != 0 ? errno : EIO;
		x->bytes += ev->value.len;
	}
	return 0;
}

/* Where the bytes go: a temporary file beside out, or stdout. */
static int
open_out(const struct qcli *q, const char *out, char **tmp_r)
{
	struct stat st;
	char *tmp;
	int fd;

	*tmp_r = NULL;
	if (strcmp(out, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			qcli_err(q, "standard output is a terminal: give -o "
			    "FILE (the part may hold any bytes)");
			return -1;
		}
		return STDOUT_FILENO;
	}
	if (lstat(out, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			qcli_err(q, "%s exists and is not a regular file; "
			    "refusing to replace it", out);
			return -1;
		}
		if (!q->force) {
			qcli_err(q, "%s exists; --force replaces it", out);
			return -1;
		}
	} else if (errno != ENOENT) {
		qcli_err(q, "%s: %s", out, strerror(errno));
		return -1;
	}
	tmp = mem_printf("%s.msgsec-XXXXXX", out);
	fd = mkstemp(tmp);	/* 0600 */
	if (fd < 0) {
		qcli_err(q, "cannot create a file beside %s: %s", out,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	*tmp_r = tmp;
	return fd;
}

/* Put the finished temporary file in place; 0 or -1 (message printed). */
static int
close_out(const struct qcli *q, int fd, char *tmp, const char *out, bool ok)
{
	int rc = 0;

	if (tmp == NULL)
		return ok ? 0 : -1;
	if (ok && fsync(fd) < 0) {
		qcli_err(q, "%s: %s", tmp, strerror(errno));
		ok = false;
	}
	if (close(fd) < 0 && ok) {
		qcli_err(q, "%s: %s", tmp, strerror(errno));
		ok = false;
	}
	if (ok && q->force) {
		if (rename(tmp, out) < 0) {
			qcli_err(q, "%s: %s", out, strerror(errno));
			ok = false;
		}
	} else if (ok) {
		/* link(2) fails when out appeared meanwhile: no overwrite. */
		if (link(tmp, out) < 0) {
			qcli_err(q, "%s: %s", out, errno == EEXIST ?
			    "exists; --force replaces it" : strerror(errno));
			ok = false;
		}
	}
	if (!ok || !q->force)
		(void)unlink(tmp);
	if (!ok)
		rc = -1;
	free(tmp);
	return rc;
}

static void
mime_limits_of(const struct config *c, struct mime_limits *ml)
{
	mime_limits_default(ml);
	ml->depth = c->limits.mime_depth;
	ml->parts = c->limits.mime_parts;
	ml->header_bytes = c->limits.header_bytes;
	ml->header_count = c->limits.header_count;
	ml->line_length = c->limits.line_length;
	ml->params = c->limits.mime_params;
	ml->param_sections = c->limits.param_sections;
	ml->param_bytes = c->limits.header_bytes;
}

int
qextract_run(struct qcli *q)
{
	struct extract x;
	struct mime_limits ml;
	struct mime *m = NULL;
	char *path, *tmp = NULL, *buf, *err = NULL;
	uint64_t part = 0;
	int in, fd;
	bool ok = true;

	if ((q->part == NULL) == !q->raw) {
		qcli_err(q, "give one of --part N or --raw");
		return 2;
	}
	if (q->output == NULL) {
		qcli_err(q, "give -o FILE (or -o - for a pipe)");
		return 2;
	}
	if (q->part != NULL && str_to_u64_cstr(q->part, 0,
	    q->conf.limits.mime_parts, &part) < 0) {
		qcli_err(q, "--part: expected a part number from 0 to %llu "
		    "(limits.mime_parts), not '%s'",
		    (unsigned long long)q->conf.limits.mime_parts, q->part);
		return 2;
	}
	if (!qentry_id_is_valid(q->id)) {
		qcli_err(q, "bad quarantine id '%s'", q->id);
		return 1;
	}
	path = mem_printf("quarantine entry %s", q->id);
	if ((in = qstore_message_fd(&q->store, q->id, &err)) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		free(path);
		return 1;
	}
	if ((fd = open_out(q, q->output, &tmp)) < 0) {
		close(in);
		free(path);
		return 1;
	}
	memset(&x, 0, sizeof(x));
	x.want = (size_t)part;
	x.fd = fd;
	if (!q->raw) {
		mime_limits_of(&q->conf, &ml);
		m = mime_new(&ml, on_event, &x);
	}
	buf = mem_malloc(EXTRACT_CHUNK);
	for (;;) {
		ssize_t n = read(in, buf, EXTRACT_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			qcli_err(q, "%s: %s", path, strerror(errno));
			ok = false;
			break;
		}
		if (n == 0)
			break;
		if (m != NULL) {
			(void)mime_feed(m, buf, (size_t)n);
		} else if (write_all(fd, buf, (size_t)n) < 0) {
			x.error = errno != 0 ? errno : EIO;
		} else {
			x.bytes += (uint64_t)n;
		}
		if (x.error != 0)
			break;
	}
	if (m != NULL) {
		(void)mime_finish(m);
		mime_free(&m);
	}
	free(buf);
	close(in);
	if (x.error != 0) {
		qcli_err(q, "writing %s: %s", q->output, strerror(x.error));
		ok = false;
	} else if (ok && !q->raw && !x.seen) {
		qcli_err(q, "%s has no part %llu (msgsec quarantine show %s "
		    "lists them)", q->id, (unsigned long long)part, q->id);
		ok = false;
	} else if (ok && !q->raw && x.container) {
		qcli_err(q, "part %llu of %s holds other parts; extract one "
		    "of them, or --raw", (unsigned long long)part, q->id);
		ok = false;
	}
	if (close_out(q, fd, tmp, q->output, ok) < 0 || !ok) {
		free(path);
		return 1;
	}
	if (strcmp(q->output, "-") != 0) {
		if (q->raw)
			printf("wrote %s (the message as received, %llu bytes, "
			    "mode 0600)\n", q->output,
			    (unsigned long long)x.bytes);
		else
			printf("wrote %s (part %llu decoded, %llu bytes, "
			    "mode 0600)\n", q->output,
			    (unsigned long long)part,
			    (unsigned long long)x.bytes);
	}
	free(path);
	return 0;
}
