/*
 * fuzz_yaml.c - the YAML loader and everything that reads its trees: the
 * located tree (limits, aliases, duplicates), then the main configuration's
 * reader (settings, the connection string's password check), the rule
 * compiler, the agency loader and the exception loader on whatever came
 * out.  Any input
 * must give a tree or diagnostics, never a crash, leak or overread.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agency.h"
#include "config.h"
#include "exception.h"
#include "node.h"
#include "rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *approvers[] = { "MassIT", "ESB" };
	struct exception_settings set = { approvers, 2, 365 };
	struct node_limits l;
	struct node_doc *doc;
	struct agency *agencies = NULL;
	size_t nagencies = 0;
	struct diags d;
	const struct node *rules;

	node_limits_default(&l);
	l.max_depth = 32;
	l.max_nodes = 5000;
	diags_init(&d);
	doc = node_load_buffer("fuzz.yaml", (const char *)data, size, &l, &d);
	if (doc != NULL && doc->root != NULL) {
		struct exception *e;
		struct config c;

		(void)config_from_node(&c, doc->file, doc->root, &d);
		config_free(&c);

		if (node_get(doc->root, "agencies") != NULL)
			agency_load_doc(doc->root, doc->file, &agencies,
			    &nagencies, &d);
		agency_check_unique(agencies, nagencies, &d);
		rules = node_get(doc->root, "rules");
		if (rules != NULL && rules->type == NODE_SEQ) {
			struct rule_env env = {
				.agencies = agencies,
				.nagencies = nagencies,
				.re_limits = { 1000, 100 },
			};

			for (size_t i = 0; i < rules->nitems; i++) {
				struct rule r;

				if (rule_compile(rules->items[i], &env, &r,
				    &d) == 0)
					rule_free_contents(&r);
			}
		}
		e = exception_load(doc->root, "exceptions/EX-1.yaml", &set,
		    agencies, nagencies, &d);
		exception_free(&e);
	}
	for (size_t i = 0; i < nagencies; i++)
		agency_free_contents(&agencies[i]);
	free(agencies);
	node_doc_free(&doc);
	diags_free(&d);
	return 0;
}
