/*
 * cmd_db.c - `msgsec db init|migrate|status`: the records database's schema
 * (quarantine.backend: postgresql; pgstore/pgdb.h).
 *
 *   init, migrate   apply the migrations the schema lacks, in one
 *                   transaction (idempotent; two at once wait for each
 *                   other); init says so when there was nothing to do
 *   status          the schema's version against this msgsec's; exit 0
 *                   when they match, 1 otherwise (for a monitoring check)
 *
 * Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "pgdb.h"

static void
db_usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec db init|migrate|status [-c FILE] "
	    "[--set KEY=VALUE]...\n"
	    "\n"
	    "  init      create the schema in an empty database (and apply "
	    "any\n"
	    "            migration missing from an existing one)\n"
	    "  migrate   apply the migrations the schema lacks\n"
	    "  status    print the schema's version; exit 1 unless it is "
	    "this msgsec's\n"
	    "\n"
	    "The database is quarantine.dsn (a libpq connection string; the "
	    "password\n"
	    "comes from PGPASSFILE, ~/.pgpass or passfile=).\n");
}

static int
db_run(const char *op, const struct config *conf)
{
	struct pgdb *db;
	char *err = NULL;
	int rc = 1, from, to;

	if (conf->quarantine_backend != QUARANTINE_POSTGRESQL &&
	    conf->alert_output != ALERT_OUT_DATABASE) {
		cli_err("msgsec db", "quarantine.backend is files and "
		    "alerts.output is not postgresql in %s: no database to %s "
		    "(set quarantine.backend: postgresql or alerts.output: "
		    "postgresql, and quarantine.dsn)", conf->file, op);
		return 1;
	}
	if ((db = pgdb_connect(conf->quarantine_dsn,
	    conf->quarantine_statement_ms, &err)) == NULL) {
		cli_err("msgsec db", "%s", err);
		free(err);
		return 1;
	}
	if (strcmp(op, "status") == 0) {
		if (pgdb_schema_version(db, &from, &err) < 0) {
			cli_err("msgsec db", "%s", err);
		} else if (from == PGDB_SCHEMA_VERSION) {
			printf("schema version %d: up to date\n", from);
			rc = 0;
		} else if (from == 0) {
			printf("no msgsec schema (this msgsec uses version "
			    "%d): run 'msgsec db init'\n", PGDB_SCHEMA_VERSION);
		} else if (from < PGDB_SCHEMA_VERSION) {
			printf("schema version %d, this msgsec uses %d: run "
			    "'msgsec db migrate'\n", from, PGDB_SCHEMA_VERSION);
		} else {
			printf("schema version %d is newer than this msgsec's "
			    "%d: run a newer msgsec\n", from,
			    PGDB_SCHEMA_VERSION);
		}
	} else if (pgdb_migrate(db, &from, &to, &err) < 0) {
		cli_err("msgsec db", "%s", err);
	} else {
		if (from == to)
			printf("schema version %d: nothing to do\n", to);
		else if (from == 0)
			printf("created schema version %d\n", to);
		else
			printf("migrated schema from version %d to %d\n", from,
			    to);
		rc = 0;
	}
	free(err);
	pgdb_close(&db);
	return rc;
}

int
cmd_db(int argc, char **argv)
{
	struct cli_common cc = { 0 };
	struct config conf;
	const char *op = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		rc = cli_common_option(&cc, argc, argv, &i);
		if (rc < 0) {
			cli_common_free(&cc);
			return 2;
		}
		if (rc > 0)
			continue;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			db_usage(stdout);
			cli_common_free(&cc);
			return 0;
		}
		if (op == NULL && (strcmp(a, "init") == 0 ||
		    strcmp(a, "migrate") == 0 || strcmp(a, "status") == 0)) {
			op = a;
			continue;
		}
		cli_err("msgsec db", "unexpected argument '%s'", a);
		db_usage(stderr);
		cli_common_free(&cc);
		return 2;
	}
	if (op == NULL) {
		db_usage(stderr);
		cli_common_free(&cc);
		return 2;
	}
	if (cli_config_load(&cc, &conf) != 0) {
		cli_err("msgsec db", "cannot read the configuration %s",
		    cc.config);
		cli_common_free(&cc);
		return 1;
	}
	rc = db_run(op, &conf);
	config_free(&conf);
	cli_common_free(&cc);
	return rc;
}
