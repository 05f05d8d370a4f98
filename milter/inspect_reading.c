/*
 * inspect_reading.c - the union of readings.
 *
 * A message that can be read more than one way (mime.h, "Readings") is
 * inspected in every way a real reader could read it.  The primary pass
 * (inspect.c) follows the reading most readers take and the parser notes
 * the ambiguities it met.  Only then, and only for a message that has
 * some, the message is read again from the spool:
 *
 *   1. with the primary reading, to learn what it yields: a key per leaf
 *      part (SHA-256 over its names and decoded bytes);
 *   2. with each alternative reading the ambiguities call for.  A leaf
 *      whose key is already known is dropped; a new one goes through
 *      everything an attachment goes through in the primary pass (names,
 *      true type, archives, legacy encodings, libclamav), and the reading
 *      that yielded it raises mime.ambiguous, its detail naming the kinds
 *      of ambiguity involved.
 *
 *   3. a reading may meet ambiguities the primary one did not (the second
 *      Content-Type that only last-header parses has a junk media type
 *      and two names): each reading those call for runs again composed
 *      with the reading that met them (last-header+joined-words), once
 *      per distinct set of settings.
 *
 * Plain mail meets no ambiguity and pays nothing: no second pass, no
 * hashing.  The cost of an ambiguous message is bounded by the number of
 * readings and their pairs (at most READINGS_MAX passes over at most
 * limits.message_size bytes, each under the same MIME limits); in
 * practice a few.
 *
 * The inventory (inspect.h) lists every leaf of every reading inspected;
 * when it is asked for, step 1 runs for every message.
 *
 * Trusts: nothing.  Keys live in a hash table bounded by the number of
 * parts the readings yield (each reading under limits.mime_parts).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "mem.h"
#include "mime.h"

#include "inspect_priv.h"

#define KEY_LEN 32
#define READ_CHUNK 65536
#define NORM_HOLD 65536		/* trailing white space held back */

/* The alternative readings, and the ambiguities that call for each. */
static const struct reading_def {
	unsigned when;		/* MIME_AMB_* bits that call for it */
	struct mime_reading r;
} readings[] = {
	{ MIME_AMB_HEADER | MIME_AMB_ENCODING,
	    { .name = "last-header", .header_last = true } },
	{ MIME_AMB_HEADER,
	    { .name = "fold-nocolon", .fold_nocolon = true } },
	{ MIME_AMB_HEADER,
	    { .name = "skip-junk-header", .skip_junk = true,
	    .cr_drop = true } },
	/* Python's email: its strict field and token syntax at once. */
	{ MIME_AMB_HEADER | MIME_AMB_NAME,
	    { .name = "strict-syntax", .strict_colon = true,
	    .strict_token = true, .cr_eol = true } },
	{ MIME_AMB_NAME | MIME_AMB_BOUNDARY,
	    { .name = "last-param", .param_last = true } },
	{ MIME_AMB_NAME | MIME_AMB_BOUNDARY,
	    { .name = "raw-param", .param_raw = true } },
	{ MIME_AMB_NAME | MIME_AMB_BOUNDARY,
	    { .name = "raw-last-param", .param_raw = true,
	    .param_last = true } },
	{ MIME_AMB_NAME,
	    { .name = "joined-words", .words_joined = true,
	    .param_junk = true } },
	{ MIME_AMB_NAME,
	    { .name = "nul-cut", .nul_cut = true } },
	{ MIME_AMB_NAME,
	    { .name = "charset-fallback", .charset_fallback = true } },
	{ MIME_AMB_NAME,
	    { .name = "literal-words", .strict_words = true } },
	{ MIME_AMB_BOUNDARY,
	    { .name = "loose-boundary", .boundary_loose = true } },
	{ MIME_AMB_STRUCTURE,
	    { .name = "after-close", .after_close = true } },
	{ MIME_AMB_STRUCTURE,
	    { .name = "inner-first", .inner_first = true } },
	{ MIME_AMB_STRUCTURE,
	    { .name = "message-any", .message_any = true } },
	{ MIME_AMB_STRUCTURE,
	    { .name = "empty-close", .empty_close = true } },
	{ MIME_AMB_STRUCTURE,
	    { .name = "child-first", .child_first = true } },
	{ MIME_AMB_ENCODING,
	    { .name = "cte-guess", .cte_guess = true } },
	{ MIME_AMB_DECODING,
	    { .name = "b64-stop-at-pad", .b64 = MIME_B64_STOP_AT_PAD } },
	{ MIME_AMB_DECODING,
	    { .name = "b64-linewise", .b64 = MIME_B64_LINEWISE } },
	{ MIME_AMB_DECODING,
	    { .name = "b64-per-line", .b64 = MIME_B64_PER_LINE } },
	{ MIME_AMB_DECODING,
	    { .name = "qp-literal", .qp = MIME_QP_LITERAL } },
	{ MIME_AMB_DECODING,
	    { .name = "qp-triplet", .qp = MIME_QP_TRIPLET } },
};
#define NREADINGS (sizeof(readings) / sizeof(readings[0]))
#define READINGS_MAX ((NREADINGS + 2) * (NREADINGS + 1))

