/*
 * test_judge.c - the sensor's policy judgement: names against lists with
 * the alert's service/hostname/name_source, once per flow and rule, byte
 * thresholds crossing, agencies, exceptions, DNS deduplication, ECH fronts,
 * address and port rules, reloads that keep what fired, monitor mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "judge.h"
#include "stun.h"
#include "sensor_policy.h"

struct fixture {
	struct policy *p;
	struct alert_log *log;
	struct judge *j;
	struct flow f;
	struct judge_flow jf;
	struct judge_view v;
	struct timeval ts;
};

static const char *conf;

static int
group_setup(void **state)
{
	(void)state;
	conf = sp_setup();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	sp_teardown();
	return 0;
}

static void
set_ip(struct ipaddr *a, const char *s)
{
	assert_int_equal(ipaddr_parse(s, strlen(s), a), 0);
}

static int
fix_setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));
	struct judge_settings s = { .dns_dedup_seconds = 300,
		.dns_dedup_slots = 64, .now = 0 };
	char *err = NULL;

	assert_non_null(x);
	x->p = sp_load(conf);
	assert_non_null(x->p);
	sp_clear_alerts();
	x->log = alert_log_open(ALERT_OUT_FILE, sp_alerts, NULL, 0, &err);
	assert_non_null(x->log);
	s.now = sp_day("2026-07-01");
	x->j = judge_new(x->p, x->log, &s);
	x->f.id = 42;
	x->f.proto = 6;
	set_ip(&x->f.cli, "10.9.8.7");
	set_ip(&x->f.srv, "142.250.1.1");
	x->f.cport = 51514;
	x->f.sport = 443;
	judge_flow_init(x->j, &x->jf);
	x->v.flow = &x->f;
	x->v.app = APP_TLS;
	x->ts.tv_sec = 1729504800;	/* 2024-10-21T10:00:00Z */
	x->ts.tv_usec = 123456;
	*state = x;
	return 0;
}

static int
fix_teardown(void **state)
{
	struct fixture *x = *state;

	judge_flow_clear(&x->jf);
	judge_free(&x->j);
	alert_log_close(&x->log);
	policy_unref(&x->p);
	free(x);
	return 0;
}

static void
test_sni_once_per_flow(void **state)
{
	struct fixture *x = *state;
	char *a;

	x->v.names[NAME_TLS_SNI] = "mail.google.com.gmail.com";
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "{\"timestamp\":\"2024-10-21T10:00:00.123456"
	    "+0000\",\"event_type\":\"webmail\",\"flow_id\":42,\"src_ip\":"
	    "\"10.9.8.7\",\"src_port\":51514,\"dest_ip\":\"142.250.1.1\","
	    "\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\","
	    "\"rule\":\"network.webmail\",\"policy\":\"3.1\",\"category\":"
	    "\"webmail\",\"action\":\"log\",\"service\":\"gmail.com\","
	    "\"list\":\"webmail_domains\",\"hostname\":\"mail.google.com.gmail.com\",\"name_source\":"
	    "\"tls.sni\",\"bytes_toserver\":0,\"bytes_toclient\":0}\n"));
	/* Which policy raised it: its hash, once (sp_read_alerts). */
	assert_int_equal(sp_policy_hashes, 1);
	assert_null(strstr(a, "agency"));
	assert_null(strstr(a, "exception"));
	free(a);
	assert_int_equal(judge_stats(x->j)->alerts, 1);
}

static void
test_lookalikes(void **state)
{
	struct fixture *x = *state;
	static const char *const names[] = { "notgmail.com",
		"gmail.com.evil.example", "yahoo.com", "gmail.co", "gmail",
		"xn--gmail-.com", "" };
	char *a;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		x->v.names[NAME_HTTP_HOST] = names[i];
		judge_flow(x->j, &x->jf, &x->v, &x->ts);
	}
	a = sp_read_alerts();
	assert_string_equal(a, "");
	free(a);
}

