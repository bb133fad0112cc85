/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: dns_msg_parse_quick(), the one-pass reader of the
 * usual query, against dns_msg_parse(). Whatever the quick reader takes,
 * the full one must take too and read the same way (every field, the name's
 * bytes); otherwise the server's answer would depend on which one read it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fuzz_quick_same(const struct dns_msg *a, const struct dns_msg *b)
{
	return a->id == b->id && a->flags == b->flags && a->qdcount == b->qdcount &&
	       a->ancount == b->ancount && a->nscount == b->nscount && a->arcount == b->arcount &&
	       a->qname.len == b->qname.len && a->qname.labels == b->qname.labels &&
	       memcmp(a->qname.b, b->qname.b, a->qname.len) == 0 && a->qtype == b->qtype &&
	       a->qclass == b->qclass && a->question_end == b->question_end &&
	       a->has_opt == b->has_opt && a->udp_size == b->udp_size &&
	       a->edns_version == b->edns_version && a->edns_do == b->edns_do &&
	       a->has_cookie == b->has_cookie;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg q, g;

	memset(&q, 0xa5, sizeof(q));
	if (dns_msg_parse_quick(data, size, &q) != 0)
		return 0;
	if (dns_msg_parse(data, size, true, &g) != 0 || !fuzz_quick_same(&q, &g))
		abort();
	return 0;
}
