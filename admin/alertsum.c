/*
 * alertsum.c - the counts behind `msgsec alerts summary` and the report.
 *
 * Trusted: nothing in the values; they are unescaped into bounded buffers,
 * cut at COUNTER_KEY_MAX bytes, and printed escaped (text) or through the
 * JSON writer.  Each table holds at most COUNTER_KEYS_MAX distinct keys;
 * past that, counts go to "(other)", so a log of random hosts cannot grow
 * memory without bound.  Keys live in an arena of large blocks: no
 * allocation per alert once a key has been seen.
 */
#include "alertsum.h"
#include "clause.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "json.h"
#include "mem.h"
#include "str.h"

#define ARENA_BLOCK (64 * 1024)

struct slot {
	char *key;
	uint64_t hash;
	uint64_t count, bytes;
	uint32_t len;
};

struct arena_block {
	struct arena_block *next;
	size_t used;
	char data[ARENA_BLOCK];
};

struct counter {
	struct slot *slots;	/* in order of arrival */
	size_t nslots, cap;
	uint32_t *index;	/* open addressing: slot number + 1, 0 empty */
	size_t mask;
	uint64_t other;
	struct arena_block *arena;
};

struct counter *
counter_new(void)
{
	struct counter *c = mem_calloc(1, sizeof(*c));

	c->mask = 255;
	c->index = mem_calloc(c->mask + 1, sizeof(*c->index));
	return c;
}

void
counter_free(struct counter **cp)
{
	struct counter *c = *cp;

	if (c == NULL)
		return;
	while (c->arena != NULL) {
		struct arena_block *b = c->arena;

		c->arena = b->next;
		free(b);
	}
	free(c->slots);
	free(c->index);
	free(c);
	*cp = NULL;
}

static uint64_t
hash_bytes(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static char *
arena_copy(struct counter *c, const char *p, size_t len)
{
	struct arena_block *b = c->arena;
	char *out;

	if (b == NULL || ARENA_BLOCK - b->used < len + 1) {
		b = mem_malloc(sizeof(*b));
		b->used = 0;
		b->next = c->arena;
		c->arena = b;
	}
	out = b->data + b->used;
	memcpy(out, p, len);
	out[len] = '\0';
	b->used += len + 1;
	return out;
}

static void
grow(struct counter *c)
{
	size_t nmask = c->mask * 2 + 1;
	uint32_t *ni = mem_calloc(nmask + 1, sizeof(*ni));

	for (size_t s = 0; s < c->nslots; s++) {
		size_t i = c->slots[s].hash & nmask;

		while (ni[i] != 0)
			i = (i + 1) & nmask;
		ni[i] = (uint32_t)(s + 1);
	}
	free(c->index);
	c->index = ni;
	c->mask = nmask;
}

void
counter_add(struct counter *c, const char *key, size_t len, uint64_t n,
    uint64_t bytes)
{
	uint64_t h;
	size_t i;
	struct slot *s;

	if (len > COUNTER_KEY_MAX)
		len = COUNTER_KEY_MAX;
	h = hash_bytes(key, len);
	for (i = h & c->mask; c->index[i] != 0; i = (i + 1) & c->mask) {
		s = &c->slots[c->index[i] - 1];
		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0) {
			s->count += n;
			s->bytes += bytes;
			return;
		}
	}
	if (c->nslots >= COUNTER_KEYS_MAX) {
		c->other += n;
		return;
	}
	if (c->nslots == c->cap) {
		c->cap = c->cap == 0 ? 16 : c->cap * 2;
		c->slots = mem_reallocarray(c->slots, c->cap,
		    sizeof(*c->slots));
	}
	s = &c->slots[c->nslots];
	s->key = arena_copy(c, key, len);
	s->len = (uint32_t)len;
	s->hash = h;
	s->count = n;
	s->bytes = bytes;
	c->index[i] = (uint32_t)(++c->nslots);
	if (c->nslots * 2 > c->mask)
		grow(c);
}

size_t
counter_size(const struct counter *c)
{
	return c->nslots;
}

uint64_t
counter_other(const struct counter *c)
{
	return c->other;
}

