/*
 * diag.c - collected diagnostics.
 *
 * The text of a diagnostic may quote rule-file content; callers escape it
 * (node_quote) before it gets here.  The number kept is bounded (d->max) so
 * a hostile file cannot make the diagnostic list itself unbounded.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define DIAGS_DEFAULT_MAX 1000

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
	d->max = DIAGS_DEFAULT_MAX;
}

void
diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].text);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void
diag_add(struct diags *d, enum diag_level level, const char *file,
    unsigned line, unsigned col, const char *fmt, ...)
{
	struct diag *dg;
	va_list ap;
	char text[1024];

	if (level == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n >= d->max)
		return;
	va_start(ap, fmt);
	if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
		text[0] = '\0';
	va_end(ap);
	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 16 : d->cap * 2;
		d->v = mem_reallocarray(d->v, d->cap, sizeof(*d->v));
	}
	dg = &d->v[d->n++];
	dg->level = level;
	dg->file = mem_strdup(file != NULL ? file : "(none)");
	dg->line = line;
	dg->col = col;
	dg->text = mem_strdup(text);
}

bool
diags_has_errors(const struct diags *d)
{
	return d->errors > 0;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

void
diags_sort(struct diags *d)
{
	/* Insertion sort: stable, and the lists are short. */
	for (size_t i = 1; i < d->n; i++) {
		struct diag t = d->v[i];
		size_t j = i;

		while (j > 0 && diag_cmp(&d->v[j - 1], &t) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = t;
	}
}

void
diag_format(const struct diag *dg, char *buf, size_t len)
{
	const char *lvl = dg->level == DIAG_ERROR ? "error" : "warning";
	int n;

	if (dg->line > 0 && dg->col > 0)
		n = snprintf(buf, len, "%s:%u:%u: %s: %s", dg->file, dg->line,
		    dg->col, lvl, dg->text);
	else if (dg->line > 0)
		n = snprintf(buf, len, "%s:%u: %s: %s", dg->file, dg->line, lvl,
		    dg->text);
	else
		n = snprintf(buf, len, "%s: %s: %s", dg->file, lvl, dg->text);
	if (n < 0 && len > 0)
		buf[0] = '\0';
}

void
diags_print(const struct diags *d, FILE *out)
{
	char line[2048];

	for (size_t i = 0; i < d->n; i++) {
		diag_format(&d->v[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	if (d->errors + d->warnings > d->n)
		fprintf(out, "msgsec: %zu more diagnostics not shown\n",
		    d->errors + d->warnings - d->n);
}
