/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * info's table: one row per fact, a key for --json, a label for people
 * (NULL: JSON only), a value, and a number for JSON when the fact is one
 * (-1: the value is a string). Another fact (e.g. a coexistence warning)
 * is one more info_add().
 */
#ifndef VNETD_CLI_INFO_H
#define VNETD_CLI_INFO_H

#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/host/host.h"

#define INFO_MAX_ROWS 40
#define INFO_VALUE_MAX 512

struct info_row {
	const char *key, *label;
	char value[INFO_VALUE_MAX];
	long long number;
};

struct info_table {
	size_t n;
	struct info_row rows[INFO_MAX_ROWS];
};

void info_add(struct info_table *t, const char *key, const char *label, const char *value,
	      long long number);
void info_print(const struct info_table *t, bool json);
/* The rows of a running network (def may be NULL). */
void info_running(struct info_table *t, const struct vnetd_paths *paths, const char *name,
		  const struct run_state *st, const struct netdef *def);

#endif