static int
by_count(const void *a, const void *b)
{
	const struct counter_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
by_key(const void *a, const void *b)
{
	const struct counter_entry *x = a, *y = b;

	return strcmp(x->key, y->key);
}

struct counter_entry *
counter_sorted(const struct counter *c, bool key_order, size_t *n_r)
{
	struct counter_entry *v = mem_reallocarray(NULL, c->nslots + 1,
	    sizeof(*v));

	for (size_t i = 0; i < c->nslots; i++) {
		v[i].key = c->slots[i].key;
		v[i].count = c->slots[i].count;
		v[i].bytes = c->slots[i].bytes;
	}
	qsort(v, c->nslots, sizeof(*v), key_order ? by_key : by_count);
	*n_r = c->nslots;
	return v;
}

void
alertsum_init(struct alertsum *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < SUM_COUNT; i++)
		s->t[i] = counter_new();
	s->day = INT32_MIN;
}

void
alertsum_free(struct alertsum *s)
{
	for (int i = 0; i < SUM_COUNT; i++)
		counter_free(&s->t[i]);
	free(s->msg_slots);
	s->msg_slots = NULL;
}

/* Count the value (unescaped) or "(none)", n times. */
static void
add_value(struct counter *c, const struct ascan_value *v, uint64_t n)
{
	char buf[COUNTER_KEY_MAX * 4 + 8];
	int len = ascan_string(v, buf, sizeof(buf));

	if (len <= 0)
		counter_add(c, "(none)", 6, n, 0);
	else
		counter_add(c, buf, (size_t)len, n, 0);
}

static bool
is_webmail_im(const struct ascan_rec *r)
{
	const struct ascan_value *cat = &r->f[AF_CATEGORY];

	if (cat->type == ASV_STRING)
		return ascan_eq(cat, "webmail") || ascan_eq(cat, "im");
	return ascan_eq(&r->f[AF_EVENT_TYPE], "webmail") ||
	    ascan_eq(&r->f[AF_EVENT_TYPE], "im");
}

bool
alertsum_is_health(const struct ascan_value *rule)
{
	if (rule->type != ASV_STRING)
		return false;
	return ascan_eq(rule, "virus.unscannable") ||
	    (rule->len > 8 && memcmp(rule->p, "scanner.", 8) == 0) ||
	    (rule->len > 7 && memcmp(rule->p, "clamav.", 7) == 0);
}

uint64_t
alertsum_messages(const struct alertsum *s, bool *exact_r)
{
	*exact_r = !s->msg_full;
	return s->msg_n;
}

/* FNV-1a, 64 bits; 0 is kept for "empty slot". */
static uint64_t
msg_hash(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h != 0 ? h : 1;
}

static void
msg_insert(struct alertsum *s, uint64_t h)
{
	size_t i;

	if (s->msg_slots == NULL) {
		s->msg_mask = 1023;
		s->msg_slots = mem_calloc(s->msg_mask + 1, sizeof(uint64_t));
	}
	for (i = (size_t)h & s->msg_mask; s->msg_slots[i] != 0;
	    i = (i + 1) & s->msg_mask)
		if (s->msg_slots[i] == h)
			return;
	if (s->msg_n >= MSGSET_MAX) {
		s->msg_full = true;
		return;
	}
	s->msg_slots[i] = h;
	s->msg_n++;
	if (s->msg_n * 2 > s->msg_mask) {
		size_t mask = s->msg_mask * 2 + 1;
		uint64_t *slots = mem_calloc(mask + 1, sizeof(uint64_t));

		for (size_t k = 0; k <= s->msg_mask; k++) {
			uint64_t v = s->msg_slots[k];

			if (v == 0)
				continue;
			for (i = (size_t)v & mask; slots[i] != 0;
			    i = (i + 1) & mask)
				;
			slots[i] = v;
		}
		free(s->msg_slots);
		s->msg_slots = slots;
		s->msg_mask = mask;
	}
}

static uint64_t
num_of(const struct ascan_value *v)
{
	uint64_t n = 0;

	if (v->type != ASV_OTHER || v->len == 0 || v->len > 19)
		return 0;
	for (uint32_t i = 0; i < v->len; i++) {
		if (v->p[i] < '0' || v->p[i] > '9')
			return 0;
		n = n * 10 + (uint64_t)(v->p[i] - '0');
	}
	return n;
}

