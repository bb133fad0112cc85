/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a request is given: options (RFC 2347-2349, 7440) and the file name. */
#include "dhcp/tftp/tftp.h"

#include <errno.h>
#include <string.h>

void tftp_negotiate(const struct tftp_request *req, const struct tftp_limits *lim,
		    uint64_t file_size, struct tftp_params *out)
{
	bool octet = req->mode == TFTP_MODE_OCTET;

	memset(out, 0, sizeof(*out));
	out->mode = req->mode;
	out->blksize = TFTP_BLKSIZE_DEFAULT;
	out->windowsize = 1;
	out->timeout_s = lim->default_timeout_s ? lim->default_timeout_s : 1;
	if (req->has_blksize) {
		/* the server may answer less than asked, never more (RFC 2348) */
		out->blksize = req->blksize < lim->max_blksize ? req->blksize : lim->max_blksize;
		if (out->blksize < TFTP_BLKSIZE_MIN)
			out->blksize = TFTP_BLKSIZE_MIN;
		out->ack_blksize = true;
	}
	if (req->has_timeout) {
		out->timeout_s = req->timeout_s;
		out->ack_timeout = true;
	}
	if (req->has_tsize && octet) {
		out->tsize = file_size;
		out->ack_tsize = true;
	}
	if (req->has_windowsize && octet) {
		out->windowsize = req->windowsize < lim->max_window ? req->windowsize
								     : lim->max_window;
		if (out->windowsize < 1)
			out->windowsize = 1;
		out->ack_windowsize = true;
	}
	out->oack = out->ack_blksize || out->ack_timeout || out->ack_tsize || out->ack_windowsize;
}

/* Append one component (n bytes at s) to out, refusing one that climbs. */
static int add_component(const char *s, size_t n, char *out, size_t size, size_t *len,
			 struct wire_error *err)
{
	if (n == 0 || (n == 1 && s[0] == '.'))
		return 0;       /* "a//b" and "a/./b" are "a/b" */
	if (n == 2 && s[0] == '.' && s[1] == '.')
		return wire_fail(err, -EACCES, "'..' is not allowed in file names");
	if (*len + (*len ? 1 : 0) + n + 1 > size)
		return wire_fail(err, -ENAMETOOLONG, "file name too long");
	if (*len)
		out[(*len)++] = '/';
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

int tftp_clean_path(const char *name, char *out, size_t size, struct wire_error *err)
{
	char tmp[TFTP_NAME_MAX + 1];
	size_t len = 0, i, start = 0, n = strnlen(name, sizeof(tmp));
	int r;

	if (n >= sizeof(tmp) || size == 0)
		return wire_fail(err, -ENAMETOOLONG, "file name too long");
	for (i = 0; i < n; i++) {
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return wire_fail(err, -EACCES, "control characters in file name");
		tmp[i] = name[i] == '\\' ? '/' : name[i];
	}
	tmp[n] = '\0';
	out[0] = '\0';
	for (i = 0; i <= n; i++) {
		if (i < n && tmp[i] != '/')
			continue;
		if ((r = add_component(tmp + start, i - start, out, size, &len, err)) < 0)
			return r;
		start = i + 1;
	}
	if (len == 0)
		return wire_fail(err, -ENOENT, "no file name");
	return 0;
}
