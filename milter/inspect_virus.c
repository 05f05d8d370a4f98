/*
 * inspect_virus.c - clause 1.1's virus scanning inside the message
 * pipeline: each decoded attachment from memory, then the message whole.
 *
 * Trusts: nothing in the bytes (libclamav reads them).  Keeps every virus
 * name reported, each once: a rule on virus names must see them all, and
 * there is at most one per scan (scans are bounded by the parts and files
 * the limits let through).  The engine is shared and reference-counted;
 * scans at once are bounded by clamav.max_scans (scan.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect.h"
#include "mem.h"
#include "scan.h"

#include "inspect_priv.h"

/* Keep a virus name (owned from here on), each name once. */
static void
add_virus(struct inspect *in, char *vname)
{
	for (size_t i = 0; i < in->nviruses; i++)
		if (strcmp(in->viruses[i], vname) == 0) {
			free(vname);
			return;
		}
	in->viruses = mem_reallocarray(in->viruses, in->nviruses + 1,
	    sizeof(*in->viruses));
	in->viruses[in->nviruses++] = vname;
}

/*
 * libclamav's answer on something we decoded: a virus is virus.found with
 * its name (each name once); anything else leaves the whole-message scan
 * to decide.
 */
void
inspect_virus_decoded(struct inspect *in, const void *data, size_t len)
{
	char *vname = NULL;
	enum scan_result r;

	if (in->engine == NULL || !in->p->config.clamav_enabled)
		return;
	r = scan_buffer(in->engine, len > 0 ? data : "", len, &vname);
	if (r == SCAN_VIRUS && vname != NULL) {
		inspect_raise(in, "virus.found");
		add_virus(in, vname);
		return;
	}
	free(vname);
}

/*
 * Clause 1.1: the whole message through libclamav, which parses mail and
 * unpacks what it knows, so whatever our own walk does not open is still
 * scanned.  No engine, a scan error or a scanner limit is
 * virus.unscannable: never a silent accept.
 */
void
inspect_virus_message(struct inspect *in)
{
	enum scan_result r;
	char *name = NULL;

	if (!in->p->config.clamav_enabled)
		return;
	if (in->nviruses > 0)
		return;	/* a decoded part already decided it */
	if (in->engine == NULL) {
		in->scan_error = mem_printf("no virus database loaded from %s",
		    in->p->config.clamav_database);
		inspect_raise(in, "virus.unscannable");
		return;
	}
	if (!in->spooling || in->spool.error != 0) {
		in->scan_error = mem_strdup("message bytes unavailable");
		inspect_raise(in, "virus.unscannable");
		return;
	}
	if (in->spool.fd >= 0)
		r = lseek(in->spool.fd, 0, SEEK_SET) == 0 ?
		    scan_fd(in->engine, in->spool.fd, &name) : SCAN_ERROR;
	else
		r = scan_buffer(in->engine, in->spool.mem != NULL ?
		    in->spool.mem : "", in->spool.mem_len, &name);
	if (r == SCAN_VIRUS) {
		inspect_raise(in, "virus.found");
		if (name != NULL)
			add_virus(in, name);
	} else if (r == SCAN_ERROR) {
		in->scan_error = name != NULL ? name :
		    mem_strdup("scan failed");
		inspect_raise(in, "virus.unscannable");
	} else {
		free(name);
	}
}
