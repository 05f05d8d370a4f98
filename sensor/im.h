/*
 * im.h - public instant-messaging protocols recognised by their first
 * bytes, where that is cheap and reliable:
 *
 *   XMPP    stream opening <stream:stream ... to='example.com'> (RFC 6120
 *           4.2, 4.7.2); also after a <?xml ...?> declaration
 *   IRC     NICK / USER / PASS / CAP LS registration lines (RFC 2812 3.1,
 *           IRCv3 capability negotiation)
 *   MQTT    CONNECT packet (MQTT 3.1.1 3.1 / 5.0 3.1): protocol name
 *           "MQTT"/"MQIsdp", client id kept
 *   WhatsApp  the Noise handshake prologue "WA" + version bytes (ED 00 01,
 *           ED 00 01/ WA 02..06) that opens every chat connection
 *   DingTalk  the fixed 16-byte opening of its long-lived connection
 *
 * and, one UDP datagram at a time (im_detect_udp), services whose calls
 * and chats carry no name:
 *
 *   Discord voice  IP discovery request/response (74 bytes, type 1/2,
 *           length 70) and the 8-byte 0x1337cafe keepalive
 *   OICQ    QQ's binary protocol: 0x02, version, command, sequence, ...,
 *           0x03
 *   IMO     its 10-byte peer ping/pong and the relay's 11-byte pong
 *
 * TCP: client-to-server direction only.  A false positive costs an alert,
 * so each signature checks enough structure to be specific.
 */
#ifndef MSGSEC_IM_H
#define MSGSEC_IM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum im_proto {
	IM_NONE = 0,
	IM_XMPP,
	IM_IRC,
	IM_MQTT,
	IM_WHATSAPP,
	IM_DINGTALK,
	IM_DISCORD,
	IM_OICQ,
	IM_IMO,
};

enum {
	IM_NAME_MAX = 256,
};

struct im_match {
	enum im_proto proto;
	char name[IM_NAME_MAX];	/* XMPP to= domain (lowercased), IRC nick,
				   MQTT client id; "" when none */
	const char *what;	/* what matched, a static string such as
				   "stream-header" or "ip-discovery-request"
				   (the alert's app_detail); NULL when none */
};

/* "xmpp", "irc", "mqtt", "whatsapp", "dingtalk", "discord", "oicq",
 * "imo", or "" for IM_NONE. */
const char *im_proto_name(enum im_proto p);

/*
 * Look at the start of a client-to-server stream.  Returns 1 with *out
 * filled, 0 when more bytes could still make a match, -1 when it is none
 * of these protocols.
 */
int im_detect(const uint8_t *p, size_t len, struct im_match *out);

/*
 * Look at one whole UDP datagram (toserver: sent by the flow's client).
 * Returns 1 with *out filled (proto and what; no name), -1 when it is none
 * of the UDP signatures.  Stateless: every datagram is judged alone.
 */
int im_detect_udp(const uint8_t *p, size_t len, bool toserver,
    struct im_match *out);

#endif