/* Every alternative at once, for messages with tricks of several kinds. */
static const struct mime_reading reading_all = {
	.name = "all", .header_last = true, .param_last = true,
	.boundary_loose = true, .after_close = true, .cte_guess = true,
	.fold_nocolon = true,
};

/* The same, as GMime 3 reads header blocks: every line up to a blank one
 * is the block's (a junk line is kept as an invalid field, "--b" too),
 * and the last Content-Type is the part's. */
static const struct mime_reading reading_all_skip = {
	.name = "all-skip-junk", .header_last = true, .param_last = true,
	.boundary_loose = true, .after_close = true, .cte_guess = true,
	.skip_junk = true, .words_joined = true, .param_junk = true,
	.child_first = true, .cr_drop = true,
};

static const struct {
	unsigned bit;
	const char *name;
} kinds[] = {
	{ MIME_AMB_HEADER, "header" },
	{ MIME_AMB_NAME, "name" },
	{ MIME_AMB_BOUNDARY, "boundary" },
	{ MIME_AMB_ENCODING, "encoding" },
	{ MIME_AMB_DECODING, "decoding" },
	{ MIME_AMB_STRUCTURE, "structure" },
};

/* ------------------------------------------------------------ hashing */

/*
 * SHA-256 of the bytes as they are, and of the bytes with CRLF (and any
 * run of CRs before LF) as LF and
 * trailing white space dropped (readers differ on the last line end).
 * The trailing run is held back up to NORM_HOLD bytes; a longer run of
 * white space is hashed as it is.
 */
static EVP_MD_CTX *
ctx_new(void)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();

	if (x == NULL) {
		/* Out of memory: as mem_malloc(), never half a decision. */
		fprintf(stderr, "msgsec: fatal: out of memory (EVP_MD_CTX)\n");
		abort();
	}
	(void)EVP_DigestInit_ex(x, EVP_sha256(), NULL);
	return x;
}

/*
 * A third digest, loose, is what decides whether a reading found
 * something: the bytes with the white space at every line end dropped
 * (and the line ends at the very end).  Readings that differ only there
 * (quoted-printable's rule 3, which strict readers do not apply) are
 * inspected, but are no ambiguity worth holding a message for.
 */
struct digest {
	EVP_MD_CTX *exact, *norm, *loose;
	char *hold;
	size_t nhold;
	char *lhold;		/* loose: spaces, tabs, CRs since the last */
	size_t nlhold;		/* other byte or line end */
	uint64_t nlf;		/* loose: line ends not written yet */
	uint64_t size;
};

static void
digest_init(struct digest *d)
{
	memset(d, 0, sizeof(*d));
	d->exact = ctx_new();
	d->norm = ctx_new();
	d->loose = ctx_new();
	d->hold = mem_malloc(NORM_HOLD);
	d->lhold = mem_malloc(NORM_HOLD);
}

