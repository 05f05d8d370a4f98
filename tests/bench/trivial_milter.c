/*
 * trivial_milter.c - the milter benchmark's reference: a libmilter milter
 * that looks at every header and body chunk and accepts everything,
 * negotiating the same protocol steps and no-reply flags as msgsec-milter.
 * What it costs is the milter protocol itself (connection, thread,
 * negotiation, one message per step); msgsec's figure above it is its own.
 *
 *   trivial-milter unix:/path/sock | inet:PORT@HOST
 *
 * Not installed; built by `make bench` only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

static unsigned long proto;

static sfsistat
t_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA |
	    SMFIP_HDR_LEADSPC | SMFIP_NR_CONN | SMFIP_NR_MAIL |
	    SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;

	(void)ctx;
	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
	    SMFIF_QUARANTINE);
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	proto = *pf1;	/* the same for every connection of one MTA */
	return SMFIS_CONTINUE;
}

static sfsistat
reply(unsigned long nr)
{
	return (proto & nr) != 0 ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat
t_connect(SMFICTX *ctx, char *host, struct sockaddr *sa)
{
	(void)ctx;
	(void)host;
	(void)sa;
	return reply(SMFIP_NR_CONN);
}

static sfsistat
t_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return reply(SMFIP_NR_MAIL);
}

static sfsistat
t_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return reply(SMFIP_NR_RCPT);
}

static sfsistat
t_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return reply(SMFIP_NR_HDR);
}

static sfsistat
t_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return reply(SMFIP_NR_EOH);
}

static sfsistat
t_body(SMFICTX *ctx, unsigned char *p, size_t len)
{
	(void)ctx;
	(void)p;
	(void)len;
	return reply(SMFIP_NR_BODY);
}

static sfsistat
t_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d;

	if (argc != 2) {
		fprintf(stderr, "usage: trivial-milter SOCKET\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.xxfi_name = "trivial";
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
	    SMFIF_QUARANTINE;
	d.xxfi_negotiate = t_negotiate;
	d.xxfi_connect = t_connect;
	d.xxfi_envfrom = t_envfrom;
	d.xxfi_envrcpt = t_envrcpt;
	d.xxfi_header = t_header;
	d.xxfi_eoh = t_eoh;
	d.xxfi_body = t_body;
	d.xxfi_eom = t_eom;
	if (smfi_register(d) != MI_SUCCESS || smfi_setconn(argv[1]) !=
	    MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "trivial-milter: cannot use %s\n", argv[1]);
		return 1;
	}
	(void)smfi_setbacklog(128);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
