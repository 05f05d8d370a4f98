/*
 * address.c - RFC 5322 3.4 address lists, with the obsolete syntax of 4.4.
 *
 *   address-list = (address *("," address)) / obs-addr-list
 *   address      = mailbox / group
 *   mailbox      = name-addr / addr-spec
 *   name-addr    = [display-name] angle-addr
 *   angle-addr   = [CFWS] "<" [obs-route] addr-spec ">" [CFWS]
 *   group        = display-name ":" [group-list] ";" [CFWS]
 *   addr-spec    = local-part "@" domain
 *
 *   "A Group" (x) : Ed Jones <c@a.test>, joe@where.test ;
 *    ^phrase       ^group    ^name-addr  ^addr-spec      ^end of group
 *
 * Trusts: nothing.  A lexer turns the value into tokens (atoms, quoted
 * strings, domain literals, specials, junk bytes) with white space and
 * comments skipped; a parser with one token of lookahead reads the
 * grammar above, and never recurses on input (groups do not nest), so the
 * stack stays flat.  Before each address it looks ahead for a '<' before
 * the next ',', ';' or ':', so that "joe@x.example <eve@y.example>" yields
 * the angle address, as mail readers do; that answer is cached until the
 * parser passes the stop, which keeps the work linear.
 *
 * Limits: see address.h.  Output goes only into the caller's struct.
 */
#include "address.h"

#include <string.h>

enum tok_type {
	T_END,
	T_ATOM,
	T_QSTR,			/* with its quotes */
	T_DLIT,			/* with its brackets */
	T_SPECIAL,		/* one of < > : ; @ , . */
	T_JUNK,			/* one byte that fits nowhere */
};

struct tok {
	enum tok_type type;
	struct span s;
};

struct lexer {
	struct span in;
	size_t i;
	bool quiet;		/* a lookahead copy: record nothing */
	struct address_list *out;
	bool has_peek;
	struct tok pk;
	size_t pk_end;
	/* lookahead cache: from positions <= la_stop, the next stop token
	 * is at la_stop and la_angle says whether it is '<' */
	bool la_valid;
	size_t la_stop;
	bool la_angle;
};

/* An addr-spec being assembled. */
struct spec {
	char s[ADDRESS_SPEC_MAX];
	size_t n;
	bool over;
	bool nul;		/* a NUL in quotes or brackets */
};

static void
unclean(struct lexer *lx)
{
	if (!lx->quiet)
		lx->out->clean = false;
}

static bool
is_atext(char c)
{
	unsigned char u = (unsigned char)c;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || u >= 0x80)	/* RFC 6532 UTF-8 */
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '/': case '=': case '?':
	case '^': case '_': case '`': case '{': case '|': case '}':
	case '~':
		return true;
	default:
		return false;
	}
}

static bool
is_special(const struct tok *t, char c)
{
	return t->type == T_SPECIAL && t->s.p[0] == c;
}

static bool
is_word(const struct tok *t)
{
	return t->type == T_ATOM || t->type == T_QSTR;
}

/* ------------------------------------------------------------ lexer */

static void
skip_cfws(struct lexer *lx)
{
	struct str_cfws m = { 0 };

	lx->i = str_skip_cfws(lx->in.p, lx->in.len, lx->i,
	    ADDRESS_COMMENT_DEPTH, &m);
	if (m.deep > 0) {
		if (!lx->quiet)
			lx->out->deep_comments += m.deep;
		unclean(lx);
	}
	if (m.open)
		unclean(lx);	/* unterminated comment */
}

/*
 * A quoted string or a domain literal, from its opening byte; false when
 * it runs to the end unterminated.
 */
static bool
lex_delimited(struct lexer *lx, char close)
{
	const char *s = lx->in.p;

	lx->i++;
	while (lx->i < lx->in.len) {
		char c = s[lx->i++];

		if (c == '\\' && lx->i < lx->in.len)
			lx->i++;
		else if (c == close)
			return true;
		else if (close == ']' && c == '[')
			unclean(lx);
	}
	unclean(lx);
	return false;
}

static struct tok
lex(struct lexer *lx)
{
	const char *s = lx->in.p;
	size_t start;
	char c;

	skip_cfws(lx);
	start = lx->i;
	if (lx->i >= lx->in.len)
		return (struct tok){ T_END, { s + start, 0 } };
	c = s[lx->i];
	if (c == '"') {
		/* unterminated: still a word, of a phrase that has no
		 * address after it */
		(void)lex_delimited(lx, '"');
		return (struct tok){ T_QSTR, { s + start, lx->i - start } };
	}
	if (c == '[') {
		/* unterminated: no domain, since where it ends is unknown */
		bool closed = lex_delimited(lx, ']');

		return (struct tok){ closed ? T_DLIT : T_JUNK, { s + start,
		    lx->i - start } };
	}
	if (is_atext(c)) {
		while (lx->i < lx->in.len && is_atext(s[lx->i]))
			lx->i++;
		return (struct tok){ T_ATOM, { s + start, lx->i - start } };
	}
	lx->i++;
	switch (c) {
	case '<': case '>': case ':': case ';': case '@': case ',': case '.':
		return (struct tok){ T_SPECIAL, { s + start, 1 } };
	default:
		return (struct tok){ T_JUNK, { s + start, 1 } };
	}
}

