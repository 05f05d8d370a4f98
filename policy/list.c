/*
 * list.c - named lists from data files or inline items.
 *
 * Trusts: nothing in the data file.  Each line is bounded (LIST_MAX_ENTRY
 * bytes of entry; longer lines are an error, the rest of the line is
 * skipped), the entry count is bounded (limits.list_entries), and every
 * entry is validated by its type's strict parser with a FILE:LINE:COL
 * diagnostic pointing at the offending byte.
 */
#include "list.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domset.h"
#include "mem.h"
#include "sha256.h"
#include "strset.h"

static const char *const list_type_names[] = {
	[LIST_EXTENSION] = "extension",
	[LIST_DOMAIN] = "domain",
	[LIST_CIDR] = "cidr",
	[LIST_PORT] = "port",
	[LIST_MIMETYPE] = "mimetype",
	[LIST_STRING] = "string",
};

const char *
list_type_name(enum list_type t)
{
	if ((size_t)t >= sizeof(list_type_names) / sizeof(list_type_names[0]))
		return "?";
	return list_type_names[t];
}

int
list_type_parse(const char *s, enum list_type *t)
{
	for (size_t i = 0; i < sizeof(list_type_names) /
	    sizeof(list_type_names[0]); i++) {
		if (strcmp(s, list_type_names[i]) == 0) {
			*t = (enum list_type)i;
			return 0;
		}
	}
	return -1;
}

static struct list *
list_new(const char *id, enum list_type t)
{
	struct list *l = mem_calloc(1, sizeof(*l));

	l->id = mem_strdup(id);
	l->type = t;
	switch (t) {
	case LIST_EXTENSION:
	case LIST_MIMETYPE:
	case LIST_STRING:
		l->strs = strset_new();
		break;
	case LIST_DOMAIN:
		l->doms = domset_new();
		break;
	case LIST_CIDR:
		l->cidrs = cidrset_new();
		break;
	case LIST_PORT:
		break;
	}
	return l;
}

void
list_free(struct list **lp)
{
	struct list *l = *lp;

	if (l == NULL)
		return;
	free(l->id);
	free(l->source);
	strset_free(&l->strs);
	domset_free(&l->doms);
	cidrset_free(&l->cidrs);
	free(l->ports);
	free(l);
	*lp = NULL;
}

/* Parse "tcp/5222" or "udp/6660-6669". */
static int
parse_port(const char *s, size_t len, struct port_range *pr,
    const char **why_r, size_t *col_r)
{
	const char *slash = memchr(s, '/', len);
	const char *dash;
	size_t plen, rest;
	uint64_t lo, hi;

	*col_r = 0;
	if (slash == NULL) {
		*why_r = "expected tcp/PORT, udp/PORT or PROTO/LO-HI";
		return -1;
	}
	plen = (size_t)(slash - s);
	if (plen == 3 && strncmp(s, "tcp", 3) == 0)
		pr->proto = IPPROTO_TCP;
	else if (plen == 3 && strncmp(s, "udp", 3) == 0)
		pr->proto = IPPROTO_UDP;
	else {
		*why_r = "protocol must be tcp or udp";
		return -1;
	}
	s = slash + 1;
	rest = len - plen - 1;
	*col_r = plen + 1;
	dash = memchr(s, '-', rest);
	if (dash == NULL) {
		if (str_to_u64((struct span){ s, rest }, 1, 65535, &lo) < 0) {
			*why_r = "port must be a number from 1 to 65535";
			return -1;
		}
		hi = lo;
	} else {
		if (str_to_u64((struct span){ s, (size_t)(dash - s) }, 1, 65535,
		    &lo) < 0) {
			*why_r = "port must be a number from 1 to 65535";
			return -1;
		}
		*col_r += (size_t)(dash - s) + 1;
		if (str_to_u64((struct span){ dash + 1,
		    rest - (size_t)(dash - s) - 1 }, 1, 65535, &hi) < 0) {
			*why_r = "port must be a number from 1 to 65535";
			return -1;
		}
		if (hi < lo) {
			*why_r = "range ends before it starts";
			return -1;
		}
	}
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	return 0;
}

/* RFC 2045 token characters for a MIME type "type/subtype". */
static bool
mimetype_ok(const char *s, size_t len, size_t *col_r)
{
	size_t slashes = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/') {
			if (i == 0 || i + 1 == len || ++slashes > 1) {
				*col_r = i;
				return false;
			}
			continue;
		}
		if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"[]?=", c)) {
			*col_r = i;
			return false;
		}
	}
	*col_r = len;
	return slashes == 1;
}

