/*
 * test_list.c - list data files and inline items: every entry type, bad
 * entries with FILE:LINE:COL, comments, over-long lines, the entry limit at
 * and over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "list.h"
#include "mem.h"
#include "node.h"

static char dir[] = "/tmp/msgsec-test-list-XXXXXX";
static char diag0[1024];
static size_t nerrors;

static struct list *
load(const char *type, const char *data, size_t max)
{
	char path[256], decl[512];
	struct node_doc *doc;
	struct list *l;
	struct diags d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/l.txt", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(data, 1, strlen(data), f);
	fclose(f);
	snprintf(decl, sizeof(decl), "{ id: l, type: %s, file: l.txt }\n",
	    type);
	diags_init(&d);
	doc = node_load_buffer("lists.yaml", decl, strlen(decl), NULL, &d);
	assert_non_null(doc);
	l = list_load(doc->root, dir, max, &d);
	diag0[0] = '\0';
	if (d.n > 0) {
		char *p;

		diag_format(&d.v[0], diag0, sizeof(diag0));
		/* Drop the temporary folder from the path. */
		p = strstr(diag0, "/l.txt");
		if (p != NULL)
			memmove(diag0, p + 1, strlen(p + 1) + 1);
	}
	nerrors = d.errors;
	node_doc_free(&doc);
	diags_free(&d);
	return l;
}

static int
setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/l.txt", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
test_types(void **state)
{
	struct list *l;
	struct ipaddr a;

	(void)state;
	l = load("extension", "# header\nexe\n\n  JS  # inline comment\n", 100);
	assert_non_null(l);
	assert_int_equal(l->count, 2);
	assert_true(list_has_str(l, "EXE", 3));
	assert_true(list_has_str(l, "js", 2));
	assert_false(list_has_str(l, "ex", 2));
	list_free(&l);

	l = load("domain", "gmail.com\r\nyahoo.com\n", 100);
	assert_non_null(l);
	assert_true(list_has_str(l, "mail.gmail.com", 14));
	assert_false(list_has_str(l, "notgmail.com", 12));
	list_free(&l);

	l = load("cidr", "192.0.2.0/24\n2001:db8::/32\n", 100);
	assert_non_null(l);
	assert_int_equal(ipaddr_parse("2001:db8::1", 11, &a), 0);
	assert_true(list_has_ip(l, &a));
	list_free(&l);

	l = load("port", "tcp/5222\nudp/3478\ntcp/6660-6669\n", 100);
	assert_non_null(l);
	assert_true(list_has_port(l, IPPROTO_TCP, 6665));
	assert_true(list_has_port(l, IPPROTO_UDP, 3478));
	assert_false(list_has_port(l, IPPROTO_UDP, 5222));
	assert_false(list_has_port(l, IPPROTO_TCP, 6670));
	list_free(&l);

	l = load("mimetype", "application/x-dosexec\n", 100);
	assert_non_null(l);
	assert_true(list_has_str(l, "Application/X-DOSEXEC", 21));
	list_free(&l);
}

