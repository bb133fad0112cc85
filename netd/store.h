/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store: the persistent definitions, CONFDIR/networks/NAME.xml, and the
 * autostart links CONFDIR/networks/autostart/NAME.xml -> ../NAME.xml.
 */
#ifndef VNETD_STORE_H
#define VNETD_STORE_H

#include "netd/netdef.h"
#include "netd/vnetd.h"

/* Load NAME's definition; -ENOENT when it is not defined. */
int store_load(const struct vnetd_paths *paths, const char *name, struct netdef **ret,
	       struct netdef_error *err);

/* Write a definition atomically; 0 or negative errno. */
int store_save(const struct vnetd_paths *paths, const struct netdef *def);

/* Remove NAME's definition and autostart link; -ENOENT when not defined. */
int store_remove(const struct vnetd_paths *paths, const char *name);

bool store_is_defined(const struct vnetd_paths *paths, const char *name);
bool store_get_autostart(const struct vnetd_paths *paths, const char *name);
int store_set_autostart(const struct vnetd_paths *paths, const char *name, bool on);

/*
 * Names of every defined network (or, with autostart_only, of those marked
 * for autostart), sorted. Free with vnetd_free_names().
 */
int store_list(const struct vnetd_paths *paths, bool autostart_only, char ***names,
	       size_t *count);

/*
 * Give a definition what libvirt fills in and saves: a bridge name (the first
 * free virbrN for a missing name or a "%d" template) and a stable, locally
 * administered MAC (52:54:00:xx:xx:xx). Names used by other definitions or
 * by existing interfaces are skipped. Sets *changed when anything was added.
 */
int store_complete(const struct vnetd_paths *paths, struct netdef *def, bool *changed,
		   char *msg, size_t msg_size);

#endif
