/*
 * judge.c - network rules on flow facts, agencies, exceptions, alerts.
 *
 * The policy's enabled network rules are compiled once per snapshot into
 * a table (struct jrule): event type and category from the rule id
 * (network.<category>[.<sub>]; a last component upload/download is that
 * event), the byte thresholds the rule tests, whether it tests a name.
 * A flow keeps a bitset of the table entries that fired; after a reload the
 * bits are carried over to the new table by rule id (a map per
 * generation), so a reload never repeats an alert on a live flow.
 *
 * Facts reach rule_matches through a visitor (struct judge_ctx) that also
 * remembers which list entry satisfied an `in` test (the alert's
 * "service", and "list" for a named list) and which name did (hostname,
 * name_source).  A rule that held by address, port or protocol names the
 * flow's own name instead when it has one (the SNI of a TLS flow to a
 * listed range, the to= of an XMPP stream on its port), and every alert
 * carries what the protocol's signature matched (app_detail).  What a rule
 * that held means (agency scope, exceptions, monitor mode) is decide()'s,
 * the same decision the milter takes for each recipient.
 *
 * DNS names: a table of 64-bit hashes of (client address, name) with the
 * capture time of the last alert, open addressing with a bounded probe;
 * when every slot of a probe window is fresh the oldest is replaced, so
 * memory is fixed (dns_dedup_slots * 16 bytes) and a flood of names
 * costs repeats, never memory.
 *
 * Trusts: the policy snapshot.  Names from the parsers are data: compared
 * against lists and written escaped by the JSON writer.
 */
#include "judge.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "decide.h"
#include "domset.h"
#include "mem.h"
#include "policy.h"
#include "prom.h"
#include "stun.h"

#define JUDGE_ID_MAX 64		/* event type / category text */
#define DEDUP_PROBE 8

struct jrule {
	const struct rule *r;
	char event[JUDGE_ID_MAX];
	char category[JUDGE_ID_MAX];
	unsigned event_index;
	uint64_t at_least[2];	/* byte thresholds, 0: none */
	bool uses_names;	/* tests hostname or dns.query */
	bool needs_name;	/* tests any name field: no name, no match */
	bool needs_check;	/* tests a check: no check, no match */
	bool is_im;
};

/* old table index -> new table index, or -1 (one map per reload). */
struct jremap {
	int32_t *map;
	size_t n;
};

struct dedup_slot {
	uint64_t key;		/* 0: empty */
	int64_t when;		/* capture second of the last alert */
};

struct judge {
	struct policy *p;
	struct alert_log *log;
	struct judge_settings set;	/* set.ech_fronts_list is ech_list */
	char *ech_list;			/* own copy: a reload frees the
					   config string it came from */
	const struct list *ech_fronts;
	struct jrule *rules;
	size_t nrules;
	uint32_t nwords;
	uint32_t gen;
	struct jremap *remaps;	/* remaps[g]: generation g -> g + 1 */
	uint64_t min_bytes[2];
	struct dedup_slot *dedup;
	size_t dedup_mask;
	struct judge_stats st;
};

static const char *const app_names[APP_COUNT_] = {
	"unknown", "tls", "quic", "gquic", "http", "dns", "xmpp", "irc",
	"mqtt", "whatsapp", "dingtalk", "discord", "oicq", "imo", "stun",
};

static const char *const source_names[NAME_COUNT_] = {
	"tls.sni", "quic.sni", "gquic.sni", "http.host", "xmpp.to",
	"dns.query",
};

static const char *const event_names[] = {
	"webmail", "im", "upload", "download", "doh", "name-hidden", "limit",
	"other",
};

const char *
app_proto_name(enum app_proto a)
{
	return (unsigned)a < APP_COUNT_ ? app_names[a] : "unknown";
}

const char *
name_source_name(enum name_source s)
{
	return (unsigned)s < NAME_COUNT_ ? source_names[s] : "";
}

