/*
 * release.h - one-time passes for mail released from the quarantine.
 *
 * `msgsec quarantine release` re-injects a held message through the MTA's
 * sendmail(1); the milter then sees it again and would block it again.
 * So release first creates a pass: 128 random bits, written as a file
 * QDIR/.release/TOKEN (folder 0700, file 0600, owned by the store's
 * owner: the milter's user) naming the entry, and sends the message with
 * the header
 *
 *   X-Msgsec-Release: TOKEN
 *
 * The milter removes that header from every message (a sender outside
 * cannot smuggle one through), and lets a message through unchecked only
 * when it carries exactly one such header and release_consume() succeeds:
 * the file exists, is younger than quarantine.release_seconds, and the
 * milter is the first to unlink it.  A pass is therefore unforgeable
 * without read access to the store folder (2^128 guesses otherwise) and
 * works once: a replay of the same bytes is judged like any message.
 */
#ifndef MSGSEC_RELEASE_H
#define MSGSEC_RELEASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RELEASE_HEADER "X-Msgsec-Release"
#define RELEASE_TOKEN_LEN 32	/* lowercase hex characters */

/* 128 random bits as RELEASE_TOKEN_LEN hex digits.  0, or -1 with
 * *error_r. */
int release_token_new(char token_r[RELEASE_TOKEN_LEN + 1], char **error_r);

/*
 * Create a pass for entry id in qdir.  token_r gets RELEASE_TOKEN_LEN hex
 * characters and a NUL.  When run as root the folder and file are given
 * to qdir's owner, so the milter's user can consume them.  Returns 0, or
 * -1 with *error_r (allocated).
 */
int release_create(const char *qdir, const char *id,
    char token_r[RELEASE_TOKEN_LEN + 1], char **error_r);

/*
 * Consume the pass named by value (a header value: surrounding white
 * space is ignored; anything but RELEASE_TOKEN_LEN hex digits is refused
 * before any file name is built).  Returns 0 and the entry id in id_r
 * (NUL-terminated, cut to idlen) when the pass existed, was younger than
 * max_age seconds at now, and this call removed it; -1 otherwise (*why_r a
 * static reason).  Thread safe: at most one caller wins a given pass.
 */
int release_consume(const char *qdir, const char *value, time_t now,
    uint64_t max_age, char *id_r, size_t idlen, const char **why_r);

/*
 * The pass a header value names: white space around it dropped, exactly
 * RELEASE_TOKEN_LEN hex digits, lowercased into token.  0, or -1 when it
 * is no pass (nothing else is looked at).
 */
int release_token_parse(const char *value,
    char token[RELEASE_TOKEN_LEN + 1]);

/* Forget a pass that was not used (release failed to send). */
void release_cancel(const char *qdir, const char *token);

#endif