static void
digest_reset(struct digest *d)
{
	(void)EVP_DigestInit_ex(d->exact, EVP_sha256(), NULL);
	(void)EVP_DigestInit_ex(d->norm, EVP_sha256(), NULL);
	(void)EVP_DigestInit_ex(d->loose, EVP_sha256(), NULL);
	d->nhold = 0;
	d->nlhold = 0;
	d->nlf = 0;
	d->size = 0;
}

static void
digest_free(struct digest *d)
{
	EVP_MD_CTX_free(d->exact);
	EVP_MD_CTX_free(d->norm);
	EVP_MD_CTX_free(d->loose);
	free(d->hold);
	free(d->lhold);
}

/* The loose digest's part of digest_update(). */
static void
loose_update(struct digest *d, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '\n') {
			d->nlhold = 0;		/* white space at a line end */
			d->nlf++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			if (d->nlhold == NORM_HOLD) {
				(void)EVP_DigestUpdate(d->loose, d->lhold,
				    d->nlhold);
				d->nlhold = 0;
			}
			d->lhold[d->nlhold++] = c;
		} else {
			for (; d->nlf > 0; d->nlf--)
				(void)EVP_DigestUpdate(d->loose, "\n", 1);
			(void)EVP_DigestUpdate(d->loose, d->lhold, d->nlhold);
			d->nlhold = 0;
			(void)EVP_DigestUpdate(d->loose, &c, 1);
		}
	}
}

