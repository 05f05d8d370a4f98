/*
 * config.c - the main configuration file, described by one table.
 *
 * Trusts: nothing in the file or in --set arguments; every value is checked
 * against its type and range, and every unknown key is reported with the
 * closest known one.  Paths are joined to the configuration's folder here
 * and nowhere else.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domset.h"
#include "mem.h"
#include "str.h"
#include "suggest.h"

#define OFF(f) offsetof(struct config, f)
#define LIM(f) (offsetof(struct config, limits) + offsetof(struct limits, f))
#define SEN(f) (offsetof(struct config, sensor) + \
    offsetof(struct sensor_config, f))
#define MIB (1024ull * 1024)
#define GIB (1024ull * MIB)

static const struct config_key keys[] = {
	{ "paths.rules", CONF_PATH, OFF(rules_dir), 0, "policy", 0, 0,
	    "folder of rule files (*.yaml), relative to this file" },
	{ "paths.agencies", CONF_PATH, OFF(agencies_dir), 0, "agencies", 0, 0,
	    "folder of agency records (*.yaml)" },
	{ "paths.exceptions", CONF_PATH, OFF(exceptions_dir), 0, "exceptions",
	    0, 0, "folder of exception records, one ID.yaml each" },
	{ "paths.state", CONF_PATH, OFF(state_dir), 0, "../state", 0, 0,
	    "folder for sockets, pid files and run-time state" },
	{ "paths.quarantine", CONF_PATH, OFF(quarantine_dir), 0,
	    "../state/quarantine", 0, 0,
	    "quarantine store: every message msgsec blocks (clause 5)" },

	{ "alerts.output", CONF_OUTPUT, OFF(alert_output), 0, "file", 0, 0,
	    "where alerts go: file, stdout, syslog, none or postgresql (the "
	    "records database, quarantine.dsn, one log for every gateway)" },
	{ "alerts.keep_file", CONF_BOOL, OFF(alert_keep_file), 0, "false", 0,
	    0, "with alerts.output: postgresql, write alerts.file too" },
	{ "alerts.queue", CONF_U64, OFF(alert_queue), 0, "10000", 1, 1000000,
	    "postgresql: most alerts waiting in memory for the database "
	    "writer (each at most 64 KiB); past it they go to alerts.spool" },
	{ "alerts.batch", CONF_U64, OFF(alert_batch), 0, "1000", 1, 100000,
	    "postgresql: most alerts sent in one COPY" },
	{ "alerts.spool", CONF_PATH, OFF(alert_spool), 0,
	    "../state/alerts.spool", 0, 0, "postgresql: where alerts wait "
	    "(JSON lines) while the database cannot take them; sent when "
	    "it is back" },
	{ "alerts.spool_bytes", CONF_U64, OFF(alert_spool_bytes), 0,
	    "1073741824", 4096, 1024 * GIB, "postgresql: largest spool; "
	    "past it an alert is lost, logged as limit.alerts_spool" },
	{ "alerts.retry_ms", CONF_U64, OFF(alert_retry_ms), 0, "1000", 10,
	    600000, "postgresql: wait between attempts to reach the database "
	    "during an outage" },
	{ "alerts.file", CONF_PATH, OFF(alert_file), 0, "../state/alerts.json",
	    0, 0, "alert log (JSON lines), reopened on SIGHUP" },
	{ "alerts.syslog_facility", CONF_STR, OFF(syslog_facility), 0, "local5",
	    0, 0, "syslog facility when output is syslog" },
	{ "alerts.message_records", CONF_BOOL, OFF(alert_messages), 0, "true",
	    0, 0, "one line per message judged (event_type message: size, "
	    "direction, verdict, hits), for the report's mail volume" },

	{ "milter.socket", CONF_STR, OFF(milter_socket), 0,
	    "unix:../state/milter.sock", 0, 0,
	    "unix:PATH, inet:PORT@HOST or inet6:PORT@HOST (relative unix "
	    "paths are relative to this file)" },
	{ "milter.socket_mode", CONF_MODE, OFF(milter_socket_mode), 0, "0660",
	    0, 07777, "mode of the unix socket, so the MTA can reach it" },
	{ "milter.user", CONF_STR, OFF(milter_user), 0, "msgsec", 0, 0,
	    "user the milter runs as when started as root" },
	{ "milter.internal_networks", CONF_CIDRLIST, OFF(internal_networks),
	    OFF(ninternal_networks), "[127.0.0.0/8, \"::1/128\"]", 0, 0,
	    "clients here send outbound mail" },
	{ "milter.outbound_daemons", CONF_STRLIST, OFF(outbound_daemons),
	    OFF(noutbound_daemons), "[submission, submissions]", 0, 0,
	    "Postfix {daemon_name} values that mean outbound" },
	{ "milter.monitor", CONF_BOOL, OFF(monitor), 0, "false", 0, 0,
	    "turn every action into log, noting the action it would take" },
	{ "milter.on_internal_error", CONF_ACTION, OFF(on_internal_error), 0,
	    "tempfail", 0, 0,
	    "answer when msgsec cannot decide (store full, scanner down)" },
	{ "milter.malloc_arenas", CONF_U64, OFF(malloc_arenas), 0, "2", 0, 256,
	    "malloc arenas the milter's threads share (0: the C library's "
	    "default of 8 per core); each arena keeps its high-water mark, "
	    "so fewer arenas keep memory lower under bursts of large mail" },
	{ "milter.malloc_keep", CONF_U64, OFF(malloc_keep), 0, "16777216", 0,
	    GIB, "freed memory, bytes, each malloc arena keeps for the next "
	    "messages instead of handing it back to the kernel, and the size "
	    "below which blocks come from the arenas (at most 32 MiB) (0: the "
	    "C library's adaptive default); every page handed back is faulted "
	    "in again by the next message" },
	{ "milter.split_recipients", CONF_BOOL, OFF(split_recipients), 0,
	    "false", 0, 0,
	    "where recipients' verdicts differ, remove the recipients whose "
	    "verdict blocks (kept for them in the store) and deliver to the "
	    "rest; off: the strictest verdict is the message's" },
	{ "milter.multipart_literal", CONF_BOOL, OFF(multipart_literal), 0,
	    "false", 0, 0,
	    "read clause 1.4 literally: raise mime.multipart on every "
	    "multi-part message" },
	{ "milter.dangerous_extensions_list", CONF_STR, OFF(dangerous_list), 0,
	    "dangerous_extensions", 0, 0,
	    "list whose extensions make a double extension a disguise" },

	{ "milter.archive_types_list", CONF_STR, OFF(archive_list), 0,
	    "archive_types", 0, 0,
	    "list of true types that are opened as archives" },
	{ "clamav.enabled", CONF_BOOL, OFF(clamav_enabled), 0, "true", 0, 0,
	    "scan every message with libclamav (clause 1.1); without a usable "
	    "database every message raises virus.unscannable" },
	{ "clamav.database", CONF_PATH, OFF(clamav_database), 0,
	    "/var/lib/clamav", 0, 0, "folder of ClamAV signature databases" },
	{ "clamav.tmpdir", CONF_PATH, OFF(clamav_tmpdir), 0, "/dev/shm", 0, 0,
	    "where libclamav unpacks what it scans (a tmpfs saves disk "
	    "writes)" },
	{ "clamav.check_seconds", CONF_U64, OFF(clamav_check_seconds), 0, "30",
	    1, 86400, "how often the database folder is checked for updates" },
	{ "clamav.max_scans", CONF_U64, OFF(clamav_max_scans), 0, "4", 0, 1024,
	    "libclamav scans running at once (0: no bound); each can take "
	    "several times the size of what it unpacks, so this bounds the "
	    "scanner's memory" },
	{ "clamav.reload", CONF_RELOAD, OFF(clamav_reload), 0, "concurrent",
	    0, 0, "how a changed database replaces the engine (a policy-only "
	    "reload never rebuilds it): concurrent builds the new engine while "
	    "the old one scans, then swaps (twice the memory for a while); "
	    "blocking frees the old one first, then builds, messages waiting "
	    "meanwhile (one engine's memory, a pause in scanning)" },
	{ "clamav.reload_wait_seconds", CONF_U64,
	    OFF(clamav_reload_wait_seconds), 0, "120", 1, 3600,
	    "blocking reload: how long a message waits for the new engine "
	    "before it is deferred (virus.unscannable, tempfail); keep it "
	    "under the MTA's milter timeout (Postfix: 300 s)" },
	{ "clamav.reload_drain_seconds", CONF_U64,
	    OFF(clamav_reload_drain_seconds), 0, "30", 0, 3600,
	    "blocking reload: how long the messages still scanning with the "
	    "old engine are waited for before the new one is built anyway" },
	{ "clamav.max_age_days", CONF_U64, OFF(clamav_max_age_days), 0, "7", 0,
	    36500, "days since the newest .cvd/.cld/.cud was built after "
	    "which msgsec check --runtime calls the database stale, and the "
	    "milter raises scanner.database-old once a day while its newest "
	    "database file is older (0: no bound)" },
	{ "sensor.user", CONF_OPTSTR, SEN(user), 0, "msgsec", 0, 0,
	    "user the sensor drops to after opening the capture when started "
	    "as root (empty: stay root)" },
	{ "sensor.snaplen", CONF_U64, SEN(snaplen), 0, "65535", 64, 262144,
	    "bytes captured of each frame (live capture)" },
	{ "sensor.buffer_size", CONF_U64, SEN(buffer_size), 0, "16777216",
	    65536, 4 * GIB, "kernel capture buffer, bytes (live capture)" },
	{ "sensor.immediate", CONF_BOOL, SEN(immediate), 0, "false", 0, 0,
	    "deliver packets as they arrive rather than in batches (live)" },
	{ "sensor.max_flows", CONF_U64, SEN(max_flows), 0, "262144", 16,
	    100000000, "flow table size; the least recently seen flow is "
	    "evicted when full" },
	{ "sensor.stream_bytes", CONF_U64, SEN(stream_bytes), 0, "16384", 512,
	    16 * MIB, "bytes of each TCP direction reassembled for the "
	    "parsers" },
	{ "sensor.stream_memory", CONF_U64, SEN(stream_memory), 0, "268435456",
	    1 * MIB, 64 * GIB, "bytes all TCP streams still being parsed may "
	    "hold; past it the stream that grew is given up (limit."
	    "reassembly)" },
	{ "sensor.tcp_timeout", CONF_U64, SEN(tcp_timeout), 0, "600", 1,
	    86400, "seconds an idle TCP flow is kept" },
	{ "sensor.tcp_closed_timeout", CONF_U64, SEN(tcp_closed_timeout), 0,
	    "30", 1, 86400, "seconds a closed (FIN/RST) TCP flow is kept" },
	{ "sensor.tcp_new_timeout", CONF_U64, SEN(tcp_new_timeout), 0, "30",
	    1, 86400, "seconds a TCP flow that has had no answer yet is kept "
	    "(a scan or a SYN flood ages out fast)" },
	{ "sensor.udp_timeout", CONF_U64, SEN(udp_timeout), 0, "120", 1, 86400,
	    "seconds an idle UDP (or other IP) flow is kept" },
	{ "sensor.frag_datagrams", CONF_U64, SEN(frag_datagrams), 0, "1024", 1,
	    1000000, "IP datagrams pending reassembly" },
	{ "sensor.frag_memory", CONF_U64, SEN(frag_memory), 0, "16777216",
	    65536, 4 * GIB, "bytes held by pending IP fragments" },
	{ "sensor.frag_timeout", CONF_U64, SEN(frag_timeout), 0, "30", 1, 3600,
	    "seconds an incomplete fragmented datagram is kept" },
	{ "sensor.max_layers", CONF_U64, SEN(max_layers), 0, "16", 1, 64,
	    "encapsulations (VLAN, tunnels) decoded per frame" },
	{ "sensor.dns_dedup_seconds", CONF_U64, SEN(dns_dedup_seconds), 0,
	    "300", 0, 86400, "one DNS alert per client and name in this "
	    "window (0: every query)" },
	{ "sensor.flow_log", CONF_OPTSTR, SEN(flow_log), 0, "\"\"", 0, 0,
	    "flow log (policy 3.3): a path, - for stdout, empty for off" },
	{ "sensor.quic_crypto_bytes", CONF_U64, SEN(quic_crypto_bytes), 0,
	    "65536", 1024, 1048576, "CRYPTO bytes reassembled per QUIC flow "
	    "to find its ClientHello; past it the flow is given up" },
	{ "sensor.quic_initials", CONF_U64, SEN(quic_initials), 0, "16", 1,
	    1024, "QUIC Initial packets tried per flow before giving up" },
	{ "sensor.stun_messages", CONF_U64, SEN(stun_messages), 0, "64", 1,
	    65535, "STUN/TURN messages read per flow to name the calling "
	    "service; reached undecided: limit.stun" },
	{ "sensor.check_seconds", CONF_U64, SEN(check_seconds), 0, "10", 0,
	    86400, "live capture: how often the policy's files are checked "
	    "for changes, reloaded like SIGHUP when they change (0: never)" },
	{ "sensor.workers", CONF_WORKERS, SEN(workers), 0, "1", 1,
	    CONF_WORKERS_MAX,
	    "live capture: capture threads on the interface, each with its "
	    "own flow table and parsers, sharing the kernel's packets by "
	    "flow (PACKET_FANOUT); auto: one per online core (at most 64); "
	    "sensor.max_flows, stream_memory, frag_memory and frag_datagrams "
	    "stay totals, divided among them; reading a file uses one" },
	{ "sensor.progress", CONF_BOOL, SEN(progress), 0, "true", 0, 0,
	    "show a progress line on a terminal when reading a file" },
	{ "sensor.ech_fronts_list", CONF_STR, SEN(ech_fronts_list), 0,
	    "ech_fronts", 0, 0, "domain list of ECH client-facing names "
	    "(check tls.name-hidden)" },

	{ "metrics.file", CONF_OPTPATH, OFF(metrics_file), 0, "\"\"", 0, 0,
	    "msgsec-milter's Prometheus metrics, rewritten atomically every "
	    "metrics.interval seconds for node_exporter's textfile collector "
	    "(a NAME.prom file in its folder); empty: off" },
	{ "metrics.sensor_file", CONF_OPTPATH, OFF(metrics_sensor_file), 0,
	    "\"\"", 0, 0, "msgsec-sensor's Prometheus metrics, the same way; "
	    "empty: off" },
	{ "metrics.interval", CONF_U64, OFF(metrics_interval), 0, "15", 1,
	    3600, "seconds between two writes of a metrics file" },
	{ "metrics.max_series", CONF_U64, OFF(metrics_max_series), 0, "10000",
	    16, 10000000, "most label values (rule ids) a per-rule metric "
	    "keeps, read at start; hits of further rules are counted under "
	    "rule=\"_other\"" },

	{ "exceptions.approvers", CONF_STRLIST, OFF(approvers), OFF(napprovers),
	    "[MassIT, ESB]", 0, 0,
	    "bodies that must all approve an exception (clause 4)" },
	{ "exceptions.max_days", CONF_U64, OFF(exception_max_days), 0, "365", 1,
	    36500, "longest window an exception may have, in days" },

	{ "quarantine.retention_days", CONF_U64, OFF(quarantine_retention_days),
	    0, "2555", 1, 365000,
	    "days a quarantined message is kept before purge may remove it" },
	{ "quarantine.sendmail", CONF_PATH, OFF(quarantine_sendmail), 0,
	    "/usr/sbin/sendmail", 0, 0,
	    "the MTA's sendmail(1), through which release re-injects mail" },
	{ "quarantine.release_seconds", CONF_U64,
	    OFF(quarantine_release_seconds), 0, "86400", 60, 31536000,
	    "how long a release's one-time pass is honoured by the milter" },
	{ "quarantine.backend", CONF_BACKEND, OFF(quarantine_backend), 0,
	    "files", 0, 0, "where blocked mail, passes and the audit trail "
	    "are kept: files (paths.quarantine) or postgresql "
	    "(quarantine.dsn, one store for every gateway)" },
	{ "quarantine.dsn", CONF_DSN, OFF(quarantine_dsn), 0, "\"\"", 0, 0,
	    "libpq connection string of the records database (a password "
	    "only through PGPASSFILE, ~/.pgpass or passfile=, never here)" },
	{ "quarantine.statement_timeout_ms", CONF_U64,
	    OFF(quarantine_statement_ms), 0, "10000", 10, 600000,
	    "longest a database statement may take; past it the milter "
	    "answers milter.on_internal_error" },
	{ "quarantine.pool", CONF_U64, OFF(quarantine_pool), 0, "4", 1, 256,
	    "most database connections one milter keeps" },
	{ "quarantine.gateway", CONF_GATEWAY, OFF(quarantine_gateway), 0,
	    "\"\"", 0, 0, "the name this gateway gives itself in the records "
	    "database (letters, digits, '.', '-', '_'; empty: the host's "
	    "name); each gateway sharing a database needs its own" },

	{ "journal.address", CONF_ADDRESS, OFF(journal_address), 0, "\"\"",
	    0, 0, "records archive (clause 5) that msgsec-milter adds as an "
	    "envelope recipient of every message it lets through to its "
	    "recipients, as Exchange journaling does; an agency's "
	    "journal_address adds the agency's own archive for its mail; "
	    "empty: off" },

	{ "limits.message_size", CONF_U64, LIM(message_size), 0, "52428800", 1,
	    4 * GIB, "largest message, bytes (at most 1000000000 with "
	    "quarantine.backend: postgresql: bytea holds 1 GB)" },
	{ "limits.mime_depth", CONF_U64, LIM(mime_depth), 0, "100", 1, 10000,
	    "deepest MIME nesting" },
	{ "limits.mime_parts", CONF_U64, LIM(mime_parts), 0, "10000", 1,
	    10000000, "most MIME parts in one message" },
	{ "limits.header_bytes", CONF_U64, LIM(header_bytes), 0, "1048576",
	    1024, GIB, "most header bytes in one part" },
	{ "limits.header_count", CONF_U64, LIM(header_count), 0, "1000", 1,
	    1000000, "most header fields in one part" },
	{ "limits.line_length", CONF_U64, LIM(line_length), 0, "65536", 1000,
	    GIB, "longest line the parser assembles (RFC 5322's 998 is a "
	    "syntax check, not this)" },
	{ "limits.mime_params", CONF_U64, LIM(mime_params), 0, "64", 1,
	    1000000, "most parameters in one Content-Type or "
	    "Content-Disposition field" },
	{ "limits.param_sections", CONF_U64, LIM(param_sections), 0, "64", 1,
	    1000000, "most RFC 2231 sections (name*0, name*1 ...) of one "
	    "parameter" },
	{ "limits.recipients", CONF_U64, LIM(recipients), 0, "1000", 1,
	    10000000, "most recipients of one message; the next are refused "
	    "with 452 4.5.3, as Postfix's smtpd_recipient_limit does" },
	{ "limits.text_bytes", CONF_U64, LIM(text_bytes), 0, "4194304", 1024,
	    GIB, "decoded text kept per text part and per message for "
	    "content rules and legacy encodings" },
	{ "limits.spool_memory", CONF_U64, LIM(spool_memory), 0, "1048576", 0,
	    GIB, "a message up to this size is held in memory while judged; "
	    "a larger one is spooled to the quarantine folder" },
	{ "limits.archive_depth", CONF_U64, LIM(archive_depth), 0, "5", 0, 100,
	    "deepest archive nesting" },
	{ "limits.archive_members", CONF_U64, LIM(archive_members), 0, "1000",
	    1, 10000000, "most members per message" },
	{ "limits.archive_bytes", CONF_U64, LIM(archive_bytes), 0, "209715200",
	    1, 64 * GIB, "most expanded bytes per message" },
	{ "limits.archive_ratio", CONF_U64, LIM(archive_ratio), 0, "100", 1,
	    1000000, "largest expansion ratio of one member" },
	{ "limits.yaml_file_size", CONF_U64, LIM(yaml_file_size), 0, "16777216",
	    1024, GIB, "largest rule, agency or exception file" },
	{ "limits.yaml_depth", CONF_U64, LIM(yaml_depth), 0, "128", 4, 10000,
	    "deepest YAML nesting" },
	{ "limits.yaml_nodes", CONF_U64, LIM(yaml_nodes), 0, "1000000", 16,
	    100000000, "most YAML nodes in one file" },
	{ "limits.list_entries", CONF_U64, LIM(list_entries), 0, "1000000", 1,
	    100000000, "most entries in one list" },
	{ "limits.rules", CONF_U64, LIM(rules), 0, "100000", 1, 10000000,
	    "most rules in one policy" },
	{ "limits.exceptions", CONF_U64, LIM(exceptions), 0, "100000", 1,
	    10000000, "most exception records" },
	{ "limits.regex_match_limit", CONF_U64, LIM(regex_match_limit), 0,
	    "3500", 1, 100000000, "PCRE2 match limit (a hit is a no-match)" },
	{ "limits.regex_depth_limit", CONF_U64, LIM(regex_depth_limit), 0,
	    "1500", 1, 100000000, "PCRE2 depth limit (a hit is a no-match)" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL },
};

/* A gateway's name: empty, or up to CONFIG_GATEWAY_MAX of [A-Za-z0-9._-]. */
static bool
gateway_name_ok(const char *s, size_t len)
{
	if (len > CONFIG_GATEWAY_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/*
 * Does a libpq connection string hold a password?  Keyword form: a
 * "password" keyword (values may be quoted, with \-escapes); URI form
 * (postgresql:// or postgres://): a ':' in the user part before '@', or a
 * password query parameter.
 */
static bool
dsn_has_password(const char *s)
{
	const char *p;

	if (strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0) {
		size_t auth;

		p = strstr(s, "://") + 3;
		auth = strcspn(p, "@/?");
		if (p[auth] == '@' && memchr(p, ':', auth) != NULL)
			return true;
		for (p = strchr(p, '?'); p != NULL; p = strchr(p + 1, '&'))
			if (strncasecmp(p + 1, "password=", 9) == 0)
				return true;
		return false;
	}
	for (p = s; *p != '\0';) {
		size_t klen;
		bool is_pw;

		p += strspn(p, " \t\r\n");
		klen = strcspn(p, "= \t\r\n");
		is_pw = klen == 8 && strncasecmp(p, "password", 8) == 0;
		p += klen;
		p += strspn(p, " \t\r\n");
		if (*p != '=')
			return is_pw;	/* libpq refuses it anyway */
		if (is_pw)
			return true;
		p++;
		p += strspn(p, " \t\r\n");
		if (*p == '\'') {
			for (p++; *p != '\0' && *p != '\''; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p == '\'')
				p++;
		} else {
			p += strcspn(p, " \t\r\n");
		}
	}
	return false;
}

/* RFC 5322 3.2.3 atext. */
static bool
config_is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", c) !=
	    NULL;
}

int
config_address_check(const char *s, size_t len, const char **why_r,
    size_t *off_r)
{
	const char *at = memchr(s, '@', len);
	size_t local = at != NULL ? (size_t)(at - s) : len;

	*off_r = 0;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' && i > 0 && i + 1 < local && s[i + 1] != '.')
			continue;
		if (c == '.' || c == '\0' || !config_is_atext(c)) {
			*why_r = c == '.' ? "a dot may only separate words of "
			    "the local part" : c == '<' || c == '>' ?
			    "no angle brackets: give the bare address" :
			    "the local part holds a character other than "
			    "letters, digits and !#$%&'*+-/=?^_`{|}~";
			*off_r = i;
			return -1;
		}
	}
	if (at == NULL || local == 0) {
		*why_r = "expected local@domain";
		*off_r = 0;
		return -1;
	}
	if (local > 64) {
		*why_r = "local part longer than 64 bytes";
		*off_r = 64;
		return -1;
	}
	if (len > 254) {
		*why_r = "address longer than 254 bytes";
		*off_r = 254;
		return -1;
	}
	if (local + 1 < len && s[local + 1] == '*') {
		*why_r = "no wildcard in an address's domain";
		*off_r = local + 1;
		return -1;
	}
	if (domain_validate(at + 1, len - local - 1, why_r, off_r) < 0) {
		*off_r += local + 1;
		return -1;
	}
	return 0;
}

