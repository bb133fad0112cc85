/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the DNS server core. The first byte picks what the
 * rest is: a client's query (over UDP or TCP, answered locally, from the
 * cache or forwarded), or an upstream's reply to a forward that is pending
 * (an accepted one goes through the cache's parser and may be kept) (raw, with the right ID, or after a copy of the
 * forwarded header+question so matching gets all the way through). With
 * its high nibble all ones, one of the calls that change the server:
 * a pending forward coming back to us (the loop guard; the input flips its
 * bytes), resolv.conf text handed to dns_server_set_upstreams(), a lease
 * name (dns_lease_name_set()) or static hosts (dns_server_set_hosts()) from
 * the input. One server lives across inputs; every action must fit its
 * buffer and every answer must parse back as a response.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/dns/dns-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dns_server *fuzz_dns_srv;
static uint32_t fuzz_dns_rng = 0x9e3779b9u;
/* The core's clock: monotonic ms, as the daemon passes it (three days after boot). */
static int64_t fuzz_dns_now = 3 * 86400 * 1000LL;

static uint32_t fuzz_dns_random(void *ud)
{
	uint32_t *x = ud;

	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static struct dns_ip fuzz_dns_srv_addr(void)
{
	struct dns_ip a;

	dns_ip_parse("192.168.122.1", &a);
	return a;
}

static struct dns_server *fuzz_dns_server(void)
{
	static struct dns_net net[2];
	static struct dns_forwarder fwd[2];
	static struct dns_ip ups[2];
	static struct dns_host hosts[3];
	static const struct dns_srv srvs[] = { { "ldap", "tcp", NULL, "db", 389, 1, 1 } };
	static const struct dns_txt txts[] = { { "info", "hello" } };
	struct dns_config c = { 0 };

	dns_ip_parse("192.168.122.1", &net[0].addr);
	net[0].prefix = 24;
	net[0].local_ptr = true;
	dns_ip_parse("fd00::1", &net[1].addr);       /* an IPv6 prefix: ip6.arpa zone, link-local askers */
	net[1].prefix = 64;
	net[1].local_ptr = true;
	fwd[0].has_addr = true;
	dns_ip_parse("10.0.0.53", &fwd[0].addr);
	fwd[0].domain = "corp.test";
	fwd[1].domain = "pub.example.com";
	dns_ip_parse("192.0.2.1", &ups[0]);
	dns_ip_parse("2001:db8::1", &ups[1]);
	hosts[0].name = "db";
	dns_ip_parse("192.168.122.3", &hosts[0].ip);
	hosts[1].name = "db";
	dns_ip_parse("fd00::3", &hosts[1].ip);
	hosts[2].name = "printer.example.com";
	dns_ip_parse("192.168.122.5", &hosts[2].ip);
	c.domain = "example.com";
	c.local_only = true;
	c.nets = net;
	c.n_nets = 2;
	c.forwarders = fwd;
	c.n_forwarders = 2;
	c.upstreams = ups;
	c.n_upstreams = 2;
	c.hosts = hosts;
	c.n_hosts = 3;
	c.srvs = srvs;
	c.n_srvs = 1;
	c.txts = txts;
	c.n_txts = 1;
	c.local_ttl = 5;
	c.max_pending = 8;            /* 4 per client */
	c.max_dynamic = 16;
	c.random = fuzz_dns_random;
	c.random_userdata = &fuzz_dns_rng;
	if (dns_server_new(&c, &fuzz_dns_srv, NULL) < 0)
		abort();
	{
		struct dns_ip a;

		dns_ip_parse("192.168.122.10", &a);
		dns_lease_name_set(fuzz_dns_srv, &a, "web1", 1700000000 + 100000);
	}
	return fuzz_dns_srv;
}

static void check(const struct dns_action *act, const uint8_t *out, size_t cap)
{
	struct dns_msg m;

	if (act->len > cap)
		abort();
	if (act->kind == DNS_ACT_ANSWER) {
		if (act->len < DNS_HDR_LEN || !(out[2] & 0x80))
			abort();
		if (act->transport == DNS_UDP && act->len > 4096)
			abort();
		(void)dns_msg_parse(out, act->len, false, &m);
	} else if (act->kind == DNS_ACT_FORWARD) {
		if (act->peer.port == 0 || act->len < DNS_HDR_LEN || act->len > DNS_FWD_QUERY_MAX)
			abort();
	}
}

/* A name from the input: up to 80 bytes, stopped at a NUL. */
static void fuzz_dns_text(const uint8_t *data, size_t size, char *out)
{
	size_t n = size < 80 ? size : 80;

	memcpy(out, data, n);
	out[n] = 0;
}

/* A pending forward to answer; its query bytes (with the upstream's ID) in fq. */
static bool make_pending(struct dns_server *srv, uint8_t *fq, size_t *fqlen,
			 struct dns_peer *up, uint16_t port)
{
	static const uint8_t q[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 6, 'k', 'e', 'r', 'n', 'e', 'l', 3, 'o', 'r', 'g', 0, 0, 1, 0, 1,
	};
	struct dns_client cl = { .transport = DNS_UDP };
	struct dns_action act;

	dns_ip_parse("192.168.122.50", &cl.peer.ip);
	cl.peer.port = 5000;
	/* a kept answer to this question would be a hit, and no forward to answer */
	dns_cache_flush(&srv->cache);
	dns_server_handle_query(srv, q, sizeof(q), &cl, fuzz_dns_now, fq, 512, &act);
	if (act.kind != DNS_ACT_FORWARD)
		return false;
	dns_server_forward_sent(srv, act.token, port);
	*fqlen = act.len;
	*up = act.peer;
	return true;
}

/* Our own forward, its bytes flipped by the input, comes back to a listener. */
static void fuzz_dns_loop(struct dns_server *srv, const uint8_t *data, size_t size,
			  uint8_t *out)
{
	struct dns_client cl = { .transport = DNS_UDP, .peer = { .port = 53 } };
	struct dns_action act;
	struct dns_peer up;
	uint8_t fq[512];
	size_t fqlen, i;

	if (!make_pending(srv, fq, &fqlen, &up, 5301))
		return;
	for (i = 0; i < size && i < fqlen; i++)
		fq[i] ^= data[i];
	cl.peer.ip = size && (data[0] & 1) ? up.ip : fuzz_dns_srv_addr();
	dns_server_handle_query(srv, fq, fqlen, &cl, fuzz_dns_now, out, 4096, &act);
	check(&act, out, 4096);
	/* a caught loop rests its upstream a minute: let that minute pass */
	fuzz_dns_now += DNS_LOOP_SKIP_MS;
}

/* The calls that change the server: upstreams, a lease name, static hosts. */
static void fuzz_dns_change(struct dns_server *srv, uint8_t op, const uint8_t *data,
			    size_t size, uint8_t *out)
{
	struct dns_ip ups[4], self = fuzz_dns_srv_addr(), a = { .family = AF_INET };
	struct dns_host h;
	char name[81];
	int n;

	switch (op) {
	case 0:
		fuzz_dns_loop(srv, data, size, out);
		break;
	case 1:
		n = dns_resolv_conf_parse((const char *)data, size, &self, 1, ups, 4);
		if (n < 0 || dns_server_set_upstreams(srv, ups, (size_t)n, NULL) < 0)
			abort();
		break;
	case 2:
		fuzz_dns_text(data, size, name);
		a.bytes[0] = 192;
		a.bytes[1] = 168;
		a.bytes[2] = 122;
		a.bytes[3] = size ? data[0] & 15 : 0;   /* a few addresses, renamed often */
		if (size && (data[0] & 16)) {           /* or fd00::N, a DHCPv6 lease's */
			dns_ip_parse("fd00::", &a);
			a.bytes[15] = data[0] & 15;
		}
		dns_lease_name_set(srv, &a, name, fuzz_dns_now + 100 * 1000);
		if (dns_table_count(srv) > 5 + 16)      /* statics + the bound: never more */
			abort();
		break;
	default:
		fuzz_dns_text(data, size, name);
		h.name = name;
		dns_ip_parse("192.168.122.4", &h.ip);
		dns_server_set_hosts(srv, &h, 1, NULL);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_server *srv = fuzz_dns_srv ? fuzz_dns_srv : fuzz_dns_server();
	static uint8_t out[DNS_MSG_MAX], buf[8192];
	struct dns_client cl = { .transport = DNS_UDP };
	struct dns_action act;
	struct dns_peer up;
	uint8_t mode, fq[512];
	size_t fqlen, n;
	int64_t next;
	int k;

	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	fuzz_dns_now += mode >> 4;
	/* high nibble all ones: a change to the server instead of a message */
	switch ((mode & 0xf0) == 0xf0 ? 4 : mode & 3) {
	case 4:
		fuzz_dns_change(srv, mode & 3, data, size, out);
		break;
	case 0:
	case 1:
		dns_ip_parse(mode & 8 ? (mode & 16 ? "fe80::77" : "10.9.9.9")
				      : (mode & 16 ? "fd00::77" : "192.168.122.77"), &cl.peer.ip);
		cl.peer.port = 40000;
		cl.transport = mode & 1 ? DNS_TCP : DNS_UDP;
		dns_server_handle_query(srv, data, size, &cl, fuzz_dns_now, out,
					mode & 4 ? 300 : 4096, &act);
		check(&act, out, mode & 4 ? 300 : 4096);
		break;
	default:
		if (!make_pending(srv, fq, &fqlen, &up, 5300))
			break;
		n = 0;
		if ((mode & 3) == 3) {          /* the forwarded header+question, then the input */
			memcpy(buf, fq, fqlen);
			buf[2] |= 0x80;
			n = fqlen;
		}
		if (size > sizeof(buf) - n)
			size = sizeof(buf) - n;
		memcpy(buf + n, data, size);
		n += size;
		if ((mode & 4) && n >= 2) {     /* the right ID */
			buf[0] = fq[0];
			buf[1] = fq[1];
		}
		dns_server_handle_upstream_reply(srv, buf, n, &up, 5300, fuzz_dns_now, out,
						 mode & 8 ? 100 : 4096, &act);
		check(&act, out, mode & 8 ? 100 : 4096);
		break;
	}
	/* Time out whatever is pending (each try of each upstream), checking each retry and SERVFAIL. */
	for (k = 1; k <= 8; k++)
		while (dns_server_tick(srv, fuzz_dns_now + k * 60000, out, 4096, &act, &next) > 0)
			check(&act, out, 4096);
	return 0;
}
