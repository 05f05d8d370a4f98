/*
 * config.h - the main configuration file (msgsec.yaml): where the rules,
 * agencies, exceptions, quarantine and alert log are, the limits on
 * untrusted input, and the actions on internal errors.
 *
 * Settings are described by one table (name, type, default, range, help),
 * so that unknown keys get a suggestion, `--set key.path=value` is checked
 * like the file, and the documentation lists every key with its default.
 * Relative paths are resolved against the folder of the configuration file.
 */
#ifndef MSGSEC_CONFIG_H
#define MSGSEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "alert.h"
#include "cidr.h"
#include "diag.h"
#include "node.h"

/* sensor.workers' upper bound: a configuration range, checked at
 * file:line:col (a value past it is refused, never cut). */
#define CONF_WORKERS_MAX 64

struct limits {
	uint64_t message_size;
	uint64_t mime_depth;
	uint64_t mime_parts;
	uint64_t header_bytes;
	uint64_t header_count;
	uint64_t line_length;
	uint64_t mime_params;
	uint64_t param_sections;
	uint64_t recipients;
	uint64_t text_bytes;
	uint64_t spool_memory;
	uint64_t archive_depth;
	uint64_t archive_members;
	uint64_t archive_bytes;
	uint64_t archive_ratio;
	uint64_t yaml_file_size;
	uint64_t yaml_depth;
	uint64_t yaml_nodes;
	uint64_t list_entries;
	uint64_t rules;
	uint64_t exceptions;
	uint64_t regex_match_limit;
	uint64_t regex_depth_limit;
};

/*
 * clamav.reload: how a changed virus database replaces the engine.
 * Concurrent builds the new engine while the old one scans (two engines'
 * memory for a while); blocking frees the old one first (one engine's
 * memory; messages wait for the new one, clamav.reload_wait_seconds).
 */
enum clamav_reload {
	CLAMAV_RELOAD_CONCURRENT,
	CLAMAV_RELOAD_BLOCKING,
};

/*
 * The largest message the records database stores: bytea holds at most
 * 1 GB (and one protocol message as much), less room for the row; with
 * quarantine.backend: postgresql a larger limits.message_size is refused
 * at load.
 */
#define CONFIG_DB_MESSAGE_MAX 1000000000u

/*
 * quarantine.backend: where blocked messages, release passes and the
 * audit trail are kept.  Files: the folder store (quarantine.h), the
 * embedded default; postgresql: one database for every gateway
 * (quarantine.dsn; pgstore/).
 */
enum quarantine_backend {
	QUARANTINE_FILES,
	QUARANTINE_POSTGRESQL,
};

/* msgsec-sensor's settings (sensor.*). */
struct sensor_config {
	char *user;		/* "" = do not change user */
	uint64_t snaplen;
	uint64_t buffer_size;
	bool immediate;
	uint64_t max_flows;
	uint64_t stream_bytes;
	uint64_t stream_memory;
	uint64_t tcp_timeout;
	uint64_t tcp_closed_timeout;
	uint64_t tcp_new_timeout;
	uint64_t udp_timeout;
	uint64_t frag_datagrams;
	uint64_t frag_memory;
	uint64_t frag_timeout;
	uint64_t max_layers;
	uint64_t dns_dedup_seconds;
	char *flow_log;		/* "" = off, "-" = stdout, else a path */
	bool progress;
	char *ech_fronts_list;
	uint64_t check_seconds;
	uint64_t quic_crypto_bytes;
	uint64_t quic_initials;
	uint64_t workers;	/* capture threads; 0 = auto (online cores),
				   at most CONF_WORKERS_MAX */
	uint64_t stun_messages;
};

struct config {
	char *file;		/* as given */
	char *dir;		/* its folder, for relative paths */

	char *rules_dir;
	char *agencies_dir;
	char *exceptions_dir;
	char *state_dir;
	char *quarantine_dir;

	enum alert_output alert_output;
	char *alert_file;
	char *syslog_facility;
	bool alert_messages;	/* alerts.message_records */
	bool alert_keep_file;	/* alerts.keep_file */
	uint64_t alert_queue;	/* alerts.queue ... alerts.retry_ms */
	uint64_t alert_batch;
	char *alert_spool;
	uint64_t alert_spool_bytes;
	uint64_t alert_retry_ms;

