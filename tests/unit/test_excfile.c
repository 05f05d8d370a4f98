/*
 * test_excfile.c - scalars that round-trip through the YAML loader, and
 * in-place edits of records: status replaced (plain or quoted), reviews
 * and history appended whatever the layout (absent, null, block list
 * with trailing comments, no final newline), every other byte kept, flow
 * layouts refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "excfile.h"
#include "mem.h"
#include "node.h"

static char *
scalar(const char *s)
{
	struct buf b;

	buf_init(&b, 4096);
	if (excfile_scalar(&b, s) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* s as a flow value loads back as s. */
static void
round_trip(const char *s)
{
	char *y = scalar(s), *doc;
	struct node_limits nl;
	struct node_doc *d;
	struct diags dg;
	const struct node *v;

	assert_non_null(y);
	doc = mem_printf("a: { k: %s, j: x }\nb: [%s]\nc: %s\n", y, y, y);
	node_limits_default(&nl);
	diags_init(&dg);
	d = node_load_buffer("t.yaml", doc, strlen(doc), &nl, &dg);
	if (d == NULL)
		fail_msg("%s does not load: %s", doc, dg.v[0].text);
	v = node_get(node_get(d->root, "a"), "k");
	assert_string_equal(v->str, s);
	assert_false(node_is_null(v));
	assert_string_equal(node_get(d->root, "b")->items[0]->str, s);
	assert_string_equal(node_get(d->root, "c")->str, s);
	node_doc_free(&d);
	diags_free(&dg);
	free(doc);
	free(y);
}

static void
test_scalars(void **state)
{
	static const char *const cases[] = { "Priya Raman", "2026-12-01",
		"2026-12-01T10:00:00Z", "network.webmail.*", "a, b", "x: y",
		"{x}", "[x]", "#x", "x #y", "- x", "null", "Null", "~", "",
		" lead", "trail ", "it's", "say \"hi\"", "back\\slash",
		"tab\there", "two\nlines", "Zoë Müller", "@x", "&a", "*a",
		"!t", "%p", "`b`", "?q", "|", ">", "yes", "0x1F", "2001:db8::/64",
		"a:", "::1" };
	char *y;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		round_trip(cases[i]);
	y = scalar("Priya Raman");
	assert_string_equal(y, "Priya Raman");	/* plain when safe */
	free(y);
	y = scalar("a, b");
	assert_string_equal(y, "\"a, b\"");
	free(y);
	assert_null(scalar("bell\a"));
	assert_null(scalar("\xff\xfe"));
	assert_false(excfile_text_is_valid("a\x7f"));
	assert_true(excfile_text_is_valid("Zoë\tx\ny"));
}

static const struct exception_settings *
settings(void)
{
	static char *approvers[] = { (char *)"MassIT", (char *)"ESB" };
	static const struct exception_settings set = { approvers, 2, 365 };

	return &set;
}

static struct agency agency_x = { .id = (char *)"X" };

/* Load text as EX-1.yaml, apply c, expect out (or an error with why). */
static void
edit(const char *text, const struct excfile_change *c, const char *want,
    const char *why)
{
	struct excfile f;
	struct diags d;
	struct buf out;
	char *err = NULL;

	memset(&f, 0, sizeof(f));
	diags_init(&d);
	f.path = mem_strdup("EX-1.yaml");
	f.text = mem_strdup(text);
	f.len = strlen(text);
	f.e = excfile_check("EX-1.yaml", f.text, f.len, settings(),
	    &agency_x, 1, &f.doc, &d);
	if (f.e == NULL)
		fail_msg("fixture does not load: %s", d.v[0].text);
	f.map = node_get(f.doc->root, "exception");
	buf_init(&out, 1 << 20);
	if (want != NULL) {
		struct node_doc *doc = NULL;
		struct exception *e;

		if (excfile_apply(&f, c, &out, &err) < 0)
			fail_msg("refused: %s", err);
		assert_string_equal(out.data, want);
		e = excfile_check("EX-1.yaml", out.data, out.len, settings(),
		    &agency_x, 1, &doc, &d);
		if (e == NULL)
			fail_msg("result does not load: %s", d.v[0].text);
		exception_free(&e);
		node_doc_free(&doc);
	} else {
		assert_int_equal(excfile_apply(&f, c, &out, &err), -1);
		assert_non_null(strstr(err, why));
		free(err);
	}
	buf_free(&out);
	diags_free(&d);
	excfile_free(&f);
}

#define HEAD "# keep me\n\n# and me\nexception:\n  id: EX-1\n" \
	"  agency: X\n  requested_by: { name: A, role: r, email: a@b }\n" \
	"  reasons: r\n  circumstances: c\n  access_controls: a\n" \
	"  scope: { users: [b.example] }\n  valid_from: 2026-01-01\n" \
	"  valid_until: 2026-01-31\n"
#define REV "{ body: ESB, decision: approved, by: T, on: 2026-01-02 }"
#define HIS "{ on: 2026-01-02T00:00:00Z, by: T, action: x }"

static void
test_edits(void **state)
{
	struct excfile_change both = { NULL, REV, HIS };
	struct excfile_change deny = { "denied",
		"{ body: ESB, decision: denied, by: T, on: 2026-01-02 }", HIS };

	(void)state;
	/* Neither key yet: both appended at the end, reviews first. */
	edit(HEAD "  status: requested\n", &both,
	    HEAD "  status: requested\n  reviews:\n    - " REV "\n"
	    "  history:\n    - " HIS "\n", NULL);
	/* No final newline. */
	edit(HEAD "  status: requested", &both,
	    HEAD "  status: requested\n  reviews:\n    - " REV "\n"
	    "  history:\n    - " HIS "\n", NULL);
	/* history present, reviews absent: reviews goes before it; a quoted
	 * status with a comment is replaced exactly. */
	edit(HEAD "  status: \"requested\"  # c\n  history:\n"
	    "    - { on: 2026-01-01T00:00:00Z, by: A, action: requested }\n"
	    "\n  # trailing comment\n", &deny,
	    HEAD "  status: denied  # c\n  reviews:\n"
	    "    - { body: ESB, decision: denied, by: T, on: 2026-01-02 }\n"
	    "  history:\n"
	    "    - { on: 2026-01-01T00:00:00Z, by: A, action: requested }\n"
	    "    - " HIS "\n\n  # trailing comment\n", NULL);
	/* Null values, an indentless list, a following key. */
	edit(HEAD "  reviews: ~\n  history:\n  - { on: 2026-01-01T00:00:00Z, "
	    "by: A, action: requested }\n  status: requested\n", &both,
	    HEAD "  reviews:\n    - " REV "\n  history:\n"
	    "  - { on: 2026-01-01T00:00:00Z, by: A, action: requested }\n"
	    "  - " HIS "\n  status: requested\n", NULL);
	/* Flow layouts are refused. */
	edit(HEAD "  status: requested\n  history: []\n", &both, NULL,
	    "flow list");
	edit("exception: { id: EX-1, agency: X, requested_by: { name: A, "
	    "role: r, email: a@b }, reasons: r, circumstances: c, "
	    "access_controls: a, scope: { users: [b.example] }, valid_from: "
	    "2026-01-01, valid_until: 2026-01-31, status: requested }\n",
	    &both, NULL, "flow mapping");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
