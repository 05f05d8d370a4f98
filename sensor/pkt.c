/*
 * pkt.c - one captured frame to one decoded packet: link layer, VLAN tags,
 * IPv4/IPv6 (with options and extension headers, fragments reassembled by
 * ipfrag.c), tunnels (GRE, VXLAN, IP-in-IP) and the TCP/UDP header.
 *
 * Trusts nothing in the frame: every read goes through a cursor (cursor.h)
 * and every length field is checked against the bytes present and the
 * bytes declared by the layer around it.  Two kinds of failure are kept
 * apart: "truncated" means the bytes ran out because the capture cut the
 * frame (caplen < wirelen, snaplen) and the headers were not all kept;
 * "malformed" means the bytes say something impossible (an IHL under 5, an
 * IP total length beyond a frame that was not cut, a UDP length under 8,
 * ...).  A packet whose headers are whole but whose payload was cut is
 * still decoded (out->truncated, paylen < l4len).
 *
 * Limits: max_layers encapsulations (GRE, VXLAN, IP-in-IP each count one;
 * too_many_layers past it), at most PKT_MAX_VLANS tags reported (deeper
 * tags overwrite the last slot, so the innermost is always last), 64 IPv6
 * extension headers per IP layer, the fragment bounds of struct
 * pkt_limits (ipfrag.c).  No allocation per packet except for fragments.
 *
 * Wire formats: Ethernet II / 802.3 LLC-SNAP, IEEE 802.1Q and 802.1ad tags
 * (TPID 0x8100, 0x88a8, 0x9100); Linux cooked v1 (16 bytes: type, ARPHRD,
 * address length, 8 address bytes, protocol) and v2 (20 bytes: protocol,
 * reserved, ifindex, ARPHRD, type, address length, 8 address bytes); BSD
 * NULL/LOOP (a 4-byte address family, host or network order); PPPoE
 * session (RFC 2516) and MPLS label stacks (RFC 3032) before IP; RFC 791
 * and RFC 8200; GRE per RFC 2784 / RFC 2890 (C, K, S flags, version 0);
 * PPTP's enhanced GRE (RFC 2637) with PPP (RFC 1661/1662); VXLAN per
 * RFC 7348 (UDP port 4789, I flag, inner Ethernet).
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "ipfrag.h"
#include "mem.h"
#include "pkt.h"

enum {
	PKT_DONE_MAX = 8,	/* reassembled datagrams alive at once */
	PKT_MAX_EXTHDRS = 64,
	VXLAN_PORT = 4789,
};

struct pkt_decoder {
	struct pkt_limits lim;
	struct pkt_stats st;
	struct ipfrag *frag;
	uint8_t *done[PKT_DONE_MAX];	/* freed at the next call */
	unsigned ndone;
};

/* What comes next while walking the layers. */
enum next {
	N_ETH,
	N_IP,		/* version from the first nibble */
	N_IP4,
	N_IP6,
	N_DONE,		/* result is set */
};

/* The walk's state for one frame. */
struct walk {
	struct pkt_decoder *d;
	struct pkt *out;
	const struct timeval *ts;
	struct cursor c;
	size_t missing;		/* declared bytes past the end of c (cut) */
	enum pkt_result res;
};

void
pkt_limits_default(struct pkt_limits *l)
{
	l->max_layers = 16;
	l->frag_max_datagrams = 1024;
	l->frag_max_bytes = 65535;
	l->frag_memory = (size_t)16 << 20;
	l->frag_timeout = 30;
}

struct pkt_decoder *
pkt_decoder_new(const struct pkt_limits *l)
{
	struct pkt_decoder *d = mem_calloc(1, sizeof(*d));

	if (l != NULL)
		d->lim = *l;
	else
		pkt_limits_default(&d->lim);
	d->frag = ipfrag_new(&d->lim, &d->st);
	return d;
}

static void
release_done(struct pkt_decoder *d)
{
	while (d->ndone > 0)
		free(d->done[--d->ndone]);
}

void
pkt_decoder_free(struct pkt_decoder **dp)
{
	struct pkt_decoder *d = *dp;

	if (d == NULL)
		return;
	release_done(d);
	ipfrag_free(&d->frag);
	free(d);
	*dp = NULL;
}

bool
pkt_linktype_is_supported(int linktype)
{
	switch (linktype) {
	case 0: case 1: case 12: case 14: case 101: case 108: case 113:
	case 228: case 229: case 276:
		return true;
	default:
		return false;
	}
}

void
pkt_expire(struct pkt_decoder *d, const struct timeval *now)
{
	ipfrag_expire(d->frag, now);
}

