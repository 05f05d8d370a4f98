/*
 * watch.h - a cheap "did the policy's files change?" test for long-running
 * readers (msgsec-milter's reload thread, msgsec-sensor's main loop).
 *
 * A fingerprint is a 64-bit hash of the stat(2) data (inode, size,
 * modification and change times in nanoseconds) of the configuration file,
 * the rules, agencies and exceptions folders and every visible *.yaml file
 * in them.  Any file written, renamed in, removed or touched changes it.
 * It costs one readdir and one stat per file: call it every few seconds.
 * Comparing fingerprints, not times, also notices a file put back with an
 * older time (a restored backup).
 */
#ifndef MSGSEC_WATCH_H
#define MSGSEC_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * Fingerprint of paths: each a regular file or a folder (whose visible
 * *.yaml entries count too).  A missing path counts as "missing", so its
 * appearance changes the result.  Thread safe (no state).
 */
uint64_t watch_fingerprint(const char *const *paths, size_t npaths);

/*
 * Fingerprint of what policy_load reads for c: the configuration file,
 * paths.rules, paths.agencies and paths.exceptions.  Call it with the
 * running snapshot's config; when the result differs from the last one,
 * reload (policy_load) and publish the new snapshot the way SIGHUP does.
 */
uint64_t watch_policy_sources(const struct config *c);

#endif