const char *
judge_event_name(unsigned i)
{
	return i < sizeof(event_names) / sizeof(event_names[0]) ?
	    event_names[i] : NULL;
}

/* ------------------------------------------------------------ rules */

/* Copy [p, p+len) into out (bounded, NUL-terminated). */
static void
copy_part(char *out, const char *p, size_t len)
{
	if (len >= JUDGE_ID_MAX)
		len = JUDGE_ID_MAX - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

/*
 * network.webmail.upload -> event upload, category webmail;
 * network.im.address -> im, im; limit.flows -> limit, limit.
 */
static void
rule_names(struct jrule *jr)
{
	const char *id = jr->r->id, *cat, *dot, *last;
	size_t n = sizeof(event_names) / sizeof(event_names[0]);

	cat = strncmp(id, "network.", 8) == 0 ? id + 8 : id;
	dot = strchr(cat, '.');
	copy_part(jr->category, cat, dot != NULL ? (size_t)(dot - cat) :
	    strlen(cat));
	last = strrchr(id, '.');
	last = last != NULL ? last + 1 : id;
	if (dot != NULL && (strcmp(last, "upload") == 0 ||
	    strcmp(last, "download") == 0))
		copy_part(jr->event, last, strlen(last));
	else
		copy_part(jr->event, jr->category, strlen(jr->category));
	jr->event_index = (unsigned)n - 1;
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(jr->event, event_names[i]) == 0)
			jr->event_index = (unsigned)i;
	jr->is_im = strcmp(jr->category, "im") == 0;
}

static void
compile_rules(struct judge *j)
{
	const struct policy *p = j->p;
	size_t n = 0;

	j->rules = mem_calloc(p->nrules + 1, sizeof(*j->rules));
	j->min_bytes[0] = j->min_bytes[1] = UINT64_MAX;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		struct jrule *jr = &j->rules[n];

		if (r->applies != RULE_NETWORK || !r->enabled ||
		    r->nconds == 0)
			continue;
		jr->r = r;
		rule_names(jr);
		for (size_t k = 0; k < r->nconds; k++) {
			const struct cond *c = &r->conds[k];
			int d = c->field == FIELD_BYTES_TOSERVER ? 0 :
			    c->field == FIELD_BYTES_TOCLIENT ? 1 : -1;

			if (d >= 0 && c->op == COND_AT_LEAST &&
			    c->num > jr->at_least[d])
				jr->at_least[d] = c->num;
			if (c->field == FIELD_HOSTNAME ||
			    c->field == FIELD_DNS_QUERY)
				jr->uses_names = true;
			if (c->field == FIELD_HOSTNAME ||
			    c->field == FIELD_DNS_QUERY ||
			    c->field == FIELD_TLS_SNI ||
			    c->field == FIELD_QUIC_SNI ||
			    c->field == FIELD_HTTP_HOST)
				jr->needs_name = true;
			if (c->field == FIELD_CHECK)
				jr->needs_check = true;
		}
		for (int d = 0; d < 2; d++)
			if (jr->at_least[d] > 0 &&
			    jr->at_least[d] < j->min_bytes[d])
				j->min_bytes[d] = jr->at_least[d];
		n++;
	}
	j->nrules = n;
	j->nwords = (uint32_t)((n + 63) / 64);
	if (j->nwords == 0)
		j->nwords = 1;
	j->ech_fronts = policy_list(p, j->set.ech_fronts_list);
	if (j->ech_fronts != NULL && j->ech_fronts->type != LIST_DOMAIN)
		j->ech_fronts = NULL;
}

