/*
 * main.c - msgsec-milter: options, --test mode, and the daemon's start.
 *
 * --test runs exactly the daemon's pipeline (inspect.c) on one message
 * file and prints the verdict as one JSON object; exit 0 whatever the
 * verdict, 2 when the file or configuration is unusable.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "daemon.h"
#include "feed.h"
#include "inspect.h"
#include "json.h"
#include "log.h"
#include "content.h"
#include "mem.h"
#include "opt.h"
#include "pgalert.h"
#include "scan.h"
#include "store.h"

#ifndef MSGSEC_DEFAULT_CONFIG
#define MSGSEC_DEFAULT_CONFIG "/etc/msgsec/msgsec.yaml"
#endif

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec-milter [-c FILE] [-p SOCKET] [-f] [-u USER] "
	    "[-P PIDFILE] [--set KEY=VALUE]...\n"
	    "       msgsec-milter [-c FILE] --test FILE.eml [--from ADDR] "
	    "[--rcpt ADDR]... [--client IP]\n"
	    "                     [--auth USER] [--daemon NAME] "
	    "[--smtputf8] [--now TIME] [--store] [--alerts]\n"
	    "                     [--inventory OUT]\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  -p, --socket SPEC   unix:/path, inet:PORT@HOST or "
	    "inet6:PORT@HOST\n"
	    "                      (default: milter.socket)\n"
	    "  -f, --foreground    stay in the foreground, log to stderr\n"
	    "  -u, --user USER     run as USER (default: milter.user)\n"
	    "  -P, --pidfile FILE  write the process id to FILE\n"
	    "  --set KEY=VALUE     override one setting (repeatable)\n"
	    "  --test FILE         judge one message, print JSON, exit\n"
	    "  --batch LIST        judge every message listed in LIST (one "
	    "path a line)\n"
	    "  --from, --rcpt, --client, --auth, --daemon, --smtputf8\n"
	    "                      the envelope for --test\n"
	    "  --now TIME          with --test: judge as at this RFC 3339 "
	    "time\n"
	    "  --store             with --test: store blocked messages in "
	    "the quarantine\n"
	    "  --alerts            with --test: write alerts to the alert "
	    "log\n"
	    "  --inventory OUT     with --test: append what was inspected "
	    "(every part of\n"
	    "                      every reading) to OUT, one JSON object a "
	    "line\n"
	    "  -h, --help          this text\n"
	    "  --version           print the version\n",
	    MSGSEC_DEFAULT_CONFIG);
}

static char *
read_file(const char *path, size_t max, size_t *len_r, char **error_r)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		*error_r = mem_printf("%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) < 0) {
			*error_r = mem_printf("%s: larger than %zu bytes", path,
			    max);
			buf_free(&b);
			fclose(f);
			return NULL;
		}
	if (ferror(f)) {
		*error_r = mem_printf("%s: read error", path);
		buf_free(&b);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len_r = b.len;
	return b.data != NULL ? b.data : mem_strdup("");
}

struct test_opts {
	const char *file;
	const char *batch;	/* a file listing messages, one per line */
	struct envelope env;
	const char **rcpts;
	size_t nrcpts;
	bool store;
	bool alerts;
	const char *inventory;	/* --inventory OUT, or NULL */
	bool version;		/* --version: it and the policy's hash */
	time_t now;
	struct scan_engine *engine;
};

