/*
 * im.c - public instant-messaging protocols recognised by the first bytes
 * a client sends: XMPP, IRC, MQTT, WhatsApp's chat handshake and
 * DingTalk's; and by single UDP datagrams: Discord voice, OICQ (QQ), IMO.
 *
 * Trust: every byte is hostile.  Binary framings (MQTT, WhatsApp) are
 * read through policy/cursor.h with length-prefixed fields as
 * sub-cursors, IRC's lines and params are sub-cursors too; XMPP's tag is
 * scanned with explicit bounds; nothing is assumed NUL-terminated.  No
 * allocation, no state between calls; linear in the bytes looked at.
 *
 * Each signature checks enough structure that other protocols on the same
 * ports do not match (a false positive costs an alert):
 *
 * XMPP (RFC 6120 4.2, 4.7.2; XML 1.0 2.8 for the declaration):
 *
 *	[BOM] [<?xml version='1.0' ... ?>] <stream:stream to='example.com'
 *	    xmlns='jabber:client'
 *	    xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>
 *
 *   The element is <stream> under any prefix (or none) and must declare
 *   the streams namespace; "to" is the service domain, in single or double
 *   quotes.  Looked for within IM_XMPP_MAX bytes.
 *
 * IRC (RFC 2812 3.1, IRCv3 CAP negotiation): the client registers with
 *
 *	[CAP LS [302]] [PASS <pw>] NICK <nick> USER <user> <mode> <x> :<real>
 *
 *   in CRLF (or LF) lines of at most 512 bytes.  A match needs NICK and
 *   USER (USER with its four parameters, which POP3 and FTP's one-argument
 *   USER never have), or CAP LS then NICK.  Any other line first is -1, so
 *   SMTP, POP3, FTP and HTTP are refused at their first line.
 *
 * MQTT CONNECT (MQTT 3.1.1 2.2, 3.1; MQTT 5.0 3.1):
 *
 *	+------+-----------+--------+--------+-------+-----------+---------+
 *	| 0x10 | remaining | u16 len| "MQTT" | level | flags     | keep-   |
 *	|      | length    | 4      | or 6   | 4 / 5 | (bit 0 =0)| alive   |
 *	|      | (varint)  |        |"MQIsdp"| 3     |           | u16     |
 *	+------+-----------+--------+--------+-------+-----------+---------+
 *	[v5: properties varint length | properties]  u16 len | client id
 *
 * WhatsApp chat (the Noise handshake framing of its chat servers): either
 *
 *	"ED" 00 01 | u24 len | routing data | "WA" major minor | ...
 *	"WA" major minor | u24 frame length | frame ...
 *
 *   with a small routing block and major version 1-9; older clients send
 *   the second form directly (WA 01 05 ...), newer ones the first.
 *
 * DingTalk (as nDPI's dingtalk.c recognises it; no public specification):
 * the client's first segment starts
 *
 *	10 | any | 87 80 01 00 01 00 02 00 02 64 6b 03 00 20
 *
 * UDP, one whole datagram at a time (im_detect_udp):
 *
 * Discord voice: the voice servers' 8-byte keepalive 13 37 ca fe | u32
 *   counter, what a call joined mid-way still shows (its IP discovery,
 *   discord.com/developers/docs/topics/voice-connections, is stun.c's:
 *   the engine offers a datagram to STUN first, and that is a call).
 *
 * OICQ (QQ; Wireshark's packet-oicq.c names the fields):
 *
 *	02 | version u16 | command u16 | sequence u16 | data ... | 03
 *
 *   with a known command (1-0xb5, 0x3f7), a non-zero version and at least
 *   the sender's QQ number as data.
 *
 * IMO (as nDPI's imo.c sees it): a peer ping 09 02 | id u32 | 00 00 00 00
 * answered 09 03 | the same id | 00 00 00 00 (10 bytes), and a relay's
 * 00 09 03 | id | 00 00 00 00 (11 bytes).  The four zero bytes are
 * required, which nDPI does not: precision first.
 */
#include <string.h>

#include "cursor.h"
#include "im.h"

enum {
	IM_XMPP_MAX = 2048,	/* declaration and stream tag */
	IM_IRC_LINE_MAX = 512,	/* RFC 2812 2.3, CRLF included */
	IM_IRC_LINES = 8,	/* registration lines looked at */
	IM_IRC_PARAMS = 16,
	IM_WA_ROUTING_MAX = 256,
	IM_WA_FRAME_MAX = 1 << 20,
};

