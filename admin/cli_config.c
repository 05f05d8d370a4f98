/*
 * cli_config.c - the main configuration alone (no rules, lists or
 * records), for the subcommands that need only its settings.
 */
#include <string.h>

#include "cli.h"
#include "config.h"
#include "diag.h"
#include "node.h"

int
cli_config_load(const struct cli_common *c, struct config *conf)
{
	struct node_limits nl;
	struct node_doc *doc;
	struct diags d;
	int rc = -1;

	memset(conf, 0, sizeof(*conf));
	diags_init(&d);
	node_limits_default(&nl);
	doc = node_load_file(c->config, &nl, &d);
	if (doc != NULL) {
		for (size_t i = 0; i < c->nsets; i++)
			(void)config_override(doc, c->sets[i], &d);
		if (!diags_has_errors(&d) &&
		    config_from_node(conf, c->config, doc->root, &d) == 0)
			rc = 0;
	}
	if (rc != 0) {
		config_free(conf);
		diags_sort(&d);
		diags_print(&d, stderr);
	}
	node_doc_free(&doc);
	diags_free(&d);
	return rc;
}
