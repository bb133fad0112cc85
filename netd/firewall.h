/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firewall: a network definition as the nat/ library's config. */
#ifndef VNETD_FIREWALL_H
#define VNETD_FIREWALL_H

#include "nat/nat.h"
#include "netd/netdef.h"

/* The cfg borrows strings from def. */
void firewall_config(const struct netdef *def, struct nat_config *cfg);

#endif