/* A message record: volume, not an alert (n of them, bytes in all). */
static void
add_message(struct alertsum *s, const struct ascan_rec *r, int32_t day,
    uint64_t n, uint64_t bytes)
{
	char buf[64];
	int len;

	s->seen += n;
	s->seen_bytes += bytes;
	len = ascan_string(&r->f[AF_DIRECTION], buf, sizeof(buf));
	if (len <= 0) {
		memcpy(buf, "(none)", 7);
		len = 6;
	}
	counter_add(s->t[SUM_SEEN_DIRECTION], buf, (size_t)len, n, bytes);
	if (num_of(&r->f[AF_HITS]) > 0) {
		s->seen_hit += n;
		counter_add(s->t[SUM_SEEN_HIT_DIRECTION], buf, (size_t)len, n,
		    bytes);
	}
	date_format(day, buf, sizeof(buf));
	counter_add(s->t[SUM_SEEN_DAY], buf, strlen(buf), n, bytes);
}

/* The message a mail hit belongs to: quarantine id, queue id, or time
 * and sender. */
static void
add_message_id(struct alertsum *s, const struct ascan_rec *r)
{
	char key[COUNTER_KEY_MAX];
	int n = ascan_string(&r->f[AF_QUARANTINE_ID], key, sizeof(key));

	if (n <= 0)
		n = ascan_string(&r->f[AF_QUEUE_ID], key, sizeof(key));
	if (n <= 0) {
		const struct ascan_value *ts = &r->f[AF_TIMESTAMP];
		size_t tl = ts->len < 64 ? ts->len : 64;
		int m;

		memcpy(key, ts->p, tl);
		key[tl] = '\t';
		m = ascan_string(&r->f[AF_MAIL_FROM], key + tl + 1,
		    sizeof(key) - tl - 1);
		n = (int)tl + 1 + (m > 0 ? m : 0);
	}
	msg_insert(s, msg_hash(key, (size_t)n));
}

void
alertsum_set_messages(struct alertsum *s, uint64_t n)
{
	s->msg_n = (size_t)n;
	s->msg_full = false;
}

bool
alertsum_is_message(const struct ascan_rec *r)
{
	return ascan_eq(&r->f[AF_EVENT_TYPE], "message");
}

void
alertsum_add_main(struct alertsum *s, const struct ascan_rec *r, int32_t day,
    time_t first, time_t last, uint64_t n, uint64_t bytes)
{
	char key[COUNTER_KEY_MAX + 32];
	size_t dl;
	int len;

	if (alertsum_is_message(r)) {
		add_message(s, r, day, n, bytes);
		return;
	}
	if (ascan_eq(&r->f[AF_EVENT_TYPE], "mail")) {
		s->mail_hits += n;
		if (r->f[AF_DIRECTION].type == ASV_STRING)
			add_value(s->t[SUM_HIT_DIRECTION], &r->f[AF_DIRECTION],
			    n);
	} else if (ascan_eq(&r->f[AF_EVENT_TYPE], "release")) {
		s->releases += n;
	}
	if (alertsum_is_health(&r->f[AF_RULE]))
		add_value(s->t[SUM_HEALTH], &r->f[AF_RULE], n);
	if (s->total == 0 || first < s->first)
		s->first = first;
	if (s->total == 0 || last > s->last)
		s->last = last;
	s->total += n;
	/* Logs are in time order: format a day once. */
	if (day != s->day) {
		s->day = day;
		date_format(day, s->day_text, sizeof(s->day_text));
	}
	dl = strlen(s->day_text);
	add_value(s->t[SUM_CLAUSE], &r->f[AF_POLICY], n);
	add_value(s->t[SUM_RULE], &r->f[AF_RULE], n);
	add_value(s->t[SUM_AGENCY], &r->f[AF_AGENCY], n);
	add_value(s->t[SUM_ACTION], &r->f[AF_ACTION], n);
	add_value(s->t[SUM_EVENT_TYPE], &r->f[AF_EVENT_TYPE], n);
	if (r->f[AF_GATEWAY].type == ASV_STRING)
		add_value(s->t[SUM_GATEWAY], &r->f[AF_GATEWAY], n);
	counter_add(s->t[SUM_DAY], s->day_text, dl, n, 0);
	/* "day\tclause" */
	memcpy(key, s->day_text, dl);
	key[dl] = '\t';
	len = ascan_string(&r->f[AF_POLICY], key + dl + 1, 64);
	if (len <= 0) {
		memcpy(key + dl + 1, "(none)", 6);
		len = 6;
	}
	counter_add(s->t[SUM_DAY_CLAUSE], key, dl + 1 + (size_t)len, n, 0);
	if (r->f[AF_EXCEPTION].type == ASV_STRING &&
	    r->f[AF_EXCEPTION].len > 0) {
		char id[COUNTER_KEY_MAX], intended[32];
		int a = ascan_string(&r->f[AF_EXCEPTION], id, sizeof(id));
		int b = ascan_string(&r->f[AF_INTENDED], intended,
		    sizeof(intended));

		len = snprintf(key, sizeof(key), "%s\t%s", a > 0 ? id : "?",
		    b > 0 ? intended : "(rule's action)");
		if (a > 0 && len > 0)
			counter_add(s->t[SUM_EXCEPTION], key, (size_t)len, n,
			    0);
	}
}

