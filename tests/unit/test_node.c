/*
 * test_node.c - the located YAML tree: positions, limits at and over,
 * aliases, duplicate keys, schema helpers and their exact messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "node.h"

static struct node_doc *
load(const char *text, struct diags *d)
{
	return node_load_buffer("t.yaml", text, strlen(text), NULL, d);
}

/* The formatted diagnostic i. */
static const char *
dg(const struct diags *d, size_t i)
{
	static char buf[1024];

	assert_true(i < d->n);
	diag_format(&d->v[i], buf, sizeof(buf));
	return buf;
}

static void
test_positions(void **state)
{
	struct diags d;
	struct node_doc *doc;
	const struct node *rules, *r0, *id;

	(void)state;
	diags_init(&d);
	doc = load("# comment\nrules:\n  - id: a\n    action: log\n", &d);
	assert_non_null(doc);
	assert_int_equal(d.n, 0);
	rules = node_get(doc->root, "rules");
	assert_non_null(rules);
	assert_int_equal(rules->type, NODE_SEQ);
	r0 = rules->items[0];
	assert_int_equal(r0->line, 3);
	assert_int_equal(r0->col, 5);
	id = node_get(r0, "id");
	assert_string_equal(id->str, "a");
	assert_int_equal(id->line, 3);
	assert_int_equal(id->col, 9);
	node_doc_free(&doc);
	assert_null(doc);
	diags_free(&d);
}

static void
test_syntax_error(void **state)
{
	struct diags d;

	(void)state;
	diags_init(&d);
	assert_null(load("a: [1, 2\nb: c\n", &d));
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(dg(&d, 0), "t.yaml:"));
	assert_non_null(strstr(dg(&d, 0), "error: YAML syntax:"));
	diags_free(&d);
}

static void
test_duplicate_key(void **state)
{
	struct diags d;

	(void)state;
	diags_init(&d);
	assert_null(load("a: 1\nb: 2\na: 3\n", &d));
	assert_string_equal(dg(&d, 0),
	    "t.yaml:3:1: error: duplicate key 'a' (first at line 1)");
	diags_free(&d);
}

static void
test_alias_refused(void **state)
{
	struct diags d;

	(void)state;
	diags_init(&d);
	assert_null(load("a: &x [1, 2]\nb: *x\n", &d));
	assert_string_equal(dg(&d, 0),
	    "t.yaml:2:4: error: YAML aliases are not allowed (they can "
	    "expand without bound)");
	diags_free(&d);
}

static void
test_two_documents(void **state)
{
	struct diags d;

	(void)state;
	diags_init(&d);
	assert_null(load("a: 1\n---\nb: 2\n", &d));
	assert_string_equal(dg(&d, 0),
	    "t.yaml:2:1: error: more than one YAML document in one file");
	diags_free(&d);
}

/* depth nested flow lists "[[[...]]]" */
static char *
nested(size_t depth)
{
	char *s = mem_malloc(depth * 2 + 2);

	for (size_t i = 0; i < depth; i++) {
		s[i] = '[';
		s[depth * 2 - 1 - i] = ']';
	}
	s[depth * 2] = '\n';
	s[depth * 2 + 1] = '\0';
	return s;
}

static void
test_depth_limit(void **state)
{
	struct node_limits l;
	struct node_doc *doc;
	struct diags d;
	char *s;

	(void)state;
	node_limits_default(&l);
	l.max_depth = 10;
	diags_init(&d);
	s = nested(10);
	doc = node_load_buffer("t.yaml", s, strlen(s), &l, &d);
	assert_non_null(doc);	/* exactly at the limit */
	node_doc_free(&doc);
	free(s);
	s = nested(11);
	doc = node_load_buffer("t.yaml", s, strlen(s), &l, &d);
	assert_null(doc);	/* one over */
	assert_string_equal(dg(&d, 0),
	    "t.yaml:1:11: error: nesting deeper than 10 levels "
	    "(limits.yaml_depth)");
	free(s);
	diags_free(&d);
}

