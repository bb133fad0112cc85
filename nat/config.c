/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a nat_config must look like before any rule is built from it, and the
 * table name derived from the network's name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "nat/nat-internal.h"

#define TABLE_PREFIX "vnetd-"

bool nat_table_name(const char *network, char *buf, size_t size)
{
	int n;

	if (network == NULL || network[0] == '\0' || buf == NULL || size == 0)
		return false;
	n = snprintf(buf, size, TABLE_PREFIX "%s", network);
	/* The kernel's limit includes the terminating NUL (NFT_TABLE_MAXNAMELEN). */
	return n > 0 && (size_t)n < size && n < NFT_TABLE_MAXNAMELEN;
}

static int check_ifname(const char *what, const char *name, struct nat_error *err)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IFNAMSIZ)
		return nat_fail(err, -EINVAL, "%s name \"%.*s\" must be 1 to %d characters",
				what, IFNAMSIZ * 2, name, IFNAMSIZ - 1);
	return 0;
}

static int check_subnet(size_t i, const struct nat_subnet *s, struct nat_error *err)
{
	char addr[INET_ADDRSTRLEN];
	uint32_t host, mask;

	inet_ntop(AF_INET, &s->net, addr, sizeof(addr));
	/* A /0 would match everything, including traffic that is not ours. */
	if (s->prefix < 1 || s->prefix > 32)
		return nat_fail(err, -EINVAL, "subnet %zu (%s/%u): prefix must be 1 to 32",
				i, addr, s->prefix);
	host = ntohl(s->net.s_addr);
	mask = s->prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> s->prefix);
	if ((host & ~mask) != 0)
		return nat_fail(err, -EINVAL, "subnet %zu (%s/%u) has host bits set",
				i, addr, s->prefix);
	return 0;
}

static int check_subnet6(size_t i, const struct nat_subnet6 *s, struct nat_error *err)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &s->net, addr, sizeof(addr));
	if (s->prefix < 1 || s->prefix > 128)
		return nat_fail(err, -EINVAL, "IPv6 subnet %zu (%s/%u): prefix must be 1 to 128",
				i, addr, s->prefix);
	for (unsigned bit = s->prefix; bit < 128; bit++)
		if (s->net.s6_addr[bit / 8] & (0x80u >> (bit % 8)))
			return nat_fail(err, -EINVAL, "IPv6 subnet %zu (%s/%u) has host bits set",
					i, addr, s->prefix);
	return 0;
}

static int check_subnets(const struct nat_config *cfg, struct nat_error *err)
{
	int r;

	if (cfg->n_subnets > NAT_MAX_SUBNETS)
		return nat_fail(err, -EINVAL, "%zu subnets, at most %d", cfg->n_subnets,
				NAT_MAX_SUBNETS);
	if (cfg->n_subnets6 > NAT_MAX_SUBNETS)
		return nat_fail(err, -EINVAL, "%zu IPv6 subnets, at most %d", cfg->n_subnets6,
				NAT_MAX_SUBNETS);
	for (size_t i = 0; i < cfg->n_subnets; i++)
		if ((r = check_subnet(i, &cfg->subnets[i], err)) < 0)
			return r;
	for (size_t i = 0; i < cfg->n_subnets6; i++)
		if ((r = check_subnet6(i, &cfg->subnets6[i], err)) < 0)
			return r;
	return 0;
}

/* Only nat mode uses <nat><address> and <nat><port>. */
static int check_nat_ranges(const struct nat_config *cfg, struct nat_error *err)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	bool default_ports = cfg->port_start == 0 && cfg->port_end == 0;

	if (!default_ports && (cfg->port_end > 65535 || cfg->port_start > cfg->port_end))
		return nat_fail(err, -EINVAL, "nat port range %u-%u: need start <= end <= 65535",
				cfg->port_start, cfg->port_end);
	if (!cfg->has_addr_range)
		return 0;
	inet_ntop(AF_INET, &cfg->addr_start, a, sizeof(a));
	inet_ntop(AF_INET, &cfg->addr_end, b, sizeof(b));
	if (cfg->addr_start.s_addr == 0 || cfg->addr_end.s_addr == 0)
		return nat_fail(err, -EINVAL, "nat address range %s-%s: 0.0.0.0 is not an address",
				a, b);
	if (ntohl(cfg->addr_start.s_addr) > ntohl(cfg->addr_end.s_addr))
		return nat_fail(err, -EINVAL, "nat address range %s-%s: start is after end", a, b);
	return 0;
}

int nat_table_of(const char *network, char table[NFT_TABLE_MAXNAMELEN], struct nat_error *err)
{
	if (!nat_table_name(network, table, NFT_TABLE_MAXNAMELEN))
		return nat_fail(err, -EINVAL, "network name must be 1 to %d characters",
				NFT_TABLE_MAXNAMELEN - 1 - (int)strlen(TABLE_PREFIX));
	return 0;
}

int nat_check_config(const struct nat_config *cfg, struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	int r;

	if (cfg == NULL)
		return nat_fail(err, -EINVAL, "no firewall configuration");
	if ((r = nat_table_of(cfg->network, table, err)) < 0)
		return r;
	if ((unsigned)cfg->mode > NAT_MODE_OPEN)
		return nat_fail(err, -EINVAL, "unknown forward mode %d", (int)cfg->mode);
	if (cfg->mode == NAT_MODE_OPEN)
		return 0;       /* no rules: nothing else is read */
	if (cfg->bridge == NULL)
		return nat_fail(err, -EINVAL, "no bridge name");
	if ((r = check_ifname("bridge", cfg->bridge, err)) < 0)
		return r;
	if (cfg->outdev != NULL && (r = check_ifname("forward dev", cfg->outdev, err)) < 0)
		return r;
	if ((r = check_subnets(cfg, err)) < 0)
		return r;
	if (cfg->mode == NAT_MODE_NAT)
		return check_nat_ranges(cfg, err);
	return 0;
}

void nat_port_range(const struct nat_config *cfg, uint16_t *lo, uint16_t *hi)
{
	if (cfg->port_start == 0 && cfg->port_end == 0) {
		*lo = NAT_DEFAULT_PORT_MIN;
		*hi = NAT_DEFAULT_PORT_MAX;
	} else {
		*lo = (uint16_t)cfg->port_start;
		*hi = (uint16_t)cfg->port_end;
	}
}
