/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon is a fork of `vnetd start`, and its start-up runs code the loop
 * never runs again (libxml2's parser, netlink, the sandbox, the lease load).
 * Every page of a program or library it touched on the way stays mapped and
 * counts in its RSS, and the kernel maps up to 64 KiB around each fault.
 * Once ready, the daemon lets go of the clean pages of its file mappings:
 * the loop faults back, from the page cache, the few it uses. Only mappings
 * with no private (copied on write) page are dropped — their content is the
 * file's, so nothing is lost; relocated data and the heap are never touched.
 * And the free heap of the start-up goes back to the system.
 */
#include "netd/serve/daemon.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* One mapping of /proc/self/smaps, as far as read. */
struct mapping {
	unsigned long start, end;
	bool file;              /* backed by a file (a path), not [heap], [stack], ... */
	bool seen_anon;         /* its "Anonymous:" line was read */
	unsigned long anon_kb;
};

static void drop(const struct mapping *m, size_t *dropped)
{
	if (!m->file || !m->seen_anon || m->anon_kb || m->end <= m->start)
		return;
	if (madvise((void *)m->start, m->end - m->start, MADV_DONTNEED) == 0)
		*dropped += m->end - m->start;
}

/* A mapping's first line: "start-end perms offset dev inode [path]". */
static bool mapping_line(const char *line, struct mapping *m)
{
	char perms[8];
	int path = 0;

	if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &m->start, &m->end, perms, &path) < 3)
		return false;
	m->file = path > 0 && line[path] == '/';
	m->seen_anon = false;
	m->anon_kb = 0;
	return true;
}

size_t daemon_shed_start_pages(void)
{
	struct mapping m = { 0 };
	size_t dropped = 0;
	char line[512];
	FILE *f;

	malloc_trim(0);
	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return 0;       /* no /proc: the pages stay, nothing else changes */
	while (fgets(line, sizeof(line), f)) {
		struct mapping next;

		if (sscanf(line, "Anonymous: %lu kB", &m.anon_kb) == 1)
			m.seen_anon = true;
		else if (strchr(line, '-') && mapping_line(line, &next))
			m = next;
		else if (!strncmp(line, "VmFlags:", 8))
			drop(&m, &dropped);     /* the mapping's last line */
	}
	fclose(f);
	return dropped;
}
