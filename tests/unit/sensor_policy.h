/*
 * sensor_policy.h - a small, self-contained network policy for the sensor's
 * unit tests (test_judge.c, test_engine.c): written to a temporary folder,
 * loaded with policy_load, alerts to a file read back line by line.
 *
 *   lists   webmail (gmail.com, mail.yahoo.com), im (jabber.org,
 *           whatsapp.net), im_networks (91.108.4.0/22, 149.154.160.0/20),
 *           im_ports (tcp/5222, tcp/6660-6669), doh (cloudflare-dns.com),
 *           ech_fronts (cloudflare-ech.com)
 *   rules   the shipped clause-3 network rules, thresholds 1000 bytes
 *           (up) and 5000 (down)
 *           network.im.call for whatsapp, signal and teams calls
 *   agency  DEP 192.0.2.0/25 (official IM teams.dep.example and
 *           teams.microsoft.com: Teams calls are DEP's own), DOR
 *           192.0.2.128/25
 *   exception EX-2026-0001: DEP host 192.0.2.17, network.webmail*,
 *           2026-06-01 .. 2027-05-31, approved by MassIT and ESB
 *
 * Header-only (static functions), included by one test file each.
 */
#ifndef MSGSEC_TEST_SENSOR_POLICY_H
#define MSGSEC_TEST_SENSOR_POLICY_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert.h"
#include "date.h"
#include "policy.h"

static char sp_dir[64];
static char sp_alerts[128];

static inline void
sp_write(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sp_dir, rel);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		abort();
	}
	fputs(text, f);
	fclose(f);
}

static const char sp_rules[] =
    "lists:\n"
    "  - { id: webmail_domains, type: domain, items: [gmail.com, "
    "mail.yahoo.com] }\n"
    "  - { id: im_domains, type: domain, items: [jabber.org, whatsapp.net, "
    "teams.dep.example] }\n"
    "  - { id: im_networks, type: cidr, items: [91.108.4.0/22, "
    "91.108.8.0/22, 149.154.160.0/20] }\n"
    "  - { id: im_ports, type: port, items: [tcp/5222, tcp/6660-6669] }\n"
    "  - { id: doh_resolvers, type: domain, items: [cloudflare-dns.com] }\n"
    "  - { id: ech_fronts, type: domain, items: [cloudflare-ech.com] }\n"
    "rules:\n"
    "  - { id: network.webmail, policy: \"3.1\", applies: network, "
    "match: { hostname: { in: webmail_domains } }, action: log }\n"
    "  - { id: network.webmail.upload, policy: \"3.2\", applies: network, "
    "match: { hostname: { in: webmail_domains }, bytes.toserver: "
    "{ at_least: 1000 } }, action: log }\n"
    "  - { id: network.webmail.download, policy: \"3.2\", applies: network, "
    "match: { hostname: { in: webmail_domains }, bytes.toclient: "
    "{ at_least: 5000 } }, action: log }\n"
    "  - { id: network.im, policy: \"3.1\", applies: network, "
    "match: { hostname: { in: im_domains } }, action: log }\n"
    "  - { id: network.im.address, policy: \"3.1\", applies: network, "
    "match: { dest.ip: { in: im_networks } }, action: log }\n"
    "  - { id: network.im.port, policy: \"3.1\", applies: network, "
    "match: { dest.port: { in: im_ports } }, action: log }\n"
    "  - { id: network.im.protocol, policy: \"3.1\", applies: network, "
    "match: { app_proto: { in: [whatsapp, irc] } }, action: log }\n"
    "  - { id: network.im.call, policy: \"3.1\", applies: network, "
    "match: { call.service: { in: [whatsapp, signal, teams] } }, "
    "action: log }\n"
    "  - { id: network.doh, policy: \"3.3\", applies: network, "
    "match: { hostname: { in: doh_resolvers } }, action: log }\n"
    "  - { id: network.name-hidden, policy: \"3.3\", applies: network, "
    "match: { check: tls.name-hidden }, action: log }\n"
    "  - { id: limit.reassembly, policy: \"3.3\", applies: network, "
    "match: { check: limit.reassembly }, action: log }\n";