static struct tok
next(struct lexer *lx)
{
	if (lx->has_peek) {
		lx->has_peek = false;
		lx->i = lx->pk_end;
		return lx->pk;
	}
	return lex(lx);
}

static struct tok
peek(struct lexer *lx)
{
	if (!lx->has_peek) {
		size_t save = lx->i;

		lx->pk = lex(lx);
		lx->pk_end = lx->i;
		lx->i = save;
		lx->has_peek = true;
	}
	return lx->pk;
}

/* Is there a '<' before the next ',', ';', ':' or the end? */
static bool
angle_ahead(struct lexer *lx)
{
	struct lexer la;

	if (lx->la_valid && lx->i <= lx->la_stop)
		return lx->la_angle;
	la = *lx;
	la.quiet = true;
	for (;;) {
		size_t at = la.i;
		struct tok t = next(&la);

		if (t.type == T_END || is_special(&t, ',') ||
		    is_special(&t, ';') || is_special(&t, ':') ||
		    is_special(&t, '<')) {
			lx->la_valid = true;
			lx->la_stop = at;
			lx->la_angle = is_special(&t, '<');
			return lx->la_angle;
		}
	}
}

/* ------------------------------------------------------------ specs */

static void
spec_add(struct spec *sp, struct span s)
{
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] == '\r' || s.p[i] == '\n')
			continue;	/* folding inside quotes */
		if (s.p[i] == '\0')
			sp->nul = true;
		if (sp->n + 1 >= sizeof(sp->s)) {
			sp->over = true;
			return;
		}
		sp->s[sp->n++] = s.p[i];
	}
}

static void
mailbox(struct lexer *lx, const struct spec *sp)
{
	struct address_list *out = lx->out;

	out->count++;
	if (sp->over || sp->nul) {
		/* Not storable as a C string of the slot's size. */
		if (sp->over)
			out->too_long++;
		else
			out->nul_specs++;
		unclean(lx);
		return;
	}
	if (out->kept < ADDRESS_MAX) {
		memcpy(out->spec[out->kept], sp->s, sp->n);
		out->spec[out->kept][sp->n] = '\0';
		out->kept++;
	}
}

/*
 * local-part / domain: words (or atoms) separated by single dots, as long
 * as the tokens fit.  Returns whether anything was read; flags empty
 * words ("a..b", ".a", "a.").
 */
static bool
dotted(struct lexer *lx, struct spec *sp, bool quoted_ok)
{
	bool any = false, want_word = true;
	struct tok t;

	for (;;) {
		t = peek(lx);
		if (t.type == T_ATOM || (quoted_ok && t.type == T_QSTR)) {
			if (!want_word)
				break;	/* two words: not ours */
			want_word = false;
		} else if (is_special(&t, '.')) {
			if (want_word)
				unclean(lx);
			want_word = true;
		} else {
			break;
		}
		(void)next(lx);
		spec_add(sp, t.s);
		any = true;
	}
	if (any && want_word)
		unclean(lx);	/* trailing dot */
	return any;
}

/* After '@': a domain literal or a dotted domain; false if none. */
static bool
domain(struct lexer *lx, struct spec *sp)
{
	struct tok t = peek(lx);

	spec_add(sp, SPAN_LIT("@"));
	if (t.type == T_DLIT) {
		(void)next(lx);
		spec_add(sp, t.s);
		return true;
	}
	if (dotted(lx, sp, false))
		return true;
	unclean(lx);
	return false;
}

/* Skip to just after the next '>', or to the next ',', ';' or end. */
static void
skip_to_close(struct lexer *lx)
{
	for (;;) {
		struct tok t = peek(lx);

		if (t.type == T_END || is_special(&t, ',') ||
		    is_special(&t, ';'))
			return;
		(void)next(lx);
		if (is_special(&t, '>'))
			return;
	}
}

/* After '<': [obs-route] addr-spec ">". */
static void
angle_addr(struct lexer *lx)
{
	struct spec sp = { .n = 0 };
	struct tok t = peek(lx);

	if (is_special(&t, '>')) {
		(void)next(lx);
		unclean(lx);		/* "<>" is no mailbox here */
		return;
	}
	if (is_special(&t, '@')) {
		/* obs-route = obs-domain-list ":" ("@a,@b:") */
		for (;;) {
			t = peek(lx);
			if (t.type == T_END || is_special(&t, '>') ||
			    is_special(&t, ';')) {
				unclean(lx);
				skip_to_close(lx);
				return;
			}
			(void)next(lx);
			if (is_special(&t, ':'))
				break;
		}
	}
	if (dotted(lx, &sp, true))
		t = peek(lx);
	if (sp.n == 0 || !is_special(&t, '@')) {
		unclean(lx);		/* "<postmaster>", "<@x>" */
		skip_to_close(lx);
		return;
	}
	(void)next(lx);
	if (!domain(lx, &sp)) {
		skip_to_close(lx);
		return;
	}
	t = peek(lx);
	if (is_special(&t, '>')) {
		(void)next(lx);
	} else {
		unclean(lx);
		skip_to_close(lx);
	}
	mailbox(lx, &sp);
}

