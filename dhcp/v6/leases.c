/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The leases over time: binding state changes, journal records, names to
 * DNS, expiry, iteration, start-up from the lease file and the journal,
 * and the v6 part of the lease file and the status JSON.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

#define CHUNK (64u << 10)

void d6_name_publish(const struct dhcp6_server *srv, const struct d6_lease *l)
{
	if (srv->on_name)
		srv->on_name(srv->userdata, &l->addr,
			     l->flags & F6_NO_DNS ? NULL : d6_lease_name(l), l->expires);
}

void d6_name_withdraw(const struct dhcp6_server *srv, const struct in6_addr *a)
{
	if (srv->on_name)
		srv->on_name(srv->userdata, a, NULL, 0);
}

void d6_unbind(struct dhcp6_server *srv, uint32_t idx, int64_t now)
{
	struct d6_lease *l = &srv->store.rec[idx];

	if (l->state == S6_BOUND) {
		srv->store.n_bound--;
		d6_store_index_name(&srv->store, idx, false);
		d6_name_withdraw(srv, &l->addr);
	}
	l->state = S6_GHOST;
	l->expires = now;
}

void d6_bind(struct dhcp6_server *srv, uint32_t idx, int64_t expires)
{
	struct d6_lease *l = &srv->store.rec[idx];

	if (l->state != S6_BOUND) {
		srv->store.n_bound++;
		l->state = S6_BOUND;
		d6_store_index_name(&srv->store, idx, true);
	}
	l->expires = expires;
}

void d6_journal(struct dhcp6_server *srv, const struct d6_lease *l, int op)
{
	struct lease6_info info;

	d6_lease_view(l, &info);
	/* -ENOMEM leaves the record out; the next lease file still carries the lease */
	lease_journal6_append(&srv->journal, op, &info);
}

void d6_names_recheck(struct dhcp6_server *srv)
{
	for (uint32_t i = 0; i < srv->store.n_rec; i++) {
		struct d6_lease *l = &srv->store.rec[i];
		struct d6_ident id = { l->extra, l->duid_len, l->iaid };
		const char *name = d6_lease_name(l);

		if (l->state != S6_BOUND || !name ||
		    !d6_name_refusal(srv, i, &id, d6_host_by_duid(&srv->hosts, id.duid, id.duid_len),
				     name))
			continue;
		if (d6_store_set_name(&srv->store, i, NULL) == 0)
			d6_name_withdraw(srv, &l->addr);
	}
}

int64_t dhcp6_server_tick(struct dhcp6_server *srv, int64_t now)
{
	int64_t next = LEASE_EXPIRES_NEVER;

	for (uint32_t i = 0; i < srv->store.n_rec; i++) {
		struct d6_lease *l = &srv->store.rec[i];

		if (l->state == S6_UNUSED || l->state == S6_GHOST)
			continue;
		if (l->expires > now) {
			next = l->expires < next ? l->expires : next;
			continue;
		}
		if (l->state == S6_QUARANTINED) {
			d6_store_del(&srv->store, i);
			continue;
		}
		if (l->state == S6_BOUND)
			d6_emit_lease(srv, DHCP6_EV_EXPIRED, l, false);
		d6_unbind(srv, i, now);
	}
	return next;
}

int dhcp6_server_foreach_lease(const struct dhcp6_server *srv, lease6_info_fn fn,
			       void *userdata)
{
	struct lease6_info info;
	int rc;

	for (uint32_t i = 0; i < srv->store.n_rec; i++) {
		if (srv->store.rec[i].state != S6_BOUND)
			continue;
		d6_lease_view(&srv->store.rec[i], &info);
		if ((rc = fn(userdata, &info)) != 0)
			return rc;
	}
	return 0;
}

size_t dhcp6_server_lease_count(const struct dhcp6_server *srv)
{
	return srv->store.n_bound;
}

bool dhcp6_server_lease_mac(const struct dhcp6_server *srv, const struct in6_addr *addr,
			    uint8_t mac[6])
{
	uint32_t i = d6_store_by_addr(&srv->store, addr);

	if (i == HTAB_NONE || srv->store.rec[i].state != S6_BOUND || !srv->store.rec[i].has_mac)
		return false;
	memcpy(mac, srv->store.rec[i].mac, 6);
	return true;
}

/* ---- start-up ---- */

struct load {
	struct dhcp6_server *srv;
	int64_t now;
	lease_problem_fn on_problem;
	void *userdata;
	int error;
};

static void problem(struct load *ld, const struct lease6_info *l, const char *why)
{
	struct lease_error e = { .code = -EINVAL };
	char a[INET6_ADDRSTRLEN];

	if (!ld->on_problem)
		return;
	inet_ntop(AF_INET6, &l->addr, a, sizeof(a));
	snprintf(e.message, sizeof(e.message), "lease for %s skipped: %s", a, why);
	ld->on_problem(ld->userdata, &e);
}

static const char *restore_check(const struct dhcp6_server *srv, const struct lease6_info *l)
{
	const struct d6_host *host = d6_host_by_duid(&srv->hosts, l->duid, l->duid_len);
	const struct d6_host *owner = d6_host_by_ip(&srv->hosts, &l->addr);

	if (!d6_on_link(srv, &l->addr))
		return "not in the prefix";
	if (owner && owner != host && owner->duid_len)
		return "the address belongs to a static host";
	if (!owner && !d6_pool_range(&srv->pool, &l->addr))
		return "not in any range";
	return NULL;
}

