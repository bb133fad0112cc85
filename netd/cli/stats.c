/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd stats NAME [--json|--prometheus] [--reset-loop]: the running
 * daemon's counters (its control socket's `stats`), for people, for
 * scripts, or in node_exporter's textfile format
 * (vnetd_NAME{network="..."} VALUE). The event loop's turn times
 * (loop_* lines) are one "loop" object in JSON and a histogram for
 * Prometheus; --reset-loop starts them again after this reading.
 */
#include "netd/cli/cli.h"
#include "netd/ctl/ctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum stats_format { STATS_TEXT, STATS_JSON, STATS_PROMETHEUS };

#define LOOP_BUCKETS_MAX 32

/* The loop's turn times, gathered from the loop_* lines. */
struct loop_view {
	uint64_t turns, busy_us, max_us, p99_us;
	uint64_t bound[LOOP_BUCKETS_MAX], count[LOOP_BUCKETS_MAX];
	size_t n;
};

struct stats_ctx {
	enum stats_format format;
	const char *network;
	size_t n;
	struct loop_view loop;
};

/* A loop_* line: kept for the "loop" object (JSON, Prometheus). False for any other. */
static bool take_loop(struct loop_view *v, const char *name, uint64_t value)
{
	static const char bucket[] = "loop_turn_us_le_";
	const char *b;

	if (strncmp(name, "loop_", 5))
		return false;
	if (!strcmp(name, "loop_turns"))
		v->turns = value;
	else if (!strcmp(name, "loop_busy_us"))
		v->busy_us = value;
	else if (!strcmp(name, "loop_max_us"))
		v->max_us = value;
	else if (!strcmp(name, "loop_p99_us"))
		v->p99_us = value;
	else if (!strncmp(name, bucket, sizeof(bucket) - 1) && v->n < LOOP_BUCKETS_MAX) {
		b = name + sizeof(bucket) - 1;
		v->bound[v->n] = strcmp(b, "inf") ? strtoull(b, NULL, 10) : UINT64_MAX;
		v->count[v->n++] = value;
	}
	return true;
}

/* "loop": {"turns", "max_us", "p99_us", "busy_us", "buckets_us": [[bound, count], ...]} */
static void print_loop_json(const struct loop_view *v)
{
	size_t i;

	printf(",\"loop\":{\"turns\":%llu,\"max_us\":%llu,\"p99_us\":%llu,\"busy_us\":%llu,"
	       "\"buckets_us\":[", (unsigned long long)v->turns, (unsigned long long)v->max_us,
	       (unsigned long long)v->p99_us, (unsigned long long)v->busy_us);
	for (i = 0; i < v->n; i++)
		printf("%s[%llu,%llu]", i ? "," : "", (unsigned long long)v->bound[i],
		       (unsigned long long)v->count[i]);
	printf("]}");
}

/* A Prometheus histogram (cumulative buckets, _sum, _count) and the two gauges. */
static void print_loop_prometheus(const struct loop_view *v, const char *net)
{
	uint64_t seen = 0;
	size_t i;

	printf("# TYPE vnetd_loop_turn_us histogram\n");
	for (i = 0; i < v->n; i++) {
		seen += v->count[i];
		if (v->bound[i] == UINT64_MAX)
			printf("vnetd_loop_turn_us_bucket{network=\"%s\",le=\"+Inf\"} %llu\n", net,
			       (unsigned long long)seen);
		else
			printf("vnetd_loop_turn_us_bucket{network=\"%s\",le=\"%llu\"} %llu\n", net,
			       (unsigned long long)v->bound[i], (unsigned long long)seen);
	}
	printf("vnetd_loop_turn_us_sum{network=\"%s\"} %llu\n", net,
	       (unsigned long long)v->busy_us);
	printf("vnetd_loop_turn_us_count{network=\"%s\"} %llu\n", net,
	       (unsigned long long)v->turns);
	printf("# TYPE vnetd_loop_max_us gauge\nvnetd_loop_max_us{network=\"%s\"} %llu\n", net,
	       (unsigned long long)v->max_us);
	printf("# TYPE vnetd_loop_p99_us gauge\nvnetd_loop_p99_us{network=\"%s\"} %llu\n", net,
	       (unsigned long long)v->p99_us);
}

/* Values that go up and down (or are maxima) are gauges; the rest count. */
static bool is_gauge(const char *name)
{
	static const char *const gauges[] = {
		"dhcp_leases_used", "dhcp_pool_size", "dhcp_pool_free", "dns_pending",
		"journal_sync_us_max", "lease_file_write_us_last", "lease_file_write_us_max",
		"lease_file_fork_us_max", "dns_forward_latency_ms_max", "ctl_subscribers",
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

	if (c->format != STATS_TEXT && take_loop(&c->loop, name, value))
		return;

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
		{ "reset-loop", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct ctl_arg reset = { "reset", "loop" };
	struct stats_ctx c = { .format = STATS_TEXT };
	char *body = NULL, msg[512];
	bool reset_loop = false;
	int opt, r;

	optind = 0;        /* a fresh scan: main() stopped at the verb */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'j' || opt == 'p')
			c.format = opt == 'j' ? STATS_JSON : STATS_PROMETHEUS;
		else if (opt == 'r')
			reset_loop = true;
		else
			return 2;
	}
	if (argc - optind != 1) {
		vnetd_error("usage: vnetd stats NAME [--json|--prometheus] [--reset-loop]");
		return 2;
	}
	c.network = argv[optind];
	if (!vnetd_valid_name(c.network))
		return vnetd_error("'%s' is not a network name", c.network);
	if (ctl_request(paths, c.network, CTL_STATS, &reset, reset_loop, NULL, 0, &body, msg,
			sizeof(msg)) < 0)
		return vnetd_error("%s", msg);
	if (c.format == STATS_JSON)
		printf("{\"network\":\"%s\",\"counters\":{", c.network);
	r = ctl_kv_parse(body, strlen(body), print_one, &c, msg, sizeof(msg));
	if (c.format == STATS_JSON) {
		printf("}");
		print_loop_json(&c.loop);
		printf("}\n");
	} else if (c.format == STATS_PROMETHEUS) {
		print_loop_prometheus(&c.loop, c.network);
	}
	free(body);
	return r < 0 ? vnetd_error("%s", msg) : 0;
}