static const char xmpp_streams_ns[] = "http://etherx.jabber.org/streams";

const char *
im_proto_name(enum im_proto p)
{
	switch (p) {
	case IM_XMPP:
		return "xmpp";
	case IM_IRC:
		return "irc";
	case IM_MQTT:
		return "mqtt";
	case IM_WHATSAPP:
		return "whatsapp";
	case IM_DINGTALK:
		return "dingtalk";
	case IM_DISCORD:
		return "discord";
	case IM_OICQ:
		return "oicq";
	case IM_IMO:
		return "imo";
	case IM_NONE:
		break;
	}
	return "";
}

/* Letters, digits and "-_.:@" stay; other bytes are \DDD. */
static size_t
name_byte(uint8_t b, bool fold, char *out)
{
	if (fold && b >= 'A' && b <= 'Z')
		b = (uint8_t)(b - 'A' + 'a');
	if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	    (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' ||
	    b == ':' || b == '@') {
		out[0] = (char)b;
		return 1;
	}
	out[0] = '\\';
	out[1] = (char)('0' + b / 100);
	out[2] = (char)('0' + b / 10 % 10);
	out[3] = (char)('0' + b % 10);
	return 4;
}

/*
 * Escape a name into out (fold: lowercase it); a name that does not fit
 * is cut and ends "\...", so a cut name never ends like a listed one.
 */
static void
put_name(char *out, size_t outsize, const uint8_t *p, size_t n, bool fold)
{
	char tmp[4];
	size_t total = 0, pos = 0, room = outsize - 1;

	for (size_t i = 0; i < n && total <= room; i++)
		total += name_byte(p[i], fold, tmp);
	if (total > room)
		room -= 4;
	for (size_t i = 0; i < n; i++) {
		size_t k = name_byte(p[i], fold, tmp);

		if (k > room - pos)
			break;
		memcpy(out + pos, tmp, k);
		pos += k;
	}
	if (total > outsize - 1) {
		memcpy(out + pos, "\\...", 4);
		pos += 4;
	}
	out[pos] = '\0';
}

/* ------------------------------------------------------------- helpers */

/*
 * 1 if p[0..len) starts with the n bytes s, 0 if p is a proper prefix of
 * them, -1 otherwise.
 */
static int
starts_with_n(const uint8_t *p, size_t len, const char *s, size_t n,
    bool nocase)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t a, b = (uint8_t)s[i];

		if (i == len)
			return 0;
		a = p[i];
		if (nocase && a >= 'a' && a <= 'z')
			a = (uint8_t)(a - 'a' + 'A');
		if (a != b)
			return -1;
	}
	return 1;
}

static int
starts_with(const uint8_t *p, size_t len, const char *s, bool nocase)
{
	return starts_with_n(p, len, s, strlen(s), nocase);
}

static const uint8_t *
find(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || len < n)
		return NULL;
	for (size_t i = 0; i + n <= len; i++) {
		const uint8_t *q = memchr(p + i, s[0], len - n + 1 - i);

		if (q == NULL)
			return NULL;
		if (memcmp(q, s, n) == 0)
			return q;
		i = (size_t)(q - p);
	}
	return NULL;
}

static bool
is_space(uint8_t b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n';
}

