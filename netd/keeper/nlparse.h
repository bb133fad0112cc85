/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nlparse: the keeper's one reader of netlink bytes — the firewall file
 * vnetd wrote (RUNDIR/NAME.fw), nftables' notifications and the kernel's
 * answers. Every length is checked against what is left before anything is
 * read; no system calls, no allocation, so it is fuzzed on its own
 * (tests/fuzz/fuzz_keeper_nl.c). Buffers must be 4-byte aligned (netlink's
 * own alignment), as malloc's and the keeper's receive buffers are.
 */
#ifndef VNETD_KEEPER_NLPARSE_H
#define VNETD_KEEPER_NLPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* ---- the walks ---- */

/* Messages one after another in a buffer. */
struct kp_walk {
	const uint8_t *buf;
	size_t len, off;
};

void kp_walk_init(struct kp_walk *w, const void *buf, size_t len);
/* 1 with *msg set, 0 at the end, -EBADMSG when what is left is not a message. */
int kp_walk_next(struct kp_walk *w, const struct nlmsghdr **msg);

/* Attributes one after another (a message's payload or a nest's). */
struct kp_attr_walk {
	const uint8_t *buf;
	size_t len, off;
};

void kp_attr_walk_init(struct kp_attr_walk *w, const void *buf, size_t len);
/* 1 with *type (flags masked off), *data, *dlen set; 0 at the end; -EBADMSG. */
int kp_attr_next(struct kp_attr_walk *w, uint16_t *type, bool *nested, const void **data,
		 size_t *dlen);

/* Every attribute in buf well-formed, those marked nested too (to depth). 0 or -EBADMSG. */
int kp_attrs_check(const void *buf, size_t len, unsigned depth);

/* An nftables message: its nfgenmsg family and its attributes (0), or -EBADMSG. */
int kp_nft_payload(const struct nlmsghdr *msg, uint8_t *family, const void **attrs,
		   size_t *len);

/* The string attribute `type` of an attribute list, or NULL (absent, not terminated). */
const char *kp_attr_string(const void *attrs, size_t len, uint16_t type);

/* ---- the firewall file: a batch vnetd built (nat_build_batch) ---- */

#define KP_BATCH_MAX (1u << 20)         /* the largest file the keeper reads */
#define KP_TABLE_MAX 256                /* NFT_TABLE_MAXNAMELEN */

struct kp_batch_info {
	unsigned messages;      /* between begin and end */
	unsigned rules;
};

/*
 * Is buf one nftables batch for the inet table `table` and nothing else:
 * NFNL_MSG_BATCH_BEGIN, then only table, chain and rule messages of that
 * table (family inet, every attribute well-formed), then BATCH_END? 0 with
 * info filled, or -EBADMSG with why.
 */
int kp_batch_check(const void *buf, size_t len, const char *table, struct kp_batch_info *info,
		   char *why, size_t why_size);

/*
 * Make a checked batch ours to send: sequence numbers from `first` on, port
 * id 0, NLM_F_ACK on every message but begin and end. Returns how many acks
 * to expect.
 */
unsigned kp_batch_renumber(void *buf, size_t len, uint32_t first);

/* ---- what the kernel sends ---- */

/*
 * Might one datagram of nftables notifications mean the inet table `table`
 * is gone? 1 when it holds a deletion of that table or cannot be read, else 0.
 */
int kp_notes_say_gone(const void *buf, size_t len, const char *table);

/* Answers to requests numbered first..last (one GETTABLE, or a batch). */
struct kp_answers {
	uint32_t first, last;   /* in: the sequence numbers asked with */
	uint32_t portid;        /* in: ours; answers to another port are skipped */
	unsigned expected;      /* in: acks that settle it */
	unsigned answered;
	bool found;             /* a NEWTABLE answered the request (GETTABLE) */
	bool done;              /* everything answered, or the batch refused whole */
	int error;              /* the first negative errno answered, else 0 */
	uint32_t error_seq;
	char text[128];         /* the kernel's text for that error, or "" */
};

/* Take in one datagram of answers. 0, or -EBADMSG for a malformed one. */
int kp_answers_take(struct kp_answers *a, const void *buf, size_t len);

/* The nftables GETTABLE of the inet table `table` into buf; its length, or 0 if it does not fit. */
size_t kp_gettable_build(void *buf, size_t size, const char *table, uint32_t seq);

/* A network name as vnetd allows it (netd/base/paths.c), and its table name "vnetd-NAME". */
bool kp_table_of(const char *network, char *table, size_t size);

#endif
