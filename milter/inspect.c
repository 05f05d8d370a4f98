/*
 * inspect.c - one message through the policy: its lifetime (new, finish,
 * free) and what every stage keeps of it (the checks raised, the facts of
 * each part).  The stages, one file each, share inspect_priv.h:
 *
 *   inspect_feed.c     raw bytes in, MIME events dispatched
 *   inspect_message.c  RFC 5322 checks: raw lines, top-level fields
 *   inspect_names.c    file names: normalised, extensions, disguises
 *   inspect_archive.c  a leaf part's bytes: true type, archives, office
 *                      macros, files in legacy encodings
 *   inspect_text.c     decoded text for content rules
 *   inspect_virus.c    libclamav on decoded parts and the message
 *   inspect_reading.c  the message read again in each way it can be read
 *   inspect_rules.c    the direction, facts to the rules, hits
 *   inspect_rcpt.c     what a hit means for each recipient (decide.h)
 *   inspect_verdict.c  one verdict, its reply, the store
 *   inspect_output.c   JSON, alerts, tags, strip
 *
 * Trusts: nothing in the message.  What it keeps per message, all bounded:
 * the top-level header fields (limits.header_*), decoded text for content
 * rules (limits.text_bytes), one record per named part (limits.mime_parts),
 * the checks raised.  The bytes themselves go to the spool file.
 */
#include "inspect.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "mime.h"
#include "scan.h"

#include "inspect_priv.h"

/* ------------------------------------------------------------ checks */

/*
 * Add a check name once.  No bound: the names come from the fixed table of
 * policy/check.c, so the list cannot outgrow it, and a check dropped here
 * would be a rule that silently never fires.
 */
static void
add_check(const char ***v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	*v = mem_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = name;
}

void
inspect_raise(struct inspect *in, const char *name)
{
	add_check(&in->checks, &in->nchecks, name);
}

/*
 * The facts of a part, or of a member or legacy file below: never NULL.
 * No bound of its own: parts are bounded by limits.mime_parts (per
 * reading), members and files in legacy encodings by
 * limits.archive_members, and a part without its facts would be one no
 * name or type rule sees.
 */
struct attachment *
inspect_attachment_for(struct inspect *in, const struct mime_part *part)
{
	struct attachment *a;

	if (in->natts > 0 && in->atts[in->natts - 1].part == part->index &&
	    !in->atts[in->natts - 1].member &&
	    in->atts[in->natts - 1].reading == in->reading)
		return &in->atts[in->natts - 1];
	in->atts = mem_reallocarray(in->atts, in->natts + 1,
	    sizeof(*in->atts));
	a = &in->atts[in->natts++];
	memset(a, 0, sizeof(*a));
	a->part = part->index;
	a->reading = in->reading;
	/* A part of another reading is not cut out: it is held whole. */
	a->off_valid = part->off_valid && part->index != 0 &&
	    !part->is_multipart && !part->is_message && in->reading == NULL;
	a->off_header = part->off_header;
	str_lcpy(a->declared, part->type, sizeof(a->declared));
	return a;
}

void
inspect_att_check(struct attachment *a, const char *name)
{
	add_check(&a->checks, &a->nchecks, name);
}

/* ------------------------------------------------------------ lifetime */

struct inspect *
inspect_new(struct policy *p, const struct envelope *env, time_t now,
    struct scan_engine *engine, bool store)
{
	struct inspect *in = mem_calloc(1, sizeof(*in));
	struct mime_limits ml;