const struct pkt_stats *
pkt_decoder_stats(const struct pkt_decoder *d)
{
	return &d->st;
}

/* The cursor failed: truncated when the capture cut the frame. */
static enum next
fail(struct walk *w)
{
	if (w->c.err == CUR_TRUNCATED && w->missing > 0)
		w->d->st.truncated++;
	else
		w->d->st.malformed++;
	w->res = PKT_ERROR;
	return N_DONE;
}

static enum next
malformed(struct walk *w)
{
	w->d->st.malformed++;
	w->res = PKT_ERROR;
	return N_DONE;
}

static enum next
skip(struct walk *w)
{
	w->d->st.non_ip++;
	w->res = PKT_SKIP;
	return N_DONE;
}

/*
 * The layer just read declares `declared` more bytes: trim the cursor to
 * them (link padding), or note how many the capture cut.  A frame that was
 * not cut but holds fewer bytes than declared is malformed.
 */
static bool
declare(struct walk *w, size_t declared)
{
	if (w->c.left >= declared) {
		w->c.left = declared;
		w->missing = 0;
		return true;
	}
	if (w->missing == 0)
		return false;
	w->missing = declared - w->c.left;
	return true;
}

static enum next
tunnel(struct walk *w, enum next n)
{
	w->d->st.tunnels++;
	if (++w->out->layers > w->d->lim.max_layers) {
		w->d->st.too_many_layers++;
		w->res = PKT_ERROR;
		return N_DONE;
	}
	return n;
}

static void
push_vlan(struct pkt *out, uint16_t tci)
{
	uint16_t id = tci & 0x0fff;

	if (out->nvlan < PKT_MAX_VLANS)
		out->vlan[out->nvlan++] = id;
	else
		out->vlan[PKT_MAX_VLANS - 1] = id;
}

/*
 * After an EtherType (Ethernet, Linux cooked): VLAN tags, LLC/SNAP,
 * PPPoE session and MPLS down to IP.
 */
static enum next
ethertype(struct walk *w, uint16_t et)
{
	struct cursor *c = &w->c;
	uint16_t tci, ppp;
	uint32_t label;
	const uint8_t *llc;

	for (;;) {
		switch (et) {
		case 0x0800:
			return N_IP4;
		case 0x86dd:
			return N_IP6;
		case 0x8100: case 0x88a8: case 0x9100:
			cur_u16(c, &tci);
			cur_u16(c, &et);
			if (!cur_ok(c))
				return fail(w);
			push_vlan(w->out, tci);
			continue;
		case 0x8864:
			/* RFC 2516: ver/type, code, session, length, PPP. */
			cur_skip(c, 6);
			cur_u16(c, &ppp);
			if (!cur_ok(c))
				return fail(w);
			if (ppp == 0x0021)
				return N_IP4;
			if (ppp == 0x0057)
				return N_IP6;
			return skip(w);
		case 0x8847: case 0x8848:
			/* RFC 3032: labels down to bottom of stack. */
			do {
				if (!cur_u32(c, &label))
					return fail(w);
			} while ((label & 0x100) == 0);
			if (!cur_need(c, 1))
				return fail(w);
			if (c->p[0] >> 4 == 4)
				return N_IP4;
			if (c->p[0] >> 4 == 6)
				return N_IP6;
			return skip(w);
		default:
			if (et > 1500)
				return skip(w);
			/* IEEE 802.3 length: LLC, and SNAP carries a type. */
			if (!cur_bytes(c, 3, &llc))
				return fail(w);
			if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03)
				return skip(w);
			cur_skip(c, 3);
			cur_u16(c, &et);
			if (!cur_ok(c))
				return fail(w);
			if (et <= 1500)
				return skip(w);
			continue;
		}
	}
}

static enum next
ethernet(struct walk *w)
{
	uint16_t et;

	cur_skip(&w->c, 12);
	cur_u16(&w->c, &et);
	if (!cur_ok(&w->c))
		return fail(w);
	return ethertype(w, et);
}

/* BSD loopback: the address family in either byte order. */
static enum next
null_family(struct walk *w)
{
	struct cursor again = w->c;
	uint32_t le, be;

	if (!cur_le32(&w->c, &le) || !cur_u32(&again, &be))
		return fail(w);
	if (le > 0xffff)
		le = be;
	switch (le) {
	case 2:
		return N_IP4;
	case 24: case 28: case 30:
		return N_IP6;
	default:
		return skip(w);
	}
}

