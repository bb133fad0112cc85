/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/keeper/nlparse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define KP_NFT_TYPE(msg) ((uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | (msg)))
#define NFGEN_LEN NLMSG_ALIGN(sizeof(struct nfgenmsg))
#define NEST_DEPTH 16           /* nf_tables nests rules, expressions, data: 4 deep */

void kp_walk_init(struct kp_walk *w, const void *buf, size_t len)
{
	w->buf = buf;
	w->len = buf ? len : 0;
	w->off = 0;
}

int kp_walk_next(struct kp_walk *w, const struct nlmsghdr **msg)
{
	size_t left = w->len - w->off, step;
	const struct nlmsghdr *h;

	if (left == 0)
		return 0;
	if (left < NLMSG_HDRLEN)
		return -EBADMSG;
	h = (const struct nlmsghdr *)(w->buf + w->off);
	if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > left)
		return -EBADMSG;
	/* the last message may end unpadded; any other is followed at its aligned end */
	step = NLMSG_ALIGN(h->nlmsg_len);
	w->off += step < left ? step : left;
	*msg = h;
	return 1;
}

void kp_attr_walk_init(struct kp_attr_walk *w, const void *buf, size_t len)
{
	w->buf = buf;
	w->len = buf ? len : 0;
	w->off = 0;
}

int kp_attr_next(struct kp_attr_walk *w, uint16_t *type, bool *nested, const void **data,
		 size_t *dlen)
{
	size_t left = w->len - w->off, step;
	struct nlattr a;

	if (left == 0)
		return 0;
	if (left < NLA_HDRLEN)
		return -EBADMSG;
	memcpy(&a, w->buf + w->off, sizeof(a));
	if (a.nla_len < NLA_HDRLEN || a.nla_len > left)
		return -EBADMSG;
	*type = a.nla_type & NLA_TYPE_MASK;
	*nested = (a.nla_type & NLA_F_NESTED) != 0;
	*data = w->buf + w->off + NLA_HDRLEN;
	*dlen = a.nla_len - NLA_HDRLEN;
	step = NLA_ALIGN(a.nla_len);
	w->off += step < left ? step : left;
	return 1;
}

int kp_attrs_check(const void *buf, size_t len, unsigned depth)
{
	struct kp_attr_walk w;
	const void *data;
	size_t dlen;
	uint16_t type;
	bool nested;
	int r;

	kp_attr_walk_init(&w, buf, len);
	while ((r = kp_attr_next(&w, &type, &nested, &data, &dlen)) > 0) {
		if (!nested)
			continue;
		if (depth == 0 || kp_attrs_check(data, dlen, depth - 1) < 0)
			return -EBADMSG;
	}
	return r;
}

int kp_nft_payload(const struct nlmsghdr *msg, uint8_t *family, const void **attrs,
		   size_t *len)
{
	struct nfgenmsg g;

	if (msg->nlmsg_len < NLMSG_HDRLEN + NFGEN_LEN)
		return -EBADMSG;
	memcpy(&g, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof(g));
	*family = g.nfgen_family;
	*attrs = (const uint8_t *)msg + NLMSG_HDRLEN + NFGEN_LEN;
	*len = msg->nlmsg_len - NLMSG_HDRLEN - NFGEN_LEN;
	return 0;
}

const char *kp_attr_string(const void *attrs, size_t len, uint16_t type)
{
	struct kp_attr_walk w;
	const void *data;
	size_t dlen;
	uint16_t t;
	bool nested;

	kp_attr_walk_init(&w, attrs, len);
	while (kp_attr_next(&w, &t, &nested, &data, &dlen) > 0)
		if (t == type)
			return !nested && dlen > 0 && memchr(data, '\0', dlen) ? data : NULL;
	return NULL;
}

/* ---- the batch ---- */

static int bad(char *why, size_t size, const char *what, unsigned n)
{
	snprintf(why, size, "message %u: %s", n, what);
	return -EBADMSG;
}

/* BATCH_BEGIN or _END for the nftables subsystem, and nothing more. */
static bool batch_edge(const struct nlmsghdr *m, uint16_t type)
{
	struct nfgenmsg g;
	const uint8_t *res;

	if (m->nlmsg_type != type || m->nlmsg_len != NLMSG_HDRLEN + NFGEN_LEN)
		return false;
	memcpy(&g, (const uint8_t *)m + NLMSG_HDRLEN, sizeof(g));
	res = (const uint8_t *)&g.res_id;       /* big-endian on the wire */
	return g.version == NFNETLINK_V0 && res[0] == 0 && res[1] == NFNL_SUBSYS_NFTABLES;
}

