/*
 * dns.c - DNS messages: the header, the question names and, in responses,
 * the answer owner names and CNAME targets, so a query for an innocent
 * name answered by a CNAME chain into a webmail domain is still seen.
 *
 * Trust: every byte is hostile.  All reads go through policy/cursor.h;
 * resource data is a sub-cursor of RDLENGTH bytes.  Names may point
 * anywhere earlier in the message, so name reading keeps the message
 * bounds apart from the cursor of the record being read.
 *
 * Limits: a compression pointer must point strictly backwards, below the
 * start of every part of the name read so far (offsets only decrease, so
 * no loop is possible), and at most DNS_MAX_JUMPS are followed per name; a name is at most 255 octets on the wire (RFC 1035
 * 2.3.4); DNS_MAX_NAMES names are kept (every question name first, so
 * names[0 .. min(nquestions, nnames)) are the questions; then answer owner
 * and CNAME target names not already kept); at most DNS_MAX_RR records
 * are walked.  No allocation; linear in the message size per name read.
 *
 * Message (RFC 1035 4.1):
 *
 *	+--------+--------+--------+--------+--------+--------+
 *	|   ID   | flags  |QDCOUNT |ANCOUNT |NSCOUNT |ARCOUNT |  12 octets
 *	+--------+--------+--------+--------+--------+--------+
 *	flags: QR(1) OPCODE(4) AA TC RD | RA Z(3) RCODE(4)
 *
 *	question (4.1.2): QNAME | u16 QTYPE | u16 QCLASS
 *	answer   (4.1.3): NAME | u16 TYPE | u16 CLASS | u32 TTL |
 *	                  u16 RDLENGTH | RDATA (a name for CNAME, type 5)
 *
 * Name (4.1.4): labels { u8 len (0..63) | bytes } ending in a zero octet,
 * or ending in a pointer: two octets 11pppppp pppppppp, an offset from the
 * start of the message.  Length octets 01xxxxxx and 10xxxxxx are not in
 * use (RFC 6891 retired the extended label type) and are invalid.
 *
 * Over TCP (RFC 1035 4.2.2, RFC 7766 8): each message is preceded by a
 * u16 length.
 */
#include <string.h>

#include "cursor.h"
#include "dns.h"

enum {
	DNS_HEADER_LEN = 12,
	DNS_WIRE_NAME_MAX = 255,
	DNS_TYPE_CNAME = 5,
	DNS_MAX_RR = 64,	/* answer records walked */
	DNS_MAX_QUESTIONS = 16,	/* more is not a real query */
};

/* Append one label byte, lowercased, or \DDD outside [a-z0-9-_]. */
static void
put_label_byte(char *out, size_t *pos, uint8_t b)
{
	if (b >= 'A' && b <= 'Z')
		b = (uint8_t)(b - 'A' + 'a');
	if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
	    b == '_') {
		out[(*pos)++] = (char)b;
		return;
	}
	out[(*pos)++] = '\\';
	out[(*pos)++] = (char)('0' + b / 100);
	out[(*pos)++] = (char)('0' + b / 10 % 10);
	out[(*pos)++] = (char)('0' + b % 10);
}

/*
 * Read a name at c (a cursor inside the message msg[0..msglen)), moving c
 * past the name's bytes in place (up to and including the first pointer).
 * Writes the dotted, escaped name to out (DNS_NAME_MAX: 255 wire octets
 * escape to at most 4 * 255 characters).  The root name is "".
 */