/* Which entry matched: the sensor reports it as the alert's "service". */
static void
test_match_entry(void **state)
{
	struct list *l;
	struct ipaddr a;
	struct cidr c;
	struct port_range pr;
	const char *e = "unset";
	char text[64];

	(void)state;
	l = load("domain", "gmail.com\nMail.Yahoo.com.\n", 100);
	assert_non_null(l);
	assert_true(list_match_str(l, "smtp.MAIL.yahoo.com", 19, &e));
	assert_string_equal(e, "mail.yahoo.com");
	assert_true(list_match_str(l, "gmail.com", 9, &e));
	assert_string_equal(e, "gmail.com");
	e = "unset";
	assert_false(list_match_str(l, "yahoo.com", 9, &e));
	assert_string_equal(e, "unset");
	list_free(&l);

	l = load("string", "alpha\n", 100);
	assert_non_null(l);
	assert_true(list_match_str(l, "alpha", 5, &e));
	assert_null(e);
	list_free(&l);

	/* Adjacent prefixes merge inside the set; the report names the one
	 * listed, the longest when they nest. */
	l = load("cidr", "91.108.4.0/22\n91.108.8.0/22\n91.108.8.0/24\n"
	    "2001:db8::/32\n", 100);
	assert_non_null(l);
	assert_int_equal(ipaddr_parse("91.108.9.1", 10, &a), 0);
	assert_true(list_match_ip(l, &a, &c));
	cidr_format(&c, text, sizeof(text));
	assert_string_equal(text, "91.108.8.0/22");
	assert_int_equal(ipaddr_parse("91.108.8.7", 10, &a), 0);
	assert_true(list_match_ip(l, &a, &c));
	cidr_format(&c, text, sizeof(text));
	assert_string_equal(text, "91.108.8.0/24");
	assert_int_equal(ipaddr_parse("2001:db8:1::5", 13, &a), 0);
	assert_true(list_match_ip(l, &a, &c));
	cidr_format(&c, text, sizeof(text));
	assert_string_equal(text, "2001:db8::/32");
	assert_int_equal(ipaddr_parse("91.108.12.0", 11, &a), 0);
	assert_false(list_match_ip(l, &a, &c));
	assert_false(list_match_str(l, "x.com", 5, &e));
	list_free(&l);

	l = load("port", "tcp/5222\ntcp/6660-6669\n", 100);
	assert_non_null(l);
	assert_true(list_match_port(l, IPPROTO_TCP, 6667, &pr));
	assert_int_equal(pr.lo, 6660);
	assert_int_equal(pr.hi, 6669);
	assert_false(list_match_port(l, IPPROTO_UDP, 5222, &pr));
	assert_false(list_match_ip(l, &a, &c));
	list_free(&l);
}

static void
test_bad_entries(void **state)
{
	(void)state;
	assert_null(load("extension", "exe\n.js\n", 100));
	assert_string_equal(diag0, "l.txt:2:1: error: bad extension '.js' in "
	    "list 'l': write extensions without the leading dot");
	assert_null(load("port", "tcp/5222\n  tcp/70000\n", 100));
	assert_string_equal(diag0, "l.txt:2:7: error: bad port 'tcp/70000' in "
	    "list 'l': port must be a number from 1 to 65535");
	assert_null(load("port", "sctp/1\n", 100));
	assert_string_equal(diag0, "l.txt:1:1: error: bad port 'sctp/1' in "
	    "list 'l': protocol must be tcp or udp");
	assert_null(load("port", "tcp/9-3\n", 100));
	assert_null(load("mimetype", "application\n", 100));
	assert_null(load("domain", "a b\n", 100));
	assert_string_equal(diag0,
	    "l.txt:1:2: error: one entry per line: unexpected space");
	assert_null(load("cidr", "ok\n", 100));
	assert_int_equal(nerrors, 1);
}

static void
test_limits(void **state)
{
	struct list *l;
	char *big;

	(void)state;
	l = load("string", "a\nb\nc\n", 3);	/* at the limit */
	assert_non_null(l);
	list_free(&l);
	assert_null(load("string", "a\nb\nc\nd\n", 3));	/* one over */
	assert_string_equal(diag0, "l.txt:4:1: error: list 'l' has more than 3 "
	    "entries (limits.list_entries)");

	big = mem_malloc(LIST_MAX_ENTRY + 10);
	memset(big, 'a', LIST_MAX_ENTRY + 5);
	memcpy(big + LIST_MAX_ENTRY + 5, "\nb\n", 4);
	assert_null(load("string", big, 100));
	assert_string_equal(diag0, "l.txt:1:1: error: line longer than 1024 "
	    "bytes");
	assert_int_equal(nerrors, 1);	/* resynchronised at the next line */
	big[LIST_MAX_ENTRY] = '\n';	/* exactly LIST_MAX_ENTRY bytes */
	big[LIST_MAX_ENTRY + 1] = '\0';
	l = load("string", big, 100);
	assert_non_null(l);
	list_free(&l);
	free(big);
}

static void
test_missing_file(void **state)
{
	struct node_doc *doc;
	struct diags d;
	const char *decl = "{ id: x, type: domain, file: nope.txt }";

	(void)state;
	diags_init(&d);
	doc = node_load_buffer("lists.yaml", decl, strlen(decl), NULL, &d);
	assert_null(list_load(doc->root, "/nonexistent", 10, &d));
	diag_format(&d.v[0], diag0, sizeof(diag0));
	assert_string_equal(diag0, "/nonexistent/nope.txt: error: cannot open "
	    "list 'x': No such file or directory");
	node_doc_free(&doc);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_match_entry),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
