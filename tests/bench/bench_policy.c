/*
 * bench_policy.c - how long a large policy takes to load, and what one
 * domain lookup costs.
 *
 * Generates, in a temporary folder: a domain list of 10,000 names, 1,000
 * rules with a PCRE2 pattern each, 20 agencies and 1,000 exception
 * records; then times policy_load (median of 5) beside the floor of just
 * tokenising the same YAML with libyaml, and times domset_match over a mix
 * of hits and misses.  Prints figures; never fails on time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "domset.h"
#include "mem.h"
#include "policy.h"

#define NDOMAINS 10000
#define NRULES 1000
#define NEXCEPTIONS 1000
#define NAGENCIES 20
#define RUNS 5

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static FILE *
create(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

static void
domain_name(unsigned i, char *buf, size_t len)
{
	static const char *const tlds[] = { "com", "net", "org", "example",
		"io", "co.uk" };

	snprintf(buf, len, "svc%u-%x.provider%u.%s", i, i * 2654435761u,
	    i % 97, tlds[i % 6]);
}

static void
generate(const char *dir)
{
	char sub[512], name[128];
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/policy", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/agencies", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/exceptions", dir);
	mkdir(sub, 0700);

	f = create(dir, "msgsec.yaml");
	fprintf(f, "paths: { rules: policy, agencies: agencies, exceptions: "
	    "exceptions }\nlimits: { exceptions: 100000 }\n");
	fclose(f);

	f = create(dir, "domains.txt");
	for (unsigned i = 0; i < NDOMAINS; i++) {
		domain_name(i, name, sizeof(name));
		fprintf(f, "%s\n", name);
	}
	fclose(f);

	f = create(dir, "policy/rules.yaml");
	fprintf(f, "lists:\n  - { id: big, type: domain, file: ../domains.txt "
	    "}\nrules:\n");
	for (unsigned i = 0; i < NRULES; i++)
		fprintf(f, "  - id: r%u\n    policy: \"1.2\"\n    match:\n"
		    "      subject: { regex: \"(?i)\\\\b(offer|deal)%u\\\\b.*"
		    "[0-9]{2,4}\" }\n      recipient.domain: { in: big }\n"
		    "    action: tag\n", i, i);
	fclose(f);

	f = create(dir, "agencies/agencies.yaml");
	fprintf(f, "agencies:\n");
	for (unsigned i = 0; i < NAGENCIES; i++)
		fprintf(f, "  - { id: AG%u, domains: [ag%u.mass.example], "
		    "networks: [\"10.%u.0.0/16\"] }\n", i, i, i);
	fclose(f);

	for (unsigned i = 0; i < NEXCEPTIONS; i++) {
		snprintf(name, sizeof(name), "exceptions/EX-%05u.yaml", i);
		f = create(dir, name);
		fprintf(f, "exception:\n  id: EX-%05u\n  agency: AG%u\n"
		    "  requested_by: { name: R%u, role: designee, email: "
		    "r%u@ag%u.mass.example }\n  reasons: Reason %u.\n"
		    "  circumstances: Circumstances %u.\n"
		    "  access_controls: Controls %u.\n"
		    "  scope: { rules: [r%u], hosts: [\"10.%u.%u.0/24\"] }\n"
		    "  valid_from: 2026-01-01\n  valid_until: 2026-12-31\n"
		    "  status: approved\n  reviews:\n"
		    "    - { body: MassIT, decision: approved, by: A, on: "
		    "2025-12-01 }\n"
		    "    - { body: ESB, decision: approved, by: B, on: "
		    "2025-12-02 }\n",
		    i, i % NAGENCIES, i, i, i % NAGENCIES, i, i, i, i % NRULES,
		    i % NAGENCIES, i % 256);
		fclose(f);
	}
}

/* The floor: tokenise a file with libyaml and nothing else. */
static void
yaml_scan(const char *path)
{
	yaml_parser_t p;
	yaml_event_t ev;
	FILE *f = fopen(path, "rb");
	int done = 0;

	if (f == NULL)
		return;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done && yaml_parser_parse(&p, &ev)) {
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	fclose(f);
}