static enum next
link_layer(struct walk *w, int linktype)
{
	uint16_t et;

	switch (linktype) {
	case 1:
		return ethernet(w);
	case 12: case 14: case 101:
		return N_IP;
	case 228:
		return N_IP4;
	case 229:
		return N_IP6;
	case 0: case 108:
		return null_family(w);
	case 113:
		cur_skip(&w->c, 14);
		cur_u16(&w->c, &et);
		if (!cur_ok(&w->c))
			return fail(w);
		return ethertype(w, et);
	case 276:
		cur_u16(&w->c, &et);
		cur_skip(&w->c, 18);
		if (!cur_ok(&w->c))
			return fail(w);
		return ethertype(w, et);
	default:
		w->d->st.bad_linktype++;
		w->res = PKT_ERROR;
		return N_DONE;
	}
}

static void
set_v4(struct ipaddr *a, const uint8_t *b)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };

	memcpy(a->b, mapped, 12);
	memcpy(a->b + 12, b, 4);
}

/* Hand a reassembled datagram to the walk (kept until the next call). */
static bool
use_reassembled(struct walk *w, uint8_t *buf, size_t len)
{
	struct pkt_decoder *d = w->d;

	if (d->ndone >= PKT_DONE_MAX) {
		free(buf);
		d->st.frags_dropped++;
		return false;
	}
	d->done[d->ndone++] = buf;
	cur_init(&w->c, buf, len);
	w->missing = 0;
	return true;
}

static enum next transport(struct walk *w, uint8_t proto);

/*
 * IPv4 (RFC 791):
 *   ver/ihl tos | total length | id | flags/fragment offset | ttl proto
 *   checksum | source | destination | options (ihl*4 - 20 bytes)
 */
static enum next
ipv4(struct walk *w)
{
	struct cursor *c = &w->c;
	struct ipfrag_key k;
	uint8_t vihl, proto, nh, *buf;
	uint16_t totlen, id, frag;
	const uint8_t *src, *dst;
	size_t hlen, off, len;
	int r;

	cur_u8(c, &vihl);
	cur_skip(c, 1);
	cur_u16(c, &totlen);
	cur_u16(c, &id);
	cur_u16(c, &frag);
	cur_skip(c, 1);
	cur_u8(c, &proto);
	cur_skip(c, 2);
	cur_bytes(c, 4, &src);
	cur_bytes(c, 4, &dst);
	if (!cur_ok(c))
		return fail(w);
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || hlen < 20)
		return malformed(w);
	/* A total length of 0 is TCP segmentation offload: use the frame. */
	if (totlen != 0 && totlen < hlen)
		return malformed(w);
	if (c->left + w->missing < hlen - 20)
		return malformed(w);
	if (!cur_skip(c, hlen - 20))
		return fail(w);
	if (totlen != 0 && !declare(w, totlen - hlen))
		return malformed(w);
	w->out->ipver = 4;
	set_v4(&w->out->src, src);
	set_v4(&w->out->dst, dst);
	if ((frag & 0x3fff) == 0)
		return transport(w, proto);
	/* A fragment (MF set or a non-zero offset). */
	if (w->missing > 0) {
		w->d->st.frags++;
		w->d->st.frags_dropped++;
		w->d->st.truncated++;
		w->res = PKT_ERROR;
		return N_DONE;
	}
	memset(&k, 0, sizeof(k));
	k.src = w->out->src;
	k.dst = w->out->dst;
	k.id = id;
	k.ver = 4;
	k.proto = proto;
	off = (size_t)(frag & 0x1fff) * 8;
	r = ipfrag_add(w->d->frag, &k, w->ts, off, (frag & 0x2000) != 0,
	    proto, c->p, c->left, &buf, &len, &nh);
	if (r == 0) {
		w->res = PKT_HELD;
		return N_DONE;
	}
	if (r < 0 || !use_reassembled(w, buf, len)) {
		w->res = PKT_ERROR;
		return N_DONE;
	}
	return transport(w, proto);
}

/*
 * IPv6 (RFC 8200): ver/class/flow | payload length | next header | hop
 * limit | source | destination, then extension headers, each starting
 * with next header and a length (8-byte units past the first 8; AH in
 * 4-byte units past the first 8, RFC 4302).  The fragment header (44) is
 * next header, reserved, offset/M, identification.
 */