/* One message between begin and end: a table, chain or rule of `table`. */
static int object_check(const struct nlmsghdr *m, const char *table, struct kp_batch_info *info,
			char *why, size_t size)
{
	const char *name;
	const void *attrs;
	uint8_t family;
	size_t len;
	unsigned n = info->messages + 1;

	if (m->nlmsg_type != KP_NFT_TYPE(NFT_MSG_NEWTABLE) &&
	    m->nlmsg_type != KP_NFT_TYPE(NFT_MSG_DELTABLE) &&
	    m->nlmsg_type != KP_NFT_TYPE(NFT_MSG_NEWCHAIN) &&
	    m->nlmsg_type != KP_NFT_TYPE(NFT_MSG_NEWRULE))
		return bad(why, size, "not a table, chain or rule", n);
	if (!(m->nlmsg_flags & NLM_F_REQUEST))
		return bad(why, size, "not a request", n);
	if (kp_nft_payload(m, &family, &attrs, &len) < 0 || family != NFPROTO_INET)
		return bad(why, size, "not of the inet family", n);
	if (kp_attrs_check(attrs, len, NEST_DEPTH) < 0)
		return bad(why, size, "malformed attributes", n);
	/* NFTA_TABLE_NAME, NFTA_CHAIN_TABLE and NFTA_RULE_TABLE are all attribute 1 */
	name = kp_attr_string(attrs, len, NFTA_TABLE_NAME);
	if (!name || strcmp(name, table))
		return bad(why, size, "not about the network's table", n);
	info->messages++;
	info->rules += m->nlmsg_type == KP_NFT_TYPE(NFT_MSG_NEWRULE);
	return 0;
}

int kp_batch_check(const void *buf, size_t len, const char *table, struct kp_batch_info *info,
		   char *why, size_t why_size)
{
	const struct nlmsghdr *m;
	struct kp_walk w;
	bool begun = false, ended = false;
	int r;

	memset(info, 0, sizeof(*info));
	if (len == 0 || len > KP_BATCH_MAX)
		return bad(why, why_size, "the batch is empty or too large", 0);
	kp_walk_init(&w, buf, len);
	while ((r = kp_walk_next(&w, &m)) > 0) {
		if (ended)
			return bad(why, why_size, "follows the batch's end", info->messages + 2);
		if (!begun) {
			if (!batch_edge(m, NFNL_MSG_BATCH_BEGIN))
				return bad(why, why_size, "not the batch's begin", 0);
			begun = true;
		} else if (batch_edge(m, NFNL_MSG_BATCH_END)) {
			ended = true;
		} else if ((r = object_check(m, table, info, why, why_size)) < 0) {
			return r;
		}
	}
	if (r < 0)
		return bad(why, why_size, "truncated or malformed", info->messages + 1);
	if (!ended || info->messages == 0)
		return bad(why, why_size, "the batch has no end or nothing in it",
			   info->messages + 1);
	return 0;
}

unsigned kp_batch_renumber(void *buf, size_t len, uint32_t first)
{
	const struct nlmsghdr *m;
	struct kp_walk w;
	unsigned acks = 0;

	kp_walk_init(&w, buf, len);
	while (kp_walk_next(&w, &m) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)(uintptr_t)m;

		h->nlmsg_seq = first++;
		h->nlmsg_pid = 0;
		if (h->nlmsg_type != NFNL_MSG_BATCH_BEGIN && h->nlmsg_type != NFNL_MSG_BATCH_END) {
			h->nlmsg_flags |= NLM_F_ACK;
			acks++;
		}
	}
	return acks;
}

/* ---- notifications and answers ---- */

int kp_notes_say_gone(const void *buf, size_t len, const char *table)
{
	const struct nlmsghdr *m;
	const void *attrs;
	const char *name;
	struct kp_walk w;
	uint8_t family;
	size_t alen;
	int r;

	kp_walk_init(&w, buf, len);
	while ((r = kp_walk_next(&w, &m)) > 0) {
		if (m->nlmsg_type != KP_NFT_TYPE(NFT_MSG_DELTABLE))
			continue;
		if (kp_nft_payload(m, &family, &attrs, &alen) < 0)
			return 1;
		if (family != NFPROTO_INET)
			continue;
		name = kp_attr_string(attrs, alen, NFTA_TABLE_NAME);
		if (!name || !strcmp(name, table))
			return 1;
	}
	return r < 0 ? 1 : 0;
}