static bool
is_xml_name(uint8_t b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	    (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' ||
	    b >= 0x80;
}

/* ---------------------------------------------------------------- XMPP */

/* The to= attribute of a complete stream tag (between name and '>'). */
static void
xmpp_to(const uint8_t *p, size_t len, struct im_match *out)
{
	size_t i = 0;

	while (i < len) {
		size_t name, namelen, vstart;
		uint8_t q;

		while (i < len && is_space(p[i]))
			i++;
		name = i;
		while (i < len && (is_xml_name(p[i]) || p[i] == ':'))
			i++;
		namelen = i - name;
		while (i < len && is_space(p[i]))
			i++;
		if (namelen == 0 || i >= len || p[i] != '=')
			return;
		i++;
		while (i < len && is_space(p[i]))
			i++;
		if (i >= len || (p[i] != '\'' && p[i] != '"'))
			return;
		q = p[i++];
		vstart = i;
		while (i < len && p[i] != q)
			i++;
		if (i >= len)
			return;
		if (namelen == 2 && p[name] == 't' && p[name + 1] == 'o') {
			put_name(out->name, sizeof(out->name), p + vstart,
			    i - vstart, true);
			return;
		}
		i++;
	}
}

static int
detect_xmpp(const uint8_t *p, size_t len, struct im_match *out)
{
	size_t i = 0, start, end;
	const uint8_t *gt;
	int rc;

	if (len > IM_XMPP_MAX)
		len = IM_XMPP_MAX;
	if ((rc = starts_with(p, len, "\xef\xbb\xbf", false)) == 0)
		return 0;
	if (rc == 1)
		i = 3;
	while (i < len && is_space(p[i]))
		i++;
	if ((rc = starts_with(p + i, len - i, "<?xml", false)) == 0)
		return 0;
	if (rc == 1) {
		const uint8_t *e = find(p + i, len - i, "?>");

		if (e == NULL)
			return len == IM_XMPP_MAX ? -1 : 0;
		i = (size_t)(e - p) + 2;
		while (i < len && is_space(p[i]))
			i++;
	}
	if (i == len)
		return len == IM_XMPP_MAX ? -1 : 0;
	if (p[i] != '<')
		return -1;
	start = ++i;
	while (i < len && (is_xml_name(p[i]) || p[i] == ':'))
		i++;
	if (i == len)
		return len == IM_XMPP_MAX ? -1 : 0;
	/* The local name after an optional prefix must be "stream". */
	end = i;
	if (end - start < 6 || memcmp(p + end - 6, "stream", 6) != 0 ||
	    (end - start > 6 && p[end - 7] != ':') ||
	    (!is_space(p[i]) && p[i] != '>'))
		return -1;
	gt = memchr(p + i, '>', len - i);
	if (gt == NULL)
		return len == IM_XMPP_MAX ? -1 : 0;
	if (find(p + i, (size_t)(gt - p) - i, xmpp_streams_ns) == NULL)
		return -1;
	out->proto = IM_XMPP;
	out->what = "stream-header";
	xmpp_to(p + i, (size_t)(gt - p) - i, out);
	return 1;
}

/* ----------------------------------------------------------------- IRC */

/*
 * Split a line into space-separated params (sub-cursors of the line); a
 * ':' param takes the rest.
 */
static size_t
irc_params(struct cursor l, struct cursor *v, size_t max)
{
	size_t n = 0;

	while (n < max) {
		struct cursor word;

		while (cur_take(&l, ' '))
			;
		if (l.left == 0)
			break;
		if (n > 0 && cur_take(&l, ':')) {
			v[n++] = l;
			break;
		}
		word = l;
		if (!cur_until(&l, ' ', &v[n]))
			v[n] = word;	/* the last one */
		n++;
	}
	return n;
}

static bool
irc_word(struct cursor w, const char *s)
{
	return w.left == strlen(s) && starts_with(w.p, w.left, s, true) == 1;
}

/* RFC 2812 2.3.1 nickname: letter or special, then also digits and '-'. */
static bool
irc_nick_ok(struct cursor n)
{
	if (n.left == 0 || n.left > 64)
		return false;
	for (size_t i = 0; i < n.left; i++) {
		uint8_t b = n.p[i];
		bool letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
		bool special = (b >= 0x5b && b <= 0x60) ||
		    (b >= 0x7b && b <= 0x7d);
		bool later = (b >= '0' && b <= '9') || b == '-';

		if (!letter && !special && (i == 0 || !later))
			return false;
	}
	return true;
}

/* An incomplete first word that may still become a registration line. */
static int
irc_partial(const uint8_t *p, size_t len)
{
	static const char *const cmds[] = { "PASS ", "NICK ", "USER ",
		"CAP " };

	if (len >= IM_IRC_LINE_MAX)
		return -1;
	if (len == 1 && p[0] == '\r')
		return 0;	/* an empty line, which is skipped */
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (starts_with(p, len, cmds[i], true) >= 0)
			return 0;
	return -1;
}

static int
detect_irc(const uint8_t *p, size_t len, struct im_match *out)
{
	struct cursor c, v[IM_IRC_PARAMS], nick;
	bool have_user = false, cap_ls = false;

	cur_init(&c, p, len);
	cur_init(&nick, NULL, 0);
	for (unsigned n = 0; n < IM_IRC_LINES; n++) {
		struct cursor rest = c, l;
		size_t np;

		/* No LF within a line's bound: a partial line, or too long. */
		if (!cur_line(&c, &l) || rest.left - c.left > IM_IRC_LINE_MAX)
			return irc_partial(rest.p, rest.left);
		if (l.left == 0)
			continue;
		/* The command starts the line (no prefix from a client). */
		if (l.p[0] == ' ')
			return -1;
		np = irc_params(l, v, IM_IRC_PARAMS);
		if (np == 0)
			return -1;
		if (irc_word(v[0], "NICK") && np >= 2 && irc_nick_ok(v[1]))
			nick = v[1];
		else if (irc_word(v[0], "USER") && np >= 5 && v[1].left > 0)
			have_user = true;
		else if (irc_word(v[0], "PASS") && np >= 2)
			;
		else if (irc_word(v[0], "CAP") && np >= 2 &&
		    irc_word(v[1], "LS"))
			cap_ls = true;
		else if (irc_word(v[0], "CAP") && np >= 2 &&
		    (irc_word(v[1], "REQ") || irc_word(v[1], "END")))
			;
		else
			return -1;
		if (nick.p != NULL && (have_user || cap_ls)) {
			out->proto = IM_IRC;
			out->what = "registration";
			put_name(out->name, sizeof(out->name), nick.p,
			    nick.left, false);
			return 1;
		}
	}
	return -1;
}

/* ---------------------------------------------------------------- MQTT */

/* MQTT variable byte integer (MQTT 5.0 1.5.5): at most 4 bytes. */
static bool
mqtt_varint(struct cursor *c, uint32_t *v)
{
	uint8_t b;

	*v = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (!cur_u8(c, &b))
			return false;
		*v |= (uint32_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0)
			return true;
	}
	return cur_fail(c, CUR_INVALID);
}