static void
test_upload_threshold(void **state)
{
	struct fixture *x = *state;
	char *a;

	x->v.names[NAME_QUIC_SNI] = "mail.yahoo.com";
	x->v.app = APP_QUIC;
	x->f.proto = 17;
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	/* Pending thresholds: 1000 up, 5000 down. */
	assert_int_equal(x->jf.next_bytes[0], 1000);
	assert_int_equal(x->jf.next_bytes[1], 5000);
	x->f.bytes[0] = 999;
	assert_false(judge_bytes_due(&x->jf, &x->f));
	x->f.bytes[0] = 1000;
	assert_true(judge_bytes_due(&x->jf, &x->f));
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	/* Fired: nothing pending up; down still 5000. */
	assert_int_equal(x->jf.next_bytes[0], UINT64_MAX);
	x->f.bytes[0] = 1000000;
	assert_false(judge_bytes_due(&x->jf, &x->f));
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\"event_type\":\"upload\""), 1);
	assert_int_equal(sp_count(a, "\"event_type\":\"webmail\""), 1);
	assert_int_equal(sp_count(a, "\"rule\":\"network.webmail.upload\""),
	    1);
	assert_non_null(strstr(a, "\"bytes_toserver\":1000,"));
	assert_non_null(strstr(a, "\"proto\":\"UDP\",\"app_proto\":\"quic\""));
	assert_non_null(strstr(a, "\"name_source\":\"quic.sni\""));
	free(a);
}

static void
test_threshold_without_name(void **state)
{
	struct fixture *x = *state;
	char *a;

	/* No name: the crossing re-judges once, then nothing is pending. */
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	x->f.bytes[0] = 2000;
	assert_true(judge_bytes_due(&x->jf, &x->f));
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	assert_int_equal(x->jf.next_bytes[0], UINT64_MAX);
	/* The name arrives later: both rules hold at once. */
	x->v.names[NAME_HTTP_HOST] = "gmail.com";
	x->v.app = APP_HTTP;
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"event_type\":\"upload\""), 1);
	assert_non_null(strstr(a, "\"name_source\":\"http.host\""));
	free(a);
}

static void
test_agency_and_exception(void **state)
{
	struct fixture *x = *state;
	struct judge_flow jf2;
	char *a;

	/* The excepted host: action log with the id, agency DEP. */
	set_ip(&x->f.cli, "192.0.2.17");
	x->v.names[NAME_TLS_SNI] = "gmail.com";
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_non_null(strstr(a, "\"agency\":\"DEP\",\"exception\":"
	    "\"EX-2026-0001\"}"));
	assert_non_null(strstr(a, "\"action\":\"log\""));
	free(a);
	assert_int_equal(judge_stats(x->j)->excepted, 1);

	/* Another DEP host: agency, no exception. */
	sp_clear_alerts();
	set_ip(&x->f.cli, "192.0.2.18");
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	/* A DOR host. */
	set_ip(&x->f.cli, "192.0.2.200");
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"agency\":\"DEP\"}"), 1);
	assert_int_equal(sp_count(a, "\"agency\":\"DOR\"}"), 1);
	assert_null(strstr(a, "exception"));
	free(a);
}

static void
test_exception_window(void **state)
{
	struct fixture *x = *state;
	struct judge_settings s = { .dns_dedup_seconds = 300,
		.now = sp_day("2027-06-01") };
	struct judge *j2 = judge_new(x->p, x->log, &s);
	struct judge_flow jf2;
	char *a;

	/* After valid_until the exception no longer applies. */
	set_ip(&x->f.cli, "192.0.2.17");
	x->v.names[NAME_TLS_SNI] = "gmail.com";
	judge_flow_init(j2, &jf2);
	judge_flow(j2, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	judge_free(&j2);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_null(strstr(a, "exception"));
	free(a);
}

static void
test_official_im(void **state)
{
	struct fixture *x = *state;
	struct judge_flow jf2;
	char *a;

	/* DEP's own IM service is not public IM; for DOR it is. */
	set_ip(&x->f.cli, "192.0.2.5");
	x->v.names[NAME_TLS_SNI] = "chat.teams.dep.example";
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	set_ip(&x->f.cli, "192.0.2.130");
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"agency\":\"DOR\""));
	free(a);
}

/*
 * A call names its service and the STUN detail; a call to the agency's
 * own IM service (Teams for DEP, by its domain) is not public IM.
 */
