/*
 * fuzz_capture.c - whole captures through the sensor's engine: decode,
 * flows, reassembly, every parser, the judge (a small policy that matches
 * names, addresses, ports, byte thresholds and ECH) and the flow log.
 *
 * Input: a sequence of records
 *
 *   +--------+--------+-----------+--------------+
 *   | lt u8  | dt u8  | len u16be | frame (len)  |
 *   +--------+--------+-----------+--------------+
 *
 * lt picks a link type (modulo the table below); dt advances capture time
 * by dt milliseconds, or by (dt & 0x7f) * 10 seconds when its top bit is
 * set, so timeouts and fragment expiry run.  A short last record is
 * dropped.  Each frame is copied to an exact-size heap block so that ASan
 * sees any read past it.  Limits are small (32 flows, 2 KiB streams) so
 * eviction and the reassembly bound are reached.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/sensor_policy.h"
#include "engine.h"
#include "flowlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = { 1, 113, 276, 101, 0, 108, 228, 229, 12,
	14, 147 };

static struct policy *policy;
static struct alert_log *alerts;
static struct flowlog *flows;

static void
cleanup(void)
{
	flowlog_close(&flows);
	alert_log_close(&alerts);
	policy_unref(&policy);
	sp_teardown();
}

static void
init_once(void)
{
	char *err = NULL;

	if (policy != NULL)
		return;
	policy = sp_load(sp_setup());
	assert(policy != NULL);
	alerts = alert_log_open(ALERT_OUT_FILE, "/dev/null", NULL, 0, &err);
	assert(alerts != NULL);
	flows = flowlog_open("/dev/null", &err);
	assert(flows != NULL);
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_settings s;
	struct engine *e;
	struct timeval ts = { 1729504800, 0 };
	size_t off = 0;

	init_once();
	engine_settings_from_policy(&s, policy);
	s.flow.max_flows = 32;
	s.flow.stream_max = 2048;
	s.flow.tcp_timeout = 60;
	s.flow.tcp_closed_timeout = 5;
	s.flow.udp_timeout = 30;
	s.pkt.frag_max_datagrams = 8;
	s.pkt.frag_memory = 65536;
	s.judge.dns_dedup_slots = 16;
	s.stream_memory = 8192;
	s.judge.now = 1782864000;	/* 2026-07-01 */
	e = engine_new(&s, policy, alerts, flows);
	while (size - off >= 4) {
		int lt = linktypes[data[off] % (sizeof(linktypes) /
		    sizeof(linktypes[0]))];
		uint8_t dt = data[off + 1];
		size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
		uint8_t *frame;

		off += 4;
		if (len > size - off)
			break;
		if (dt & 0x80)
			ts.tv_sec += (dt & 0x7f) * 10;
		else {
			ts.tv_usec += dt * 1000;
			ts.tv_sec += ts.tv_usec / 1000000;
			ts.tv_usec %= 1000000;
		}
		frame = malloc(len > 0 ? len : 1);
		assert(frame != NULL);
		memcpy(frame, data + off, len);
		engine_packet(e, lt, &ts, frame, len, len);
		free(frame);
		off += len;
	}
	engine_flush(e);
	assert(engine_flow_stats(e)->active == 0);
	assert(engine_stats(e)->stream_held == 0);
	engine_free(&e);
	return 0;
}
