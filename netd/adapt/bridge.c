/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/adapt/adapt.h"

#include <string.h>

void bridge_setup(const struct netdef *def, struct bridge_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = def->bridge_name;
	cfg->stp = netdef_stp_enabled(def);
	cfg->forward_delay_s = def->delay;
	cfg->has_mac = def->has_mac;
	memcpy(cfg->mac, def->mac, 6);
	cfg->mtu = def->has_mtu ? def->mtu : 0;
}