static void
test_call(void **state)
{
	struct fixture *x = *state;
	struct stun_flow sf;
	struct judge_flow jf2, jf3;
	char *a;

	memset(&sf, 0, sizeof(sf));
	sf.service = STUN_SVC_TEAMS;
	sf.signal = STUN_SIG_ATTRIBUTE;
	sf.vendor = 0x8070;
	sf.msgs = 1;
	sf.methods = 1u << 1;
	x->f.proto = 17;
	x->v.app = APP_STUN;
	x->v.stun = &sf;
	set_ip(&x->f.cli, "192.0.2.5");		/* DEP: Teams is its own */
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	set_ip(&x->f.cli, "192.0.2.130");	/* DOR: public IM */
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	sf.service = STUN_SVC_WHATSAPP;		/* DEP, WhatsApp: public */
	set_ip(&x->f.cli, "192.0.2.5");
	judge_flow_init(x->j, &jf3);
	judge_flow(x->j, &jf3, &x->v, &x->ts);
	judge_flow(x->j, &jf3, &x->v, &x->ts);	/* once per flow */
	judge_flow_clear(&jf3);
	sf.service = STUN_SVC_NONE;		/* unknown: no alert */
	judge_flow_init(x->j, &jf3);
	judge_flow(x->j, &jf3, &x->v, &x->ts);
	judge_flow_clear(&jf3);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_non_null(strstr(a, "\"rule\":\"network.im.call\",\"policy\":"
	    "\"3.1\",\"category\":\"im\",\"action\":\"log\",\"service\":"
	    "\"teams\",\"stun\":{\"service\":\"teams\",\"matched\":"
	    "\"attribute\",\"attribute\":\"0x8070\",\"methods\":"
	    "[\"binding\"]"));
	assert_non_null(strstr(a, "\"agency\":\"DOR\""));
	assert_non_null(strstr(a, "\"service\":\"whatsapp\""));
	assert_non_null(strstr(a, "\"app_proto\":\"stun\""));
	free(a);
}

static void
test_dns_dedup(void **state)
{
	struct fixture *x = *state;
	struct timeval t = x->ts;
	char *a;

	x->v.app = APP_DNS;
	x->f.proto = 17;
	x->f.sport = 53;
	judge_dns(x->j, &x->v, "mail.google.com.gmail.com", &t);
	t.tv_sec += 10;
	judge_dns(x->j, &x->v, "mail.google.com.gmail.com", &t);
	judge_dns(x->j, &x->v, "example.org", &t);
	judge_dns(x->j, &x->v, "jabber.org", &t);
	/* Another client: its own alert. */
	set_ip(&x->f.cli, "10.9.8.6");
	judge_dns(x->j, &x->v, "mail.google.com.gmail.com", &t);
	/* Past the window: again. */
	set_ip(&x->f.cli, "10.9.8.7");
	t.tv_sec += 300;
	judge_dns(x->j, &x->v, "mail.google.com.gmail.com", &t);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 4);
	assert_int_equal(sp_count(a, "\"event_type\":\"webmail\""), 3);
	assert_int_equal(sp_count(a, "\"event_type\":\"im\""), 1);
	assert_int_equal(sp_count(a, "\"name_source\":\"dns.query\""), 4);
	assert_int_equal(sp_count(a, "\"app_proto\":\"dns\""), 4);
	free(a);
	assert_int_equal(judge_stats(x->j)->dns_deduped, 1);
	assert_int_equal(judge_stats(x->j)->dns_names, 6);
}

static void
test_dns_table_bounded(void **state)
{
	struct fixture *x = *state;
	char name[64];
	char *a;

	/* Far more (client, name) pairs than the 64 slots: all alert once,
	 * memory stays put; then the oldest were forgotten first. */
	x->f.sport = 53;
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "u%u.gmail.com", i);
		judge_dns(x->j, &x->v, name, &x->ts);
	}
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1000);
	free(a);
	judge_dns(x->j, &x->v, "u999.gmail.com", &x->ts);
	assert_int_equal(judge_stats(x->j)->dns_deduped, 1);
}

static void
test_dns_name_rules_only(void **state)
{
	struct fixture *x = *state;
	char *a;

	/* A DNS server inside im_networks: the address rule is the flow's
	 * (judge_flow), never repeated per query name. */
	set_ip(&x->f.srv, "91.108.4.4");
	x->f.sport = 53;
	x->f.proto = 17;
	judge_dns(x->j, &x->v, "example.org", &x->ts);
	a = sp_read_alerts();
	assert_string_equal(a, "");
	free(a);
}

