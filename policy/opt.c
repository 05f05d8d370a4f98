/*
 * opt.c - the options msgsec-milter and msgsec-sensor share (opt.h).
 *
 * Trusts nothing in argv: --now goes through the strict RFC 3339 parser,
 * and a complaint names the option as written, cut at its '='.
 */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "mem.h"

#ifndef MSGSEC_VERSION
#define MSGSEC_VERSION "unknown"	/* built without the Makefile's
					 * flags (make fuzz) */
#endif

void
opt_complain(int c, char *const *argv)
{
	const char *a = argv[optind - 1];

	if (c == ':' && strncmp(a, "--", 2) == 0)
		log_error("%.*s needs an argument", (int)strcspn(a, "="), a);
	else if (c == ':')
		log_error("-%c needs an argument", optopt);
	else if (optopt != 0 && optopt < 256)
		log_error("unknown option '-%c'", optopt);
	else
		log_error("unknown option '%s'", a);
}

int
opt_take(int c, char *const *argv, struct opt_common *o, const char *prog,
    void (*usage)(FILE *))
{
	const char *why;

	switch (c) {
	case 'c':
		o->config = optarg;
		break;
	case 'u':
		o->user = optarg;
		break;
	case 'f':
		o->foreground = true;
		break;
	case OPT_SET:
		o->sets = mem_reallocarray(o->sets, o->nsets + 1,
		    sizeof(*o->sets));
		o->sets[o->nsets++] = optarg;
		break;
	case OPT_NOW:
		if (date_parse_time(optarg, strlen(optarg), &o->now,
		    &why) < 0) {
			log_error("--now: %s", why);
			return 2;
		}
		break;
	case 'h':
		usage(stdout);
		return 0;
	case OPT_VERSION:
		printf("%s %s\n", prog, MSGSEC_VERSION);
		return 0;
	default:
		opt_complain(c, argv);
		usage(stderr);
		return 2;
	}
	return OPT_GO_ON;
}

int
opt_end(int argc, char *const *argv, void (*usage)(FILE *))
{
	if (optind >= argc)
		return OPT_GO_ON;
	log_error("unexpected argument '%s'", argv[optind]);
	usage(stderr);
	return 2;
}

bool
opt_store(int c, const struct opt_str *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].c == c) {
			*t[i].slot = optarg;
			return true;
		}
	}
	return false;
}

void
opt_free(struct opt_common *o)
{
	free(o->sets);
	o->sets = NULL;
	o->nsets = 0;
}
