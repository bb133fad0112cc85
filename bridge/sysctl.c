/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network sysctls, as plain files under /proc/sys/net. Files under
 * /proc/sys/net belong to the network namespace of whoever opens them, so
 * like the netlink calls these act on the caller's namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge-internal.h"

#define SYSCTL_ROOT "/proc/sys/net/"

/* Room for the root plus "ipv6/conf/<15-char ifname>/<long knob>" and more. */
#define SYSCTL_PATH_MAX 256

/*
 * The path often carries an interface name that came from a definition
 * file, so it is checked before it reaches open(): only the characters
 * sysctl names and interface names use in practice, relative, and no empty,
 * "." or ".." component that could step outside /proc/sys/net. A single
 * "." inside a component stays legal: VLAN devices are named "eth0.100".
 */
static int check_path(const char *path, struct bridge_error *err)
{
	static const char allowed[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789_./-";
	const char *p, *slash;
	size_t len;

	if (path == NULL || path[0] == '\0')
		return bridge_fail(err, -EINVAL, "empty sysctl path");
	len = strlen(path);
	if (len >= SYSCTL_PATH_MAX - sizeof(SYSCTL_ROOT))
		return bridge_fail(err, -ENAMETOOLONG, "sysctl path too long");
	if (strspn(path, allowed) != len)
		return bridge_fail(err, -EINVAL,
				   "invalid sysctl path \"%s\": only letters, digits and _ . / - are allowed",
				   path);
	if (path[0] == '/')
		return bridge_fail(err, -EINVAL,
				   "invalid sysctl path \"%s\": it is relative to %s",
				   path, SYSCTL_ROOT);

	for (p = path; ; p = slash + 1) {
		size_t n;

		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return bridge_fail(err, -EINVAL,
					   "invalid sysctl path \"%s\": empty, \".\" or \"..\" component",
					   path);
		if (slash == NULL)
			break;
	}
	return 0;
}

/* errno is read once, so the returned code and the text always agree. */
static int fail_errno(struct bridge_error *err, const char *doing,
		      const char *file)
{
	int e = errno;

	return bridge_fail(err, -e, "%s %s: %s", doing, file, strerror(e));
}

static void full_path(char *buf, const char *path)
{
	snprintf(buf, SYSCTL_PATH_MAX, "%s%s", SYSCTL_ROOT, path);
}

/*
 * Numeric sysctls (proc_dointvec() and friends) format the whole value in
 * one read() and return EOF to any read at a non-zero offset, so reading a
 * little at a time would silently truncate. One read() into a page-sized
 * buffer gets all of it (no net sysctl value comes near a page); a value
 * that does not fit the caller's buffer is an error, not a truncation,
 * since callers keep it to write it back later.
 */
#define SYSCTL_VALUE_MAX 4096

static int read_value(const char *file, char *out, size_t size,
		      struct bridge_error *err)
{
	char value[SYSCTL_VALUE_MAX];
	ssize_t n;
	size_t len;
	int fd;

	out[0] = '\0';
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(err, "cannot read", file);
	do
		n = read(fd, value, sizeof(value));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int code = fail_errno(err, "cannot read", file);

		close(fd);
		return code;
	}
	close(fd);

	len = (size_t)n;
	if (len == sizeof(value))
		return bridge_fail(err, -EOVERFLOW,
				   "cannot read %s: value longer than %zu bytes",
				   file, sizeof(value) - 1);
	/* The kernel ends every value with a newline; callers want the value. */
	while (len > 0 && value[len - 1] == '\n')
		len--;
	if (len >= size)
		return bridge_fail(err, -EOVERFLOW,
				   "cannot read %s: value is %zu bytes, buffer holds %zu",
				   file, len, size - 1);
	memcpy(out, value, len);
	out[len] = '\0';
	return 0;
}

int bridge_sysctl_get(const char *path, char *out, size_t size,
		      struct bridge_error *err)
{
	char file[SYSCTL_PATH_MAX];
	int rc;

	if (out == NULL || size == 0)
		return bridge_fail(err, -EINVAL, "bridge_sysctl_get: no buffer");
	out[0] = '\0';
	rc = check_path(path, err);
	if (rc < 0)
		return rc;
	full_path(file, path);
	return read_value(file, out, size, err);
}

int bridge_sysctl_set(const char *path, const char *value, char *old_out,
		      size_t old_size, struct bridge_error *err)
{
	char file[SYSCTL_PATH_MAX];
	size_t len;
	ssize_t n;
	int fd, rc;

	if (old_out != NULL && old_size == 0)
		return bridge_fail(err, -EINVAL,
				   "bridge_sysctl_set: empty buffer for the old value");
	if (old_out != NULL)
		old_out[0] = '\0';
	rc = check_path(path, err);
	if (rc < 0)
		return rc;
	if (value == NULL || value[0] == '\0')
		return bridge_fail(err, -EINVAL,
				   "cannot write %s%s: empty value", SYSCTL_ROOT, path);
	full_path(file, path);

	if (old_out != NULL) {
		rc = read_value(file, old_out, old_size, err);
		if (rc < 0)
			return rc;
	}

	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(err, "cannot write", file);
	/*
	 * One write(): proc_dointvec and friends parse each write on its own,
	 * and with the default kernel.sysctl_writes_strict=1 a write at a
	 * non-zero offset is ignored, so a value split over two calls would be
	 * half applied.
	 */
	len = strlen(value);
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		rc = bridge_fail(err, -e, "cannot write \"%s\" to %s: %s",
				 value, file, strerror(e));
	}
	else if ((size_t)n != len)
		rc = bridge_fail(err, -EIO,
				 "cannot write \"%s\" to %s: short write", value, file);
	close(fd);
	return rc;
}
