/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd stats NAME [--json|--prometheus]: the running daemon's counters
 * (its control socket's `stats`), for people, for scripts, or in
 * node_exporter's textfile format (vnetd_NAME{network="..."} VALUE).
 */
#include "netd/cli/cli.h"
#include "netd/ctl/ctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum stats_format { STATS_TEXT, STATS_JSON, STATS_PROMETHEUS };

struct stats_ctx {
	enum stats_format format;
	const char *network;
	size_t n;
};

/* Values that go up and down (or are maxima) are gauges; the rest count. */
static bool is_gauge(const char *name)
{
	static const char *const gauges[] = {
		"dhcp_leases_used", "dhcp_pool_size", "dhcp_pool_free", "dns_pending",
		"journal_sync_us_max", "dns_forward_latency_ms_max", "ctl_subscribers",
		"dns_cache_entries", "dns_cache_bytes", NULL
	};
	const char *const *g;

	for (g = gauges; *g; g++)
		if (!strcmp(*g, name))
			return true;
	return false;
}

static void print_one(void *arg, const char *name, uint64_t value)
{
	struct stats_ctx *c = arg;
	bool gauge = is_gauge(name);

	switch (c->format) {
	case STATS_TEXT:
		printf("%-30s %llu\n", name, (unsigned long long)value);
		break;
	case STATS_JSON:
		printf("%s\"%s\":%llu", c->n ? "," : "", name, (unsigned long long)value);
		break;
	case STATS_PROMETHEUS:
		printf("# TYPE vnetd_%s%s %s\nvnetd_%s%s{network=\"%s\"} %llu\n", name,
		       gauge ? "" : "_total", gauge ? "gauge" : "counter", name,
		       gauge ? "" : "_total", c->network, (unsigned long long)value);
		break;
	}
	c->n++;
}

int cmd_stats(const struct vnetd_paths *paths, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct stats_ctx c = { STATS_TEXT, NULL, 0 };
	char *body = NULL, msg[512];
	int opt, r;

	optind = 0;        /* a fresh scan: main() stopped at the verb */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'j' || opt == 'p')
			c.format = opt == 'j' ? STATS_JSON : STATS_PROMETHEUS;
		else
			return 2;
	}
	if (argc - optind != 1) {
		vnetd_error("usage: vnetd stats NAME [--json|--prometheus]");
		return 2;
	}
	c.network = argv[optind];
	if (!vnetd_valid_name(c.network))
		return vnetd_error("'%s' is not a network name", c.network);
	if (ctl_request(paths, c.network, CTL_STATS, NULL, 0, NULL, 0, &body, msg, sizeof(msg)) < 0)
		return vnetd_error("%s", msg);
	if (c.format == STATS_JSON)
		printf("{\"network\":\"%s\",\"counters\":{", c.network);
	r = ctl_kv_parse(body, strlen(body), print_one, &c, msg, sizeof(msg));
	if (c.format == STATS_JSON)
		printf("}}\n");
	free(body);
	return r < 0 ? vnetd_error("%s", msg) : 0;
}