/* --inventory: one JSON object per item inspected, appended to path. */
static int
write_inventory(const struct inspect *in, const char *path, const char *file)
{
	const struct inspect_item *items;
	size_t n = inspect_inventory(in, &items);
	FILE *f = fopen(path, "a");
	struct buf b;
	struct json_writer w;
	int rc = 0;

	if (f == NULL) {
		log_error("--inventory %s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < n; i++) {
		const struct inspect_item *it = &items[i];

		buf_reset(&b);
		json_init(&w, &b);
		json_object_begin(&w);
		json_key(&w, "file");
		json_string(&w, file);
		json_key(&w, "reading");
		json_string(&w, it->reading);
		json_key(&w, "part");
		json_u64(&w, it->part);
		json_key(&w, "kind");
		json_string(&w, it->kind);
		json_key(&w, "names");
		json_array_begin(&w);
		for (int k = 0; k < 2; k++)
			if (it->names[k] != NULL)
				json_string(&w, it->names[k]);
		json_array_end(&w);
		json_key(&w, "type");
		json_string(&w, it->type);
		json_key(&w, "size");
		json_u64(&w, it->size);
		json_key(&w, "sha256");
		json_string(&w, it->sha256);
		json_key(&w, "sha256n");
		json_string(&w, it->sha256n);
		json_object_end(&w);
		fprintf(f, "%s\n", b.data != NULL ? b.data : "{}");
	}
	buf_free(&b);
	if (ferror(f) || fclose(f) != 0) {
		log_error("--inventory %s: write failed", path);
		rc = -1;
	}
	return rc;
}

static int
run_test(struct policy *p, struct test_opts *t, const char *prefix)
{
	struct inspect *in;
	struct buf out;
	char *data, *err = NULL;
	size_t len;

	/* The whole file is read in chunks as the daemon would get it; a
	 * file over the message limit is still judged (limit rule). */
	data = read_file(t->file, p->config.limits.message_size + 65536, &len,
	    &err);
	if (data == NULL) {
		log_error("%s", err);
		free(err);
		return 2;
	}
	t->env.rcpts = t->rcpts;
	t->env.nrcpts = t->nrcpts;
	in = inspect_new(p, &t->env, t->now, t->engine, t->store);
	inspect_set_inventory(in, t->inventory != NULL);
	/* As an MTA would deliver it (feed.h); the daemon's callbacks
	 * rebuild the same bytes from the MTA's header fields. */
	(void)feed_file(feed_inspect, in, data, len);
	(void)inspect_finish(in);
	buf_init(&out, 16 * 1024 * 1024);
	inspect_json(in, &out);
	if (prefix != NULL)
		printf("%s\t%s\n", prefix, out.data);
	else
		printf("%s\n", out.data);
	if (t->inventory != NULL && write_inventory(in, t->inventory,
	    t->file) < 0) {
		buf_free(&out);
		inspect_free(&in);
		free(data);
		return 2;
	}
	if (t->alerts) {
		struct alert_log *log;

		log = pgalert_log_open(&p->config, "msgsec-milter", 0,
		    &err);
		if (log == NULL) {
			log_error("%s", err);
			free(err);
		} else {
			inspect_alerts(in, log);
			alert_log_close(&log);
		}
	}
	buf_free(&out);
	inspect_free(&in);
	free(data);
	return 0;
}

/*
 * --batch LIST: judge every message named in LIST (one path per line) with
 * one policy load; print "PATH<TAB>JSON" per message.  A file that cannot
 * be read prints "PATH<TAB>error" and makes the exit status 2.
 */
static int
run_batch(struct policy *p, struct test_opts *t)
{
	FILE *f = fopen(t->batch, "r");
	char line[4096];
	int rc = 0;

	if (f == NULL) {
		log_error("%s: %s", t->batch, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		t->file = line;
		if (run_test(p, t, line) != 0) {
			printf("%s\terror\n", line);
			rc = 2;
		}
		fflush(stdout);
	}
	fclose(f);
	return rc;
}

/* libclamav's chatter: errors to stderr, one line each (scan.c hands
 * them over without their newline), warnings dropped in --test. */
static void
scan_log(bool error, const char *msg)
{
	if (error)
		log_error("clamav: %s", msg);
}

/* Long options only; their short forms are the letters themselves. */
enum {
	OPT_TEST = OPT_OWN, OPT_BATCH, OPT_FROM, OPT_RCPT, OPT_CLIENT,
	OPT_AUTH, OPT_DAEMON, OPT_QUEUE_ID, OPT_SMTPUTF8, OPT_STORE,
	OPT_ALERTS, OPT_INVENTORY,
};

static const struct option long_opts[] = {
	OPT_LONG_COMMON,
	{ "socket", required_argument, NULL, 'p' },
	{ "pidfile", required_argument, NULL, 'P' },
	{ "test", required_argument, NULL, OPT_TEST },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rcpt", required_argument, NULL, OPT_RCPT },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "daemon", required_argument, NULL, OPT_DAEMON },
	{ "queue-id", required_argument, NULL, OPT_QUEUE_ID },
	{ "smtputf8", no_argument, NULL, OPT_SMTPUTF8 },
	{ "store", no_argument, NULL, OPT_STORE },
	{ "alerts", no_argument, NULL, OPT_ALERTS },
	{ "inventory", required_argument, NULL, OPT_INVENTORY },
	{ NULL, 0, NULL, 0 },
};

/* One of the milter's own options; OPT_GO_ON, or an exit status. */
static int
take_option(int c, char **argv, struct opt_common *o, struct daemon_opts *d,
    struct test_opts *t)
{
	const struct opt_str strs[] = {
		{ 'p', &d->socket }, { 'P', &d->pidfile },
		{ OPT_TEST, &t->file }, { OPT_BATCH, &t->batch },
		{ OPT_FROM, &t->env.mail_from },
		{ OPT_AUTH, &t->env.auth_user },
		{ OPT_DAEMON, &t->env.daemon },
		{ OPT_QUEUE_ID, &t->env.queue_id },
		{ OPT_INVENTORY, &t->inventory },
	};

	if (opt_store(c, strs, sizeof(strs) / sizeof(strs[0])))
		return OPT_GO_ON;
	switch (c) {
	case OPT_RCPT:
		t->rcpts = mem_reallocarray(t->rcpts, t->nrcpts + 1,
		    sizeof(*t->rcpts));
		t->rcpts[t->nrcpts++] = optarg;
		break;
	case OPT_CLIENT:
		if (ipaddr_parse(optarg, strlen(optarg), &t->env.client) < 0) {
			log_error("--client: '%s' is not an IP address",
			    optarg);
			return 2;
		}
		t->env.has_client = true;
		break;
	case OPT_SMTPUTF8:
		t->env.smtputf8 = true;
		break;
	case OPT_STORE:
		t->store = true;
		break;
	case OPT_ALERTS:
		t->alerts = true;
		break;
	case OPT_VERSION:
		t->version = true;
		break;
	default:
		return opt_take(c, argv, o, "msgsec-milter", usage);
	}
	return OPT_GO_ON;
}

int
main(int argc, char **argv)
{
	struct opt_common o = { .config = MSGSEC_DEFAULT_CONFIG };
	struct daemon_opts d;
	struct test_opts t;
	struct policy *p;
	struct diags dg;
	int rc = OPT_GO_ON, c;

	log_open("msgsec-milter", LOG_TO_STDERR, LOG_MAIL);
	memset(&d, 0, sizeof(d));
	memset(&t, 0, sizeof(t));
	opterr = 0;
	/* "--opt value" and "--opt=value" alike (getopt_long). */
	while (rc == OPT_GO_ON && (c = getopt_long(argc, argv,
	    ":" OPT_SHORT_COMMON "p:P:", long_opts, NULL)) != -1)
		rc = take_option(c, argv, &o, &d, &t);
	if (rc == OPT_GO_ON)
		rc = opt_end(argc, argv, usage);
	if (rc != OPT_GO_ON) {
		opt_free(&o);
		free(t.rcpts);
		return rc;
	}
	d.config = o.config;
	d.user = o.user;
	d.foreground = o.foreground;
	d.sets = o.sets;
	d.nsets = o.nsets;
	t.now = o.now;
	if (t.file == NULL && t.batch == NULL) {
		/* The daemon: SIGHUP, SIGTERM and SIGINT wait for the threads
		 * that take them (daemon_run); a reload asked for while the
		 * policy loads must not kill it. */
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	diags_init(&dg);
	p = policy_load(d.config, o.sets, o.nsets, &dg);
	if (t.version) {
		/* Which policy this gateway would run: the office compares
		 * it with the alerts' policy_hash. */
		printf("msgsec-milter %s\n", MSGSEC_VERSION);
		if (p != NULL)
			printf("policy: %s (%s, %zu rules)\n", p->hash,
			    d.config, p->nrules);
		else
			printf("policy: %s does not load (msgsec check %s)\n",
			    d.config, d.config);
		diags_free(&dg);
		policy_unref(&p);
		opt_free(&o);
		free(t.rcpts);
		return 0;
	}
	if (p == NULL) {
		diags_print(&dg, stderr);
		log_error("%s: configuration not usable", d.config);
		diags_free(&dg);
		opt_free(&o);
		free(t.rcpts);
		return 2;
	}
	diags_print(&dg, stderr);	/* warnings */
	diags_free(&dg);
	{
		char *warning = NULL, *err = NULL;

		if (store_open(&p->config, &warning, &err) < 0) {
			log_error("%s: %s", d.config, err);
			free(err);
			policy_unref(&p);
			opt_free(&o);
			free(t.rcpts);
			return 2;
		}
		if (warning != NULL) {
			log_warning("%s", warning);
			free(warning);
		}
	}
	if (t.file != NULL || t.batch != NULL) {
		if (t.env.mail_from == NULL)
			t.env.mail_from = "";
		if (p->config.clamav_enabled) {
			char *err = NULL;
			unsigned sigs;

			scan_set_log(scan_log);
			struct scan_limits sl = {
				.tmpdir = p->config.clamav_tmpdir,
			};

			t.engine = scan_engine_load(p->config.clamav_database,
			    &sl, &sigs, &err);
			if (t.engine == NULL) {
				/* Judged anyway: virus.unscannable says so. */
				log_error("%s", err);
				free(err);
			}
		}
		if (t.batch != NULL)
			rc = run_batch(p, &t);
		else
			rc = run_test(p, &t, NULL);
		scan_engine_unref(&t.engine);
		content_thread_done();
		policy_unref(&p);
	} else {
		struct policy_holder h;
		struct alert_log *log;
		char *err = NULL;

		log = pgalert_log_open(&p->config, "msgsec-milter",
		    LOG_LOCAL5, &err);
		if (log == NULL) {
			log_error("%s", err);
			free(err);
			policy_unref(&p);
			opt_free(&o);
			return 1;
		}
		if (d.socket == NULL) {
			d.socket = p->config.milter_socket;
			d.socket_from_config = true;
		}
		if (d.user == NULL)
			d.user = p->config.milter_user;
		policy_holder_init(&h, p);
		rc = daemon_run(&d, &h, log);
	}
	store_close();
	opt_free(&o);
	free(t.rcpts);
	return rc;
}
