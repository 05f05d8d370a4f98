/*
 * http.h - the HTTP/1.x request head (RFC 9112 3 request line, RFC 9110
 * 7.2 Host), from the start of a TCP stream.
 *
 * Only the request line and the Host field are kept.  Lines end in CRLF
 * or a bare LF (RFC 9112 2.2 tolerance); obsolete line folding is not
 * a Host.  Bounded by HTTP_HEAD_MAX: a head longer than that is -1.
 */
#ifndef MSGSEC_HTTP_H
#define MSGSEC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

enum {
	HTTP_HEAD_MAX = 16384,
	HTTP_METHOD_MAX = 16,
	HTTP_URI_MAX = 256,	/* cut, marked with "..." */
	HTTP_HOST_MAX = 256,
};

struct http_req {
	char method[HTTP_METHOD_MAX];
	char uri[HTTP_URI_MAX];
	unsigned version;	/* 10 or 11 */
	bool has_host;
	char host[HTTP_HOST_MAX];	/* lowercased, port removed, escaped */
	bool connect;		/* CONNECT host:port (a proxy): host from
				   the request target */
};

/*
 * Returns 1 with *out filled once the head is complete (blank line) or the
 * Host field has been seen, 0 when more bytes are needed, -1 when the bytes
 * are not an HTTP/1.x request.
 */
int http_parse_request(const char *p, size_t len, struct http_req *out);

#endif
