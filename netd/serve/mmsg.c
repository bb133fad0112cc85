/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/mmsg.h"

#include <string.h>

void mmsg_prepare_rx(struct mmsghdr *m, struct iovec *iov, void *names, socklen_t name_size,
		     void *ctrl, size_t ctrl_size, int n)
{
	for (int i = 0; i < n; i++) {
		struct msghdr *h = &m[i].msg_hdr;

		memset(h, 0, sizeof(*h));
		h->msg_name = (char *)names + (size_t)i * name_size;
		h->msg_namelen = name_size;
		h->msg_iov = &iov[i];
		h->msg_iovlen = 1;
		h->msg_control = (char *)ctrl + (size_t)i * ctrl_size;
		h->msg_controllen = ctrl_size;
	}
}
