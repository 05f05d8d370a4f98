/*
 * reload.h - msgsec-milter's reloads: the published virus engine and the
 * reload thread (SIGHUP: policy, engine if its database or settings
 * changed, alert log; every clamav.check_seconds: the virus database
 * folder and the policy's files).  No libmilter here.
 */
#ifndef MSGSEC_RELOAD_H
#define MSGSEC_RELOAD_H

#include <stdbool.h>

#include "alert.h"
#include "daemon.h"
#include "policy.h"

struct scan_engine;

/*
 * What a reload reads and writes: the options (configuration and --set
 * values), the published policy, the alert log to reopen.  All three
 * must outlive reload_stop.  Call once, before reload_engine.
 */
void reload_init(const struct daemon_opts *o, struct policy_holder *h,
    struct alert_log *log);

/*
 * Build a virus engine from p's settings and publish it, unless the
 * database files and the settings are those of the engine running
 * (kept; said when hup), or, when !hup (the periodic check), those of
 * the last build that failed.  clamav.reload says how: concurrent builds
 * beside the old engine; blocking unpublishes and frees the old one
 * first (reload_engine_get waits meanwhile).  On failure keeps the old
 * engine (concurrent) or none (blocking) and says why.  Does nothing
 * when clamav.enabled is off.
 */
void reload_engine(const struct policy *p, bool hup);

/*
 * A reference to the published engine for one message (scan_engine_unref
 * it), or NULL when there is none: the message then raises
 * virus.unscannable.  While a blocking reload builds, waits for it at
 * most clamav.reload_wait_seconds (then NULL; qid names the message in
 * the warning).  Thread-safe.
 */
struct scan_engine *reload_engine_get(const struct policy *p,
    const char *qid);

/* Start the reload thread (SIGHUP blocked in every thread).  0 or -1. */
int reload_start(void);
/* Stop it, if started, and wait for it. */
void reload_stop(void);
/* Drop the published engine (after reload_stop and the last message). */
void reload_free(void);

#endif
