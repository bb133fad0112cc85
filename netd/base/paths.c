/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd: error output and file names under the three directories. */
#include "netd/base/base.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool vnetd_valid_name(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len > VNETD_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._+:-", *s))
			return false;
	return true;
}

bool vnetd_path(char *buf, size_t size, const char *dir, const char *sub, const char *name,
		const char *ext)
{
	int n;

	/* the name is the only part that comes from a user: never let it climb */
	if (name && !vnetd_valid_name(name))
		return false;
	n = snprintf(buf, size, "%s%s%s%s%s%s", dir, sub ? "/" : "", sub ? sub : "",
		     name ? "/" : "", name ? name : "", ext ? ext : "");
	return n > 0 && (size_t)n < size;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void vnetd_free_names(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int vnetd_list_names(const char *dir, const char *suffix,
		     bool (*keep)(const char *name, void *ctx), void *ctx, char ***names,
		     size_t *count)
{
	size_t n = 0, slen = strlen(suffix);
	char **list = NULL, **grown;
	struct dirent *e;
	DIR *d;

	*names = NULL;
	*count = 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[VNETD_NAME_MAX + 1];

		if (len <= slen || len - slen > VNETD_NAME_MAX ||
		    strcmp(e->d_name + len - slen, suffix))
			continue;
		memcpy(name, e->d_name, len - slen);
		name[len - slen] = '\0';
		if (!vnetd_valid_name(name) || (keep && !keep(name, ctx)))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (grown)
			list = grown;
		if (!grown || !(list[n] = strdup(name))) {
			vnetd_free_names(list, n);
			closedir(d);
			return -ENOMEM;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(list, n, sizeof(*list), cmp_names);
	*names = list;
	*count = n;
	return 0;
}
