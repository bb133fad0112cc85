/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease: the on-disk forms of DHCPv4 leases. A library: no globals, no
 * logging, no exit(), no I/O: everything here is byte formatting and
 * parsing; the daemon (netd/) writes the files.
 *
 *   NAME.leases   dnsmasq's line format "EXPIRY MAC IP HOSTNAME CLIENTID\n",
 *                 '*' for no host name / no client id, EXPIRY 0 = infinite.
 *   NAME.journal  append-only binary records, each framed as
 *                     u32 magic 'VJL1' | u32 payload length | u32 CRC-32C |
 *                     payload
 *                 so a record torn by a crash (short, or checksum mismatch)
 *                 is detected; replay stops there and reports how many
 *                 bytes were good (the caller truncates the file to that).
 *   BRIDGE.status libvirt's lease status JSON: an array of objects with
 *                 "ip-address", "mac-address", "hostname" (when known),
 *                 "client-id" (when known), "expiry-time" (unix seconds).
 *
 * Ownership: a struct lease_info only borrows its pointers; a lease_buf owns
 * its data (free it with lease_buf_free()).
 */
#ifndef VNETD_LEASE_H
#define VNETD_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lease end for an infinite lease (libvirt <lease expiry='0'/>). */
#define LEASE_EXPIRES_NEVER INT64_MAX

#define LEASE_HOSTNAME_MAX 63   /* one DNS label */
#define LEASE_CHADDR_MAX 16     /* RFC 2131 §2: chaddr is 16 octets */
#define LEASE_CLIENT_ID_MAX 255

/* One lease as the files see it. Pointers are borrowed. */
struct lease_info {
	struct in_addr addr;
	int64_t expires;                /* unix seconds, or LEASE_EXPIRES_NEVER */
	uint8_t htype;                  /* ARP hardware type, 1 = Ethernet */
	uint8_t hlen;                   /* <= LEASE_CHADDR_MAX */
	uint8_t chaddr[LEASE_CHADDR_MAX];
	const uint8_t *client_id;       /* option 61 bytes, or NULL */
	size_t client_id_len;           /* 0 when none */
	const char *hostname;           /* sanitised (lease_hostname_sanitize), or NULL */
};

/* A growable output buffer. Zero-initialise; release with lease_buf_free(). */
struct lease_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void lease_buf_free(struct lease_buf *b);       /* NULL is fine */

/* Where a lease file's bytes go, a chunk at a time (a file being replaced, memory). */
struct lease_sink {
	void (*write)(void *ctx, const void *data, size_t len);
	void *ctx;
};

/* A lease_sink appending to the lease_buf ctx (out of memory cuts the text short). */
void lease_buf_sink(void *ctx, const void *data, size_t len);
int lease_buf_append(struct lease_buf *b, const void *data, size_t len);

/* Errors and per-line problems a person reads. */
struct lease_error {
	int code;                       /* negative errno */
	unsigned line;                  /* 1-based line, 0 when none applies */
	char message[256];
};

/*
 * Reduce a client-chosen host name to something safe for line files, JSON,
 * logs and DNS: the first label only, letters/digits/'-' kept, '_' and ' '
 * turned into '-', anything else dropped, at most LEASE_HOSTNAME_MAX chars.
 * Writes a NUL-terminated result into out[LEASE_HOSTNAME_MAX + 1] and returns
 * its length (0: nothing usable, treat as no name).
 */
size_t lease_hostname_sanitize(const uint8_t *in, size_t len,
			       char out[LEASE_HOSTNAME_MAX + 1]);

/* ---- NAME.leases ---- */

/* Append one dnsmasq-format line for `l` (expiry 0 when infinite). */
int lease_file_append(struct lease_buf *out, const struct lease_info *l);

/* Called for each good line / each bad line. Return non-zero to stop. */
typedef int (*lease_info_fn)(void *userdata, const struct lease_info *l);
typedef void (*lease_problem_fn)(void *userdata, const struct lease_error *e);

/*
 * Parse a whole lease file held in memory. Every good line goes to `on_lease`
 * (pointers valid only during the call); every bad line to `on_problem` with
 * its line number, then it is skipped (never fatal). dnsmasq's "duid" lines
 * are ignored. Returns the number of leases passed on, or the non-zero value
 * `on_lease` returned to stop.
 */
int lease_file_parse(const char *text, size_t len, lease_info_fn on_lease,
		     lease_problem_fn on_problem, void *userdata);
/*
 * The same for a piece of a file read in pieces (whole lines): lines are
 * numbered in reports after the `lines_before` lines of earlier pieces.
 */
int lease_file_parse_lines(const char *text, size_t len, unsigned lines_before,
			   lease_info_fn on_lease, lease_problem_fn on_problem, void *userdata);

/* ---- NAME.journal ---- */

enum lease_journal_op {
	LEASE_JOURNAL_BIND = 1,         /* the lease now exists as described */
	LEASE_JOURNAL_FREE = 2,         /* the address is free (only addr is meaningful) */
};

/* Append one framed record. */
int lease_journal_append(struct lease_buf *out, enum lease_journal_op op,
			 const struct lease_info *l);

typedef int (*lease_journal_fn)(void *userdata, enum lease_journal_op op,
				const struct lease_info *l);

/*
 * Replay records in order. Stops at the first torn or corrupt record (short
 * frame, bad magic, bad checksum, bad payload) and reports it through
 * `on_problem` (line = record number). Returns the number of bytes that
 * were good (truncate the file to this before appending again), or the
 * negative value `on_record` returned.
 */