void
alertsum_add_host(struct alertsum *s, const struct ascan_rec *r, uint64_t n)
{
	if (alertsum_is_message(r))
		return;
	if (r->f[AF_SRC_IP].type == ASV_STRING)
		add_value(s->t[SUM_HOST], &r->f[AF_SRC_IP], n);
	if (is_webmail_im(r))
		add_value(s->t[SUM_WM_HOST], &r->f[AF_SRC_IP], n);
}

void
alertsum_add_service(struct alertsum *s, const struct ascan_rec *r,
    uint64_t n)
{
	const struct ascan_value *svc = r->f[AF_SERVICE].type == ASV_STRING ?
	    &r->f[AF_SERVICE] : &r->f[AF_HOSTNAME];

	if (alertsum_is_message(r))
		return;
	if (svc->type == ASV_STRING)
		add_value(s->t[SUM_SERVICE], svc, n);
	if (r->f[AF_HOSTNAME].type == ASV_STRING)
		add_value(s->t[SUM_NAME], &r->f[AF_HOSTNAME], n);
	if (is_webmail_im(r))
		add_value(s->t[SUM_WM_SERVICE], svc, n);
}

void
alertsum_add_user(struct alertsum *s, const struct ascan_rec *r, uint64_t n)
{
	if (!alertsum_is_message(r) && is_webmail_im(r) &&
	    r->f[AF_USER].type == ASV_STRING)
		add_value(s->t[SUM_WM_USER], &r->f[AF_USER], n);
}

void
alertsum_add(struct alertsum *s, const struct ascan_rec *r, time_t t)
{
	alertsum_add_main(s, r, date_day_of(t), t, t, 1,
	    num_of(&r->f[AF_SIZE]));
	if (alertsum_is_message(r))
		return;
	if (ascan_eq(&r->f[AF_EVENT_TYPE], "mail"))
		add_message_id(s, r);
	alertsum_add_host(s, r, 1);
	alertsum_add_service(s, r, 1);
	alertsum_add_user(s, r, 1);
}

static void
print_escaped(FILE *out, const char *s, size_t width)
{
	struct buf b;

	buf_init(&b, width * 4 + 16);
	(void)buf_append_escaped(&b, span_from_cstr(s), width);
	fputs(b.data != NULL ? b.data : "", out);
	buf_free(&b);
}

static void
stamp(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		str_lcpy(buf, "?", len);
}

static void
print_table(const struct alertsum *s, FILE *out, enum alertsum_table t,
    const char *title, size_t top, bool key_order)
{
	size_t n, shown;
	struct counter_entry *v = counter_sorted(s->t[t], key_order, &n);

	fprintf(out, "%s:\n", title);
	if (n == 0)
		fprintf(out, "  (none)\n");
	shown = top > 0 && n > top ? top : n;
	for (size_t i = 0; i < shown; i++) {
		fprintf(out, "  %10llu %5.1f%%  ", (unsigned long long)v[i].count,
		    s->total > 0 ? 100.0 * (double)v[i].count /
		    (double)s->total : 0.0);
		print_escaped(out, v[i].key, 120);
		if (t == SUM_CLAUSE && clause_find(v[i].key) != NULL)
			fprintf(out, "  %s", clause_title(v[i].key));
		fputc('\n', out);
	}
	if (shown < n)
		fprintf(out, "  ... %zu more\n", n - shown);
	if (counter_other(s->t[t]) > 0)
		fprintf(out, "  %10llu         (other: past %d distinct)\n",
		    (unsigned long long)counter_other(s->t[t]),
		    COUNTER_KEYS_MAX);
	free(v);
}