const struct config_key *
config_keys(void)
{
	return keys;
}

const struct config_key *
config_key_find(const char *name)
{
	for (const struct config_key *k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* Is prefix (len bytes) a section: the start of a key up to a dot? */
static bool
config_is_section(const char *prefix, size_t len)
{
	for (const struct config_key *k = keys; k->name != NULL; k++)
		if (strncmp(k->name, prefix, len) == 0 && k->name[len] == '.')
			return true;
	return false;
}

/* The closest key or section with the same parent, for a suggestion. */
static const char *
config_suggest(const char *path, char *buf, size_t len)
{
	const char *dot = strrchr(path, '.');
	size_t plen = dot == NULL ? 0 : (size_t)(dot - path) + 1;
	struct suggest sg;

	suggest_init(&sg, path, SUGGEST_NEAR);
	for (const struct config_key *k = keys; k->name != NULL; k++) {
		const char *end;
		char cand[128];
		size_t clen;

		if (strncmp(k->name, path, plen) != 0)
			continue;
		end = strchr(k->name + plen, '.');
		clen = end == NULL ? strlen(k->name) : (size_t)(end - k->name);
		if (clen >= sizeof(cand))
			continue;
		memcpy(cand, k->name, clen);
		cand[clen] = '\0';
		/* cand is about to go: keep a copy of the closest. */
		if (suggest_add(&sg, cand))
			str_lcpy(buf, cand, len);
	}
	return suggest_best(&sg) != NULL ? buf : NULL;
}

/* Walk the document and report keys the table does not know. */
static void
config_check_unknown(const struct node *map, const char *prefix,
    struct diags *d)
{
	for (size_t i = 0; i < map->npairs; i++) {
		const struct node *k = map->pairs[i].key;
		const struct node *v = map->pairs[i].value;
		char path[256], sugg[128], q[80];
		int n;

		if (memchr(k->str, '\0', k->len) != NULL ||
		    memchr(k->str, '.', k->len) != NULL)
			n = -1;
		else
			n = snprintf(path, sizeof(path), "%s%s%s", prefix,
			    *prefix != '\0' ? "." : "", k->str);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			diag_error(d, k->file, k->line, k->col,
			    "unknown setting '%s'", node_quote(k, q, sizeof(q)));
			continue;
		}
		if (config_key_find(path) != NULL)
			continue;
		if (config_is_section(path, strlen(path))) {
			if (v->type == NODE_MAP)
				config_check_unknown(v, path, d);
			else
				diag_error(d, v->file, v->line, v->col,
				    "expected a mapping for '%s', found %s",
				    path, v->type == NODE_SEQ ? "a list" :
				    "a scalar");
			continue;
		}
		if (config_suggest(path, sugg, sizeof(sugg)) != NULL)
			diag_error(d, k->file, k->line, k->col,
			    "unknown setting '%s' (did you mean '%s'?)", path,
			    sugg);
		else
			diag_error(d, k->file, k->line, k->col,
			    "unknown setting '%s'", path);
	}
}

/* Find the node at a dotted path. */
static const struct node *
config_lookup(const struct node *root, const char *path)
{
	const struct node *n = root;
	const char *p = path;

	while (n != NULL && n->type == NODE_MAP) {
		const char *dot = strchr(p, '.');
		char part[64];
		size_t len = dot == NULL ? strlen(p) : (size_t)(dot - p);

		if (len >= sizeof(part))
			return NULL;
		memcpy(part, p, len);
		part[len] = '\0';
		n = node_get(n, part);
		if (dot == NULL)
			return n;
		p = dot + 1;
	}
	return NULL;
}

char *
config_path(const struct config *c, const char *path)
{
	return path_join(c->dir != NULL && strcmp(c->dir, ".") != 0 ? c->dir :
	    NULL, path);
}

static int
config_set_strlist(struct config *c, const struct config_key *k,
    const struct node *v, struct diags *d)
{
	char ***list = (char ***)(void *)((char *)c + k->offset);
	size_t *count = (size_t *)(void *)((char *)c + k->count_offset);
	int rc = 0;

	if (!node_expect(v, NODE_SEQ, k->name, d))
		return -1;
	*list = mem_calloc(v->nitems + 1, sizeof(**list));
	*count = 0;
	for (size_t i = 0; i < v->nitems; i++) {
		const struct node *it = v->items[i];

		if (!node_expect(it, NODE_SCALAR, k->name, d) ||
		    it->len == 0 || memchr(it->str, '\0', it->len) != NULL) {
			if (it->type == NODE_SCALAR)
				diag_error(d, it->file, it->line, it->col,
				    "empty entry in '%s'", k->name);
			rc = -1;
			continue;
		}
		if (k->type == CONF_CIDRLIST) {
			struct cidr cidr;
			const char *why;
			char q[80];

			if (cidr_parse(it->str, it->len, &cidr, &why) < 0) {
				diag_error(d, it->file, it->line, it->col,
				    "bad network '%s' in '%s': %s",
				    node_quote(it, q, sizeof(q)), k->name, why);
				rc = -1;
				continue;
			}
			if (c->internal_nets == NULL)
				c->internal_nets = cidrset_new();
			cidrset_add(c->internal_nets, &cidr);
		}
		(*list)[(*count)++] = mem_strndup(it->str, it->len);
	}
	if (k->type == CONF_CIDRLIST) {
		if (c->internal_nets == NULL)
			c->internal_nets = cidrset_new();
		cidrset_build(c->internal_nets);
	}
	return rc;
}

static int
config_set(struct config *c, const struct config_key *k, const struct node *v,
    struct diags *d)
{
	void *field = (char *)c + k->offset;
	char q[80];
	uint64_t u;
	bool b;

	switch (k->type) {
	case CONF_U64:
		if (node_to_u64(v, k->name, k->min, k->max, d, &u) < 0)
			return -1;
		*(uint64_t *)field = u;
		return 0;
	case CONF_MODE:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		u = 0;
		for (size_t i = 0; i < v->len; i++) {
			if (v->str[i] < '0' || v->str[i] > '7' || i > 4) {
				diag_error(d, v->file, v->line, v->col,
				    "'%s' must be an octal mode such as "
				    "\"0660\", not '%s'", k->name,
				    node_quote(v, q, sizeof(q)));
				return -1;
			}
			u = u * 8 + (uint64_t)(v->str[i] - '0');
		}
		if (v->len == 0 || u > k->max) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be an octal mode such as \"0660\"",
			    k->name);
			return -1;
		}
		*(uint64_t *)field = u;
		return 0;
	case CONF_WORKERS:
		if (v->type == NODE_SCALAR && strcmp(v->str, "auto") == 0) {
			*(uint64_t *)field = 0;
			return 0;
		}
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (str_to_u64((struct span){ v->str, v->len }, k->min, k->max,
		    &u) < 0) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be auto or a whole number from %llu to "
			    "%llu, not '%s'", k->name,
			    (unsigned long long)k->min,
			    (unsigned long long)k->max,
			    node_quote(v, q, sizeof(q)));
			return -1;
		}
		*(uint64_t *)field = u;
		return 0;
	case CONF_BOOL:
		if (node_to_bool(v, k->name, d, &b) < 0)
			return -1;
		*(bool *)field = b;
		return 0;
	case CONF_OPTSTR:
	case CONF_OPTPATH:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (memchr(v->str, '\0', v->len) != NULL) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must not hold a NUL byte", k->name);
			return -1;
		}
		free(*(char **)field);
		if (k->type == CONF_OPTPATH && v->len > 0)
			*(char **)field = config_path(c, v->str);
		else
			*(char **)field = mem_strndup(v->str, v->len);
		return 0;
	case CONF_BACKEND:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (strcmp(v->str, "files") == 0)
			*(enum quarantine_backend *)field = QUARANTINE_FILES;
		else if (strcmp(v->str, "postgresql") == 0)
			*(enum quarantine_backend *)field =
			    QUARANTINE_POSTGRESQL;
		else {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be files or postgresql, not '%s'",
			    k->name, node_quote(v, q, sizeof(q)));
			return -1;
		}
		return 0;
	case CONF_DSN:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (memchr(v->str, '\0', v->len) != NULL ||
		    dsn_has_password(v->str)) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must not hold a password: give it through "
			    "PGPASSFILE, ~/.pgpass or passfile=", k->name);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = mem_strndup(v->str, v->len);
		return 0;
	case CONF_GATEWAY:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (!gateway_name_ok(v->str, v->len)) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be at most %d letters, digits, '.', "
			    "'-' or '_', not '%s'", k->name, CONFIG_GATEWAY_MAX,
			    node_quote(v, q, sizeof(q)));
			return -1;
		}
		free(*(char **)field);
		*(char **)field = mem_strndup(v->str, v->len);
		return 0;
	case CONF_RELOAD:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (strcmp(v->str, "concurrent") == 0)
			*(enum clamav_reload *)field = CLAMAV_RELOAD_CONCURRENT;
		else if (strcmp(v->str, "blocking") == 0)
			*(enum clamav_reload *)field = CLAMAV_RELOAD_BLOCKING;
		else {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be concurrent or blocking, not '%s'",
			    k->name, node_quote(v, q, sizeof(q)));
			return -1;
		}
		return 0;
	case CONF_STR:
	case CONF_PATH:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (v->len == 0 || memchr(v->str, '\0', v->len) != NULL) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must not be empty", k->name);
			return -1;
		}
		free(*(char **)field);
		if (k->type == CONF_PATH)
			*(char **)field = config_path(c, v->str);
		else
			*(char **)field = mem_strdup(v->str);
		return 0;
	case CONF_ACTION:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (action_parse(v->str, (enum action *)field) < 0) {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be one of %s, not '%s'", k->name,
			    action_choices(), node_quote(v, q, sizeof(q)));
			return -1;
		}
		return 0;
	case CONF_OUTPUT:
		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (strcmp(v->str, "file") == 0)
			c->alert_output = ALERT_OUT_FILE;
		else if (strcmp(v->str, "stdout") == 0)
			c->alert_output = ALERT_OUT_STDOUT;
		else if (strcmp(v->str, "syslog") == 0)
			c->alert_output = ALERT_OUT_SYSLOG;
		else if (strcmp(v->str, "none") == 0)
			c->alert_output = ALERT_OUT_NONE;
		else if (strcmp(v->str, "postgresql") == 0)
			c->alert_output = ALERT_OUT_DATABASE;
		else {
			diag_error(d, v->file, v->line, v->col,
			    "'%s' must be file, stdout, syslog, none or "
			    "postgresql, not "
			    "'%s'", k->name, node_quote(v, q, sizeof(q)));
			return -1;
		}
		return 0;
	case CONF_ADDRESS: {
		const char *why;
		size_t off;

		if (!node_expect(v, NODE_SCALAR, k->name, d))
			return -1;
		if (v->len > 0 && config_address_check(v->str, v->len, &why,
		    &off) < 0) {
			diag_error(d, v->file, v->line, node_col_at(v, off),
			    "bad address '%s' in '%s': %s",
			    node_quote(v, q, sizeof(q)), k->name, why);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = mem_strndup(v->str, v->len);
		return 0;
	}
	case CONF_STRLIST:
	case CONF_CIDRLIST:
		return config_set_strlist(c, k, v, d);
	}
	return -1;
}