	in->p = policy_ref(p);
	in->lim = &p->config.limits;
	in->env = *env;
	in->real_clock = now == 0;
	in->now = now != 0 ? now : time(NULL);
	in->mail_from = mem_strdup(env->mail_from != NULL ? env->mail_from :
	    "");
	in->env.mail_from = in->mail_from;
	in->rcpts = mem_calloc(env->nrcpts + 1, sizeof(*in->rcpts));
	for (size_t i = 0; i < env->nrcpts; i++)
		in->rcpts[i] = mem_strdup(env->rcpts[i]);
	in->env.rcpts = (const char *const *)in->rcpts;
	/* The milter refuses recipients past the limit; --test and other
	 * callers get the finding. */
	if (env->nrcpts > in->lim->recipients)
		inspect_raise(in, "limit.recipients");
	in->env.queue_id = NULL;
	if (env->queue_id != NULL)
		in->env.queue_id = mem_strdup(env->queue_id);
	in->env.auth_user = env->auth_user != NULL ?
	    mem_strdup(env->auth_user) : NULL;
	in->env.daemon = env->daemon != NULL ? mem_strdup(env->daemon) : NULL;
	in->raw_in_headers = true;
	in->line_start = true;
	in->text_part = SIZE_MAX;
	in->part_index = SIZE_MAX;
	buf_init(&in->part_bytes, in->lim->archive_bytes < SIZE_MAX ?
	    (size_t)in->lim->archive_bytes : SIZE_MAX);
	in->budget.depth = in->lim->archive_depth;
	in->budget.members = in->lim->archive_members;
	in->budget.bytes = in->lim->archive_bytes;
	in->budget.ratio = in->lim->archive_ratio;
	buf_init(&in->text, in->lim->text_bytes);
	buf_init(&in->part_text, in->lim->text_bytes);
	inspect_mime_limits(in, &ml);
	in->mime = mime_new(&ml, inspect_on_mime, in);
	in->store = store;
	in->engine = engine != NULL ? scan_engine_ref(engine) : NULL;
	{
		char *err = NULL;

		if (spool_open(&in->spool, p->config.quarantine_dir,
		    (size_t)p->config.limits.spool_memory, &err) < 0) {
			in->internal_error = true;
			in->internal_why = err;
		} else {
			in->spooling = true;
		}
	}
	return in;
}

const struct verdict *
inspect_finish(struct inspect *in)
{
	struct verdict *v = &in->verdict;

	if (in->finished)
		return v;
	in->finished = true;
	(void)mime_finish(in->mime);
	inspect_text_finish(in);
	inspect_readings(in);
	inspect_message_checks(in);
	inspect_virus_message(in);
	inspect_direction(in);
	inspect_rules(in);
	inspect_verdict(in);
	return v;
}

bool
inspect_store_failed(const struct inspect *in)
{
	return in->store_failed;
}

void
inspect_free(struct inspect **inp)
{
	struct inspect *in = *inp;

	if (in == NULL)
		return;
	mime_free(&in->mime);
	if (in->spooling)
		spool_discard(&in->spool);
	for (size_t i = 0; i < in->nfields; i++) {
		free(in->fields[i].name);
		free(in->fields[i].value);
	}
	free(in->fields);
	free(in->subject);
	free(in->from_raw);
	buf_free(&in->text);
	buf_free(&in->part_text);
	buf_free(&in->part_bytes);
	free(in->texts);
	for (size_t i = 0; i < in->natts; i++) {
		for (int k = 0; k < 2; k++) {
			free(in->atts[i].names[k]);
			free(in->atts[i].raw[k]);
		}
		free(in->atts[i].checks);
	}
	free(in->atts);
	free(in->checks);
	for (size_t i = 0; i < in->nhits; i++) {
		free(in->hits[i].filename);
		free(in->hits[i].detail);
		free(in->hits[i].per_rcpt);
		free(in->hits[i].per_exc);
	}
	free(in->hits);
	free(in->rv);
	free(in->subjects);
	free(in->verdict.text);
	for (size_t i = 0; i < in->env.nrcpts; i++)
		free(in->rcpts[i]);
	free(in->rcpts);
	free(in->mail_from);
	free((char *)(uintptr_t)in->env.queue_id);
	free((char *)(uintptr_t)in->env.auth_user);
	free((char *)(uintptr_t)in->env.daemon);
	free(in->internal_why);
	free(in->amb_detail);
	for (size_t i = 0; i < in->nrnames; i++)
		free(in->rnames[i]);
	free(in->rnames);
	inspect_items_free(in);
	for (size_t i = 0; i < in->nviruses; i++)
		free(in->viruses[i]);
	free(in->viruses);
	free(in->scan_error);
	scan_engine_unref(&in->engine);
	policy_unref(&in->p);
	free(in);
	*inp = NULL;
}
