/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting for bridge/: one readable line per failure, carrying the
 * kernel's errno and, when it sent one, its extended-ACK text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>

#include "bridge/bridge-internal.h"

/* Flags of an NLMSG_ERROR reply (linux/netlink.h, kernel >= 4.12). */
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif

void bridge_ack_reset(struct bridge_ctx *ctx)
{
	ctx->ack.error = 0;
	ctx->ack.text[0] = '\0';
}

/*
 * Only used when the kernel did not send an errno of its own (allocation
 * failures, socket errors, malformed replies): libnl has by then lost the
 * original errno, so this is the closest one.
 */
int bridge_errno_from_nl(int nlerr)
{
	static const struct { int nle, err; } map[] = {
		{ NLE_INTR, EINTR },            { NLE_BAD_SOCK, EBADF },
		{ NLE_AGAIN, EAGAIN },          { NLE_NOMEM, ENOMEM },
		{ NLE_EXIST, EEXIST },          { NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE },          { NLE_MSGSIZE, EMSGSIZE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP },  { NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND, ENOENT },   { NLE_NOATTR, EINVAL },
		{ NLE_MISSING_ATTR, EINVAL },   { NLE_AF_MISMATCH, EAFNOSUPPORT },
		{ NLE_SEQ_MISMATCH, EPROTO },   { NLE_MSG_OVERFLOW, EMSGSIZE },
		{ NLE_MSG_TRUNC, EMSGSIZE },    { NLE_NOADDR, EADDRNOTAVAIL },
		{ NLE_SRCRT_NOSUPPORT, EOPNOTSUPP }, { NLE_MSG_TOOSHORT, EPROTO },
		{ NLE_MSGTYPE_NOSUPPORT, EOPNOTSUPP }, { NLE_OBJ_MISMATCH, EINVAL },
		{ NLE_NOCACHE, ENOENT },        { NLE_BUSY, EBUSY },
		{ NLE_PROTO_MISMATCH, EPROTONOSUPPORT }, { NLE_NOACCESS, EACCES },
		{ NLE_PERM, EPERM },            { NLE_PKTLOC_FILE, ENOENT },
		{ NLE_PARSE_ERR, EPROTO },      { NLE_NODEV, ENODEV },
		{ NLE_IMMUTABLE, EINVAL },      { NLE_DUMP_INTR, EAGAIN },
		{ NLE_ATTRSIZE, ERANGE },
	};
	int nle = nlerr < 0 ? -nlerr : nlerr;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].nle == nle)
			return map[i].err;
	return EIO;
}

/*
 * The TLVs follow the echoed request, which the kernel leaves out when
 * NETLINK_CAP_ACK is on (NLM_F_CAPPED); their presence is flagged by
 * NLM_F_ACK_TLVS (kernel's netlink_ack()). Everything is checked against the
 * reply's own length since it comes from outside the process.
 */
static void copy_ext_ack(const struct nlmsghdr *hdr, const struct nlmsgerr *e,
			 struct bridge_ack *ack)
{
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *tlvs, *msg;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (off >= hdr->nlmsg_len)
		return;

	tlvs = (const struct nlattr *)((const char *)hdr + off);
	msg = nla_find(tlvs, (int)(hdr->nlmsg_len - off), NLMSGERR_ATTR_MSG);
	if (msg == NULL || nla_len(msg) <= 0)
		return;
	nla_strlcpy(ack->text, msg, sizeof(ack->text));
	/* Kernel messages never end in a newline today; be sure anyway. */
	ack->text[strcspn(ack->text, "\n")] = '\0';
}

int bridge_nl_error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct bridge_ack *ack = arg;
	/*
	 * libnl hands over nlmsg_data() of the reply and has already checked
	 * that the reply holds a whole struct nlmsgerr, so the header sits
	 * right before it in the same receive buffer.
	 */
	const struct nlmsghdr *hdr =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);

	(void)who;
	ack->error = e->error;
	ack->text[0] = '\0';
	copy_ext_ack(hdr, e, ack);
	/* NL_STOP ends the receive with libnl's code for e->error. */
	return NL_STOP;
}

static void vformat(struct bridge_error *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vformat(struct bridge_error *err, const char *fmt, va_list ap)
{
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int bridge_fail(struct bridge_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vformat(err, fmt, ap);
	va_end(ap);
	return code;
}

int bridge_nl_fail(struct bridge_ctx *ctx, int nlerr, struct bridge_error *err,
		   const char *fmt, ...)
{
	int code;
	size_t len;
	va_list ap;

	if (ctx->ack.error < 0)
		code = ctx->ack.error;
	else
		code = -bridge_errno_from_nl(nlerr);

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vformat(err, fmt, ap);
		va_end(ap);
		len = strlen(err->message);
		if (ctx->ack.text[0] != '\0')
			snprintf(err->message + len, sizeof(err->message) - len,
				 ": %s (kernel: %s)", strerror(-code),
				 ctx->ack.text);
		else
			snprintf(err->message + len, sizeof(err->message) - len,
				 ": %s", strerror(-code));
	}
	bridge_ack_reset(ctx);
	return code;
}