/*
 * The records database keeps a message as bytea (pgstore/README: the
 * measurement up to 50 MB): a limit past what it holds would turn every
 * such message into a tempfail at the store, so it is refused here, where
 * the limit is written.
 */
static int
db_message_too_large(const struct config *c, const char *file,
    const struct node *root, struct diags *d)
{
	const struct node *v;

	if (c->quarantine_backend != QUARANTINE_POSTGRESQL ||
	    c->limits.message_size <= CONFIG_DB_MESSAGE_MAX)
		return 0;
	v = config_lookup(root, "limits.message_size");
	if (v == NULL)
		v = config_lookup(root, "quarantine.backend");
	diag_error(d, v != NULL ? v->file : file, v != NULL ? v->line : 0,
	    v != NULL ? v->col : 0, "'limits.message_size' is %llu bytes: "
	    "with quarantine.backend: postgresql it must be at most %u "
	    "(a message in the database is bytea, at most 1 GB)",
	    (unsigned long long)c->limits.message_size,
	    CONFIG_DB_MESSAGE_MAX);
	return -1;
}

int
config_from_node(struct config *c, const char *file, const struct node *root,
    struct diags *d)
{
	struct node_doc *defaults;
	const char *slash;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->file = mem_strdup(file);
	slash = strrchr(file, '/');
	c->dir = slash == NULL ? mem_strdup(".") :
	    mem_strndup(file, slash == file ? 1 : (size_t)(slash - file));