/* Messages seen (message records), when the log has them. */
static void
print_volume(const struct alertsum *s, FILE *out)
{
	size_t n;
	struct counter_entry *v;

	if (s->seen == 0)
		return;
	fprintf(out, "messages seen: %llu (%llu bytes), %llu with hits\n",
	    (unsigned long long)s->seen, (unsigned long long)s->seen_bytes,
	    (unsigned long long)s->seen_hit);
	v = counter_sorted(s->t[SUM_SEEN_DIRECTION], true, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10llu  %-10s %llu bytes\n",
		    (unsigned long long)v[i].count, v[i].key,
		    (unsigned long long)v[i].bytes);
	free(v);
}

/* Mail hits and the messages they belong to, counted apart. */
static void
print_hits(const struct alertsum *s, FILE *out)
{
	bool exact;
	uint64_t m = alertsum_messages(s, &exact);

	if (s->mail_hits > 0)
		fprintf(out, "mail: %llu hit%s in %s%llu message%s\n",
		    (unsigned long long)s->mail_hits, s->mail_hits == 1 ?
		    "" : "s", exact ? "" : "at least ", (unsigned long long)m,
		    m == 1 ? "" : "s");
	if (s->releases > 0)
		fprintf(out, "releases: %llu\n",
		    (unsigned long long)s->releases);
}

void
alertsum_print_text(const struct alertsum *s, FILE *out, size_t top)
{
	char a[32], b[32], title[96];
	size_t n;
	struct counter_entry *v;

	print_volume(s, out);
	if (s->total == 0) {
		fprintf(out, "alerts: 0\n");
		return;
	}
	stamp(s->first, a, sizeof(a));
	stamp(s->last, b, sizeof(b));
	fprintf(out, "alerts: %llu from %s to %s\n",
	    (unsigned long long)s->total, a, b);
	print_hits(s, out);
	print_table(s, out, SUM_CLAUSE, "by clause", 0, false);
	print_table(s, out, SUM_RULE, "by rule", 0, false);
	print_table(s, out, SUM_AGENCY, "by agency", 0, false);
	print_table(s, out, SUM_ACTION, "by action", 0, false);
	print_table(s, out, SUM_EVENT_TYPE, "by event type", 0, false);
	if (counter_size(s->t[SUM_GATEWAY]) > 0)
		print_table(s, out, SUM_GATEWAY, "by gateway", 0, false);
	print_table(s, out, SUM_DAY, "by day", 0, true);
	if (s->mail_hits > 0)
		print_table(s, out, SUM_HIT_DIRECTION, "mail hits by direction",
		    0, false);
	if (counter_size(s->t[SUM_HEALTH]) > 0)
		print_table(s, out, SUM_HEALTH, "scanner health (not policy "
		    "hits)", 0, false);
	snprintf(title, sizeof(title), "webmail and IM: top %zu hosts", top);
	print_table(s, out, SUM_WM_HOST, title, top, false);
	snprintf(title, sizeof(title), "webmail and IM: top %zu users", top);
	print_table(s, out, SUM_WM_USER, title, top, false);
	snprintf(title, sizeof(title), "webmail and IM: top %zu services",
	    top);
	print_table(s, out, SUM_WM_SERVICE, title, top, false);
	fprintf(out, "exceptions that downgraded actions:\n");
	v = counter_sorted(s->t[SUM_EXCEPTION], false, &n);
	if (n == 0)
		fprintf(out, "  (none)\n");
	for (size_t i = 0; i < n; i++) {
		const char *tab = strchr(v[i].key, '\t');
		char id[COUNTER_KEY_MAX + 1];

		str_lcpy(id, v[i].key, tab != NULL ?
		    (size_t)(tab - v[i].key) + 1 : sizeof(id));
		fprintf(out, "  %10llu  ", (unsigned long long)v[i].count);
		print_escaped(out, id, 64);
		fputs("  ", out);
		print_escaped(out, tab != NULL ? tab + 1 : "?", 32);
		fputs(" -> log\n", out);
	}
	free(v);
}

