/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start-up: the lease file, then the journal, folded into the store, whole
 * or in pieces (the daemon streams the files: 60 000 leases are megabytes
 * of text it need not hold). The later record of a client or an address
 * wins; names go out once at the end, for what the files add up to.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

static void problem(struct dhcp_server *srv, const struct lease_info *l, const char *why)
{
	struct lease_error e = { .code = -EINVAL };
	char a[INET_ADDRSTRLEN];

	if (!srv->load.on_problem)
		return;
	inet_ntop(AF_INET, &l->addr, a, sizeof(a));
	snprintf(e.message, sizeof(e.message), "lease for %s skipped: %s", a, why);
	srv->load.on_problem(srv->load.userdata, &e);
}

/* The file readers' problems, passed on with the caller's own userdata. */
static void forward_problem(void *userdata, const struct lease_error *e)
{
	struct dhcp_server *srv = userdata;

	if (srv->load.on_problem)
		srv->load.on_problem(srv->load.userdata, e);
}

static const char *restore_check(struct dhcp_server *srv, const struct dhcp_ident *id,
				 uint32_t addr)
{
	const struct dhcp_host_int *host = dhcp_find_host(srv, id);
	const struct dhcp_host_int *owner = dhcp_host_by_ip(srv, addr);

	if ((addr & srv->netmask) != srv->network || addr == srv->network ||
	    addr == srv->broadcast || addr == srv->server_addr)
		return "not in the subnet";
	if (owner && owner != host)
		return "the address belongs to a static host";
	if (host && host->has_ip && host->ip != addr)
		return "the client has another static address";
	if (!owner && dhcp_pool_index(&srv->pool, addr) == HTAB_NONE)
		return "not in any range";
	return NULL;
}

static int restore(struct dhcp_server *srv, const struct lease_info *l)
{
	struct dhcp_load *ld = &srv->load;
	struct dhcp_ident id = {
		.client_id = l->client_id, .client_id_len = l->client_id_len,
		.htype = l->htype, .hlen = l->hlen, .chaddr = l->chaddr,
	};
	uint32_t addr = ntohl(l->addr.s_addr), idx, holder;
	struct dhcp_lease *r;
	const char *why, *name;

	if (!l->client_id_len && !l->hlen) {
		problem(srv, l, "no client identity");
		return 0;
	}
	why = restore_check(srv, &id, addr);
	if (why) {
		problem(srv, l, why);
		return 0;
	}
	idx = dhcp_store_by_ident(&srv->store, &id);
	holder = dhcp_store_by_addr(&srv->store, addr);
	if (holder != HTAB_NONE && holder != idx) {
		dhcp_lease_unbind(srv, holder, ld->now);        /* the later record wins */
		dhcp_store_del(&srv->store, holder);
	}
	if (idx == HTAB_NONE) {
		idx = dhcp_store_add(&srv->store, &id, addr);
		if (idx == HTAB_NONE) {
			ld->error = -ENOMEM;
			return -ENOMEM;
		}
		srv->store.rec[idx].state = LS_GHOST;
	}
	r = &srv->store.rec[idx];
	dhcp_lease_unbind(srv, idx, ld->now);
	dhcp_store_move(&srv->store, idx, addr);
	/* two files can disagree (an older version, a hand edit): first name wins */
	name = l->hostname && !dhcp_name_refusal(srv, idx, dhcp_find_host(srv, &id), l->hostname)
	       ? l->hostname : NULL;
	dhcp_store_set_name(&srv->store, idx, name);
	r->expires = l->expires;
	if (l->expires > ld->now)       /* an expired lease is only remembered */
		dhcp_lease_bind(srv, idx, l->expires);
	return 0;
}

static int on_line(void *userdata, const struct lease_info *l)
{
	return restore(userdata, l);
}

static int on_record(void *userdata, enum lease_journal_op op, const struct lease_info *l)
{
	struct dhcp_server *srv = userdata;
	uint32_t holder;

	if (op == LEASE_JOURNAL_BIND)
		return restore(srv, l);
	holder = dhcp_store_by_addr(&srv->store, ntohl(l->addr.s_addr));
	if (holder != HTAB_NONE)
		dhcp_lease_unbind(srv, holder, srv->load.now);
	return 0;
}

void dhcp_server_load_begin(struct dhcp_server *srv, int64_t now, lease_problem_fn on_problem,
			    void *userdata)
{
	memset(&srv->load, 0, sizeof(srv->load));
	srv->load.now = now;
	srv->load.on_problem = on_problem;
	srv->load.userdata = userdata;
	srv->load.on_name = srv->on_name;
	srv->on_name = NULL;
}

int dhcp_server_load_lines(struct dhcp_server *srv, const char *text, size_t len,
			   unsigned lines_before)
{
	if (!srv->load.error && text && len)
		lease_file_parse_lines(text, len, lines_before, on_line, forward_problem, srv);
	return srv->load.error;
}

long dhcp_server_load_journal(struct dhcp_server *srv, const uint8_t *data, size_t len,
			      bool more, bool *stopped)
{
	long good = 0;

	if (!srv->load.error && data && len)
		good = lease_journal_replay_part(data, len, more, &srv->load.journal, on_record,
						 forward_problem, srv);
	if (stopped)
		*stopped = srv->load.journal.stopped || srv->load.error;
	return srv->load.error ? srv->load.error : good;
}

int dhcp_server_load_end(struct dhcp_server *srv)
{
	uint32_t i;

	srv->on_name = srv->load.on_name;
	for (i = 0; !srv->load.error && i < srv->store.n_rec; i++)
		if (srv->store.rec[i].state == LS_BOUND)
			dhcp_name_publish(srv, &srv->store.rec[i]);
	return srv->load.error;
}

int dhcp_server_load(struct dhcp_server *srv, const char *lease_text, size_t text_len,
		     const uint8_t *journal, size_t journal_len, int64_t now,
		     lease_problem_fn on_problem, void *userdata, size_t *journal_good)
{
	long good = 0;

	dhcp_server_load_begin(srv, now, on_problem, userdata);
	dhcp_server_load_lines(srv, lease_text, text_len, 0);
	good = dhcp_server_load_journal(srv, journal, journal_len, false, NULL);
	if (journal_good)
		*journal_good = good > 0 ? (size_t)good : 0;
	return dhcp_server_load_end(srv);
}