	if (root != NULL && !node_is_null(root)) {
		if (root->type != NODE_MAP) {
			diag_error(d, root->file, root->line, root->col,
			    "the configuration must be a mapping");
			return -1;
		}
		config_check_unknown(root, "", d);
	}
	/* Each value: the file's, else the default parsed as YAML. */
	for (const struct config_key *k = keys; k->name != NULL; k++) {
		const struct node *v = root == NULL ? NULL :
		    config_lookup(root, k->name);
		struct diags dd;

		if (v != NULL && !node_is_null(v)) {
			if (config_set(c, k, v, d) < 0)
				rc = -1;
			continue;
		}
		diags_init(&dd);
		defaults = node_load_buffer("(default)", k->def, strlen(k->def),
		    NULL, &dd);
		if (defaults == NULL || config_set(c, k, defaults->root,
		    &dd) < 0) {
			diags_print(&dd, stderr);
			abort();	/* our own table is wrong */
		}
		node_doc_free(&defaults);
		diags_free(&dd);
	}
	if (db_message_too_large(c, file, root, d) < 0)
		rc = -1;
	if (c->napprovers == 0) {
		const struct node *v = config_lookup(root, "exceptions.approvers");

		diag_error(d, file, v != NULL ? v->line : 0, v != NULL ? v->col : 0,
		    "'exceptions.approvers' must name at least one body");
		rc = -1;
	}
	return rc == 0 && !diags_has_errors(d) ? 0 : -1;
}