/* A display name up to '<' (which is consumed) when one is ahead. */
static void
name_addr(struct lexer *lx)
{
	for (;;) {
		struct tok t = next(lx);

		if (is_special(&t, '<') || t.type == T_END)
			break;
		if (!is_word(&t) && !is_special(&t, '.'))
			unclean(lx);	/* '@', junk in a name */
	}
	angle_addr(lx);
}

/* Rebuild the local part of a bare addr-spec from where its run began. */
static void
local_from(struct lexer *lx, size_t from, struct spec *sp)
{
	struct lexer re = *lx;

	re.quiet = true;
	re.has_peek = false;
	re.i = from;
	for (;;) {
		struct tok t = next(&re);

		if (t.type == T_END || is_special(&t, '@'))
			return;
		spec_add(sp, t.s);
	}
}

static void group(struct lexer *lx);

/*
 * One address (in_group: one mailbox).  Consumes at least one token
 * unless the next one is ',', ';' or the end.
 */
static void
address(struct lexer *lx, bool in_group)
{
	size_t run_start = 0, runs = 0;
	enum { NONE, WORD, DOT } last = NONE;
	bool run_bad = false;	/* empty words in the last run */
	struct spec sp = { .n = 0 };
	struct tok t;

	if (angle_ahead(lx)) {
		name_addr(lx);
		return;
	}
	/* phrase, or the local part of a bare addr-spec */
	for (;;) {
		size_t at = lx->i;

		t = peek(lx);
		if (is_word(&t)) {
			if (last != DOT) {
				runs++;
				run_start = at;
				run_bad = false;
			}
			last = WORD;
		} else if (is_special(&t, '.')) {
			if (last != WORD) {
				if (last == NONE) {
					runs++;
					run_start = at;
				}
				run_bad = true;	/* ".a", "a..b" */
			}
			last = DOT;
		} else {
			break;
		}
		(void)next(lx);
	}
	if (is_special(&t, '@')) {
		if (runs != 1 || run_bad || last == DOT)
			unclean(lx);	/* "John Doe@x", "@x", "a.@x" */
		if (runs > 0)
			local_from(lx, run_start, &sp);
		(void)next(lx);
		if (domain(lx, &sp) && runs > 0)
			mailbox(lx, &sp);
		return;
	}
	if (is_special(&t, ':')) {
		(void)next(lx);
		if (in_group || runs == 0) {
			unclean(lx);	/* nested group, or no name */
			if (in_group)
				return;
		}
		group(lx);
		return;
	}
	if (t.type == T_END || is_special(&t, ',') || is_special(&t, ';')) {
		if (runs > 0)
			unclean(lx);	/* a name without an address */
		return;
	}
	unclean(lx);			/* '>', junk, a stray literal */
	(void)next(lx);
}

/* After "name:": mailboxes up to ';'. */
static void
group(struct lexer *lx)
{
	if (!lx->quiet)
		lx->out->groups++;
	for (;;) {
		struct tok t = peek(lx);

		if (t.type == T_END) {
			unclean(lx);	/* no ';' */
			return;
		}
		if (is_special(&t, ';')) {
			(void)next(lx);
			return;
		}
		if (is_special(&t, ',')) {
			(void)next(lx);
			continue;
		}
		address(lx, true);
		t = peek(lx);
		if (t.type != T_END && !is_special(&t, ',') &&
		    !is_special(&t, ';'))
			unclean(lx);	/* a missing comma */
	}
}

int
address_parse(struct span s, struct address_list *out)
{
	struct lexer lx = { .in = s, .out = out };

	memset(out, 0, sizeof(*out));
	out->clean = true;
	if (s.p == NULL)
		lx.in.len = 0;
	for (;;) {
		struct tok t = peek(&lx);

		if (t.type == T_END)
			break;
		if (is_special(&t, ',')) {
			(void)next(&lx);	/* empty elements: obsolete */
			continue;
		}
		if (is_special(&t, ';')) {
			(void)next(&lx);
			unclean(&lx);
			continue;
		}
		address(&lx, false);
		t = peek(&lx);
		if (t.type != T_END && !is_special(&t, ','))
			unclean(&lx);	/* a missing comma */
	}
	return out->clean ? 0 : -1;
}

struct span
address_domain(struct span addr)
{
	for (size_t i = addr.len; i > 0; i--)
		if (addr.p[i - 1] == '@')
			return (struct span){ addr.p + i, addr.len - i };
	return (struct span){ addr.p + addr.len, 0 };
}

struct span
address_unbracket(struct span a)
{
	a = span_trim(a);
	if (a.len >= 2 && a.p[0] == '<' && a.p[a.len - 1] == '>') {
		a.p++;
		a.len -= 2;
	}
	return span_trim(a);
}