struct judge *
judge_new(struct policy *p, struct alert_log *log,
    const struct judge_settings *s)
{
	struct judge *j = mem_calloc(1, sizeof(*j));
	size_t slots;

	j->p = policy_ref(p);
	j->log = log;
	j->set = *s;
	j->ech_list = mem_strdup(s->ech_fronts_list != NULL &&
	    s->ech_fronts_list[0] != '\0' ? s->ech_fronts_list : "ech_fronts");
	j->set.ech_fronts_list = j->ech_list;
	slots = s->dns_dedup_slots != 0 ? s->dns_dedup_slots : 65536;
	while ((slots & (slots - 1)) != 0)	/* round down to 2^k */
		slots &= slots - 1;
	if (slots < DEDUP_PROBE)
		slots = DEDUP_PROBE;
	j->dedup = mem_calloc(slots, sizeof(*j->dedup));
	j->dedup_mask = slots - 1;
	compile_rules(j);
	return j;
}

void
judge_free(struct judge **jp)
{
	struct judge *j = *jp;

	if (j == NULL)
		return;
	for (uint32_t g = 0; g < j->gen; g++)
		free(j->remaps[g].map);
	free(j->remaps);
	free(j->rules);
	free(j->dedup);
	free(j->ech_list);
	policy_unref(&j->p);
	free(j);
	*jp = NULL;
}

void
judge_set_policy(struct judge *j, struct policy *p)
{
	struct jrule *old = j->rules;
	size_t nold = j->nrules;
	struct policy *oldp = j->p;
	struct jremap *m;

	j->p = policy_ref(p);
	/* The reloaded configuration may name another ECH-front list. */
	if (p->config.sensor.ech_fronts_list != NULL &&
	    p->config.sensor.ech_fronts_list[0] != '\0') {
		free(j->ech_list);
		j->ech_list = mem_strdup(p->config.sensor.ech_fronts_list);
		j->set.ech_fronts_list = j->ech_list;
	}
	compile_rules(j);
	j->remaps = mem_reallocarray(j->remaps, j->gen + 1,
	    sizeof(*j->remaps));
	m = &j->remaps[j->gen];
	m->n = nold;
	m->map = mem_calloc(nold + 1, sizeof(*m->map));
	for (size_t i = 0; i < nold; i++) {
		m->map[i] = -1;
		for (size_t k = 0; k < j->nrules; k++)
			if (strcmp(old[i].r->id, j->rules[k].r->id) == 0) {
				m->map[i] = (int32_t)k;
				break;
			}
	}
	j->gen++;
	free(old);
	policy_unref(&oldp);
}

struct policy *
judge_policy(const struct judge *j)
{
	return j->p;
}

const struct judge_stats *
judge_stats(const struct judge *j)
{
	return &j->st;
}

/* ------------------------------------------------------------ flows */

static void
fired_alloc(struct judge_flow *jf, uint32_t nwords)
{
	jf->nwords = nwords;
	jf->fired_small = 0;
	jf->fired = nwords <= 1 ? &jf->fired_small :
	    mem_calloc(nwords, sizeof(uint64_t));
}

void
judge_flow_init(struct judge *j, struct judge_flow *jf)
{
	jf->next_bytes[0] = j->min_bytes[0];
	jf->next_bytes[1] = j->min_bytes[1];
	jf->gen = j->gen;
	fired_alloc(jf, j->nwords);
}

void
judge_flow_clear(struct judge_flow *jf)
{
	if (jf->fired != NULL && jf->fired != &jf->fired_small)
		free(jf->fired);
	jf->fired = NULL;
	jf->nwords = 0;
}

static bool
fired_has(const struct judge_flow *jf, size_t i)
{
	return (jf->fired[i / 64] >> (i % 64) & 1) != 0;
}

