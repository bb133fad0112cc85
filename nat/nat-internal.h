/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared internals of nat/: the batch builder, the rule builder, the
 * netlink socket and the error helpers. Not part of the public contract.
 *
 * Both builders keep a sticky error: each step does nothing once an earlier
 * step failed, and the caller checks once at the end. This keeps the rule
 * lists in ruleset.c readable as lists.
 */
#ifndef VNETD_NAT_INTERNAL_H
#define VNETD_NAT_INTERNAL_H

#include <netinet/in.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "nat/nat.h"

struct nftnl_rule;
struct mnl_socket;

/* libvirt's default source port range for masquerade/SNAT. */
#define NAT_DEFAULT_PORT_MIN 1024
#define NAT_DEFAULT_PORT_MAX 65535

/* ---- error.c ---------------------------------------------------------- */

/* Fill `err` (may be NULL) with the formatted text and `code`; return `code`. */
int nat_fail(struct nat_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The kernel's answer to one request: its errno (0: success) and its
 * extended-ACK text ("" when it sent none).
 */
struct nat_ack {
	uint32_t seq;
	uint16_t req_type;      /* type of the request it answers */
	int error;              /* 0 or negative errno */
	char text[160];
};

/* Decode an NLMSG_ERROR message. -EPROTO when it is too short to be one. */
int nat_ack_parse(const struct nlmsghdr *nlh, struct nat_ack *ack);

/* "<what>: <strerror>" plus " (kernel: <text>)" when the kernel sent text. */
int nat_fail_ack(struct nat_error *err, const struct nat_ack *ack, const char *what);

/* ---- config.c --------------------------------------------------------- */

/* The network's table name into table, or -EINVAL with a message. */
int nat_table_of(const char *network, char table[NFT_TABLE_MAXNAMELEN], struct nat_error *err);

/* 0, or -EINVAL with a message naming the bad field. */
int nat_check_config(const struct nat_config *cfg, struct nat_error *err);

/* The masquerade/SNAT port range, defaults applied. */
void nat_port_range(const struct nat_config *cfg, uint16_t *lo, uint16_t *hi);

/* ---- batch.c: one nfnetlink batch in caller memory ------------------ */

struct nat_batch {
	char *buf;              /* NULL: only measure */
	size_t size, len;
	uint32_t seq;           /* sequence number of the next message */
	int err;                /* first failure (-EMSGSIZE, -ENOMEM), sticky */
};

void nat_batch_init(struct nat_batch *b, void *buf, size_t size, uint32_t seq);
void nat_batch_begin(struct nat_batch *b);
void nat_batch_end(struct nat_batch *b);
/* NFT_MSG_NEWTABLE or NFT_MSG_DELTABLE for an inet table. */
void nat_batch_table(struct nat_batch *b, uint16_t type, uint16_t flags, const char *table);

struct nat_chain_def {
	const char *name;
	const char *type;       /* "filter" or "nat" */
	uint32_t hook;          /* NF_INET_* */
	int32_t prio;
};

void nat_batch_chain(struct nat_batch *b, const char *table, const struct nat_chain_def *def);
/* Append the rule to its chain; takes ownership of `r` (NULL: out of memory). */
void nat_batch_rule(struct nat_batch *b, struct nftnl_rule *r);

/* ---- expr.c: one rule, expression by expression ---------------------- */

struct nat_rule {
	struct nftnl_rule *r;
	uint8_t nfproto;        /* "meta nfproto" already in the rule: NFPROTO_IPV4/6, 0 none */
	bool failed;            /* an allocation failed */
};

enum nat_ip_field {
	NAT_IP_SADDR = 12,      /* offsets in the IPv4 header */
	NAT_IP_DADDR = 16,
};

enum nat_ip6_field {
	NAT_IP6_SADDR = 8,      /* offsets in the IPv6 header */
	NAT_IP6_DADDR = 24,
};

void nat_rule_start(struct nat_rule *nr, const char *table, const char *chain);
/* Hand the rule to the batch (which frees it). */
void nat_rule_emit(struct nat_rule *nr, struct nat_batch *b);

/* key: NFT_META_IIFNAME or NFT_META_OIFNAME; the whole name must match. */
void nat_match_ifname(struct nat_rule *nr, enum nft_meta_keys key, const char *name);
/* ip saddr/daddr [!=] addr/prefix; prefix 1..32 */
void nat_match_ip(struct nat_rule *nr, enum nat_ip_field field, struct in_addr addr,
		  unsigned prefix, enum nft_cmp_ops op);
/* ip6 saddr/daddr [!=] addr/prefix; prefix 1..128 */
void nat_match_ip6(struct nat_rule *nr, enum nat_ip6_field field, const struct in6_addr *addr,
		   unsigned prefix, enum nft_cmp_ops op);
/* meta nfproto ipv4/ipv6 (NFPROTO_*), once per rule; ip/ip6 matches add it themselves */
void nat_match_nfproto(struct nat_rule *nr, uint8_t nfproto);
/* ct state & mask != 0 (mask of NF_CT_STATE_BIT()s) */
void nat_match_ct_state(struct nat_rule *nr, uint32_t mask);
void nat_match_l4proto(struct nat_rule *nr, uint8_t proto);
/* meta l4proto PROTO + th dport PORT */
void nat_match_dport(struct nat_rule *nr, uint8_t proto, uint16_t port);

/* NF_ACCEPT, NF_DROP, NFT_RETURN ... */
void nat_do_verdict(struct nat_rule *nr, int verdict);
/* reject with icmpx port-unreachable */
void nat_do_reject(struct nat_rule *nr);
/* masquerade [to :lo-hi]; lo == hi == 0: no port range */
void nat_do_masq(struct nat_rule *nr, uint16_t lo, uint16_t hi);
/* snat ip to first-last[:lo-hi]; lo == hi == 0: no port range */
void nat_do_snat(struct nat_rule *nr, struct in_addr first, struct in_addr last,
		 uint16_t lo, uint16_t hi);

/* ---- sock.c: a NETLINK_NETFILTER socket ------------------------------ */

/* Called for each reply; < 0 stop with that error, 0 go on, 1 done. */
typedef int (*nat_reply_fn)(const struct nlmsghdr *nlh, void *data);

int nat_sock_open(struct mnl_socket **ret, struct nat_error *err);
void nat_sock_close(struct mnl_socket *nl);      /* NULL is fine */
int nat_sock_send(struct mnl_socket *nl, const void *buf, size_t len, struct nat_error *err);
/*
 * Read replies addressed to this socket and pass them to fn until it says
 * done (0) or fails (its negative value, err left to the caller). Socket
 * failures and -ETIMEDOUT, if the kernel stays silent, fill err.
 */
int nat_sock_recv(struct mnl_socket *nl, nat_reply_fn fn, void *data, struct nat_error *err);

/* ---- talk.c: send a whole batch and collect every ack ----------------- */

/*
 * Send a batch built by nat_batch_* whose messages all carry NLM_F_ACK and
 * wait until each has been answered. On failure the message names the first
 * message the kernel refused (e.g. "adding rule 3 to chain postrouting").
 */
int nat_talk_batch(const void *buf, size_t len, const char *table, struct nat_error *err);
/* The same, handing its socket to *keep instead of closing it (when keep is not NULL). */
int nat_talk_batch_keep(const void *buf, size_t len, const char *table,
			struct mnl_socket **keep, struct nat_error *err);

#endif