static void
json_table(const struct alertsum *s, struct json_writer *w,
    enum alertsum_table t, const char *key, size_t top, bool key_order)
{
	size_t n;
	struct counter_entry *v = counter_sorted(s->t[t], key_order, &n);

	if (top > 0 && n > top)
		n = top;
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_array_begin(w);
		json_string(w, v[i].key);
		json_u64(w, v[i].count);
		json_array_end(w);
	}
	json_array_end(w);
	free(v);
}

void
alertsum_print_json(const struct alertsum *s, FILE *out, size_t top)
{
	struct buf b;
	struct json_writer w;
	char a[32], c[32];
	size_t n;
	struct counter_entry *v;

	buf_init(&b, 256u << 20);
	json_init(&w, &b);
	json_object_begin(&w);
	json_key(&w, "alerts");
	json_u64(&w, s->total);
	if (s->total > 0) {
		stamp(s->first, a, sizeof(a));
		stamp(s->last, c, sizeof(c));
		json_key(&w, "first");
		json_string(&w, a);
		json_key(&w, "last");
		json_string(&w, c);
	}
	{
		bool exact;
		uint64_t m = alertsum_messages(s, &exact);

		json_key(&w, "mail_hits");
		json_u64(&w, s->mail_hits);
		json_key(&w, "mail_messages");
		json_u64(&w, m);
		if (!exact) {
			json_key(&w, "mail_messages_at_least");
			json_bool(&w, true);
		}
		json_key(&w, "releases");
		json_u64(&w, s->releases);
		json_key(&w, "messages_seen");
		json_u64(&w, s->seen);
		json_key(&w, "messages_seen_bytes");
		json_u64(&w, s->seen_bytes);
		json_key(&w, "messages_seen_with_hits");
		json_u64(&w, s->seen_hit);
	}
	json_table(s, &w, SUM_CLAUSE, "by_clause", 0, false);
	json_table(s, &w, SUM_RULE, "by_rule", 0, false);
	json_table(s, &w, SUM_AGENCY, "by_agency", 0, false);
	json_table(s, &w, SUM_ACTION, "by_action", 0, false);
	json_table(s, &w, SUM_EVENT_TYPE, "by_event_type", 0, false);
	if (counter_size(s->t[SUM_GATEWAY]) > 0)
		json_table(s, &w, SUM_GATEWAY, "by_gateway", 0, false);
	json_table(s, &w, SUM_DAY, "by_day", 0, true);
	json_table(s, &w, SUM_HIT_DIRECTION, "mail_hits_by_direction", 0,
	    false);
	json_table(s, &w, SUM_SEEN_DIRECTION, "messages_seen_by_direction", 0,
	    false);
	json_table(s, &w, SUM_HEALTH, "scanner_health", 0, false);
	json_table(s, &w, SUM_WM_HOST, "webmail_im_hosts", top, false);
	json_table(s, &w, SUM_WM_USER, "webmail_im_users", top, false);
	json_table(s, &w, SUM_WM_SERVICE, "webmail_im_services", top, false);
	json_key(&w, "exceptions");
	json_array_begin(&w);
	v = counter_sorted(s->t[SUM_EXCEPTION], false, &n);
	for (size_t i = 0; i < n; i++) {
		const char *tab = strchr(v[i].key, '\t');

		json_object_begin(&w);
		json_key(&w, "exception");
		json_string_n(&w, v[i].key, tab != NULL ?
		    (size_t)(tab - v[i].key) : strlen(v[i].key));
		json_key(&w, "intended");
		json_string(&w, tab != NULL ? tab + 1 : "?");
		json_key(&w, "count");
		json_u64(&w, v[i].count);
		json_object_end(&w);
	}
	free(v);
	json_array_end(&w);
	json_object_end(&w);
	if (!w.error) {
		fwrite(b.data, 1, b.len, out);
		fputc('\n', out);
	}
	buf_free(&b);
}
