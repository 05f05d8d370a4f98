/*
 * diag.h - diagnostics with file:line:col, collected rather than printed, so
 * that a loader reports every problem in one pass and a daemon can log them
 * on a failed reload.
 *
 * Format of one diagnostic: "FILE:LINE:COL: error: TEXT".  LINE and COL are
 * 1-based; 0 means unknown and is left out ("FILE: error: TEXT").
 */
#ifndef MSGSEC_DIAG_H
#define MSGSEC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	enum diag_level level;
	char *file;
	unsigned line, col;
	char *text;
};

struct diags {
	struct diag *v;
	size_t n, cap;
	size_t errors, warnings;
	size_t max;	/* stop recording after this many (counted still) */
};

void diags_init(struct diags *d);
void diags_free(struct diags *d);

void diag_add(struct diags *d, enum diag_level level, const char *file,
    unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#define diag_error(d, file, line, col, ...) \
	diag_add((d), DIAG_ERROR, (file), (line), (col), __VA_ARGS__)
#define diag_warning(d, file, line, col, ...) \
	diag_add((d), DIAG_WARNING, (file), (line), (col), __VA_ARGS__)

bool diags_has_errors(const struct diags *d);

/* Sort by file, line, column (stable) so output order is reproducible. */
void diags_sort(struct diags *d);

/* Print every diagnostic, one per line. */
void diags_print(const struct diags *d, FILE *out);

/* Format one diagnostic into buf of size len (truncated, NUL-terminated). */
void diag_format(const struct diag *dg, char *buf, size_t len);

#endif