static int
detect_mqtt(const uint8_t *p, size_t len, struct im_match *out)
{
	struct cursor c, body, name, props, id;
	uint8_t type, level, flags;
	uint16_t keepalive;
	uint32_t rl, plen;
	bool v5;

	cur_init(&c, p, len);
	if (!cur_u8(&c, &type))
		return 0;
	if (type != 0x10)
		return -1;
	if (!mqtt_varint(&c, &rl))
		return c.err == CUR_INVALID ? -1 : 0;
	/* The packet so far, bounded by its remaining length. */
	cur_init(&body, c.p, rl < c.left ? rl : c.left);
	if (!cur_sub_prefixed(&body, 2, &name) || !cur_u8(&body, &level) ||
	    !cur_u8(&body, &flags) || !cur_u16(&body, &keepalive))
		goto short_read;
	if (!(name.left == 4 && memcmp(name.p, "MQTT", 4) == 0 &&
	    (level == 4 || level == 5)) &&
	    !(name.left == 6 && memcmp(name.p, "MQIsdp", 6) == 0 &&
	    level == 3))
		return -1;
	/* Reserved bit 0; will QoS 3 never; no will: QoS and retain 0. */
	if ((flags & 0x01) != 0 || (flags & 0x18) == 0x18 ||
	    ((flags & 0x04) == 0 && (flags & 0x38) != 0))
		return -1;
	v5 = level == 5;
	if (v5) {
		if (!mqtt_varint(&body, &plen))
			goto short_read;
		if (!cur_sub(&body, plen, &props))
			goto short_read;
	}
	if (!cur_sub_prefixed(&body, 2, &id))
		goto short_read;
	(void)keepalive;
	out->proto = IM_MQTT;
	out->what = "connect";
	put_name(out->name, sizeof(out->name), id.p, id.left, false);
	return 1;
short_read:
	/* Ran out inside the declared length: wait; past it: not MQTT. */
	if (body.err == CUR_INVALID || rl <= c.left)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ WhatsApp */

/* "WA" major minor: 1 read, 0 a valid cut prefix, -1 not this. */
static int
wa_version(struct cursor *c)
{
	struct cursor v = *c;
	uint8_t w, a, major, minor;

	if ((cur_u8(&v, &w) && w != 'W') || (cur_u8(&v, &a) && a != 'A') ||
	    (cur_u8(&v, &major) && (major < 1 || major > 9)) ||
	    (cur_u8(&v, &minor) && minor > 15))
		return -1;
	if (!cur_skip(c, 4))
		return 0;
	return 1;
}

static int
detect_whatsapp(const uint8_t *p, size_t len, struct im_match *out)
{
	struct cursor c;
	uint32_t flen, rlen;
	int rc;

	cur_init(&c, p, len);
	if ((rc = starts_with_n(p, len, "ED\x00\x01", 4, false)) == 0)
		return 0;
	if (rc == 1) {
		(void)cur_skip(&c, 4);
		if (!cur_u24(&c, &rlen))
			return 0;
		if (rlen == 0 || rlen > IM_WA_ROUTING_MAX)
			return -1;
		if (!cur_skip(&c, rlen))	/* the routing block */
			return 0;
		if ((rc = wa_version(&c)) <= 0)
			return rc;
	} else {
		if ((rc = wa_version(&c)) <= 0)
			return rc;
		if (!cur_u24(&c, &flen))
			return 0;
		if (flen == 0 || flen > IM_WA_FRAME_MAX)
			return -1;
	}
	out->proto = IM_WHATSAPP;
	out->what = "noise-prologue";
	return 1;
}

/* ------------------------------------------------------------ DingTalk */

static int
detect_dingtalk(const uint8_t *p, size_t len, struct im_match *out)
{
	static const uint8_t tail[] = { 0x87, 0x80, 0x01, 0x00, 0x01, 0x00,
		0x02, 0x00, 0x02, 0x64, 0x6b, 0x03, 0x00, 0x20 };
	struct cursor c;
	uint8_t first, b;

	cur_init(&c, p, len);
	if (!cur_u8(&c, &first))
		return 0;
	if (first != 0x10)
		return -1;
	if (!cur_u8(&c, &b))
		return 0;
	for (size_t i = 0; i < sizeof(tail); i++) {
		if (!cur_u8(&c, &b))
			return 0;
		if (b != tail[i])
			return -1;
	}
	out->proto = IM_DINGTALK;
	out->what = "handshake";
	return 1;
}

/* ---------------------------------------------------------------- all */

int
im_detect(const uint8_t *p, size_t len, struct im_match *out)
{
	int (*const detectors[])(const uint8_t *, size_t, struct im_match *) =
	    { detect_mqtt, detect_whatsapp, detect_xmpp, detect_irc,
		detect_dingtalk };
	bool maybe = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(detectors) / sizeof(detectors[0]); i++) {
		int rc = detectors[i](p, len, out);

		if (rc == 1)
			return 1;
		memset(out, 0, sizeof(*out));
		if (rc == 0)
			maybe = true;
	}
	return maybe ? 0 : -1;
}