static void
test_node_and_size_limits(void **state)
{
	struct node_limits l;
	struct node_doc *doc;
	struct diags d;
	const char *text = "[1, 2, 3]\n";	/* 4 nodes */

	(void)state;
	node_limits_default(&l);
	l.max_nodes = 4;
	diags_init(&d);
	doc = node_load_buffer("t.yaml", text, strlen(text), &l, &d);
	assert_non_null(doc);
	node_doc_free(&doc);
	l.max_nodes = 3;
	assert_null(node_load_buffer("t.yaml", text, strlen(text), &l, &d));
	assert_string_equal(dg(&d, 0),
	    "t.yaml:1:8: error: more than 3 YAML nodes in one file "
	    "(limits.yaml_nodes)");
	diags_free(&d);

	diags_init(&d);
	node_limits_default(&l);
	l.max_file_size = strlen(text);
	doc = node_load_buffer("t.yaml", text, strlen(text), &l, &d);
	assert_non_null(doc);
	node_doc_free(&doc);
	l.max_file_size = strlen(text) - 1;
	assert_null(node_load_buffer("t.yaml", text, strlen(text), &l, &d));
	assert_string_equal(dg(&d, 0),
	    "t.yaml: error: file is 10 bytes, over the limit of 9 "
	    "(limits.yaml_file_size)");
	diags_free(&d);
}

static void
test_check_keys(void **state)
{
	static const char *const allowed[] = { "id", "action", "match", NULL };
	struct node_doc *doc;
	struct diags d;

	(void)state;
	diags_init(&d);
	doc = load("id: x\nacton: log\nzzz: 1\n", &d);
	assert_non_null(doc);
	assert_int_equal(node_check_keys(doc->root, allowed, "rule", &d), 2);
	assert_string_equal(dg(&d, 0),
	    "t.yaml:2:1: error: unknown key 'acton' in rule (did you mean "
	    "'action'?)");
	assert_string_equal(dg(&d, 1),
	    "t.yaml:3:1: error: unknown key 'zzz' in rule");
	node_doc_free(&doc);
	diags_free(&d);
}

static void
test_getters(void **state)
{
	struct node_doc *doc;
	struct diags d;
	const struct node *v = NULL;
	uint64_t u = 0;
	bool b = false;

	(void)state;
	diags_init(&d);
	doc = load("s: text\nn: 42\nbad: 4x\nt: true\nl: [1]\ne: \"\"\n", &d);
	assert_non_null(doc);
	assert_int_equal(node_get_str(doc->root, "s", true, "x", &d, &v), 1);
	assert_string_equal(v->str, "text");
	assert_int_equal(node_get_str(doc->root, "missing", false, "x", &d,
	    &v), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(node_get_str(doc->root, "missing", true, "thing", &d,
	    &v), -1);
	assert_string_equal(dg(&d, 0),
	    "t.yaml:1:1: error: missing required key 'missing' in thing");
	assert_int_equal(node_get_u64(doc->root, "n", true, "x", 0, 100, &d,
	    &u), 1);
	assert_int_equal(u, 42);
	assert_int_equal(node_get_u64(doc->root, "n", true, "x", 0, 41, &d,
	    &u), -1);
	assert_string_equal(dg(&d, 1),
	    "t.yaml:2:4: error: 'n' must be a whole number from 0 to 41, not "
	    "'42'");
	assert_int_equal(node_get_u64(doc->root, "bad", true, "x", 0, 100, &d,
	    &u), -1);
	assert_int_equal(node_get_bool(doc->root, "t", true, "x", &d, &b), 1);
	assert_true(b);
	assert_int_equal(node_get_str(doc->root, "l", true, "x", &d, &v), -1);
	assert_string_equal(dg(&d, 3),
	    "t.yaml:5:4: error: expected a scalar for 'l', found a list");
	assert_int_equal(node_get_str(doc->root, "e", true, "x", &d, &v), -1);
	assert_string_equal(dg(&d, 4),
	    "t.yaml:6:4: error: 'e' must not be empty");
	node_doc_free(&doc);
	diags_free(&d);
}

static void
test_quote_escapes(void **state)
{
	struct node_doc *doc;
	struct diags d;
	char q[80];

	(void)state;
	diags_init(&d);
	doc = load("k: \"a\\x01b\\u00e9\"\n", &d);
	assert_non_null(doc);
	assert_string_equal(node_quote(node_get(doc->root, "k"), q, sizeof(q)),
	    "a\\x01b\\xc3\\xa9");
	node_doc_free(&doc);
	diags_free(&d);
}

static void
test_empty_and_null(void **state)
{
	struct node_doc *doc;
	struct diags d;

	(void)state;
	diags_init(&d);
	doc = load("", &d);
	assert_non_null(doc);
	assert_null(doc->root);
	node_doc_free(&doc);
	doc = load("a: ~\nb:\nc: 'null'\n", &d);
	assert_true(node_is_null(node_get(doc->root, "a")));
	assert_true(node_is_null(node_get(doc->root, "b")));
	assert_false(node_is_null(node_get(doc->root, "c")));
	node_doc_free(&doc);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_alias_refused),
		cmocka_unit_test(test_two_documents),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_node_and_size_limits),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_quote_escapes),
		cmocka_unit_test(test_empty_and_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