static void
fired_set(struct judge_flow *jf, size_t i)
{
	jf->fired[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Carry a flow's fired bits across the reloads since it last judged. */
static void
flow_sync(struct judge *j, struct judge_flow *jf)
{
	while (jf->gen < j->gen) {
		const struct jremap *m = &j->remaps[jf->gen];
		size_t nnext = jf->gen + 1 == j->gen ? j->nrules :
		    j->remaps[jf->gen + 1].n;
		uint32_t nw = nnext == 0 ? 1 : (uint32_t)((nnext + 63) / 64);
		uint64_t *bits = mem_calloc(nw, sizeof(uint64_t));

		for (size_t i = 0; i < m->n && i / 64 < jf->nwords; i++)
			if (fired_has(jf, i) && m->map[i] >= 0)
				bits[(size_t)m->map[i] / 64] |=
				    (uint64_t)1 << ((size_t)m->map[i] % 64);
		judge_flow_clear(jf);
		fired_alloc(jf, nw);
		memcpy(jf->fired, bits, nw * sizeof(uint64_t));
		free(bits);
		jf->gen++;
	}
}

/* ------------------------------------------------------------ facts */

struct judge_ctx {
	const struct judge *j;
	const struct judge_view *v;
	const char *dns_name;	/* DNS mode: the one name judged */
	/* what satisfied the rule under test */
	const struct cond *svc_cond;
	struct fact svc_fact;
	int svc_rank;		/* 4 domain, 3 ip, 2 port, 1 text, 0 none */
	const char *name;
	enum name_source name_src;
	const char *ech_entry;	/* tls.name-hidden: the front matched */
};

static bool
ctx_visit(struct judge_ctx *x, const struct cond *c,
    bool (*visit)(const struct cond *, const struct fact *),
    const struct fact *f, int kind_rank, enum name_source src,
    const char *name)
{
	if (!visit(c, f))
		return false;
	if (c->op == COND_IN && kind_rank > x->svc_rank) {
		x->svc_cond = c;
		x->svc_fact = *f;
		x->svc_rank = kind_rank;
	}
	if (name != NULL && x->name == NULL) {
		x->name = name;
		x->name_src = src;
	}
	return true;
}

static bool
visit_name(struct judge_ctx *x, const struct cond *c,
    bool (*visit)(const struct cond *, const struct fact *),
    enum name_source src, const char *name)
{
	struct fact f;

	if (name == NULL || name[0] == '\0')
		return false;
	memset(&f, 0, sizeof(f));
	f.s = span_from_cstr(name);
	return ctx_visit(x, c, visit, &f, 4, src, name);
}

/*
 * The flow's first name in this order and where it came from: the SNI
 * only (tls.name-hidden), or any name the flow carries.
 */
static const char *
first_name(const struct judge_view *v, bool sni_only,
    enum name_source *src_r)
{
	static const enum name_source order[] = { NAME_TLS_SNI,
		NAME_QUIC_SNI, NAME_GQUIC_SNI, NAME_HTTP_HOST, NAME_XMPP_TO };
	size_t n = sni_only ? 3 : sizeof(order) / sizeof(order[0]);

	for (size_t i = 0; i < n; i++)
		if (v->names[order[i]] != NULL) {
			*src_r = order[i];
			return v->names[order[i]];
		}
	return NULL;
}

static bool
visit_check(struct judge_ctx *x, const struct cond *c,
    bool (*visit)(const struct cond *, const struct fact *))
{
	const struct judge_view *v = x->v;
	struct fact f;

	memset(&f, 0, sizeof(f));
	if ((v->checks & JUDGE_CHECK_LIMIT_FLOWS) != 0) {
		f.s = SPAN_LIT("limit.flows");
		if (visit(c, &f))
			return true;
	}
	if ((v->checks & JUDGE_CHECK_LIMIT_REASSEMBLY) != 0) {
		f.s = SPAN_LIT("limit.reassembly");
		if (visit(c, &f))
			return true;
	}
	if ((v->checks & JUDGE_CHECK_LIMIT_STUN) != 0) {
		f.s = SPAN_LIT("limit.stun");
		if (visit(c, &f))
			return true;
	}
	if (v->ech && x->dns_name == NULL && x->j->ech_fronts != NULL) {
		enum name_source src = NAME_TLS_SNI;
		const char *sni = first_name(v, true, &src), *entry = NULL;

		if (sni != NULL && list_match_str(x->j->ech_fronts, sni,
		    strlen(sni), &entry)) {
			f.s = SPAN_LIT("tls.name-hidden");
			if (visit(c, &f)) {
				x->ech_entry = entry;
				if (x->name == NULL) {
					x->name = sni;
					x->name_src = src;
				}
				return true;
			}
		}
	}
	return false;
}

static bool
judge_each(void *ctx, enum field field, const char *subkey,
    bool (*visit)(const struct cond *, const struct fact *),
    const struct cond *c)
{
	struct judge_ctx *x = ctx;
	const struct judge_view *v = x->v;
	const struct flow *fl = v->flow;
	struct fact f;

	(void)subkey;
	memset(&f, 0, sizeof(f));
	switch (field) {
	case FIELD_CHECK:
		return visit_check(x, c, visit);
	case FIELD_HOSTNAME:
		if (x->dns_name != NULL)
			return visit_name(x, c, visit, NAME_DNS_QUERY,
			    x->dns_name);
		for (unsigned s = 0; s < NAME_COUNT_; s++)
			if (s != NAME_DNS_QUERY &&
			    visit_name(x, c, visit, (enum name_source)s,
			    v->names[s]))
				return true;
		return false;
	case FIELD_TLS_SNI:
		return x->dns_name == NULL && visit_name(x, c, visit,
		    NAME_TLS_SNI, v->names[NAME_TLS_SNI]);
	case FIELD_QUIC_SNI:
		return x->dns_name == NULL && (visit_name(x, c, visit,
		    NAME_QUIC_SNI, v->names[NAME_QUIC_SNI]) ||
		    visit_name(x, c, visit, NAME_GQUIC_SNI,
		    v->names[NAME_GQUIC_SNI]));
	case FIELD_HTTP_HOST:
		return x->dns_name == NULL && visit_name(x, c, visit,
		    NAME_HTTP_HOST, v->names[NAME_HTTP_HOST]);
	case FIELD_DNS_QUERY:
		return x->dns_name != NULL && visit_name(x, c, visit,
		    NAME_DNS_QUERY, x->dns_name);
	case FIELD_APP_PROTO:
		f.s = span_from_cstr(app_proto_name(v->app));
		return ctx_visit(x, c, visit, &f, 1, NAME_COUNT_, NULL);
	case FIELD_CALL_SERVICE:
		if (x->dns_name != NULL || v->stun == NULL ||
		    v->stun->service == STUN_SVC_NONE)
			return false;
		f.s = span_from_cstr(stun_service_name(
		    (enum stun_service)v->stun->service));
		return ctx_visit(x, c, visit, &f, 1, NAME_COUNT_, NULL);
	case FIELD_SRC_IP:
		f.ip = fl->cli;
		return ctx_visit(x, c, visit, &f, 3, NAME_COUNT_, NULL);
	case FIELD_DEST_IP:
		f.ip = fl->srv;
		return ctx_visit(x, c, visit, &f, 3, NAME_COUNT_, NULL);
	case FIELD_DEST_PORT:
		if (fl->proto != 6 && fl->proto != 17)
			return false;
		f.proto = fl->proto;
		f.port = fl->sport;
		return ctx_visit(x, c, visit, &f, 2, NAME_COUNT_, NULL);
	case FIELD_BYTES_TOSERVER:
		f.num = fl->bytes[FLOW_TOSERVER];
		return visit(c, &f);
	case FIELD_BYTES_TOCLIENT:
		f.num = fl->bytes[FLOW_TOCLIENT];
		return visit(c, &f);
	default:
		return false;	/* mail fields */
	}
}

/* ------------------------------------------------------------ alerts */

/* The list entry that satisfied the rule, as text. */
static void
service_text(const struct judge_ctx *x, char *out, size_t size)
{
	const struct cond *c = x->svc_cond;
	const struct fact *f = &x->svc_fact;
	const char *entry = NULL;
	struct cidr cidr;
	struct port_range pr;
	int n = 0;

	out[0] = '\0';
	if (x->ech_entry != NULL) {
		str_lcpy(out, x->ech_entry, size);
		return;
	}
	if (c == NULL || c->list == NULL)
		return;
	switch (x->svc_rank) {
	case 4:
		if (list_match_str(c->list, f->s.p, f->s.len, &entry))
			str_lcpy(out, entry != NULL ? entry : "", size);
		break;
	case 1:		/* a string list (app_proto): the value is the entry */
		if (f->s.len < size && list_match_str(c->list, f->s.p,
		    f->s.len, &entry)) {
			memcpy(out, f->s.p, f->s.len);
			out[f->s.len] = '\0';
		}
		break;
	case 3:
		if (list_match_ip(c->list, &f->ip, &cidr))
			cidr_format(&cidr, out, size);
		break;
	case 2:
		if (!list_match_port(c->list, f->proto, f->port, &pr))
			break;
		if (pr.lo == pr.hi)
			n = snprintf(out, size, "%s/%u", pr.proto == 6 ? "tcp" :
			    "udp", pr.lo);
		else
			n = snprintf(out, size, "%s/%u-%u", pr.proto == 6 ?
			    "tcp" : "udp", pr.lo, pr.hi);
		if (n < 0 || (size_t)n >= size)
			out[0] = '\0';
		break;
	default:
		break;
	}
}

/* The named list the service entry came from; NULL for inline items. */
static const char *
service_list(const struct judge *j, const struct judge_ctx *x)
{
	const struct cond *c = x->svc_cond;

	if (x->ech_entry != NULL)
		return j->ech_fronts != NULL ? j->ech_fronts->id : NULL;
	if (c == NULL || c->list == NULL || c->own_list != NULL)
		return NULL;
	return c->list->id;
}

static const char *
proto_text(uint8_t proto, char *buf, size_t size)
{
	if (proto == 6)
		return "TCP";
	if (proto == 17)
		return "UDP";
	if (snprintf(buf, size, "%u", proto) < 0)
		buf[0] = '\0';
	return buf;
}

bool
judge_is_service_addr(const struct judge *j, const struct ipaddr *addr)
{
	struct cidr cidr;

	for (size_t i = 0; i < j->nrules; i++) {
		const struct rule *r = j->rules[i].r;

		for (size_t k = 0; k < r->nconds; k++) {
			const struct cond *c = &r->conds[k];

			if (c->field == FIELD_DEST_IP && c->op == COND_IN &&
			    c->list != NULL && c->list->type == LIST_CIDR &&
			    list_match_ip(c->list, addr, &cidr))
				return true;
		}
	}
	return false;
}

const char *
judge_agency(const struct judge *j, const struct flow *f)
{
	const struct agency *a = policy_agency_by_addr(j->p, &f->cli);

	return a != NULL ? a->id : NULL;
}

/*
 * What the rule means for the flow's client (decide.h, as for the
 * milter's recipients): false when its agency scope leaves the client
 * out.  A flow has no direction: every rule's takes it in.
 */
static bool
judge_decide(const struct judge *j, const struct rule *r,
    const struct agency *ag, const struct flow *f, struct decision *d)
{
	struct decide_subject s = { ag, NULL };
	struct decide_facts facts = { r, DIRECTION_BOTH, &s, 1, &f->cli,
		j->set.now != 0 ? j->set.now : time(NULL) };

	decide(j->p, &facts, d, NULL);
	return d->nscope > 0;
}

/* The agency's own IM service is not public IM (DESIGN.md). */
static bool
is_official_im(const struct agency *a, const char *name)
{
	return a != NULL && name != NULL && a->official_im != NULL &&
	    domset_match(a->official_im, name, strlen(name), NULL);
}

/* A call to the agency's own IM service (its domain, stun.h). */
static bool
is_official_call(const struct agency *a, const struct stun_flow *sf)
{
	return sf != NULL && sf->service != STUN_SVC_NONE &&
	    is_official_im(a, stun_service_domain(
	    (enum stun_service)sf->service));
}

static void
write_alert(struct judge *j, const struct jrule *jr,
    const struct judge_ctx *x, const struct agency *ag,
    const struct decision *d, const struct timeval *ts)
{
	const struct judge_view *v = x->v;
	const struct flow *f = v->flow;
	const char *agency = ag != NULL ? ag->id : NULL, *list;
	struct timespec tspec;
	struct alert a;
	char service[128], pbuf[8];

	tspec.tv_sec = ts->tv_sec;
	tspec.tv_nsec = (long)ts->tv_usec * 1000;
	alert_begin(&a, &tspec, jr->event);
	alert_add_u64(&a, "flow_id", f->id);
	alert_add_ip(&a, "src_ip", &f->cli);
	alert_add_u64(&a, "src_port", f->cport);
	alert_add_ip(&a, "dest_ip", &f->srv);
	alert_add_u64(&a, "dest_port", f->sport);
	alert_add_str(&a, "proto", proto_text(f->proto, pbuf, sizeof(pbuf)));
	alert_add_str(&a, "app_proto", app_proto_name(v->app));
	alert_add_str(&a, "rule", jr->r->id);
	alert_add_str(&a, "policy", jr->r->policy);
	alert_add_str(&a, "category", jr->category);
	alert_add_str(&a, "action", action_name(d->action));
	if (d->action != d->intended)
		alert_add_str(&a, "intended", action_name(d->intended));
	service_text(x, service, sizeof(service));
	if (service[0] != '\0') {
		alert_add_str(&a, "service", service);
		if ((list = service_list(j, x)) != NULL)
			alert_add_str(&a, "list", list);
	}
	if (x->name != NULL) {
		alert_add_str(&a, "hostname", x->name);
		alert_add_str(&a, "name_source", name_source_name(x->name_src));
	}
	if (v->app_detail != NULL)
		alert_add_str(&a, "app_detail", v->app_detail);
	if (v->stun != NULL)
		stun_flow_json(alert_json(&a), v->stun);
	alert_add_u64(&a, "bytes_toserver", f->bytes[FLOW_TOSERVER]);
	alert_add_u64(&a, "bytes_toclient", f->bytes[FLOW_TOCLIENT]);
	if (agency != NULL)
		alert_add_str(&a, "agency", agency);
	if (d->exception != NULL) {
		alert_add_str(&a, "exception", d->exception);
		j->st.excepted++;
	}
	alert_add_str(&a, "policy_hash", j->p->hash_short);
	if (alert_log_write(j->log, &a) < 0)
		j->st.alerts_failed++;
	else
		j->st.alerts++;
	j->st.by_event[jr->event_index]++;
	if (j->set.rule_alerts != NULL)
		prom_table_add(j->set.rule_alerts, jr->r->id, 1);
}

/* Smallest threshold of an unfired rule above the bytes so far. */
static void
next_thresholds(const struct judge *j, struct judge_flow *jf,
    const struct flow *f)
{
	for (int d = 0; d < 2; d++) {
		uint64_t best = UINT64_MAX;

		if (j->min_bytes[d] != UINT64_MAX)
			for (size_t i = 0; i < j->nrules; i++) {
				uint64_t t = j->rules[i].at_least[d];

				if (t > f->bytes[d] && t < best &&
				    !fired_has(jf, i))
					best = t;
			}
		jf->next_bytes[d] = best;
	}
}

static void
ctx_reset(struct judge_ctx *x)
{
	x->svc_cond = NULL;
	x->svc_rank = 0;
	x->name = NULL;
	x->name_src = NAME_COUNT_;
	x->ech_entry = NULL;
}

void
judge_flow(struct judge *j, struct judge_flow *jf,
    const struct judge_view *v, const struct timeval *ts)
{
	struct judge_ctx x = { .j = j, .v = v };
	struct rule_facts facts = { judge_each, &x };
	const struct agency *ag = NULL;
	struct decision d;
	bool ag_known = false, has_name = false;
	bool has_check = v->checks != 0 || v->ech;

	flow_sync(j, jf);
	j->st.evaluations++;
	for (unsigned s = 0; s < NAME_COUNT_; s++)
		has_name |= v->names[s] != NULL && s != NAME_DNS_QUERY;
	for (size_t i = 0; i < j->nrules; i++) {
		const struct jrule *jr = &j->rules[i];

		/* Cheap refusals before rule_matches: facts it would miss. */
		if ((jr->needs_name && !has_name) ||
		    (jr->needs_check && !has_check) || fired_has(jf, i))
			continue;
		ctx_reset(&x);
		if (!rule_matches(jr->r, &facts))
			continue;
		/* Held by address, port or protocol: name what the flow
		 * carries all the same. */
		if (x.name == NULL)
			x.name = first_name(v, false, &x.name_src);
		if (!ag_known) {
			ag = policy_agency_by_addr(j->p, &v->flow->cli);
			ag_known = true;
		}
		if (!judge_decide(j, jr->r, ag, v->flow, &d) ||
		    (jr->is_im && (is_official_im(ag, x.name) ||
		    is_official_call(ag, v->stun))))
			continue;
		fired_set(jf, i);
		write_alert(j, jr, &x, ag, &d, ts);
	}
	next_thresholds(j, jf, v->flow);
}

/* FNV-1a over the client address and the name; never 0. */
static uint64_t
dedup_key(const struct ipaddr *cli, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(cli->b); i++)
		h = (h ^ cli->b[i]) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull;
	for (const char *p = name; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	return h != 0 ? h : 1;
}

/* Was (key) alerted within the window before now?  Looks only. */
static struct dedup_slot *
dedup_find(struct judge *j, uint64_t key, int64_t now, bool *fresh_r)
{
	struct dedup_slot *oldest = NULL;
	int64_t window = (int64_t)j->set.dns_dedup_seconds;

	*fresh_r = false;
	for (size_t k = 0; k < DEDUP_PROBE; k++) {
		struct dedup_slot *s = &j->dedup[(key + k) & j->dedup_mask];

		if (s->key == key) {
			*fresh_r = now >= s->when && now - s->when < window;
			return s;
		}
		if (s->key == 0 || now - s->when >= window || now < s->when)
			return s;	/* empty or stale: reuse */
		if (oldest == NULL || s->when < oldest->when)
			oldest = s;
	}
	return oldest;
}

void
judge_dns(struct judge *j, const struct judge_view *v, const char *name,
    const struct timeval *ts)
{
	struct judge_ctx x = { .j = j, .v = v, .dns_name = name };
	struct rule_facts facts = { judge_each, &x };
	const struct agency *ag = NULL;
	struct decision d;
	bool ag_known = false, fresh = false, any = false;
	struct dedup_slot *slot = NULL;
	uint64_t key = 0;

	if (name == NULL || name[0] == '\0')
		return;
	j->st.dns_names++;
	if (j->set.dns_dedup_seconds > 0) {
		key = dedup_key(&v->flow->cli, name);
		slot = dedup_find(j, key, ts->tv_sec, &fresh);
		if (fresh) {
			j->st.dns_deduped++;
			return;
		}
	}
	j->st.evaluations++;
	for (size_t i = 0; i < j->nrules; i++) {
		const struct jrule *jr = &j->rules[i];

		if (!jr->uses_names)
			continue;
		ctx_reset(&x);
		/* Only rules that hold because of this name: the others
		 * are the flow's business (judge_flow). */
		if (!rule_matches(jr->r, &facts) || x.name == NULL ||
		    x.name_src != NAME_DNS_QUERY)
			continue;
		if (!ag_known) {
			ag = policy_agency_by_addr(j->p, &v->flow->cli);
			ag_known = true;
		}
		if (!judge_decide(j, jr->r, ag, v->flow, &d) ||
		    (jr->is_im && is_official_im(ag, name)))
			continue;
		write_alert(j, jr, &x, ag, &d, ts);
		any = true;
	}
	if (any && slot != NULL) {
		slot->key = key;
		slot->when = ts->tv_sec;
	}
}
