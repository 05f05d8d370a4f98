/*
 * svg.c - inline SVG charts for `msgsec report`.
 *
 * Trusted: the numbers.  Untrusted: labels (rule ids, hosts, services come
 * from alert logs): every one goes through html_escape, cut to a width, so
 * nothing in a log can open a tag or an attribute.  Output goes to a
 * bounded buffer (the caller's struct buf); a chart that would not fit
 * leaves the buffer's sticky limit, checked once by the caller.
 */
#include "svg.h"

#include <stdio.h>
#include <string.h>

const char *const svg_palette[SVG_PALETTE_SIZE] = {
	"#0072B2",		/* blue */
	"#E69F00",		/* orange */
	"#009E73",		/* bluish green */
	"#CC79A7",		/* reddish purple */
	"#56B4E9",		/* sky blue */
	"#D55E00",		/* vermillion */
	"#F0E442",		/* yellow */
	"#000000",		/* black */
};

void
html_escape(struct buf *b, const char *s, size_t width)
{
	size_t n = strlen(s), i;
	bool cut = width > 0 && n > width;

	if (cut) {
		n = width;
		/* Do not split a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			buf_append_cstr(b, "&amp;");
			break;
		case '<':
			buf_append_cstr(b, "&lt;");
			break;
		case '>':
			buf_append_cstr(b, "&gt;");
			break;
		case '"':
			buf_append_cstr(b, "&quot;");
			break;
		case '\'':
			buf_append_cstr(b, "&#39;");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_append_cstr(b, "\xef\xbf\xbd");
			else
				buf_append(b, &s[i], 1);
			break;
		}
	}
	if (cut)
		buf_append_cstr(b, "\xe2\x80\xa6");	/* ellipsis */
}

static void
count_text(uint64_t v, char *out, size_t len)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void
svg_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1000 && u < 4) {
		d /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, len, "%.1f %s", d, units[u]);
}

/* A step of 1, 2 or 5 times a power of ten giving about 5 ticks. */
static uint64_t
nice_step(uint64_t max)
{
	uint64_t p = 1;

	if (max <= 5)
		return 1;
	while (p <= max / 10)
		p *= 10;
	if (max / p <= 2)
		return p / 2 > 0 ? p / 2 : 1;
	if (max / p <= 5)
		return p;
	return p * 2;
}

void
svg_stacked_bars(struct buf *b, const char *title,
    const char *const *xlabels, size_t nx, const char *const *series,
    const char *const *colours, size_t ns, const uint64_t *values,
    unsigned width, unsigned height)
{
	const double left = 56, right = 12, topm = 12, bottom = 34;
	double pw = width - left - right, ph = height - topm - bottom;
	double band, bw;
	uint64_t max = 0, step, top;
	size_t every;
	char num[32];

	for (size_t x = 0; x < nx; x++) {
		uint64_t sum = 0;

		for (size_t s = 0; s < ns; s++)
			sum += values[x * ns + s];
		if (sum > max)
			max = sum;
	}
	step = nice_step(max);
	top = (max / step + 1) * step;
	if (max > 0 && max % step == 0)
		top = max;
	band = nx > 0 ? pw / (double)nx : pw;
	bw = band * 0.72;
	if (bw > 56)
		bw = 56;	/* a few days: columns, not walls */
	if (bw < 1)
		bw = 1;
	every = (size_t)(44.0 / band) + 1;

	buf_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %u %u\" width=\"%u\" "
	    "height=\"%u\" role=\"img\" aria-label=\"", width, height, width,
	    height);
	html_escape(b, title, 0);
	buf_printf(b, "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>");
	html_escape(b, title, 0);
	buf_printf(b, "</title>\n");
	/* Grid and y axis. */
	for (uint64_t v = 0; v <= top; v += step) {
		double y = topm + ph - ph * (double)v / (double)top;

		count_text(v, num, sizeof(num));
		buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" class=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "class=\"tick\" text-anchor=\"end\">%s</text>\n", left,
		    left + pw, y, y, v == 0 ? "axis" : "gl", left - 8,
		    y + 4, num);
	}
	for (size_t x = 0; x < nx; x++) {
		double cx = left + band * (double)x + (band - bw) / 2;
		double y = topm + ph;
		uint64_t sum = 0;

		for (size_t s = 0; s < ns; s++) {
			uint64_t v = values[x * ns + s];
			double h = ph * (double)v / (double)top;

			if (v == 0)
				continue;
			sum += v;
			y -= h;
			count_text(v, num, sizeof(num));
			buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"%s\"><title>", cx, y, bw,
			    h, colours[s]);
			html_escape(b, xlabels[x], 16);
			buf_append_cstr(b, " \xc2\xb7 clause ");
			html_escape(b, series[s], 16);
			buf_printf(b, ": %s</title></rect>\n", num);
		}
		(void)sum;
		if (x % every == 0) {
			const char *l = xlabels[x];

			if (strlen(l) == 10)
				l += 5;	/* MM-DD */
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" "
			    "class=\"tick\" text-anchor=\"middle\">",
			    left + band * (double)x + band / 2,
			    topm + ph + 18);
			html_escape(b, l, 16);
			buf_append_cstr(b, "</text>\n");
		}
	}
	buf_append_cstr(b, "</svg>\n");
}

void
svg_hbars(struct buf *b, const char *title, const char *const *labels,
    const uint64_t *values, size_t n, const char *colour, unsigned width,
    int bytes)
{
	const double row = 24, labw = width * 0.36, valw = 84;
	double bar_area = width - labw - valw - 8;
	unsigned height = (unsigned)(row * (double)n + 4);
	uint64_t max = 1;
	char num[32];

	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	buf_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %u %u\" width=\"%u\" "
	    "height=\"%u\" role=\"img\" aria-label=\"", width, height, width,
	    height);
	html_escape(b, title, 0);
	buf_printf(b, "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>");
	html_escape(b, title, 0);
	buf_append_cstr(b, "</title>\n");
	for (size_t i = 0; i < n; i++) {
		double y = row * (double)i + 2;
		double w = bar_area * (double)values[i] / (double)max;

		if (w < 2)
			w = 2;
		if (bytes)
			svg_bytes(values[i], num, sizeof(num));
		else
			count_text(values[i], num, sizeof(num));
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" "
		    "text-anchor=\"end\">", labw - 8, y + row / 2 + 4);
		html_escape(b, labels[i], 26);
		buf_printf(b, "<title>");
		html_escape(b, labels[i], 200);
		buf_printf(b, "</title></text>\n<rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" rx=\"2\" fill=\"%s\"/>\n"
		    "<text x=\"%.1f\" y=\"%.1f\" class=\"value\">%s</text>\n",
		    labw, y + 3, w, row - 8, colour, labw + w + 6,
		    y + row / 2 + 4, num);
	}
	buf_append_cstr(b, "</svg>\n");
}