static const char sp_agencies[] =
    "agencies:\n"
    "  - id: DEP\n"
    "    name: Environmental Protection\n"
    "    domains: [dep.example]\n"
    "    networks: [192.0.2.0/25]\n"
    "    official_im: [teams.dep.example, teams.microsoft.com]\n"
    "  - id: DOR\n"
    "    name: Revenue\n"
    "    domains: [dor.example]\n"
    "    networks: [192.0.2.128/25]\n";

static const char sp_exception[] =
    "exception:\n"
    "  id: EX-2026-0001\n"
    "  agency: DEP\n"
    "  requested_by: { name: Dana W, role: agency-head, email: "
    "dana@dep.example }\n"
    "  reasons: A partner portal delivers notices only through webmail.\n"
    "  circumstances: Notices must be acknowledged within a day.\n"
    "  access_controls: One named laptop.\n"
    "  scope:\n"
    "    rules: [network.webmail, network.webmail.*]\n"
    "    hosts: [192.0.2.17/32]\n"
    "  valid_from: 2026-06-01\n"
    "  valid_until: 2027-05-31\n"
    "  status: approved\n"
    "  reviews:\n"
    "    - { body: MassIT, decision: approved, by: P R, on: 2026-05-20 }\n"
    "    - { body: ESB, decision: approved, by: T O, on: 2026-05-27 }\n";

/* Write the policy; returns the configuration file's path. */
static inline const char *
sp_setup(void)
{
	static char conf[128];
	char sub[160];

	snprintf(sp_dir, sizeof(sp_dir), "/tmp/msgsec-sensor-XXXXXX");
	if (mkdtemp(sp_dir) == NULL)
		abort();
	snprintf(sub, sizeof(sub), "%s/policy", sp_dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/agencies", sp_dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/exceptions", sp_dir);
	mkdir(sub, 0700);
	sp_write("msgsec.yaml", "paths: { rules: policy, agencies: agencies, "
	    "exceptions: exceptions, state: ., quarantine: q }\n"
	    "alerts: { output: file, file: alerts.json }\n");
	sp_write("policy/net.yaml", sp_rules);
	sp_write("agencies/agencies.yaml", sp_agencies);
	sp_write("exceptions/EX-2026-0001.yaml", sp_exception);
	snprintf(conf, sizeof(conf), "%s/msgsec.yaml", sp_dir);
	snprintf(sp_alerts, sizeof(sp_alerts), "%s/alerts.json", sp_dir);
	return conf;
}

static inline struct policy *
sp_load(const char *conf)
{
	struct diags d;
	struct policy *p;

	diags_init(&d);
	p = policy_load(conf, NULL, 0, &d);
	if (p == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	return p;
}

static inline void
sp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sp_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", sp_dir);
}

/* How many policy_hash fields the last sp_read_alerts() took out. */
static size_t sp_policy_hashes;

/*
 * The alert lines written so far (malloc'd text, "" when none), each
 * ',"policy_hash":"<12 hex digits>"' taken out (counted in
 * sp_policy_hashes): the hash changes with every policy.
 */
static inline char *
sp_read_alerts(void)
{
	static const char key[] = ",\"policy_hash\":\"";
	char *p;
	FILE *f = fopen(sp_alerts, "r");
	char *text;
	long n;

	if (f == NULL)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	if (text == NULL || fread(text, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	sp_policy_hashes = 0;
	while ((p = strstr(text, key)) != NULL) {
		size_t k = sizeof(key) - 1, len = strspn(p + k,
		    "0123456789abcdef");

		if (len != 12 || p[k + len] != '"')
			abort();
		memmove(p, p + k + len + 1, strlen(p + k + len + 1) + 1);
		sp_policy_hashes++;
	}
	return text;
}

/* Empty the alert file between cases. */
static inline void
sp_clear_alerts(void)
{
	FILE *f = fopen(sp_alerts, "w");

	if (f != NULL)
		fclose(f);
}

static inline size_t
sp_count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p != NULL;
	    p = strstr(p + 1, needle))
		n++;
	return n;
}

static inline time_t
sp_day(const char *s)
{
	int32_t d;
	const char *why;

	if (date_parse(s, strlen(s), &d, &why) < 0)
		abort();
	return date_day_start(d) + 12 * 3600;
}

#endif