static void
test_address_and_port(void **state)
{
	struct fixture *x = *state;
	struct judge_flow jf2;
	char *a;

	set_ip(&x->f.srv, "91.108.9.1");
	x->v.app = APP_UNKNOWN;
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	set_ip(&x->f.srv, "198.51.100.1");
	x->f.sport = 6667;
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	/* udp/6667 is not listed. */
	x->f.proto = 17;
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_non_null(strstr(a, "\"rule\":\"network.im.address\",\"policy\":"
	    "\"3.1\",\"category\":\"im\",\"action\":\"log\",\"service\":"
	    "\"91.108.8.0/22\",\"list\":\"im_networks\",\"bytes_toserver\""));
	assert_non_null(strstr(a, "\"rule\":\"network.im.port\",\"policy\":"
	    "\"3.1\",\"category\":\"im\",\"action\":\"log\",\"service\":"
	    "\"tcp/6660-6669\",\"list\":\"im_ports\",\"bytes_toserver\""));
	assert_int_equal(sp_count(a, "\"event_type\":\"im\""), 2);
	assert_null(strstr(a, "hostname"));
	free(a);
}

/*
 * A rule that held by address or port names the flow's own name: the SNI
 * of a TLS flow to a listed range, the to= of an XMPP stream on its port
 * (and an agency's own XMPP service is not public IM even by port).
 */
static void
test_address_names_flow(void **state)
{
	struct fixture *x = *state;
	struct judge_flow jf2;
	char *a;

	set_ip(&x->f.srv, "91.108.9.1");
	x->v.names[NAME_TLS_SNI] = "cdn.example.org";
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	x->v.names[NAME_TLS_SNI] = NULL;
	set_ip(&x->f.srv, "198.51.100.1");
	x->f.sport = 5222;
	x->v.app = APP_XMPP;
	x->v.app_detail = "stream-header";
	x->v.names[NAME_XMPP_TO] = "xmpp.example.net";
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	/* DEP's own service (official_im) by port: no alert. */
	set_ip(&x->f.cli, "192.0.2.5");
	x->v.names[NAME_XMPP_TO] = "chat.teams.dep.example";
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_non_null(strstr(a, "\"service\":\"91.108.8.0/22\",\"list\":"
	    "\"im_networks\",\"hostname\":\"cdn.example.org\",\"name_source\":"
	    "\"tls.sni\""));
	assert_non_null(strstr(a, "\"app_proto\":\"xmpp\",\"rule\":"
	    "\"network.im.port\""));
	assert_non_null(strstr(a, "\"service\":\"tcp/5222\",\"list\":"
	    "\"im_ports\",\"hostname\":\"xmpp.example.net\",\"name_source\":"
	    "\"xmpp.to\",\"app_detail\":\"stream-header\""));
	free(a);
	assert_true(judge_is_service_addr(x->j, &x->f.srv) == false);
	set_ip(&x->f.srv, "149.154.167.51");
	assert_true(judge_is_service_addr(x->j, &x->f.srv));
}

static void
test_name_hidden(void **state)
{
	struct fixture *x = *state;
	struct judge_flow jf2;
	char *a;

	/* ECH toward a known front: name-hidden.  ECH (GREASE-looking)
	 * beside an ordinary SNI: nothing. */
	x->v.names[NAME_TLS_SNI] = "cloudflare-ech.com";
	x->v.ech = true;
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	x->v.names[NAME_TLS_SNI] = "www.example.com";
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	/* The front without ECH: nothing either. */
	x->v.names[NAME_TLS_SNI] = "cloudflare-ech.com";
	x->v.ech = false;
	judge_flow_init(x->j, &jf2);
	judge_flow(x->j, &jf2, &x->v, &x->ts);
	judge_flow_clear(&jf2);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"event_type\":\"name-hidden\""));
	assert_non_null(strstr(a, "\"category\":\"name-hidden\",\"action\":"
	    "\"log\",\"service\":\"cloudflare-ech.com\",\"list\":"
	    "\"ech_fronts\",\"hostname\":"
	    "\"cloudflare-ech.com\",\"name_source\":\"tls.sni\""));
	free(a);
}

static void
test_limit_check(void **state)
{
	struct fixture *x = *state;
	char *a;

	x->v.checks = JUDGE_CHECK_LIMIT_REASSEMBLY;
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"event_type\":\"limit\""));
	assert_non_null(strstr(a, "\"rule\":\"limit.reassembly\""));
	free(a);
}