/* ----------------------------------------------------------------- UDP */

static int
detect_discord(const uint8_t *p, size_t len, struct im_match *out)
{
	struct cursor c;
	uint32_t v;

	cur_init(&c, p, len);
	if (len != 8 || !cur_u32(&c, &v) || v != 0x1337cafe)
		return -1;
	out->proto = IM_DISCORD;
	out->what = "keepalive";
	return 1;
}

static int
detect_oicq(const uint8_t *p, size_t len, struct im_match *out)
{
	struct cursor c;
	uint8_t flag;
	uint16_t version, command, seq;
	uint32_t number;

	cur_init(&c, p, len);
	if (len < 12 || p[len - 1] != 0x03 || !cur_u8(&c, &flag) ||
	    !cur_u16(&c, &version) || !cur_u16(&c, &command) ||
	    !cur_u16(&c, &seq) || !cur_u32(&c, &number))
		return -1;
	(void)seq;
	if (flag != 0x02 || version == 0 || number == 0 ||
	    !((command >= 0x0001 && command <= 0x00b5) || command == 0x03f7))
		return -1;
	out->proto = IM_OICQ;
	out->what = "packet";
	return 1;
}

static int
detect_imo(const uint8_t *p, size_t len, struct im_match *out)
{
	struct cursor c;
	uint8_t lead = 0, b0, b1;
	uint32_t id, zero;

	cur_init(&c, p, len);
	if (len == 11 && (!cur_u8(&c, &lead) || lead != 0x00))
		return -1;
	if ((len != 10 && len != 11) || !cur_u8(&c, &b0) ||
	    !cur_u8(&c, &b1) || !cur_u32(&c, &id) || !cur_u32(&c, &zero))
		return -1;
	(void)id;
	if (b0 != 0x09 || zero != 0 || (len == 10 && b1 != 0x02 &&
	    b1 != 0x03) || (len == 11 && b1 != 0x03))
		return -1;
	out->proto = IM_IMO;
	out->what = len == 11 ? "relay-pong" : b1 == 0x02 ? "ping" : "pong";
	return 1;
}

int
im_detect_udp(const uint8_t *p, size_t len, bool toserver,
    struct im_match *out)
{
	(void)toserver;		/* no signature today depends on it */
	memset(out, 0, sizeof(*out));
	if (detect_discord(p, len, out) == 1 ||
	    detect_oicq(p, len, out) == 1 || detect_imo(p, len, out) == 1)
		return 1;
	memset(out, 0, sizeof(*out));
	return -1;
}
