/*
 * dns.h - DNS messages (RFC 1035, names and compression 4.1.4; over TCP
 * with the two-byte length prefix, RFC 1035 4.2.2 / RFC 7766).
 *
 * Only the question names and the answer owner/CNAME names are wanted:
 * a query name tells which service a host is about to reach.  Compression
 * pointers are followed with a loop bound (a pointer must point strictly
 * backwards, and at most DNS_MAX_JUMPS are followed) and the 255-octet
 * name bound; labels are lowercased and emitted dotted, with bytes outside
 * [a-z0-9-_] escaped as \DDD (they never match a list, but are shown).
 */
#ifndef MSGSEC_DNS_H
#define MSGSEC_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	DNS_MAX_NAMES = 8,
	DNS_NAME_MAX = 1024,	/* escaped text; the wire bound is 255 */
	DNS_MAX_JUMPS = 32,
};

struct dns_msg {
	uint16_t id;
	bool response;
	uint8_t opcode, rcode;
	uint16_t qtype;		/* of the first question */
	unsigned nnames;	/* question names first, then answer names */
	unsigned nquestions;
	char names[DNS_MAX_NAMES][DNS_NAME_MAX];
};

/*
 * Parse a DNS message (UDP payload, or one TCP message without its length
 * prefix).  Returns 0 with *out filled (at least the header), or -1 when
 * the bytes are not a DNS message (out then holds what was read).
 */
int dns_parse(const uint8_t *p, size_t len, struct dns_msg *out);

/*
 * Over TCP: the stream prefix holds length-prefixed messages.  Returns 1
 * with the first message parsed (*used, unless NULL, the bytes it took
 * with its length prefix), 0 when more bytes are needed, -1 when it is
 * not DNS.
 */
int dns_parse_tcp(const uint8_t *p, size_t len, struct dns_msg *out,
    size_t *used);

#endif
