/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the cache of forwarded answers. The first byte picks
 * the query bits (RD/AD/CD/DO, EDNS or not), the time passed before the
 * hit and the asker's size; the rest is an upstream's answer, stored under
 * its own question as the server would after matching. Whatever was kept
 * must come back as a whole, parseable response with the asker's ID, no
 * bigger than the asker takes, and a tiny cache (8 answers, 2 kB) living
 * across inputs must keep to its bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dns_cache fuzz_cache;
static bool fuzz_cache_ready;
static int64_t fuzz_cache_now = 3 * 86400 * 1000LL;

/* The asker: the answer's question, its case flipped, with the bits the input picks. */
static void asker(const struct dns_msg *ans, uint8_t mode, struct dns_msg *q)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	q->id = 0xbeef;
	q->flags = (uint16_t)((mode & 1 ? DNS_RD : 0) | (mode & 2 ? 0x20 : 0) |
			      (mode & 4 ? 0x10 : 0));
	q->qdcount = 1;
	q->qname = ans->qname;
	for (i = 0; i < q->qname.len; i++)
		if (q->qname.b[i] >= 'a' && q->qname.b[i] <= 'z')
			q->qname.b[i] = (uint8_t)(q->qname.b[i] - 32);
	q->qtype = ans->qtype;
	q->qclass = ans->qclass;
	q->has_opt = mode & 8;
	q->edns_do = (mode & 8) && (mode & 16);
	q->udp_size = DNS_EDNS_SIZE;
}

static void check_hit(const uint8_t *out, size_t n, size_t limit)
{
	struct dns_msg m;

	if (n > limit || dns_msg_parse(out, n, true, &m) < 0 || m.id != 0xbeef ||
	    !(m.flags & DNS_QR))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[DNS_MSG_MAX];
	struct dns_msg ans, q;
	struct dns_name lname;
	uint8_t mode;
	size_t limit, n;

	if (!fuzz_cache_ready && dns_cache_init(&fuzz_cache, 8, 2048, 42) < 0)
		abort();
	fuzz_cache_ready = true;
	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (dns_msg_parse(data, size, false, &ans) < 0)
		return 0;
	lname = ans.qname;
	dns_name_lower(lname.b, lname.len);
	asker(&ans, mode, &q);
	(void)dns_cache_store(&fuzz_cache, data, size, &lname, ans.qtype, ans.qclass,
			      dns_cache_variant(&q), fuzz_cache_now);
	if (fuzz_cache.used > 8 || fuzz_cache.bytes > 2048)
		abort();
	fuzz_cache_now += (int64_t)(mode >> 5) * 20000;        /* 0 .. 140 s later */
	limit = mode & 0x80 ? DNS_UDP_MIN : sizeof(out);
	n = dns_cache_answer(&fuzz_cache, &q, fuzz_cache_now, out, limit);
	if (n)
		check_hit(out, n, limit);
	return 0;
}
