/*
 * fuzz_stream.c - TCP stream reassembly against a byte-by-byte reference.
 *
 * Input: two bytes choose the bound (1..4096), then records of
 *   flags(1) seq-delta(2, big-endian, signed) length(1) data(length)
 * fed to stream_add with seq = base + delta.  flags 0xff calls stream_done.
 * Invariants: the in-order prefix equals the reference (each byte keeps
 * its first copy, the prefix is the contiguous run from the isn, at most
 * max bytes), stream_add returns true exactly when the prefix grew,
 * pending bytes stay under max.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct model {
	bool started, done;
	uint32_t isn;
	size_t max, len;
	uint8_t *have, *byte;
};

static void
model_add(struct model *m, uint32_t seq, uint8_t flags, const uint8_t *d,
    size_t n)
{
	if (flags & TCPF_SYN) {
		if (!m->started) {
			m->isn = seq + 1;
			m->started = true;
		}
		seq++;
	}
	if (m->done || n == 0)
		return;
	if (!m->started) {
		m->isn = seq;
		m->started = true;
	}
	if (m->len >= m->max)
		return;
	for (size_t i = 0; i < n; i++) {
		int32_t rel = (int32_t)(seq + (uint32_t)i - m->isn);

		if (rel >= 0 && (size_t)rel < m->max && !m->have[rel]) {
			m->have[rel] = 1;
			m->byte[rel] = d[i];
		}
	}
	while (m->len < m->max && m->have[m->len])
		m->len++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s;
	struct model m;
	size_t off = 2;
	uint32_t base = 0xfffff000u;

	if (size < 2)
		return 0;
	memset(&m, 0, sizeof(m));
	m.max = 1 + ((size_t)data[0] << 8 | data[1]) % 4096;
	m.have = calloc(m.max, 1);
	m.byte = calloc(m.max, 1);
	if (m.have == NULL || m.byte == NULL)
		abort();
	stream_init(&s, m.max);
	while (size - off >= 4) {
		uint8_t flags = data[off];
		int16_t delta = (int16_t)(data[off + 1] << 8 | data[off + 2]);
		size_t n = data[off + 3], before = m.len;
		uint32_t seq = base + (uint32_t)(int32_t)delta * 16;
		bool grew;

		off += 4;
		if (n > size - off)
			n = size - off;
		if (flags == 0xff) {
			stream_done(&s);
			m.done = true;
			m.len = 0;
			continue;
		}
		grew = stream_add(&s, seq, flags, data + off, n);
		model_add(&m, seq, flags, data + off, n);
		off += n;
		if (grew != (m.len > before))
			abort();
		if (s.len != m.len || (m.len > 0 && memcmp(s.buf, m.byte,
		    m.len) != 0))
			abort();
		if (s.ooo_bytes > m.max || s.len > s.max)
			abort();
		if (s.started != m.started || (s.started && s.isn != m.isn))
			abort();
	}
	stream_free(&s);
	free(m.have);
	free(m.byte);
	return 0;
}