int
list_add_entry(struct list *l, const char *s, size_t len, const char **why_r,
    size_t *col_r)
{
	struct cidr c;
	struct port_range pr;

	*col_r = 0;
	switch (l->type) {
	case LIST_EXTENSION:
		if (len > 0 && s[0] == '.') {
			*why_r = "write extensions without the leading dot";
			return -1;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)s[i];

			if (ch <= 0x20 || ch >= 0x7f || ch == '/' ||
			    ch == '\\') {
				*col_r = i;
				*why_r = "extensions are printable ASCII "
				    "without '/', '\\' or spaces";
				return -1;
			}
		}
		if (len == 0) {
			*why_r = "empty extension";
			return -1;
		}
		strset_add(l->strs, s, len);
		break;
	case LIST_MIMETYPE:
		if (!mimetype_ok(s, len, col_r)) {
			*why_r = "expected a MIME type such as "
			    "application/x-dosexec";
			return -1;
		}
		strset_add(l->strs, s, len);
		break;
	case LIST_STRING:
		if (len == 0) {
			*why_r = "empty entry";
			return -1;
		}
		strset_add(l->strs, s, len);
		break;
	case LIST_DOMAIN:
		if (domain_validate(s, len, why_r, col_r) < 0)
			return -1;
		domset_add(l->doms, s, len);
		break;
	case LIST_CIDR:
		if (cidr_parse(s, len, &c, why_r) < 0)
			return -1;
		cidrset_add(l->cidrs, &c);
		break;
	case LIST_PORT:
		if (parse_port(s, len, &pr, why_r, col_r) < 0)
			return -1;
		l->ports = mem_reallocarray(l->ports, l->count + 1,
		    sizeof(*l->ports));
		l->ports[l->count] = pr;
		break;
	}
	l->count++;
	return 0;
}

static void
list_finish(struct list *l)
{
	if (l->cidrs != NULL)
		cidrset_build(l->cidrs);
}

/* Read a data file, one entry per line. */
static int
list_read_file(struct list *l, const char *path, size_t max_entries,
    struct diags *d)
{
	FILE *f = fopen(path, "rb");
	char line[LIST_MAX_ENTRY + 2];
	unsigned lineno = 0;
	struct sha256 h;
	int rc = 0;

	if (f == NULL) {
		diag_error(d, path, 0, 0, "cannot open list '%s': %s", l->id,
		    strerror(errno));
		return -1;
	}
	sha256_init(&h);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line), start = 0, end;
		const char *why;
		size_t col;

		sha256_update(&h, line, n);

		lineno++;
		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			int ch;

			diag_error(d, path, lineno, 1,
			    "line longer than %d bytes", LIST_MAX_ENTRY);
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			rc = -1;
			continue;
		}
		/* Comments, then whitespace.  NUL bytes end the line early
		 * (fgets) and are caught by the parsers as junk if any. */
		for (end = 0; end < n && line[end] != '#'; end++)
			;
		while (start < end && strchr(" \t\r\n", line[start]) != NULL)
			start++;
		while (end > start && strchr(" \t\r\n", line[end - 1]) != NULL)
			end--;
		if (end == start)
			continue;
		if (memchr(line + start, ' ', end - start) != NULL ||
		    memchr(line + start, '\t', end - start) != NULL) {
			size_t sp = strcspn(line + start, " \t");

			diag_error(d, path, lineno, (unsigned)(start + sp + 1),
			    "one entry per line: unexpected space");
			rc = -1;
			continue;
		}
		if (l->count >= max_entries) {
			diag_error(d, path, lineno, 1,
			    "list '%s' has more than %zu entries "
			    "(limits.list_entries)", l->id, max_entries);
			rc = -1;
			break;
		}
		if (list_add_entry(l, line + start, end - start, &why, &col) <
		    0) {
			struct buf b;

			buf_init(&b, 256);
			(void)buf_append_escaped(&b, (struct span){ line + start,
			    end - start }, 60);
			diag_error(d, path, lineno, (unsigned)(start + col + 1),
			    "bad %s '%s' in list '%s': %s",
			    list_type_name(l->type), b.data, l->id, why);
			buf_free(&b);
			rc = -1;
		}
	}
	if (ferror(f)) {
		diag_error(d, path, 0, 0, "read error");
		rc = -1;
	}
	sha256_final_hex(&h, l->sha256);
	fclose(f);
	return rc;
}

