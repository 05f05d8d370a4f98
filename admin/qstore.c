/*
 * qstore.c - the admin command's one quarantine: folder or database
 * (qstore.h).
 */
#include "qstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lockfile.h"
#include "mem.h"
#include "pgadmin.h"
#include "str.h"

int
qstore_open(struct qstore *s, const struct config *c, char **error_r)
{
	memset(s, 0, sizeof(*s));
	s->qdir = c->quarantine_dir;
	s->lock = -1;
	if (c->quarantine_backend == QUARANTINE_FILES)
		return 0;
	s->db = pgadmin_open(c, error_r);
	return s->db != NULL ? 0 : -1;
}

void
qstore_close(struct qstore *s)
{
	pgadmin_close(&s->db);
	lockfile_unlock(&s->lock);
}

const char *
qstore_audit_name(const struct qstore *s, char *buf, size_t len)
{
	if (s->db != NULL)
		(void)snprintf(buf, len, "the records database (msgsec_audit)");
	else
		(void)snprintf(buf, len, "%s/%s", s->qdir, QENTRY_AUDIT);
	return buf;
}

int
qstore_list(struct qstore *s, char ***ids_r, size_t *n_r, char **error_r)
{
	if (s->db != NULL)
		return pgadmin_list(s->db, ids_r, n_r, error_r);
	return qentry_list(s->qdir, ids_r, n_r, error_r);
}

int
qstore_load(struct qstore *s, const char *id, struct qentry *e,
    char **error_r)
{
	if (s->db != NULL)
		return pgadmin_load(s->db, id, e, error_r);
	return qentry_load(s->qdir, id, e, error_r);
}

int
qstore_message(struct qstore *s, const char *id, char **data_r,
    size_t *len_r, char **error_r)
{
	char *path;

	if (s->db != NULL)
		return pgadmin_message(s->db, id, data_r, len_r, error_r);
	if (!qentry_id_is_valid(id)) {
		*error_r = mem_printf("bad quarantine id '%s'", id);
		return -1;
	}
	path = mem_printf("%s/%s/message.eml", s->qdir, id);
	*data_r = lockfile_read(path, SIZE_MAX / 2, len_r, error_r);
	free(path);
	return *data_r != NULL ? 0 : -1;
}

int
qstore_message_fd(struct qstore *s, const char *id, char **error_r)
{
	char *data, *path;
	size_t len, off = 0;
	int fd;

	if (!qentry_id_is_valid(id)) {
		*error_r = mem_printf("bad quarantine id '%s'", id);
		return -1;
	}
	if (s->db == NULL) {
		path = mem_printf("%s/%s/message.eml", s->qdir, id);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			*error_r = mem_printf("%s: %s", path, errno == ENOENT ?
			    "no such entry" : strerror(errno));
		free(path);
		return fd;
	}
	if (pgadmin_message(s->db, id, &data, &len, error_r) < 0)
		return -1;
	fd = memfd_create("msgsec-message", MFD_CLOEXEC);
	if (fd < 0) {
		*error_r = mem_printf("memfd_create: %s", strerror(errno));
		free(data);
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = mem_printf("memfd: %s", strerror(errno));
			close(fd);
			free(data);
			return -1;
		}
		off += (size_t)n;
	}
	free(data);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		*error_r = mem_printf("memfd: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
qstore_begin(struct qstore *s, char **error_r)
{
	if (s->db != NULL)
		return pgadmin_begin(s->db, error_r);
	s->lock = lockfile_lock(s->qdir, QENTRY_LOCK, error_r);
	return s->lock >= 0 ? 0 : -1;
}

int
qstore_end(struct qstore *s, bool ok, char **error_r)
{
	if (s->db != NULL)
		return pgadmin_end(s->db, ok, error_r);
	lockfile_unlock(&s->lock);
	return 0;
}

int
qstore_audit(struct qstore *s, const struct qentry *e, const char *op,
    const char *by, const char *line, char **error_r)
{
	if (s->db != NULL)
		return pgadmin_audit(s->db, e->id, op, by, line, error_r);
	return qentry_audit(s->qdir, line, error_r);
}

int
qstore_add_history(struct qstore *s, const struct qentry *e,
    const char *event, char **error_r)
{
	struct buf b;
	int rc;

	if (s->db == NULL)
		return qentry_add_history(s->qdir, e, event, error_r);
	if (qentry_meta_with_event(e, event, &b, error_r) < 0)
		return -1;
	rc = pgadmin_set_meta(s->db, e->id, b.data, b.len, error_r);
	buf_free(&b);
	return rc;
}

int
qstore_remove(struct qstore *s, const char *id, char **error_r)
{
	if (s->db != NULL)
		return pgadmin_remove(s->db, id, error_r);
	return qentry_remove(s->qdir, id, error_r);
}

int
qstore_pass_create(struct qstore *s, const char *id,
    char token_r[RELEASE_TOKEN_LEN + 1], char **error_r)
{
	if (s->db != NULL)
		return pgadmin_pass_create(s->db, id, token_r, error_r);
	return release_create(s->qdir, id, token_r, error_r);
}

void
qstore_pass_cancel(struct qstore *s, const char *token)
{
	if (s->db != NULL)
		pgadmin_pass_cancel(s->db, token);
	else
		release_cancel(s->qdir, token);
}