long lease_journal_replay(const uint8_t *data, size_t len, lease_journal_fn on_record,
			  lease_problem_fn on_problem, void *userdata);

/* Where a replay in pieces stands (zero-initialise before the first piece). */
struct lease_replay {
	unsigned count;                 /* records seen, for reports */
	bool stopped;                   /* a bad record ended the replay (reported) */
};

/*
 * The same for a journal read in pieces: the records complete in
 * data[0..len) are replayed and the bytes they take returned (keep the rest
 * in front of the next piece). `more`: the file goes on, so a record cut
 * by the piece's end is not torn (only at the file's end is it). After a
 * bad record st->stopped is set and nothing more may be replayed.
 */
long lease_journal_replay_part(const uint8_t *data, size_t len, bool more,
			       struct lease_replay *st, lease_journal_fn on_record,
			       lease_problem_fn on_problem, void *userdata);

/* ---- BRIDGE.status ---- */

/* "[\n" ... "]\n" around objects appended with lease_status_append(). */
int lease_status_begin(struct lease_buf *out);
int lease_status_append(struct lease_buf *out, const struct lease_info *l, bool first);
int lease_status_end(struct lease_buf *out, bool empty);

/*
 * Read a BRIDGE.status held in memory (libvirt's, or ours): every usable
 * object goes to `on_lease` (pointers valid during the call only), every
 * unusable one (no address, bad MAC or client id, no expiry) to
 * `on_problem` with the line its '{' is on, then it is skipped. Unknown keys
 * are ignored. Returns the number of leases passed on, the non-zero value
 * `on_lease` returned to stop, or -EBADMSG when the text is not a status
 * array (reported through `on_problem` with the line it broke on; leases
 * before that point were passed on already). An empty text holds no leases.
 */
int lease_status_parse(const char *text, size_t len, lease_info_fn on_lease,
		       lease_problem_fn on_problem, void *userdata);

/* CRC-32C (Castagnoli), as the journal frames its records. */
uint32_t lease_crc32c(const uint8_t *data, size_t len);


/* ---- IPv6 leases (lease6.c): the same files, dnsmasq's and libvirt's v6 forms ---- */

#define LEASE_DUID_MAX 130      /* RFC 8415 §11.1 */

/* One DHCPv6 lease (IA_NA address) as the files see it. Pointers are borrowed. */
struct lease6_info {
	struct in6_addr addr;
	int64_t expires;                /* unix seconds, or LEASE_EXPIRES_NEVER */
	uint32_t iaid;
	const uint8_t *duid;            /* the client's DUID (1..LEASE_DUID_MAX bytes) */
	size_t duid_len;
	bool has_mac;                   /* known from the DUID or the client's address */
	uint8_t mac[6];
	const char *hostname;           /* sanitised, or NULL */
};

/* NAME.leases after the v4 lines: "duid xx:xx:..\n" once, then one line a lease,
 * "EXPIRY IAID ADDRESS HOSTNAME CLIENT-DUID" (IAID decimal, '*' for no name). */
int lease_file6_duid_line(struct lease_buf *out, const uint8_t *duid, size_t len);
int lease_file6_append(struct lease_buf *out, const struct lease6_info *l);

/*
 * The v6 part of a whole lease file: the lines after its "duid" line (the
 * v4 lines before it are not looked at). Good lines go to on_lease, bad
 * ones to on_problem (with the line number) and are skipped. Returns the
 * number passed on, or the non-zero value on_lease returned to stop.
 */
int lease_file6_parse(const char *text, size_t len,
		      int (*on_lease)(void *userdata, const struct lease6_info *l),
		      lease_problem_fn on_problem, void *userdata);
/* The length of the file's v4 part: the bytes before its "duid" line (all when none). */
size_t lease_file6_v4_len(const char *text, size_t len);
/* The server DUID of the file's "duid" line into out[cap]: its length, or -ENOENT. */
int lease_file6_server_duid(const char *text, size_t len, uint8_t *out, size_t cap);

/* NAME.journal6 records: the journal's frame, their own record kinds. */
#define LEASE_JOURNAL_BIND6 3   /* the v6 lease now exists as described */
#define LEASE_JOURNAL_FREE6 4   /* the v6 address is free (addr only) */
int lease_journal6_append(struct lease_buf *out, int op, const struct lease6_info *l);
/* As lease_journal_replay(); v4 records (kinds 1, 2) are stepped over. */
long lease_journal6_replay(const uint8_t *data, size_t len,
			   int (*on_record)(void *userdata, int op, const struct lease6_info *l),
			   lease_problem_fn on_problem, void *userdata);

/* A v6 status object as libvirt's leaseshelper writes it ("iaid", "ip-address",
 * "mac-address" when known, "hostname", "client-id", "server-duid", "expiry-time"). */
int lease_status6_append(struct lease_buf *out, const struct lease6_info *l,
			 const uint8_t *server_duid, size_t server_duid_len, bool first);
/*
 * The same array's DHCPv6 objects (libvirt's leaseshelper: "iaid",
 * "client-id" the client's DUID, "server-duid"); the IPv4 ones are stepped
 * over, as lease_status_parse() steps over these. The first lease's server
 * DUID goes to server_duid[cap] (*server_duid_len 0 when none); may be NULL.
 */
int lease_status6_parse(const char *text, size_t len,
			int (*on_lease)(void *userdata, const struct lease6_info *l),
			lease_problem_fn on_problem, void *userdata, uint8_t *server_duid,
			size_t cap, size_t *server_duid_len);

#endif