static int restore(struct load *ld, const struct lease6_info *l)
{
	struct dhcp6_server *srv = ld->srv;
	struct d6_ident id = { l->duid, l->duid_len, l->iaid };
	uint32_t idx, holder;
	struct d6_lease *r;
	const char *why = restore_check(srv, l);

	if (why) {
		problem(ld, l, why);
		return 0;
	}
	idx = d6_store_by_ident(&srv->store, &id);
	holder = d6_store_by_addr(&srv->store, &l->addr);
	if (holder != HTAB_NONE && holder != idx) {
		d6_unbind(srv, holder, ld->now);        /* the later record wins */
		d6_store_del(&srv->store, holder);
	}
	if (idx == HTAB_NONE && (idx = d6_store_add(&srv->store, &id, &l->addr)) == HTAB_NONE)
		return ld->error = -ENOMEM;
	r = &srv->store.rec[idx];
	d6_unbind(srv, idx, ld->now);
	d6_store_move(&srv->store, idx, &l->addr);
	d6_store_set_name(&srv->store, idx,
			  l->hostname && !d6_name_refusal(srv, idx, &id,
							  d6_host_by_duid(&srv->hosts, l->duid,
									  l->duid_len),
							  l->hostname)
			  ? l->hostname : NULL);
	r->has_mac = l->has_mac;
	memcpy(r->mac, l->mac, 6);
	r->expires = l->expires;
	if (l->expires > ld->now)
		d6_bind(srv, idx, l->expires);
	return 0;
}

/* Line and record problems go to the caller's callback with the caller's userdata. */
static void load_problem(void *userdata, const struct lease_error *e)
{
	struct load *ld = userdata;

	if (ld->on_problem)
		ld->on_problem(ld->userdata, e);
}

static int on_line(void *userdata, const struct lease6_info *l)
{
	return restore(userdata, l);
}

static int on_record(void *userdata, int op, const struct lease6_info *l)
{
	struct load *ld = userdata;
	uint32_t holder;

	if (op == LEASE_JOURNAL_BIND6)
		return restore(ld, l);
	holder = d6_store_by_addr(&ld->srv->store, &l->addr);
	if (holder != HTAB_NONE)
		d6_unbind(ld->srv, holder, ld->now);
	return 0;
}

int dhcp6_server_load(struct dhcp6_server *srv, const char *lease_text, size_t text_len,
		      const uint8_t *journal, size_t journal_len, int64_t now,
		      lease_problem_fn on_problem, void *userdata, size_t *journal_good)
{
	struct load ld = { srv, now, on_problem, userdata, 0 };
	dhcp6_name_fn on_name = srv->on_name;
	long good = 0;

	srv->on_name = NULL;    /* names go out once, for what the files add up to */
	if (lease_text && text_len)
		lease_file6_parse(lease_text, text_len, on_line, load_problem, &ld);
	if (!ld.error && journal && journal_len)
		good = lease_journal6_replay(journal, journal_len, on_record, load_problem, &ld);
	srv->on_name = on_name;
	if (journal_good)
		*journal_good = good > 0 ? (size_t)good : 0;
	for (uint32_t i = 0; !ld.error && i < srv->store.n_rec; i++)
		if (srv->store.rec[i].state == S6_BOUND)
			d6_name_publish(srv, &srv->store.rec[i]);
	return ld.error;
}

/* ---- the files ---- */

struct files {
	const struct dhcp6_server *srv;
	struct lease_sink *sink;
	struct lease_buf buf;
	bool first;
	size_t wrote;
	bool status;
};

static int one(void *userdata, const struct lease6_info *l)
{
	struct files *f = userdata;
	int r = f->status ? lease_status6_append(&f->buf, l, f->srv->duid, f->srv->duid_len,
						 f->first)
			  : lease_file6_append(&f->buf, l);

	if (r < 0)
		return r;
	f->first = false;
	f->wrote++;
	if (f->buf.len > CHUNK) {
		f->sink->write(f->sink->ctx, f->buf.data, f->buf.len);
		f->buf.len = 0;
	}
	return 0;
}

static int write_all(struct files *f)
{
	int r = dhcp6_server_foreach_lease(f->srv, one, f);

	if (r == 0 && f->buf.len)
		f->sink->write(f->sink->ctx, f->buf.data, f->buf.len);
	lease_buf_free(&f->buf);
	return r;
}

int dhcp6_server_write_leases(const struct dhcp6_server *srv, struct lease_sink *leases)
{
	struct files f = { .srv = srv, .sink = leases, .first = true };
	int r = lease_file6_duid_line(&f.buf, srv->duid, srv->duid_len);

	if (r < 0) {
		lease_buf_free(&f.buf);
		return r;
	}
	return write_all(&f);
}

int dhcp6_server_write_status(const struct dhcp6_server *srv, struct lease_sink *status,
			      bool first, size_t *wrote)
{
	struct files f = { .srv = srv, .sink = status, .first = first, .status = true };
	int r = write_all(&f);

	if (wrote)
		*wrote = f.wrote;
	return r;
}