/* The kernel's text of an error (NLMSGERR_ATTR_MSG), when it sent one. */
static void error_text(const struct nlmsghdr *m, const struct nlmsgerr *e, char *out,
		       size_t size)
{
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const char *text;

	out[0] = '\0';
	if (!(m->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* without NETLINK_CAP_ACK the request itself is echoed before the TLVs */
	if (!(m->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN ||
		    e->msg.nlmsg_len - NLMSG_HDRLEN > m->nlmsg_len - off)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (off >= m->nlmsg_len)
		return;
	text = kp_attr_string((const uint8_t *)m + off, m->nlmsg_len - off, NLMSGERR_ATTR_MSG);
	if (text) {
		snprintf(out, size, "%s", text);
		out[strcspn(out, "\n")] = '\0';
	}
}

/* One NLMSG_ERROR: an ack (error 0) or a refusal. */
static int take_error(struct kp_answers *a, const struct nlmsghdr *m)
{
	struct nlmsgerr e;
	int error;

	if (m->nlmsg_len < NLMSG_HDRLEN + sizeof(e))
		return -EBADMSG;
	memcpy(&e, (const uint8_t *)m + NLMSG_HDRLEN, sizeof(e));
	/* a positive or absurd value would be a kernel bug: keep it an errno */
	error = e.error > 0 || e.error < -4095 ? -EPROTO : e.error;
	if (error < 0 && a->error == 0) {
		a->error = error;
		a->error_seq = m->nlmsg_seq;
		error_text(m, (const struct nlmsgerr *)((const uint8_t *)m + NLMSG_HDRLEN),
			   a->text, sizeof(a->text));
	}
	/* the batch's begin is answered only when the whole batch is refused */
	if (m->nlmsg_seq == a->first && a->first != a->last) {
		a->done = a->done || error < 0;
		return 0;
	}
	a->answered++;
	a->done = a->done || a->answered >= a->expected;
	return 0;
}

int kp_answers_take(struct kp_answers *a, const void *buf, size_t len)
{
	const struct nlmsghdr *m;
	struct kp_walk w;
	int r;

	kp_walk_init(&w, buf, len);
	while ((r = kp_walk_next(&w, &m)) > 0) {
		if ((m->nlmsg_pid != a->portid && m->nlmsg_pid != 0) ||
		    m->nlmsg_seq < a->first || m->nlmsg_seq > a->last)
			continue;       /* not an answer to us */
		if (m->nlmsg_type == KP_NFT_TYPE(NFT_MSG_NEWTABLE))
			a->found = true;
		else if (m->nlmsg_type == NLMSG_ERROR && take_error(a, m) < 0)
			return -EBADMSG;
	}
	return r;
}

size_t kp_gettable_build(void *buf, size_t size, const char *table, uint32_t seq)
{
	size_t name_len = strlen(table) + 1;
	size_t attr_len = NLA_HDRLEN + name_len;
	size_t len = NLMSG_HDRLEN + NFGEN_LEN + NLA_ALIGN(attr_len);
	struct nlmsghdr h = {
		.nlmsg_len = (uint32_t)len, .nlmsg_type = KP_NFT_TYPE(NFT_MSG_GETTABLE),
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = seq,
	};
	struct nfgenmsg g = { .nfgen_family = NFPROTO_INET, .version = NFNETLINK_V0 };
	struct nlattr a = { .nla_len = (uint16_t)attr_len, .nla_type = NFTA_TABLE_NAME };
	uint8_t *p = buf;

	if (name_len > KP_TABLE_MAX || len > size)
		return 0;
	memset(buf, 0, len);
	memcpy(p, &h, sizeof(h));
	memcpy(p + NLMSG_HDRLEN, &g, sizeof(g));
	memcpy(p + NLMSG_HDRLEN + NFGEN_LEN, &a, sizeof(a));
	memcpy(p + NLMSG_HDRLEN + NFGEN_LEN + NLA_HDRLEN, table, name_len);
	return len;
}

bool kp_table_of(const char *network, char *table, size_t size)
{
	size_t len = network ? strlen(network) : 0;
	int n;

	/* as vnetd_valid_name(): 1-64 of [A-Za-z0-9._+:-], not starting with '.' or '-' */
	if (len == 0 || len > 64 || network[0] == '.' || network[0] == '-')
		return false;
	for (const char *s = network; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._+:-", *s)))
			return false;
	n = snprintf(table, size, "vnetd-%s", network);
	return n > 0 && (size_t)n < size && (size_t)n < KP_TABLE_MAX;
}