struct list *
list_from_items(const char *id, enum list_type t, const struct node *items,
    size_t max_entries, struct diags *d)
{
	struct list *l;
	char q[80];
	int rc = 0;

	if (!node_expect(items, NODE_SEQ, "items", d))
		return NULL;
	l = list_new(id, t);
	l->source = mem_strdup(items->file);
	l->line = items->line;
	l->col = items->col;
	for (size_t i = 0; i < items->nitems; i++) {
		const struct node *it = items->items[i];
		const char *why;
		size_t col;

		if (!node_expect(it, NODE_SCALAR, "items", d)) {
			rc = -1;
			continue;
		}
		if (l->count >= max_entries) {
			diag_error(d, it->file, it->line, it->col,
			    "list '%s' has more than %zu entries "
			    "(limits.list_entries)", l->id, max_entries);
			rc = -1;
			break;
		}
		if (list_add_entry(l, it->str, it->len, &why, &col) < 0) {
			diag_error(d, it->file, it->line,
			    node_col_at(it, col),
			    "bad %s '%s' in list '%s': %s", list_type_name(t),
			    node_quote(it, q, sizeof(q)), l->id, why);
			rc = -1;
		}
	}
	if (rc < 0) {
		list_free(&l);
		return NULL;
	}
	list_finish(l);
	return l;
}

static const char *const list_keys[] = { "id", "type", "file", "items",
	"description", NULL };

struct list *
list_load(const struct node *decl, const char *base_dir, size_t max_entries,
    struct diags *d)
{
	const struct node *id, *type, *file = NULL, *items;
	enum list_type t;
	struct list *l;
	char q[80];
	int rc = 0;

	if (!node_expect(decl, NODE_MAP, "lists", d))
		return NULL;
	node_check_keys(decl, list_keys, "list", d);
	if (node_get_str(decl, "id", true, "list", d, &id) < 0 ||
	    node_get_str(decl, "type", true, "list", d, &type) < 0)
		return NULL;
	if (list_type_parse(type->str, &t) < 0) {
		diag_error(d, type->file, type->line, type->col,
		    "unknown list type '%s' (expected extension, domain, cidr, "
		    "port, mimetype or string)", node_quote(type, q, sizeof(q)));
		return NULL;
	}
	if (node_get_str(decl, "file", false, "list", d, &file) < 0)
		return NULL;
	items = node_get(decl, "items");
	if ((file == NULL) == (items == NULL)) {
		diag_error(d, decl->file, decl->line, decl->col,
		    "list '%s' needs exactly one of 'file' or 'items'",
		    node_quote(id, q, sizeof(q)));
		return NULL;
	}
	l = list_new(id->str, t);
	l->line = decl->line;
	l->col = decl->col;
	if (file != NULL) {
		l->source = path_join(base_dir, file->str);
		rc = list_read_file(l, l->source, max_entries, d);
	} else {
		list_free(&l);
		return list_from_items(id->str, t, items, max_entries, d);
	}
	if (rc < 0) {
		list_free(&l);
		return NULL;
	}
	list_finish(l);
	return l;
}

bool
list_has_str(const struct list *l, const char *s, size_t len)
{
	switch (l->type) {
	case LIST_EXTENSION:
	case LIST_MIMETYPE:
	case LIST_STRING:
		return strset_has(l->strs, s, len);
	case LIST_DOMAIN:
		return domset_match(l->doms, s, len, NULL);
	default:
		return false;
	}
}

bool
list_has_ip(const struct list *l, const struct ipaddr *a)
{
	return l->type == LIST_CIDR && cidrset_match(l->cidrs, a);
}

bool
list_has_port(const struct list *l, uint8_t proto, uint16_t port)
{
	if (l->type != LIST_PORT)
		return false;
	for (size_t i = 0; i < l->count; i++)
		if (l->ports[i].proto == proto && port >= l->ports[i].lo &&
		    port <= l->ports[i].hi)
			return true;
	return false;
}

bool
list_match_str(const struct list *l, const char *s, size_t len,
    const char **entry_r)
{
	if (l->type == LIST_DOMAIN)
		return domset_match(l->doms, s, len, entry_r);
	if (!list_has_str(l, s, len))
		return false;
	*entry_r = NULL;
	return true;
}

bool
list_match_ip(const struct list *l, const struct ipaddr *a,
    struct cidr *entry_r)
{
	return l->type == LIST_CIDR &&
	    cidrset_match_prefix(l->cidrs, a, entry_r);
}

bool
list_match_port(const struct list *l, uint8_t proto, uint16_t port,
    struct port_range *entry_r)
{
	if (l->type != LIST_PORT)
		return false;
	for (size_t i = 0; i < l->count; i++)
		if (l->ports[i].proto == proto && port >= l->ports[i].lo &&
		    port <= l->ports[i].hi) {
			*entry_r = l->ports[i];
			return true;
		}
	return false;
}