static void
test_reload_keeps_fired(void **state)
{
	struct fixture *x = *state;
	struct policy *p2;
	char *a;

	x->v.names[NAME_TLS_SNI] = "gmail.com";
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	/* Same rules in a new snapshot: nothing repeats; the flow's
	 * pending upload threshold still works. */
	p2 = sp_load(conf);
	assert_non_null(p2);
	judge_set_policy(x->j, p2);
	policy_unref(&p2);
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	p2 = sp_load(conf);
	judge_set_policy(x->j, p2);
	policy_unref(&p2);
	x->f.bytes[0] = 5000;
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"event_type\":\"webmail\""), 1);
	assert_int_equal(sp_count(a, "\"event_type\":\"upload\""), 1);
	free(a);
}

/* The loaded snapshot's rule of this id (the fixture's own copy). */
static struct rule *
rule_of(struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return &p->rules[i];
	fail_msg("no rule %s", id);
	return NULL;
}

/* Judge the fixture's view as a flow of its own (nothing fired yet). */
static void
judge_new_flow(struct fixture *x)
{
	struct judge_flow jf;

	judge_flow_init(x->j, &jf);
	judge_flow(x->j, &jf, &x->v, &x->ts);
	judge_flow_clear(&jf);
}

/*
 * msgsec.yaml(5), monitor: true: "log only, noting the action the rule
 * would take"; milter.monitor: every action becomes log.  The sensor
 * decides as the milter does (policy/decide.c).  The loader lets a
 * network rule only log, so what a monitored rule would take is shown
 * here on a snapshot whose rules are given other actions in memory: the
 * alert says log and names the intended action; an exception still names
 * itself first.
 */
static void
test_monitor(void **state)
{
	struct fixture *x = *state;
	struct rule *r = rule_of(x->p, "network.webmail");
	char *a;

	/* As loaded: a monitored rule that logs reads as any other. */
	r->monitor = true;
	x->v.names[NAME_TLS_SNI] = "gmail.com";
	judge_flow(x->j, &x->jf, &x->v, &x->ts);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"category\":\"webmail\",\"action\":"
	    "\"log\",\"service\":\"gmail.com\","));
	assert_null(strstr(a, "intended"));
	free(a);

	/* A rule that would quarantine, monitored: log, quarantine noted. */
	sp_clear_alerts();
	r->action = ACTION_QUARANTINE;
	judge_new_flow(x);
	a = sp_read_alerts();
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"category\":\"webmail\",\"action\":"
	    "\"log\",\"intended\":\"quarantine\",\"service\":"
	    "\"gmail.com\","));
	free(a);

	/* milter.monitor, the rule's own key off: the same. */
	sp_clear_alerts();
	r->monitor = false;
	x->p->config.monitor = true;
	judge_new_flow(x);
	a = sp_read_alerts();
	assert_non_null(strstr(a, "\"action\":\"log\",\"intended\":"
	    "\"quarantine\","));
	assert_null(strstr(a, "exception"));
	free(a);

	/* The excepted host: log with the exception's id. */
	sp_clear_alerts();
	set_ip(&x->f.cli, "192.0.2.17");
	judge_new_flow(x);
	a = sp_read_alerts();
	assert_non_null(strstr(a, "\"action\":\"log\",\"intended\":"
	    "\"quarantine\","));
	assert_non_null(strstr(a, "\"agency\":\"DEP\",\"exception\":"
	    "\"EX-2026-0001\"}"));
	free(a);
	assert_int_equal(judge_stats(x->j)->excepted, 1);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(app_proto_name(APP_WHATSAPP), "whatsapp");
	assert_string_equal(app_proto_name(APP_IMO), "imo");
	assert_string_equal(app_proto_name(APP_COUNT_), "unknown");
	assert_string_equal(name_source_name(NAME_XMPP_TO), "xmpp.to");
	assert_string_equal(judge_event_name(0), "webmail");
	assert_null(judge_event_name(100));
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sni_once_per_flow),
		T(test_lookalikes),
		T(test_upload_threshold),
		T(test_threshold_without_name),
		T(test_agency_and_exception),
		T(test_exception_window),
		T(test_official_im),
		T(test_call),
		T(test_dns_dedup),
		T(test_dns_table_bounded),
		T(test_dns_name_rules_only),
		T(test_address_and_port),
		T(test_address_names_flow),
		T(test_name_hidden),
		T(test_limit_check),
		T(test_reload_keeps_fired),
		T(test_monitor),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