static enum next
ipv6(struct walk *w)
{
	struct cursor *c = &w->c;
	struct ipfrag_key k;
	uint32_t vcf, id;
	uint16_t plen, offm;
	uint8_t nh, nnh, hlen, rnh, *buf;
	const uint8_t *src, *dst;
	size_t len;
	int r;

	cur_u32(c, &vcf);
	cur_u16(c, &plen);
	cur_u8(c, &nh);
	cur_skip(c, 1);
	cur_bytes(c, 16, &src);
	cur_bytes(c, 16, &dst);
	if (!cur_ok(c))
		return fail(w);
	if (vcf >> 28 != 6)
		return malformed(w);
	/* Payload length 0: a jumbogram or segmentation offload. */
	if (plen != 0 && !declare(w, plen))
		return malformed(w);
	w->out->ipver = 6;
	memcpy(w->out->src.b, src, 16);
	memcpy(w->out->dst.b, dst, 16);
	for (unsigned n = 0;; n++) {
		if (n >= PKT_MAX_EXTHDRS)
			return malformed(w);
		switch (nh) {
		case 0: case 43: case 60:
			cur_u8(c, &nnh);
			cur_u8(c, &hlen);
			cur_skip(c, (size_t)hlen * 8 + 6);
			if (!cur_ok(c))
				return fail(w);
			nh = nnh;
			continue;
		case 51:
			cur_u8(c, &nnh);
			cur_u8(c, &hlen);
			cur_skip(c, (size_t)hlen * 4 + 6);
			if (!cur_ok(c))
				return fail(w);
			nh = nnh;
			continue;
		case 44:
			cur_u8(c, &nnh);
			cur_skip(c, 1);
			cur_u16(c, &offm);
			cur_u32(c, &id);
			if (!cur_ok(c))
				return fail(w);
			if ((offm & 0xfff9) == 0) {
				/* Atomic fragment (RFC 6946). */
				nh = nnh;
				continue;
			}
			if (w->missing > 0) {
				w->d->st.frags++;
				w->d->st.frags_dropped++;
				w->d->st.truncated++;
				w->res = PKT_ERROR;
				return N_DONE;
			}
			memset(&k, 0, sizeof(k));
			k.src = w->out->src;
			k.dst = w->out->dst;
			k.id = id;
			k.ver = 6;
			r = ipfrag_add(w->d->frag, &k, w->ts, offm & 0xfff8,
			    (offm & 1) != 0, nnh, c->p, c->left, &buf, &len,
			    &rnh);
			if (r == 0) {
				w->res = PKT_HELD;
				return N_DONE;
			}
			if (r < 0 || !use_reassembled(w, buf, len)) {
				w->res = PKT_ERROR;
				return N_DONE;
			}
			nh = rnh;
			continue;
		default:
			return transport(w, nh);
		}
	}
}

/*
 * PPP in HDLC-like framing (RFC 1662) as PPTP carries it: an optional
 * ff 03 address/control pair, then a protocol field of 1 byte (when
 * compressed, RFC 1661 6.5: odd) or 2.  Returns 0 with *n_r for IP, -1
 * otherwise (the cursor is left where it was).
 */
static int
ppp(struct walk *w, enum next *n_r)
{
	struct cursor c = w->c;
	uint16_t proto;
	uint8_t b;

	if (c.left >= 2 && c.p[0] == 0xff && c.p[1] == 0x03)
		cur_skip(&c, 2);
	if (!cur_u8(&c, &b))
		return -1;
	proto = b;
	if ((b & 1) == 0) {
		if (!cur_u8(&c, &b))
			return -1;
		proto = (uint16_t)(proto << 8 | b);
	}
	if (proto != 0x21 && proto != 0x57)
		return -1;
	w->c = c;
	*n_r = proto == 0x21 ? N_IP4 : N_IP6;
	return 0;
}

/*
 * RFC 2784 / RFC 2890: C R K S flags and version 0, protocol type, then
 * the optional checksum+reserved, key and sequence number (4 bytes each).
 * RFC 2637 (PPTP) version 1: K (payload length, call id) always, S, A
 * (acknowledgment number), protocol 0x880b, then PPP.
 * Returns 1 with *n_r set for a payload we follow, 0 to report the GRE
 * packet itself (source routing, other protocols), -1 on error.
 */
static int
gre(struct walk *w, enum next *n_r)
{
	struct cursor *c = &w->c, save = w->c;
	uint16_t flags, et;
	enum next n;
	unsigned ver;

	cur_u16(c, &flags);
	cur_u16(c, &et);
	ver = flags & 7;
	if (flags & 0x8000)
		cur_skip(c, 4);
	if (flags & 0x2000)
		cur_skip(c, 4);
	if (flags & 0x1000)
		cur_skip(c, 4);
	if (ver == 1 && (flags & 0x0080))
		cur_skip(c, 4);
	if ((flags & 0x4000) != 0 || ver > 1 ||
	    (ver == 0 && et != 0x0800 && et != 0x86dd && et != 0x6558) ||
	    (ver == 1 && (et != 0x880b || (flags & 0x2000) == 0))) {
		*c = save;
		return 0;
	}
	if (!cur_ok(c)) {
		*n_r = fail(w);
		return -1;
	}
	if (ver == 1) {
		if (ppp(w, &n) < 0) {
			*c = save;
			return 0;
		}
	} else {
		n = et == 0x0800 ? N_IP4 : et == 0x86dd ? N_IP6 : N_ETH;
	}
	*n_r = tunnel(w, n);
	return 1;
}