	char *milter_socket;
	uint64_t milter_socket_mode;
	char *milter_user;
	char **internal_networks;
	size_t ninternal_networks;
	struct cidrset *internal_nets;
	char **outbound_daemons;
	size_t noutbound_daemons;
	bool monitor;
	enum action on_internal_error;
	bool multipart_literal;
	bool split_recipients;	/* milter.split_recipients */
	uint64_t malloc_arenas;
	uint64_t malloc_keep;
	char *dangerous_list;
	char *archive_list;

	struct sensor_config sensor;

	bool clamav_enabled;
	char *clamav_database;
	uint64_t clamav_check_seconds;
	uint64_t clamav_max_scans;
	uint64_t clamav_max_age_days;
	char *clamav_tmpdir;
	enum clamav_reload clamav_reload;
	uint64_t clamav_reload_wait_seconds;
	uint64_t clamav_reload_drain_seconds;

	char *metrics_file;		/* "": off */
	char *metrics_sensor_file;	/* "": off */
	uint64_t metrics_interval;
	uint64_t metrics_max_series;

	char **approvers;
	size_t napprovers;
	uint64_t exception_max_days;

	uint64_t quarantine_retention_days;
	char *quarantine_sendmail;
	uint64_t quarantine_release_seconds;
	enum quarantine_backend quarantine_backend;
	char *quarantine_dsn;		/* libpq connection string, no password */
	uint64_t quarantine_statement_ms;
	uint64_t quarantine_pool;
	char *quarantine_gateway;	/* "" = the host's name */

	char *journal_address;		/* "" = off; config_address_check */

	struct limits limits;
};

#define CONFIG_GATEWAY_MAX 64	/* longest quarantine.gateway */

enum config_type {
	CONF_U64,
	CONF_RELOAD,		/* concurrent | blocking */
	CONF_BACKEND,		/* files | postgresql */
	CONF_DSN,		/* a libpq connection string, may be empty,
				 * never holding a password */
	CONF_OPTPATH,		/* a path that may be empty (off) */
	CONF_BOOL,
	CONF_STR,
	CONF_OPTSTR,		/* a string that may be empty */
	CONF_GATEWAY,		/* a gateway's name, may be empty (the
				 * host's name) */
	CONF_PATH,
	CONF_ACTION,
	CONF_STRLIST,
	CONF_CIDRLIST,
	CONF_OUTPUT,
	CONF_MODE,
	CONF_WORKERS,		/* a count in [min, max], or auto (stored
				 * as 0) */
	CONF_ADDRESS,		/* an e-mail address (local@domain), may be
				 * empty (off) */
};

struct config_key {
	const char *name;	/* dotted path, e.g. "limits.mime_depth" */
	enum config_type type;
	size_t offset;		/* in struct config */
	size_t count_offset;	/* STRLIST / CIDRLIST: the count field */
	const char *def;	/* default, as YAML text */
	uint64_t min, max;	/* U64 range */
	const char *help;
};

/* The table, terminated by a NULL name. */
const struct config_key *config_keys(void);
const struct config_key *config_key_find(const char *name);

/*
 * Apply one "key.path=value" override to a parsed configuration document
 * (value is read as YAML, so lists work: key=[a, b]).  Unknown keys are an
 * error with a suggestion.  Returns 0 or -1.
 */
int config_override(struct node_doc *doc, const char *assignment,
    struct diags *d);

/*
 * Build the settings from a parsed document (root may be NULL: all
 * defaults).  Returns 0, or -1 with diagnostics.
 */
int config_from_node(struct config *c, const char *file,
    const struct node *root, struct diags *d);
void config_free(struct config *c);

/*
 * Is s[0..len) an address msgsec may add as an envelope recipient
 * (journal.address, an agency's journal_address): local@domain, the local
 * part a dot-atom of RFC 5322 atext (no quoting, no white space, no
 * angle brackets, at most 64 bytes), the domain a host name as
 * domain_validate() reads it (no wildcard), 254 bytes in all.  Returns 0,
 * or -1 with *why_r a static English reason and *off_r the 0-based
 * offset of the offending byte.
 */
int config_address_check(const char *s, size_t len, const char **why_r,
    size_t *off_r);

/* Join dir and a relative path (an absolute path is returned as is). */
char *config_path(const struct config *c, const char *path);

#endif
