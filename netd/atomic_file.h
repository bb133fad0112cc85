/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-file replacement that survives a crash at any point: write a temp
 * file, fsync it, rename it over the target, fsync the directory. A reader
 * sees the old file or the new one, never a mix.
 */
#ifndef VNETD_ATOMIC_FILE_H
#define VNETD_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* 0 or negative errno. */
int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode);

/*
 * The same, for `name` inside the directory open as `dirfd`: a process that
 * dropped privileges keeps writing there through a descriptor opened before,
 * whatever the permissions of the directories above it.
 */
int atomic_file_write_at(int dirfd, const char *name, const void *data, size_t len,
			 mode_t mode);

/*
 * The same, written piece by piece (for files too big to build in memory
 * first): begin, write any number of times, then commit (fsync + rename +
 * fsync of the directory) or abort (the target is left as it was).
 */
struct atomic_writer {
	int dirfd;
	int fd;
	int error;                      /* first failure, reported at commit */
	mode_t mode;
	char name[256];
	char tmp[256];
};

int atomic_writer_begin(struct atomic_writer *w, int dirfd, const char *name, mode_t mode);
void atomic_writer_write(struct atomic_writer *w, const void *data, size_t len);
int atomic_writer_commit(struct atomic_writer *w);
void atomic_writer_abort(struct atomic_writer *w);

/* write() all of it, across short writes and EINTR; 0 or negative errno. */
int write_full(int fd, const void *data, size_t len);

/* Create a directory and its parents (like mkdir -p); 0 or negative errno. */
int mkdir_parents(const char *path, mode_t mode);

/* Read `size` bytes (fewer at end of file) of fd into a NUL-terminated malloc'ed buffer. */
int read_fd_whole(int fd, size_t size, char **ret, size_t *len);

/* Read a whole file of at most `max` bytes into a NUL-terminated malloc'ed buffer. */
int read_small_file(const char *path, size_t max, char **ret, size_t *len);

#endif