static void
finish(struct walk *w)
{
	struct pkt *out = w->out;

	out->payload = w->c.p;
	out->paylen = w->c.left;
	out->l4len = (uint32_t)(w->c.left + w->missing);
	out->truncated = w->missing > 0;
	w->res = PKT_OK;
}

static enum next
transport(struct walk *w, uint8_t proto)
{
	struct cursor *c = &w->c;
	struct pkt *out = w->out;
	uint8_t off, flags;
	uint16_t ulen;
	size_t thl;
	enum next n;

	out->proto = proto;
	switch (proto) {
	case 4:
		return tunnel(w, N_IP4);
	case 41:
		return tunnel(w, N_IP6);
	case 47:
		if (gre(w, &n) != 0)
			return n;
		break;
	case 6:
		/* RFC 9293: ports, seq, ack, data offset, flags, ... */
		cur_u16(c, &out->sport);
		cur_u16(c, &out->dport);
		cur_u32(c, &out->seq);
		cur_u32(c, &out->ack);
		cur_u8(c, &off);
		cur_u8(c, &flags);
		cur_skip(c, 6);
		if (!cur_ok(c))
			return fail(w);
		thl = (size_t)(off >> 4) * 4;
		if (thl < 20 || c->left + w->missing < thl - 20)
			return malformed(w);
		if (!cur_skip(c, thl - 20))
			return fail(w);
		out->tcp_flags = flags;
		break;
	case 17:
		/* RFC 768: ports, length (header included), checksum. */
		cur_u16(c, &out->sport);
		cur_u16(c, &out->dport);
		cur_u16(c, &ulen);
		cur_skip(c, 2);
		if (!cur_ok(c))
			return fail(w);
		if (ulen < 8 || ulen - 8u > c->left + w->missing)
			return malformed(w);
		(void)declare(w, ulen - 8u);
		if (out->dport == VXLAN_PORT && c->left >= 8 &&
		    (c->p[0] & 0x08) != 0) {
			/* RFC 7348: flags, reserved, VNI, reserved. */
			cur_skip(c, 8);
			return tunnel(w, N_ETH);
		}
		break;
	default:
		break;
	}
	finish(w);
	return N_DONE;
}

enum pkt_result
pkt_decode(struct pkt_decoder *d, int linktype, const struct timeval *ts,
    const uint8_t *frame, size_t caplen, size_t wirelen, struct pkt *out)
{
	struct walk w;
	enum next n;

	release_done(d);
	d->st.packets++;
	out->ts = *ts;
	out->wirelen = (uint32_t)wirelen;
	out->ipver = 0;
	out->proto = 0;
	out->sport = out->dport = 0;
	out->tcp_flags = 0;
	out->seq = out->ack = 0;
	out->nvlan = 0;
	out->layers = 0;
	out->truncated = false;
	out->payload = NULL;
	out->paylen = 0;
	out->l4len = 0;
	w.d = d;
	w.out = out;
	w.ts = ts;
	w.res = PKT_ERROR;
	cur_init(&w.c, frame, caplen);
	w.missing = wirelen > caplen ? wirelen - caplen : 0;

	n = link_layer(&w, linktype);
	for (;;) {
		switch (n) {
		case N_ETH:
			n = ethernet(&w);
			continue;
		case N_IP:
			if (!cur_need(&w.c, 1)) {
				n = fail(&w);
				continue;
			}
			if (w.c.p[0] >> 4 == 4)
				n = ipv4(&w);
			else if (w.c.p[0] >> 4 == 6)
				n = ipv6(&w);
			else
				n = malformed(&w);
			continue;
		case N_IP4:
			n = ipv4(&w);
			continue;
		case N_IP6:
			n = ipv6(&w);
			continue;
		case N_DONE:
			break;
		}
		break;
	}
	if (w.res != PKT_OK)
		return w.res;
	if (out->ipver == 4)
		d->st.ip4++;
	else
		d->st.ip6++;
	if (out->proto == 6)
		d->st.tcp++;
	else if (out->proto == 17)
		d->st.udp++;
	else
		d->st.other_l4++;
	return PKT_OK;
}
