/*
 * clause.c - the policy's clause numbers, titles and texts (clause.h).
 *
 * The numbers are the enterprise policy's; the shipped rules use them as
 * follows: 3.1 is the use of private e-mail and public IM for official
 * business (webmail and IM flows, official mail to free-mail accounts),
 * 3.2 attachments sent or fetched through them (uploads and downloads),
 * 3.3 the logging and monitoring that hidden names and DNS over HTTPS
 * defeat.  A static table: nothing here reads input.
 */
#include <string.h>

#include "clause.h"

static const struct clause clauses[] = {
	{ "1.1", "Viruses and dangerous files",
	    "Known viruses in subject, body and attachments, and files whose "
	    "extensions are affiliated with viruses, are discarded; "
	    "executables may be." },
	{ "1.2", "Spam and content rules",
	    "Subject and content patterns an agency requests or that are "
	    "identified as spam are filtered." },
	{ "1.3", "Message syntax (RFC 5322)",
	    "Messages must follow RFC 2822 (today RFC 5322) syntax." },
	{ "1.4", "Message segmentation",
	    "Messages split into parts that can hide malware are banned." },
	{ "2", "Agency content filtering",
	    "Agencies filter outgoing content only under an acceptable-use "
	    "policy, incoming only with the General Counsel's approval." },
	{ "3.1", "Private e-mail and public IM",
	    "Private e-mail and public instant messaging are not for official "
	    "business." },
	{ "3.2", "Attachments via private mail or IM",
	    "No attachments are sent or fetched through private e-mail or "
	    "public IM from inside the network." },
	{ "3.3", "Logging and monitoring",
	    "Traffic may be logged and monitored." },
	{ "3.4", "Disconnection",
	    "A source of intrusion may be disconnected." },
	{ "4", "Exceptions",
	    "Exceptions are requested by the agency head with reasons, "
	    "circumstances, duration and access controls, and approved by "
	    "both approving bodies before use." },
	{ "5", "Public records",
	    "All messages are public records, retained and disposed of by "
	    "schedule." },
	{ NULL, NULL, NULL },
};

const struct clause *
clause_table(void)
{
	return clauses;
}

const struct clause *
clause_find(const char *id)
{
	for (const struct clause *c = clauses; c->id != NULL; c++)
		if (strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

const char *
clause_title(const char *id)
{
	const struct clause *c = clause_find(id);

	return c != NULL ? c->title : "Other";
}