static void
free_strlist(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
config_free(struct config *c)
{
	for (const struct config_key *k = keys; k->name != NULL; k++) {
		void *field = (char *)c + k->offset;

		if (k->type == CONF_STR || k->type == CONF_OPTSTR ||
		    k->type == CONF_PATH || k->type == CONF_OPTPATH ||
		    k->type == CONF_DSN || k->type == CONF_GATEWAY ||
		    k->type == CONF_ADDRESS)
			free(*(char **)field);
		else if (k->type == CONF_STRLIST || k->type == CONF_CIDRLIST)
			free_strlist(*(char ***)field,
			    *(size_t *)(void *)((char *)c + k->count_offset));
	}
	cidrset_free(&c->internal_nets);
	free(c->file);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

int
config_override(struct node_doc *doc, const char *assignment, struct diags *d)
{
	const char *eq = strchr(assignment, '=');
	const struct config_key *k;
	struct node_doc *vdoc;
	struct node *map;
	char name[128], sugg[128], label[192];
	const char *p;

	if (eq == NULL || eq == assignment ||
	    (size_t)(eq - assignment) >= sizeof(name)) {
		diag_error(d, "--set", 0, 0,
		    "expected key.path=value, not '%s'", assignment);
		return -1;
	}
	memcpy(name, assignment, (size_t)(eq - assignment));
	name[eq - assignment] = '\0';
	k = config_key_find(name);
	if (k == NULL) {
		if (config_suggest(name, sugg, sizeof(sugg)) != NULL)
			diag_error(d, "--set", 0, 0,
			    "unknown setting '%s' (did you mean '%s'?)", name,
			    sugg);
		else
			diag_error(d, "--set", 0, 0, "unknown setting '%s'",
			    name);
		return -1;
	}
	if (snprintf(label, sizeof(label), "--set %s", name) < 0)
		return -1;
	/* "-" (stdout) is a string, though YAML reads it as a list. */
	if ((k->type == CONF_STR || k->type == CONF_OPTSTR ||
	    k->type == CONF_PATH || k->type == CONF_OPTPATH) &&
	    strcmp(eq + 1, "-") == 0) {
		vdoc = node_load_buffer(label, "\"-\"", 3, NULL, d);
	} else
		vdoc = node_load_buffer(label, eq + 1, strlen(eq + 1), NULL, d);
	if (vdoc == NULL)
		return -1;
	if (vdoc->root == NULL)
		vdoc->root = node_new_scalar(vdoc, "", 0, false);
	/* Walk or create the sections, then set the leaf. */
	if (doc->root == NULL || doc->root->type != NODE_MAP)
		doc->root = node_new_map(doc);
	map = doc->root;
	p = name;
	for (;;) {
		const char *dot = strchr(p, '.');
		char part[64];
		struct node *next = NULL;

		if (dot == NULL)
			break;
		if ((size_t)(dot - p) >= sizeof(part))
			return -1;
		memcpy(part, p, (size_t)(dot - p));
		part[dot - p] = '\0';
		for (size_t i = 0; i < map->npairs; i++)
			if (strcmp(map->pairs[i].key->str, part) == 0)
				next = map->pairs[i].value;
		if (next == NULL || next->type != NODE_MAP) {
			next = node_new_map(doc);
			node_map_set(doc, map, part, next);
		}
		map = next;
		p = dot + 1;
	}
	/* Move the value tree into doc: the file name it points at is vdoc's,
	 * so keep vdoc alive by adopting its root and leaking nothing. */
	node_map_set(doc, map, p, node_adopt(doc, vdoc));
	return 0;
}
