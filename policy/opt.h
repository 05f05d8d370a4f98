/*
 * opt.h - what the daemons' command lines share: the long options both
 * take, their handling, and getopt_long's complaints in our words.
 *
 *   -c, --config FILE   -u, --user USER   -f, --foreground   -h, --help
 *   --set KEY=VALUE (repeatable)   --now TIME (RFC 3339)   --version
 *
 * Messages go through log.h: call log_open with the program's name first.
 * Not thread-safe (getopt_long is not): for main().
 */
#ifndef MSGSEC_OPT_H
#define MSGSEC_OPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* getopt_long values of the shared long-only options. */
enum {
	OPT_SET = 256,
	OPT_NOW,
	OPT_VERSION,
	OPT_OWN,		/* a program's own long options from here */
};

/* The shared short options, for getopt_long's optstring. */
#define OPT_SHORT_COMMON "c:u:fh"

/* The shared rows of a struct option table. */
#define OPT_LONG_COMMON						\
	{ "config", required_argument, NULL, 'c' },		\
	{ "user", required_argument, NULL, 'u' },		\
	{ "foreground", no_argument, NULL, 'f' },		\
	{ "help", no_argument, NULL, 'h' },			\
	{ "set", required_argument, NULL, OPT_SET },		\
	{ "now", required_argument, NULL, OPT_NOW },		\
	{ "version", no_argument, NULL, OPT_VERSION }

/* Returned by opt_take and opt_end: read on. */
#define OPT_GO_ON (-1)

struct opt_common {
	const char *config;	/* -c (the caller sets the default) */
	const char *user;	/* -u, or NULL */
	bool foreground;	/* -f */
	const char **sets;	/* --set values in order (allocated array
				 * of argv's strings; opt_free) */
	size_t nsets;
	time_t now;		/* --now, or 0 */
};

/*
 * Take c, getopt_long's latest return (use opterr = 0 and an optstring
 * starting with ':').  One of the shared options is stored in o; -h
 * prints usage to stdout and --version "prog VERSION", and return 0; a
 * bad --now value is said and returns 2; anything else (':', '?', an
 * option the caller did not handle) is complained about, usage goes to
 * stderr, and returns 2.  Otherwise OPT_GO_ON.
 */
int opt_take(int c, char *const *argv, struct opt_common *o,
    const char *prog, void (*usage)(FILE *));

/*
 * After the options: OPT_GO_ON when every argument was one, else says
 * "unexpected argument", prints usage to stderr and returns 2.
 */
int opt_end(int argc, char *const *argv, void (*usage)(FILE *));

/*
 * getopt_long's complaint for c (':' a missing argument, else an unknown
 * option), naming the option as written (argv[optind - 1] for a long
 * one, optopt for a short one).
 */
void opt_complain(int c, char *const *argv);

/* A program's own option whose argument is kept as it is: c stores
 * optarg in *slot. */
struct opt_str {
	int c;
	const char **slot;
};

/* Is c one of t's n options?  Then optarg is stored in its slot. */
bool opt_store(int c, const struct opt_str *t, size_t n);

/* Free o->sets (the strings stay argv's). */
void opt_free(struct opt_common *o);

#endif
