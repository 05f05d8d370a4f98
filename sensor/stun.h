/*
 * stun.h - STUN and TURN messages (RFC 8489, formerly RFC 5389; TURN
 * RFC 8656; classic RFC 3489 where the magic cookie is absent) and
 * Discord's voice IP discovery, on any port, and the calling service
 * they belong to.
 *
 * A call's media relays and ICE checks say little about who runs them,
 * but what they carry is stable per service: vendor attributes
 * (WhatsApp's 0x4000-0x4002, Microsoft's MS-TURN/MS-ICE2 attributes),
 * the TURN REALM (signal.org, telegram.org, a facebook realm, viber.com,
 * google.com), Meta's edge-relay USERNAME, and the relay addresses in a
 * provider's published ranges (call_relays_* lists, stun_flow_relay).
 * Attributes that every WebRTC client sends (GOOG-NETWORK-INFO 0xC057,
 * ICE-CONTROLLING, PRIORITY) decide nothing.  A STUN user nobody
 * recognises stays STUN_SVC_NONE: a flow record, never an alert.
 *
 * Trusts nothing: every read goes through the bounded cursor; attributes
 * are walked inside the message's declared length, which must fit the
 * bytes given.  No allocation.  SOFTWARE and REALM are kept escaped
 * (hostname.h), the USERNAME only as its format (no credentials are
 * logged).
 */
#ifndef MSGSEC_STUN_H
#define MSGSEC_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

struct policy;
struct json_writer;

enum {
	STUN_HDR = 20,
	STUN_TEXT_MAX = 96,	/* escaped SOFTWARE / REALM kept */
};

enum stun_class {
	STUN_REQUEST = 0,
	STUN_INDICATION = 1,
	STUN_SUCCESS = 2,
	STUN_ERROR = 3,
};

enum stun_service {
	STUN_SVC_NONE = 0,
	STUN_SVC_WHATSAPP,
	STUN_SVC_MESSENGER,
	STUN_SVC_META,		/* Meta's relays: WhatsApp or Messenger */
	STUN_SVC_SIGNAL,
	STUN_SVC_TEAMS,
	STUN_SVC_GOOGLE_MEET,
	STUN_SVC_TELEGRAM,
	STUN_SVC_DISCORD,
	STUN_SVC_VIBER,
	STUN_SVC_COUNT_
};

/* What decided the service (the alert's stun.matched). */
enum stun_signal {
	STUN_SIG_NONE = 0,
	STUN_SIG_ATTRIBUTE,	/* a vendor attribute */
	STUN_SIG_REALM,
	STUN_SIG_USERNAME,
	STUN_SIG_ADDRESS,	/* an address the provider numbers its own */
	STUN_SIG_RELAY,		/* a call_relays_* list */
	STUN_SIG_DISCOVERY,	/* Discord's IP discovery packet */
	STUN_SIG_COUNT_
};

enum stun_uname {
	STUN_UNAME_NONE = 0,
	STUN_UNAME_ICE,		/* ufrag:ufrag (RFC 8445 7.2.2) */
	STUN_UNAME_TURN_REST,	/* expiry:user (TURN REST API) */
	STUN_UNAME_EDGERAY,	/* Meta's edge relay */
	STUN_UNAME_OTHER,
};

/* One parsed message; the pointers are into the input. */
struct stun_msg {
	uint16_t type;		/* the 14-bit message type */
	uint16_t method;	/* 12 bits */
	uint8_t cls;		/* enum stun_class */
	bool classic;		/* RFC 3489: no magic cookie */
	bool discord;		/* Discord IP discovery, not STUN */
	uint16_t len;		/* body length */
	uint8_t tid[12];
	uint16_t nattrs;
	uint16_t vendor;	/* the first deciding vendor attribute, 0 */
	bool has_integrity;
	bool has_fingerprint;
	bool fingerprint_ok;
	const uint8_t *software, *realm, *username;
	uint16_t software_len, realm_len, username_len;
	bool has_mapped, has_relayed;	/* XOR-MAPPED / XOR-RELAYED */
	struct ipaddr mapped, relayed;
};

/*
 * Parse one message at the start of p.  Returns 1 with *m filled and
 * *used_r its size (header + body), 0 when the bytes run out inside
 * what could be a message, -1 when it is not STUN (or is malformed: an
 * attribute running past the body, a bad FINGERPRINT).
 */
int stun_parse(const uint8_t *p, size_t len, struct stun_msg *m,
    size_t *used_r);

/*
 * TURN ChannelData (RFC 8656 12.4) at the start of p: channel
 * 0x4000-0x4fff and a length.  Returns 1 with *used_r (padded to 4 when
 * pad, as over TCP), 0 when truncated, -1 when not ChannelData.
 */
int stun_channel_data(const uint8_t *p, size_t len, bool pad,
    size_t *used_r);

/* What a flow's STUN said, kept by the engine per flow. */
struct stun_flow {
	uint16_t msgs;		/* messages parsed */
	uint32_t looked;	/* datagrams without STUN since the first */
	uint16_t methods;	/* bit (method & 15) of each seen */
	uint16_t first_type;
	uint16_t vendor;	/* the deciding attribute, 0 */
	uint8_t service;	/* enum stun_service */
	uint8_t signal;		/* enum stun_signal */
	uint8_t uname;		/* enum stun_uname of the first USERNAME */
	bool classic;
	bool integrity;
	bool fingerprint;
	bool discord;
	bool limit;		/* stun_messages reached, undecided */
	bool tcp_framed;	/* TCP: RFC 4571 two-byte framing */
	size_t tcp_off;		/* TCP: where the next message is */
	char software[STUN_TEXT_MAX];
	char realm[STUN_TEXT_MAX];
};

/*
 * Record one message on the flow; classify it if still undecided (or
 * only known as Meta's: stun_flow_final).
 */
void stun_flow_add(struct stun_flow *sf, const struct stun_msg *m);

/* Is the service final (STUN_SVC_META may still become WhatsApp or
 * Messenger)? */
bool stun_flow_final(const struct stun_flow *sf);

/*
 * Classify by address when the messages did not: a server (or client)
 * in one of the policy's call_relays_* lists, or a Meta address.
 * Returns true when the flow got a service.
 */
bool stun_flow_relay(struct stun_flow *sf, const struct policy *p,
    const struct ipaddr *srv, const struct ipaddr *cli);

/*
 * Write "stun":{service, matched, attribute, methods, first, class,
 * software, realm, username, classic, integrity, fingerprint,
 * ip_discovery, messages, limit} (what is known; the alert's and the
 * flow record's STUN detail) at w's position inside an object.
 */
void stun_flow_json(struct json_writer *w, const struct stun_flow *sf);

/* "whatsapp", "messenger", "meta", "signal", "teams", "google-meet",
 * "telegram", "discord", "viber"; "" for none. */
const char *stun_service_name(enum stun_service s);
/* The service's domain, for official_im (agency.h): "whatsapp.com", ... */
const char *stun_service_domain(enum stun_service s);
/* "attribute", "realm", "username", "address", "relay-list",
 * "ip-discovery"; "" for none. */
const char *stun_signal_name(enum stun_signal s);
/* "ice", "turn-rest", "edgeray", "other"; NULL for none. */
const char *stun_uname_name(enum stun_uname u);
/* "binding", "allocate", ..., or NULL when not a known method. */
const char *stun_method_name(uint16_t method);
/* "request", "indication", "success", "error". */
const char *stun_class_name(unsigned cls);

#endif
