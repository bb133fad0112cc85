/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which boot file a client gets. A PXE ROM says what it is in option 93
 * (client architecture, RFC 4578) and iPXE says so in option 77 (user
 * class); the usual chain is ROM -> undionly.kpxe or ipxe.efi -> iPXE asks
 * again and gets a script. So rules are tried in the order given and the
 * first match wins; a client no rule matches gets <bootp file>, if any.
 */
#include "dhcp/v4/dhcp-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int dhcp_boot_setup(struct dhcp_server *srv, const struct dhcp_config *cfg,
		    struct wire_error *err)
{
	size_t i;

	if (cfg->boot_file && *cfg->boot_file)
		memcpy(srv->boot_file, cfg->boot_file, strlen(cfg->boot_file) + 1);
	if (cfg->n_boot_rules) {
		srv->boot_rules = calloc(cfg->n_boot_rules, sizeof(*srv->boot_rules));
		if (!srv->boot_rules)
			return wire_fail(err, -ENOMEM, "out of memory");
	}
	for (i = 0; i < cfg->n_boot_rules; i++) {
		const struct dhcp_boot_rule *r = &cfg->boot_rules[i];
		struct dhcp_boot_choice *c = &srv->boot_rules[i];
		size_t uc = r->by_arch ? 0 : strlen(r->user_class ? r->user_class : "");

		if (!r->file || !*r->file || strlen(r->file) >= sizeof(c->file))
			return wire_fail(err, -EINVAL, "boot rule %zu: file of 1 to 127 characters", i + 1);
		if (!r->by_arch && (uc == 0 || uc >= sizeof(c->user_class)))
			return wire_fail(err, -EINVAL, "boot rule %zu: user class of 1 to 63 characters",
					 i + 1);
		c->by_arch = r->by_arch;
		c->arch = r->arch;
		memcpy(c->user_class, r->user_class ? r->user_class : "", uc);
		c->user_class_len = (uint8_t)uc;
		memcpy(c->file, r->file, strlen(r->file) + 1);
		srv->n_boot_rules++;
	}
	srv->has_boot = srv->boot_file[0] || srv->n_boot_rules;
	srv->boot_server = ntohl(cfg->boot_server.s_addr);
	return 0;
}

void dhcp_boot_free(struct dhcp_server *srv)
{
	free(srv->boot_rules);
	srv->boot_rules = NULL;
	srv->n_boot_rules = 0;
}

/*
 * Option 77 as RFC 3004 writes it (length-prefixed strings), or as iPXE and
 * older clients do: the bare string.
 */
static bool has_user_class(const struct dhcp_msg *m, const uint8_t *want, uint8_t len)
{
	size_t i = 0;

	if (!m->user_class)
		return false;
	if (m->user_class_len == len && !memcmp(m->user_class, want, len))
		return true;
	while (i < m->user_class_len) {
		uint8_t n = m->user_class[i];

		if (n == 0 || i + 1 + n > m->user_class_len)
			return false;
		if (n == len && !memcmp(m->user_class + i + 1, want, len))
			return true;
		i += 1 + (size_t)n;
	}
	return false;
}

const char *dhcp_boot_file_for(const struct dhcp_server *srv, const struct dhcp_msg *m)
{
	uint16_t arch = m->arch ? (uint16_t)(m->arch[0] << 8 | m->arch[1]) : 0;
	size_t i;

	for (i = 0; i < srv->n_boot_rules; i++) {
		const struct dhcp_boot_choice *c = &srv->boot_rules[i];

		if (c->by_arch ? m->arch && arch == c->arch
			       : has_user_class(m, c->user_class, c->user_class_len))
			return c->file;
	}
	return (const char *)srv->boot_file;
}
