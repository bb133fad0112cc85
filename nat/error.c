/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting for nat/: one readable line per failure, with the kernel's
 * errno and, when it sent one, its extended-ACK text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "nat/nat-internal.h"

int nat_fail(struct nat_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

static int ack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The TLVs follow the echoed request, which the kernel leaves out when
 * NETLINK_CAP_ACK is on (NLM_F_CAPPED) except for its header; NLM_F_ACK_TLVS
 * says they are there (kernel's netlink_ack()). The reply comes from outside
 * the process, so every offset is checked against its own length.
 */
static void ack_text(const struct nlmsghdr *nlh, const struct nlmsgerr *e, struct nat_ack *ack)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return;
		off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(struct nlmsghdr));
	}
	if (off >= plen)
		return;
	if (mnl_attr_parse_payload((const char *)e + off, plen - off, ack_attr_cb, tb) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] == NULL)
		return;
	snprintf(ack->text, sizeof(ack->text), "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	ack->text[strcspn(ack->text, "\n")] = '\0';
}

int nat_ack_parse(const struct nlmsghdr *nlh, struct nat_ack *ack)
{
	const struct nlmsgerr *e;

	memset(ack, 0, sizeof(*ack));
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nlmsgerr))
		return -EPROTO;
	e = mnl_nlmsg_get_payload(nlh);
	ack->seq = nlh->nlmsg_seq;
	ack->req_type = e->msg.nlmsg_type;
	/* A positive or absurd value would be a kernel bug; keep it an errno. */
	ack->error = e->error > 0 || e->error < -4095 ? -EPROTO : e->error;
	ack_text(nlh, e, ack);
	return 0;
}

int nat_fail_ack(struct nat_error *err, const struct nat_ack *ack, const char *what)
{
	if (ack->text[0] != '\0')
		return nat_fail(err, ack->error, "%s: %s (kernel: %s)", what,
				strerror(-ack->error), ack->text);
	return nat_fail(err, ack->error, "%s: %s", what, strerror(-ack->error));
}
