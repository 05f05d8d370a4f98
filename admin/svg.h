/*
 * svg.h - the report's charts as inline SVG (no scripts, fonts or images):
 * stacked vertical bars (alerts per day by clause) and horizontal bars
 * (top lists), drawn into a bounded buffer with every label escaped.
 */
#ifndef MSGSEC_SVG_H
#define MSGSEC_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

/* Okabe and Ito's colour-blind-safe palette, in the order series take it. */
#define SVG_PALETTE_SIZE 8
extern const char *const svg_palette[SVG_PALETTE_SIZE];
#define SVG_BAR_COLOUR "#0072B2"	/* single-series bars */

/* Append s with & < > " ' written as entities (HTML and SVG text alike),
 * cut to width bytes (then "..." is added; 0 = no cut). */
void html_escape(struct buf *b, const char *s, size_t width);

/*
 * Stacked bars: nx columns (x labels), ns series (names and colours),
 * values[x * ns + s].  width/height in px.  title is the accessible name.
 */
void svg_stacked_bars(struct buf *b, const char *title,
    const char *const *xlabels, size_t nx, const char *const *series,
    const char *const *colours, size_t ns, const uint64_t *values,
    unsigned width, unsigned height);

/*
 * Horizontal bars, one row per label, longest first as given; values
 * printed at the bar's end (with unit "" or " B" for bytes).
 */
void svg_hbars(struct buf *b, const char *title, const char *const *labels,
    const uint64_t *values, size_t n, const char *colour, unsigned width,
    int bytes);

/* "1.2 MB" style for bytes, into buf. */
void svg_bytes(uint64_t v, char *buf, size_t len);

#endif
