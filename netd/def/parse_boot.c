/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * <vnetd:boot>: boot files by client architecture (DHCP option 93, RFC
 * 4578) or user class (option 77, "iPXE"), inside <dhcp>. libvirt has no
 * element for this (its dnsmasq passes dhcp-match/dhcp-boot through its own
 * namespace), so it lives in vnetd's namespace, NETDEF_XMLNS; plain <bootp>
 * stays as libvirt defines it and is the file for everyone else.
 */
#include "netd/def/netdef-parser.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned arch;
} arch_names[] = {
	{ "bios", 0 }, { "efi-ia32", 6 }, { "efi-bc", 7 }, { "efi-x86_64", 9 },
	{ "efi-arm32", 10 }, { "efi-arm64", 11 },
};

static int want_arch(struct parser *p, xmlNode *node, const char *v, unsigned *arch)
{
	unsigned long long n;
	size_t i;
	int e;

	for (i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++) {
		if (!strcmp(v, arch_names[i].name)) {
			*arch = arch_names[i].arch;
			return 0;
		}
	}
	if ((e = np_want_uint(p, node, "arch", v, 0, 65535, &n)) < 0)
		return e;
	*arch = (unsigned)n;
	return 0;
}

static int check_user_class(struct parser *p, xmlNode *node, const char *v)
{
	const char *c;

	if (!*v || strlen(v) > 63)
		return np_fail(p, node, NETDEF_E_INVALID, "<vnetd:boot userclass>",
			       "must be 1 to 63 characters");
	for (c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			return np_fail(p, node, NETDEF_E_INVALID, "<vnetd:boot userclass>",
				       "must be printable ASCII");
	return 0;
}

int netdef_parse_boot(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "arch", "userclass", "file", NULL };
	struct netdef_ip *ip = ctx;
	const char *arch = np_attr(p, node, "arch"), *uc = np_attr(p, node, "userclass");
	const char *file = np_attr(p, node, "file");
	struct netdef_boot *b;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!arch == !uc)
		return np_fail(p, node, NETDEF_E_INVALID, "<vnetd:boot>",
			       "needs exactly one of arch and userclass");
	if (!file || !*file || strlen(file) > 127)
		return np_fail(p, node, NETDEF_E_INVALID, "<vnetd:boot file>",
			       "needs a file name of 1 to 127 characters");
	if (!(b = netdef_array_push(&ip->boots, &ip->n_boots, sizeof(*b))))
		return np_oom(p, node);
	b->line = np_line(node);
	if (arch) {
		b->match = NETDEF_BOOT_ARCH;
		if ((e = want_arch(p, node, arch, &b->arch)) < 0)
			return e;
	} else {
		b->match = NETDEF_BOOT_USERCLASS;
		if ((e = check_user_class(p, node, uc)) < 0)
			return e;
		if (!(b->userclass = strdup(uc)))
			return np_oom(p, node);
	}
	if (!(b->file = strdup(file)))
		return np_oom(p, node);
	return np_walk(p, node, NULL, NULL);
}
