/*
 * feed.h - how a message's bytes reach the pipeline: the daemon's header
 * fields, rebuilt from what libmilter hands its callbacks, and --test's
 * message file, read as an MTA would deliver it.  No libmilter here, so
 * the unit tests drive the daemon's path with the messages --test reads.
 */
#ifndef MSGSEC_FEED_H
#define MSGSEC_FEED_H

#include <stdbool.h>
#include <stddef.h>

/* Where the bytes go: 0, or -1 (an internal error; feeding goes on). */
typedef int (*feed_fn)(void *arg, const char *p, size_t len);

/* A feed_fn for a struct inspect (arg): inspect_feed. */
int feed_inspect(void *arg, const char *p, size_t len);

/*
 * One header field as the MTA hands it to xxfi_header: name without the
 * colon; value after it, with its leading white space when leadspc
 * (SMFIP_HDR_LEADSPC: Sendmail; Postfix and Sendmail otherwise eat one
 * space), folded lines joined by LF (Postfix) or CRLF.  Gives out
 * "Name:value\r\n" (leadspc) or "Name: value\r\n", every bare LF made
 * CRLF.  Returns 0, or -1 when out failed once.
 */
int feed_header(feed_fn out, void *arg, const char *name, const char *value,
    bool leadspc);

/*
 * The end of the header (xxfi_eoh): the empty line the MTA took away.
 * Returns out's result.
 */
int feed_eoh(feed_fn out, void *arg);

/*
 * A whole message file (--test), given out in pieces as an MTA would
 * deliver it: a leading mbox "From " line dropped; a file whose first
 * line ends in a bare LF has Unix line ends, each made CRLF; a file with
 * CRLF is given as it is, so stray bare LFs and CRs in it still count.
 * Returns 0, or -1 when out failed once.
 */
int feed_file(feed_fn out, void *arg, const char *data, size_t len);

#endif