static double
time_yaml_floor(const char *dir)
{
	char path[512];
	double t0 = now();

	snprintf(path, sizeof(path), "%s/msgsec.yaml", dir);
	yaml_scan(path);
	snprintf(path, sizeof(path), "%s/policy/rules.yaml", dir);
	yaml_scan(path);
	snprintf(path, sizeof(path), "%s/agencies/agencies.yaml", dir);
	yaml_scan(path);
	for (unsigned i = 0; i < NEXCEPTIONS; i++) {
		snprintf(path, sizeof(path), "%s/exceptions/EX-%05u.yaml", dir,
		    i);
		yaml_scan(path);
	}
	return now() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(void)
{
	char dir[] = "/tmp/msgsec-bench-XXXXXX", cfg[512], cmd[600];
	double load[RUNS], floor_t[RUNS], t0, ns;
	struct policy *p = NULL;
	struct domset *set;
	char name[128];
	char **queries;
	size_t hits = 0, nq = 1000000;
	struct diags d;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	generate(dir);
	snprintf(cfg, sizeof(cfg), "%s/msgsec.yaml", dir);
	for (int r = 0; r < RUNS; r++) {
		floor_t[r] = time_yaml_floor(dir);
		diags_init(&d);
		t0 = now();
		p = policy_load(cfg, NULL, 0, &d);
		load[r] = now() - t0;
		if (p == NULL) {
			diags_print(&d, stderr);
			return 1;
		}
		diags_free(&d);
		if (r + 1 < RUNS)
			policy_unref(&p);
	}
	qsort(load, RUNS, sizeof(double), cmp_double);
	qsort(floor_t, RUNS, sizeof(double), cmp_double);
	printf("policy load: %u domains, %u regex rules, %u exceptions, %u "
	    "agencies\n", NDOMAINS, NRULES, NEXCEPTIONS, NAGENCIES);
	printf("  %-34s %8.1f ms (median of %d; min %.1f, max %.1f)\n",
	    "msgsec policy_load", load[RUNS / 2] * 1e3, RUNS, load[0] * 1e3,
	    load[RUNS - 1] * 1e3);
	printf("  %-34s %8.1f ms (reference: libyaml events only)\n",
	    "libyaml tokenise, same files", floor_t[RUNS / 2] * 1e3);
	printf("  target: under 1000 ms -> %s\n",
	    load[RUNS / 2] < 1.0 ? "met" : "NOT met");

	/* Lookups: half hits below listed names, half misses. */
	set = domset_new();
	for (unsigned i = 0; i < NDOMAINS; i++) {
		domain_name(i, name, sizeof(name));
		domset_add(set, name, strlen(name));
	}
	queries = mem_calloc(4096, sizeof(*queries));
	for (unsigned i = 0; i < 4096; i++) {
		domain_name(i * 7 % (NDOMAINS * 2), name, sizeof(name));
		queries[i] = mem_printf("%s%s", i % 3 == 0 ? "www.cdn." : "",
		    name);
	}
	t0 = now();
	for (size_t i = 0; i < nq; i++) {
		const char *q = queries[i & 4095];

		hits += domset_match(set, q, strlen(q), NULL);
	}
	ns = (now() - t0) * 1e9 / (double)nq;
	printf("domain lookup: %zu lookups over %u names, %.0f%% hits\n", nq,
	    NDOMAINS, 100.0 * (double)hits / (double)nq);
	printf("  %-34s %8.1f ns per lookup\n", "domset_match", ns);

	for (unsigned i = 0; i < 4096; i++)
		free(queries[i]);
	free(queries);
	domset_free(&set);
	policy_unref(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return 0;
}