static bool
is_ws(char c)
{
	return c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

static void
digest_update(struct digest *d, const char *p, size_t len)
{
	size_t i = 0;

	(void)EVP_DigestUpdate(d->exact, p, len);
	loose_update(d, p, len);
	d->size += len;
	while (i < len) {
		size_t j = i;

		if (!is_ws(p[i])) {
			/* Held white space was not trailing after all. */
			if (d->nhold > 0)
				(void)EVP_DigestUpdate(d->norm, d->hold,
				    d->nhold);
			d->nhold = 0;
			while (j < len && !is_ws(p[j]))
				j++;
			(void)EVP_DigestUpdate(d->norm, p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] == '\n' && d->nhold > 0 &&
		    d->hold[d->nhold - 1] == '\r') {
			/* CRLF as LF, and CR CR LF (readers drop the CR
			 * before a line end, some every one of them) */
			while (d->nhold > 1 && d->hold[d->nhold - 2] == '\r')
				d->nhold--;
			d->hold[d->nhold - 1] = '\n';
		} else {
			if (d->nhold == NORM_HOLD) {
				(void)EVP_DigestUpdate(d->norm, d->hold,
				    d->nhold);
				d->nhold = 0;
			}
			d->hold[d->nhold++] = p[i];
		}
		i++;
	}
}

static void
hex(const unsigned char *md, char out[65])
{
	static const char x[] = "0123456789abcdef";

	for (size_t i = 0; i < KEY_LEN; i++) {
		out[2 * i] = x[md[i] >> 4];
		out[2 * i + 1] = x[md[i] & 15];
	}
	out[64] = '\0';
}

static void
digest_final(struct digest *d, unsigned char exact[KEY_LEN],
    unsigned char norm[KEY_LEN], unsigned char loose[KEY_LEN])
{
	unsigned char scratch[EVP_MAX_MD_SIZE];
	unsigned n;

	(void)EVP_DigestFinal_ex(d->exact, exact, &n);
	(void)EVP_DigestFinal_ex(d->norm, norm, &n);
	(void)EVP_DigestFinal_ex(d->loose, loose != NULL ? loose : scratch,
	    &n);
}

/* ------------------------------------------------------------ keys */

struct keyset {
	unsigned char (*v)[KEY_LEN];
	bool *used;
	size_t n, cap;
};

static size_t
key_slot(const struct keyset *k, const unsigned char *key)
{
	size_t h;

	memcpy(&h, key, sizeof(h));
	return h & (k->cap - 1);
}

/* Add key; returns false if it was there already. */
static bool
keyset_add(struct keyset *k, const unsigned char *key)
{
	size_t i;

	if (2 * (k->n + 1) > k->cap) {
		struct keyset g = { NULL, NULL, 0, k->cap == 0 ? 64 :
		    2 * k->cap };

		g.v = mem_calloc(g.cap, KEY_LEN);
		g.used = mem_calloc(g.cap, sizeof(*g.used));
		for (size_t j = 0; j < k->cap; j++)
			if (k->used[j])
				(void)keyset_add(&g, k->v[j]);
		free(k->v);
		free(k->used);
		*k = g;
	}
	for (i = key_slot(k, key); k->used[i]; i = (i + 1) & (k->cap - 1))
		if (memcmp(k->v[i], key, KEY_LEN) == 0)
			return false;
	k->used[i] = true;
	memcpy(k->v[i], key, KEY_LEN);
	k->n++;
	return true;
}

static void
keyset_free(struct keyset *k)
{
	free(k->v);
	free(k->used);
	memset(k, 0, sizeof(*k));
}

/* ------------------------------------------------------------ inventory */

static struct inspect_item *
item_new(struct inspect *in, size_t part, const char *kind)
{
	struct inspect_item *it;

	in->items = mem_reallocarray(in->items, in->nitems + 1,
	    sizeof(*in->items));
	it = &in->items[in->nitems++];
	memset(it, 0, sizeof(*it));
	it->reading = in->reading != NULL ? in->reading : "primary";
	it->part = part;
	it->kind = kind;
	return it;
}

static const char *
dup_or_null(const char *s)
{
	return s != NULL ? mem_strdup(s) : NULL;
}

void
inspect_item_bytes(struct inspect *in, size_t part, const char *kind,
    const char *name, const char *type, const void *data, size_t len)
{
	struct inspect_item *it = item_new(in, part, kind);

	it->names[0] = dup_or_null(name);
	it->type = mem_strdup(type != NULL ? type : "");
	it->size = len;
	if (data != NULL) {
		struct digest d;
		unsigned char e[KEY_LEN], n[KEY_LEN];

		digest_init(&d);
		digest_update(&d, data, len);
		digest_final(&d, e, n, NULL);
		digest_free(&d);
		hex(e, it->sha256);
		hex(n, it->sha256n);
	}
}

void
inspect_items_free(struct inspect *in)
{
	for (size_t i = 0; i < in->nitems; i++) {
		free((char *)(uintptr_t)in->items[i].names[0]);
		free((char *)(uintptr_t)in->items[i].names[1]);
		free((char *)(uintptr_t)in->items[i].type);
	}
	free(in->items);
	in->items = NULL;
	in->nitems = 0;
}

void
inspect_set_inventory(struct inspect *in, bool on)
{
	in->inventory = on;
}

size_t
inspect_inventory(const struct inspect *in, const struct inspect_item **items)
{
	*items = in->items;
	return in->nitems;
}

unsigned
inspect_ambiguous(const struct inspect *in)
{
	return in->amb_found;
}

/* ------------------------------------------------------------ passes */

struct reading_pass {
	struct inspect *in;
	struct keyset *keys;
	struct keyset *loose;	/* leaf keys over the loose digest */
	struct keyset *names;	/* every name seen, hashed */
	bool alt;		/* inspect what is new; else only learn keys */
	bool found;		/* this reading yielded something new */
	struct digest d;
	size_t leaf;		/* the leaf being hashed, SIZE_MAX if none */
};

/* The key of a leaf: its names, its bytes, and whether a legacy decoder
 * reads them again (the same bytes as x-uuencode are another file). */
static void
leaf_key(const struct mime_part *p, const unsigned char *bytes,
    unsigned char key[KEY_LEN])
{
	EVP_MD_CTX *x = ctx_new();
	char cls = inspect_legacy_class(p->encoding_name);
	unsigned n;

	(void)EVP_DigestUpdate(x, &cls, 1);
	(void)EVP_DigestUpdate(x, p->filename != NULL ? "f" : "-", 1);
	if (p->filename != NULL)
		(void)EVP_DigestUpdate(x, p->filename, strlen(p->filename) + 1);
	(void)EVP_DigestUpdate(x, p->name != NULL ? "n" : "-", 1);
	if (p->name != NULL)
		(void)EVP_DigestUpdate(x, p->name, strlen(p->name) + 1);
	(void)EVP_DigestUpdate(x, bytes, KEY_LEN);
	(void)EVP_DigestFinal_ex(x, key, &n);
	EVP_MD_CTX_free(x);
}

/* Does the part carry a name no reading has yielded so far? */
static bool
new_names(struct reading_pass *rp, const struct mime_part *p)
{
	const char *v[2] = { p->filename, p->name };
	bool fresh = false;

	for (int i = 0; i < 2; i++) {
		unsigned char md[KEY_LEN];
		EVP_MD_CTX *x;
		unsigned n;

		if (v[i] == NULL)
			continue;
		x = ctx_new();
		(void)EVP_DigestUpdate(x, v[i], strlen(v[i]));
		(void)EVP_DigestFinal_ex(x, md, &n);
		EVP_MD_CTX_free(x);
		fresh |= keyset_add(rp->names, md);
	}
	return fresh;
}

static void
set_type(struct inspect_item *it, const char *type)
{
	free((char *)(uintptr_t)it->type);
	it->type = mem_strdup(type);
}

static void
leaf_done(struct reading_pass *rp, const struct mime_part *p)
{
	struct inspect *in = rp->in;
	unsigned char e[KEY_LEN], n[KEY_LEN], l[KEY_LEN], key[KEY_LEN];
	bool fresh, differs;

	digest_final(&rp->d, e, n, l);
	leaf_key(p, e, key);
	fresh = keyset_add(rp->keys, key);
	leaf_key(p, l, key);
	differs = keyset_add(rp->loose, key);
	if (!rp->alt)
		(void)new_names(rp, p);
	if (fresh && in->inventory) {
		struct inspect_item *it = item_new(in, p->index, "part");

		it->names[0] = dup_or_null(p->filename);
		it->names[1] = dup_or_null(p->name);
		it->size = rp->d.size;
		hex(e, it->sha256);
		hex(n, it->sha256n);
		it->type = mem_strdup("");
	}
	if (rp->alt) {
		size_t before = in->natts;

		inspect_leaf_end(in, p, fresh);
		/* An empty part under names already seen hides nothing:
		 * inspected, not reported (a base64 part of prose reads
		 * empty line by line). */
		rp->found |= fresh && differs && (rp->d.size > 0 ||
		    new_names(rp, p));
		if (fresh && in->inventory && before < in->natts)
			set_type(&in->items[in->nitems - 1],
			    in->atts[before].true_type);
	}
	rp->leaf = SIZE_MAX;
}

static int
on_event(void *ctx, const struct mime_event *ev)
{
	struct reading_pass *rp = ctx;
	struct inspect *in = rp->in;
	const struct mime_part *p = ev->part;

	switch (ev->type) {
	case MIME_EV_HEADER:
		break;
	case MIME_EV_PART_BEGIN:
		if (!rp->alt)
			;
		else if (strcmp(p->type, "message/partial") == 0)
			inspect_raise(in, "mime.partial");
		else if (strcmp(p->type, "message/external-body") == 0)
			inspect_raise(in, "mime.external-body");
		if (p->is_multipart || p->is_message) {
			/* A container's names (message/external-body names
			 * the file it points to) go through the name rules
			 * in every reading, and into the inventory. */
			bool fresh = new_names(rp, p);

			if (fresh && rp->alt)
				inspect_container_names(in, p);
			if (fresh && in->inventory) {
				struct inspect_item *it = item_new(in,
				    p->index, "container");

				it->names[0] = dup_or_null(p->filename);
				it->names[1] = dup_or_null(p->name);
				it->type = mem_strdup(p->type);
			}
			break;
		}
		digest_reset(&rp->d);
		rp->leaf = p->index;
		if (rp->alt)
			inspect_leaf_begin(in, p);
		break;
	case MIME_EV_BODY:
		if (rp->leaf != p->index)
			break;
		digest_update(&rp->d, ev->value.p, ev->value.len);
		if (rp->alt)
			inspect_leaf_body(in, p, ev->value);
		break;
	case MIME_EV_PART_END:
		if (rp->leaf == p->index)
			leaf_done(rp, p);
		break;
	case MIME_EV_DEFECT:
		if (rp->alt)
			inspect_defect(in, ev);
		break;
	}
	return 0;
}

/* Read the spooled message again with reading r; the ambiguities its
 * parser met. */
static unsigned
read_again(struct inspect *in, const struct mime_reading *r,
    struct reading_pass *rp)
{
	unsigned amb;

	struct mime_limits ml;
	struct mime *m;
	char *chunk = mem_malloc(READ_CHUNK);
	uint64_t off = 0;

	inspect_mime_limits(in, &ml);
	m = mime_new(&ml, on_event, rp);
	if (r != NULL)
		mime_set_reading(m, r);
	in->reading = r != NULL ? r->name : NULL;
	in->pass = rp;
	rp->leaf = SIZE_MAX;
	while (off < in->mime_fed) {
		size_t want = in->mime_fed - off < READ_CHUNK ?
		    (size_t)(in->mime_fed - off) : READ_CHUNK;
		ssize_t n = spool_pread(&in->spool, off, chunk, want);

		if (n <= 0) {
			in->internal_error = true;
			free(in->internal_why);
			in->internal_why = mem_printf("cannot read the spooled "
			    "message again");
			break;
		}
		(void)mime_feed(m, chunk, (size_t)n);
		off += (uint64_t)n;
	}
	(void)mime_finish(m);
	amb = mime_ambiguities(m);
	mime_free(&m);
	free(chunk);
	in->part_index = SIZE_MAX;
	buf_reset(&in->part_bytes);
	in->reading = NULL;
	in->pass = NULL;
	return amb;
}

static void
add_kinds(struct inspect *in, unsigned bits)
{
	struct buf b;

	in->amb_found |= bits;
	buf_init(&b, 256);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (in->amb_found & kinds[i].bit)
			(void)buf_printf(&b, "%s%s", b.len > 0 ? "," : "",
			    kinds[i].name);
	free(in->amb_detail);
	in->amb_detail = b.data;
}

/* ------------------------------------------------------------ pairs */

/* Two readings at once: every setting either takes. */
static void
compose(const struct mime_reading *a, const struct mime_reading *b,
    struct mime_reading *c)
{
#define EITHER(f) c->f = a->f || b->f;
	MIME_READING_SWITCHES(EITHER)
#undef EITHER
	c->b64 = b->b64 != MIME_B64_TOLERANT ? b->b64 : a->b64;
	c->qp = b->qp != MIME_QP_TOLERANT ? b->qp : a->qp;
}

static bool
same_reading(const struct mime_reading *a, const struct mime_reading *b)
{
	bool same = a->b64 == b->b64 && a->qp == b->qp;

#define BOTH(f) same = same && a->f == b->f;
	MIME_READING_SWITCHES(BOTH)
#undef BOTH
	return same;
}

/* The readings run so far, so that none runs twice. */
struct ran {
	struct mime_reading r[READINGS_MAX];
	size_t n;
};

static bool
ran_before(struct ran *ran, const struct mime_reading *r)
{
	for (size_t i = 0; i < ran->n; i++)
		if (same_reading(&ran->r[i], r))
			return true;
	if (ran->n < READINGS_MAX)
		ran->r[ran->n++] = *r;
	return false;
}

/* A reading that met ambiguities (met) the primary one did not (amb):
 * each reading those call for, composed with it. */
static void
read_pairs(struct inspect *in, struct reading_pass *rp, struct ran *ran,
    const struct mime_reading *first, unsigned why, unsigned met,
    unsigned amb)
{
	unsigned fresh = met & ~amb;

	for (size_t j = 0; fresh != 0 && j < NREADINGS; j++) {
		struct mime_reading c;

		if ((readings[j].when & fresh) == 0)
			continue;
		memset(&c, 0, sizeof(c));
		compose(first, &readings[j].r, &c);
		if (ran_before(ran, &c))
			continue;
		/* Hits and attachments keep the name: the inspection
		 * owns it. */
		in->rnames = mem_reallocarray(in->rnames, in->nrnames + 1,
		    sizeof(*in->rnames));
		in->rnames[in->nrnames] = mem_printf("%s+%s", first->name,
		    readings[j].r.name);
		c.name = in->rnames[in->nrnames++];
		rp->found = false;
		(void)read_again(in, &c, rp);
		if (rp->found)
			add_kinds(in, why | (readings[j].when & fresh));
	}
}

/*
 * What the readings found, raised.  A declared uuencoded part that GMime's
 * stream reading and the line-by-line one decode otherwise (legacy.c, in
 * any reading: a second field may declare it) reads two ways too.
 */
static void
raise_found(struct inspect *in)
{
	if (in->legacy_amb)
		add_kinds(in, MIME_AMB_DECODING);
	if (in->amb_found != 0)
		inspect_raise(in, "mime.ambiguous");
}

void
inspect_readings(struct inspect *in)
{
	unsigned amb = mime_ambiguities(in->mime), nkinds = 0, nread = 0;
	unsigned met[NREADINGS + 2] = { 0 };
	struct keyset keys = { 0 }, loose = { 0 }, names = { 0 };
	struct reading_pass rp;
	struct ran *ran;
	bool all = false;

	if ((amb == 0 && !in->inventory) || !in->spooling ||
	    in->spool.error != 0) {
		raise_found(in);
		return;
	}
	memset(&rp, 0, sizeof(rp));
	rp.in = in;
	rp.keys = &keys;
	rp.loose = &loose;
	rp.names = &names;
	digest_init(&rp.d);
	(void)read_again(in, NULL, &rp);
	for (size_t i = 0; i < in->nitems; i++) {
		const struct attachment *a = inspect_att_of(in,
		    in->items[i].part);

		if (strcmp(in->items[i].kind, "part") == 0 && a != NULL)
			set_type(&in->items[i], a->true_type);
	}
	ran = mem_calloc(1, sizeof(*ran));
	rp.alt = true;
	for (size_t i = 0; i < NREADINGS; i++) {
		if ((readings[i].when & amb) == 0)
			continue;
		(void)ran_before(ran, &readings[i].r);
		nread++;
		rp.found = false;
		met[i] = read_again(in, &readings[i].r, &rp);
		if (rp.found)
			add_kinds(in, readings[i].when & amb);
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		nkinds += (amb & kinds[i].bit) != 0;
	/* Every alternative at once, where two or more were called for
	 * (of one kind too: a junk line and a second Content-Type). */
	if (nkinds >= 2 || nread >= 2) {
		all = true;
		(void)ran_before(ran, &reading_all);
		rp.found = false;
		met[NREADINGS] = read_again(in, &reading_all, &rp);
		if (rp.found)
			add_kinds(in, amb);
		if (amb & MIME_AMB_HEADER) {
			(void)ran_before(ran, &reading_all_skip);
			rp.found = false;
			met[NREADINGS + 1] = read_again(in, &reading_all_skip,
			    &rp);
			if (rp.found)
				add_kinds(in, amb);
		}
	}
	for (size_t i = 0; i < NREADINGS; i++)
		if (readings[i].when & amb)
			read_pairs(in, &rp, ran, &readings[i].r,
			    readings[i].when & amb, met[i], amb);
	if (all) {
		read_pairs(in, &rp, ran, &reading_all, amb, met[NREADINGS],
		    amb);
		read_pairs(in, &rp, ran, &reading_all_skip, amb,
		    met[NREADINGS + 1], amb);
	}
	raise_found(in);
	free(ran);
	digest_free(&rp.d);
	keyset_free(&keys);
	keyset_free(&loose);
	keyset_free(&names);
}
