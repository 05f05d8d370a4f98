/*
 * fuzz_stun.c - the STUN/TURN parser on hostile bytes.  Invariants: no
 * read past the input (exact-size copies); a message is never longer
 * than the input and its attribute pointers lie inside it; a prefix of
 * a message is never a message of another length (0 or -1 only, or the
 * same message when the prefix holds it all); ChannelData's size stays
 * inside the input; the flow state stays bounded (text NUL-terminated,
 * the service a known one) whatever messages it is fed, and writes
 * valid JSON.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "str.h"
#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(const uint8_t *base, size_t size, const uint8_t *p, size_t n)
{
	if (p == NULL)
		return;
	assert(p >= base && (size_t)(p - base) <= size &&
	    n <= size - (size_t)(p - base));
}

static void
check_msg(const uint8_t *cp, size_t size, int rc, const struct stun_msg *m,
    size_t used)
{
	assert(rc >= -1 && rc <= 1);
	if (rc != 1) {
		assert(used == 0);
		return;
	}
	assert(used >= 4 && used <= size);
	inside(cp, size, m->software, m->software_len);
	inside(cp, size, m->realm, m->realm_len);
	inside(cp, size, m->username, m->username_len);
	assert(m->cls <= 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *cp = malloc(size + 1);
	struct stun_flow sf;
	struct stun_msg m;
	struct buf b;
	struct json_writer w;
	size_t used = 0, off = 0;
	int rc;

	assert(cp != NULL);
	memcpy(cp, data, size);
	rc = stun_parse(cp, size, &m, &used);
	check_msg(cp, size, rc, &m, used);
	if (rc == 1 && used == size) {
		size_t u2 = 0;

		assert(stun_parse(cp, size - 1, &m, &u2) != 1);
	}
	/* a stream of messages and ChannelData, as over TCP */
	memset(&sf, 0, sizeof(sf));
	while (off < size) {
		struct stun_msg mm;
		size_t u = 0;

		if (stun_parse(cp + off, size - off, &mm, &u) == 1) {
			assert(u > 0 && u <= size - off);
			stun_flow_add(&sf, &mm);
		} else if (stun_channel_data(cp + off, size - off, true,
		    &u) == 1) {
			assert(u >= 4 && u <= size - off);
		} else {
			break;
		}
		off += u;
	}
	assert(memchr(sf.software, '\0', sizeof(sf.software)) != NULL);
	assert(memchr(sf.realm, '\0', sizeof(sf.realm)) != NULL);
	assert(sf.service < STUN_SVC_COUNT_);
	buf_init(&b, 1 << 16);
	json_init(&w, &b);
	json_object_begin(&w);
	stun_flow_json(&w, &sf);
	json_object_end(&w);
	assert(!w.error);
	buf_free(&b);
	free(cp);
	return 0;
}