static bool
read_name(struct cursor *c, const uint8_t *msg, size_t msglen, char *out)
{
	struct cursor at = *c;	/* where labels are read from now */
	size_t wire = 0, pos = 0;
	size_t limit = (size_t)(c->p - msg);	/* pointers go below this */
	unsigned jumps = 0;
	bool jumped = false;

	out[0] = '\0';
	for (;;) {
		uint8_t len;
		const uint8_t *label;

		if (!cur_u8(&at, &len))
			break;
		if ((len & 0xc0) == 0xc0) {
			uint8_t lo;
			size_t off;

			if (!cur_u8(&at, &lo))
				break;
			off = (size_t)(len & 0x3f) << 8 | lo;
			if (!jumped)
				*c = at;	/* the name ends here in place */
			jumped = true;
			/*
			 * Strictly below the start of every segment read so
			 * far: offsets only decrease, so no loop; the jump
			 * count bounds the work on top of that.
			 */
			if (off >= limit || ++jumps > DNS_MAX_JUMPS)
				return cur_fail(c, CUR_INVALID);
			limit = off;
			cur_init(&at, msg + off, msglen - off);
			continue;
		}
		if ((len & 0xc0) != 0)
			return cur_fail(c, CUR_INVALID);
		/* The labels so far plus the root octet: at most 255. */
		if (len > 0 && (wire += (size_t)len + 1) + 1 > DNS_WIRE_NAME_MAX)
			return cur_fail(c, CUR_INVALID);
		if (len == 0) {
			if (!jumped)
				*c = at;
			out[pos] = '\0';
			return true;
		}
		if (!cur_bytes(&at, len, &label))
			break;
		if (pos > 0)
			out[pos++] = '.';
		for (size_t i = 0; i < len; i++)
			put_label_byte(out, &pos, label[i]);
	}
	/* The bytes ran out: truncated in place, or a pointer past the end. */
	out[pos] = '\0';
	return cur_fail(c, jumped ? CUR_INVALID : at.err);
}

/*
 * Keep a name unless the table is full.  Question names are all kept, in
 * order, so names[0 .. min(nquestions, nnames)) are exactly the
 * questions; an answer name already in the table is not repeated.
 */
static void
keep_name(struct dns_msg *out, const char *name, bool answer)
{
	for (unsigned i = 0; answer && i < out->nnames; i++)
		if (strcmp(out->names[i], name) == 0)
			return;
	if (out->nnames >= DNS_MAX_NAMES)
		return;
	memcpy(out->names[out->nnames], name, strlen(name) + 1);
	out->nnames++;
}

int
dns_parse(const uint8_t *p, size_t len, struct dns_msg *out)
{
	struct cursor c, rdata;
	uint16_t flags, qd, an, ns, ar, type, class, rdlen;
	uint32_t ttl;
	char name[DNS_NAME_MAX];

	memset(out, 0, sizeof(*out));
	cur_init(&c, p, len);
	if (!cur_u16(&c, &out->id) || !cur_u16(&c, &flags) ||
	    !cur_u16(&c, &qd) || !cur_u16(&c, &an) || !cur_u16(&c, &ns) ||
	    !cur_u16(&c, &ar))
		return -1;
	out->response = (flags & 0x8000) != 0;
	out->opcode = (uint8_t)(flags >> 11 & 0xf);
	out->rcode = (uint8_t)(flags & 0xf);
	/* Opcodes 0-6 are assigned (RFC 6895 2.2); the rest is not DNS. */
	if (out->opcode > 6 || qd > DNS_MAX_QUESTIONS)
		return -1;
	for (unsigned i = 0; i < qd; i++) {
		if (!read_name(&c, p, len, name) || !cur_u16(&c, &type) ||
		    !cur_u16(&c, &class))
			return -1;
		if (i == 0)
			out->qtype = type;
		out->nquestions++;
		keep_name(out, name, false);
	}
	/*
	 * Answers: a response cut by snaplen or a short buffer still gives
	 * what was read (0); a broken name or pointer is -1.
	 */
	for (unsigned i = 0; i < an && i < DNS_MAX_RR; i++) {
		if (!read_name(&c, p, len, name))
			return c.err == CUR_INVALID ? -1 : 0;
		if (!cur_u16(&c, &type) || !cur_u16(&c, &class) ||
		    !cur_u32(&c, &ttl) || !cur_u16(&c, &rdlen) ||
		    !cur_sub(&c, rdlen, &rdata))
			return 0;
		keep_name(out, name, true);
		if (type == DNS_TYPE_CNAME) {
			if (!read_name(&rdata, p, len, name) ||
			    rdata.left != 0)
				return -1;
			keep_name(out, name, true);
		}
	}
	(void)ttl;
	(void)class;
	return 0;
}

int
dns_parse_tcp(const uint8_t *p, size_t len, struct dns_msg *out,
    size_t *used)
{
	struct cursor c, msg;
	uint16_t n;

	memset(out, 0, sizeof(*out));
	cur_init(&c, p, len);
	if (!cur_u16(&c, &n))
		return 0;
	/* Reject early what can never be a message. */
	if (n < DNS_HEADER_LEN)
		return -1;
	if (!cur_sub(&c, n, &msg))
		return 0;
	if (dns_parse(msg.p, msg.left, out) != 0)
		return -1;
	if (used != NULL)
		*used = len - c.left;
	return 1;
}
