/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tftp: the protocol core of a read-only TFTP server (RFC 1350) with option
 * negotiation (RFC 2347), blksize (RFC 2348), timeout and tsize (RFC 2349)
 * and windowsize (RFC 7440). No I/O: requests and acknowledgements are
 * parsed from bytes, replies are built into caller buffers, and a transfer
 * is a state machine that says which block to send next and when to give
 * up. Sockets, files and clocks belong to the caller.
 */
#ifndef VNETD_TFTP_H
#define VNETD_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/wire/wire.h"

enum tftp_opcode {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6,
};

/* The error codes of RFC 1350 and RFC 2347 */
enum tftp_errcode {
	TFTP_EUNDEF = 0,
	TFTP_ENOTFOUND = 1,
	TFTP_EACCESS = 2,
	TFTP_ENOSPACE = 3,
	TFTP_EBADOP = 4,
	TFTP_EBADID = 5,
	TFTP_EEXISTS = 6,
	TFTP_ENOUSER = 7,
	TFTP_EOPTNEG = 8,
};

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII,
};

#define TFTP_NAME_MAX 255               /* longest file name accepted */
#define TFTP_REQUEST_MAX 1024           /* longest request read (RFC 2347 says 512) */
#define TFTP_BLKSIZE_DEFAULT 512
#define TFTP_BLKSIZE_MIN 8
#define TFTP_BLKSIZE_MAX 65464
#define TFTP_HEADER 4                   /* opcode + block number */

/* A read or write request as the client sent it. */
struct tftp_request {
	enum tftp_opcode op;            /* TFTP_RRQ or TFTP_WRQ */
	char name[TFTP_NAME_MAX + 1];
	enum tftp_mode mode;
	/* options asked for (RFC 2347: unknown ones are ignored) */
	bool has_blksize, has_tsize, has_timeout, has_windowsize;
	uint32_t blksize;               /* 8..65464 (larger asks are clamped) */
	uint32_t timeout_s;             /* 1..255 */
	uint32_t windowsize;            /* 1..65535 */
};

/*
 * Parse a request datagram. Returns 0, or a negative errno with err's message
 * fit for an ERROR packet and *errcode the TFTP code to send with it.
 */
int tftp_parse_request(const uint8_t *pkt, size_t len, struct tftp_request *req,
		       uint16_t *errcode, struct wire_error *err);

/* A client's packet during a transfer: an ACK or an ERROR. */
struct tftp_client_msg {
	enum tftp_opcode op;
	uint16_t block;                 /* ACK: the block number on the wire */
	uint16_t errcode;               /* ERROR */
};

/* 0, or -EBADMSG for anything but a well-formed ACK or ERROR. */
int tftp_parse_client(const uint8_t *pkt, size_t len, struct tftp_client_msg *m);

/*
 * The name asked for, made relative: backslashes become slashes (as DOS-era
 * PXE clients write them), leading slashes, empty and "." components go,
 * and a ".." component is refused. This is the lexical half of keeping requests
 * inside the root; the caller opens the result beneath the root without
 * following symbolic links out of it. 0, or -EACCES / -ENOENT with err.
 */
int tftp_clean_path(const char *name, char *out, size_t size, struct wire_error *err);

/* What the server is willing to do. */
struct tftp_limits {
	uint32_t max_blksize;           /* the link MTU less IP, UDP and TFTP headers */
	uint32_t max_window;            /* blocks in flight per transfer */
	uint32_t default_timeout_s;     /* before the first retransmission, unless asked */
	unsigned max_retries;           /* retransmissions of one window before giving up */
};

/* What a transfer runs with, after negotiation. */
struct tftp_params {
	uint32_t blksize;
	uint32_t windowsize;
	uint32_t timeout_s;
	bool oack;                      /* answer with an OACK first (some option taken) */
	bool ack_blksize, ack_timeout, ack_windowsize, ack_tsize;
	uint64_t tsize;                 /* the file's size, when ack_tsize */
	enum tftp_mode mode;
};

/*
 * Agree on options for a read of a file of file_size bytes. Only options
 * the client asked for are answered; tsize only in octet mode (the size of
 * a netascii rendering is not known before it is sent) and windowsize only
 * in octet mode (a netascii block can be rebuilt only from its start).
 */
void tftp_negotiate(const struct tftp_request *req, const struct tftp_limits *lim,
		    uint64_t file_size, struct tftp_params *out);

/* Builders: the length written, or -1 when cap is too small. */
int tftp_build_oack(const struct tftp_params *p, uint8_t *buf, size_t cap);
int tftp_build_error(uint16_t code, const char *msg, uint8_t *buf, size_t cap);
/* The 4-byte DATA header; the payload follows it in the same buffer. */
void tftp_build_data_header(uint64_t block, uint8_t *buf);

/*
 * netascii (RFC 764 line ends): LF becomes CR LF, CR becomes CR NUL. The
 * second byte of a pair that did not fit waits in the state for the next
 * block, so a block is fully determined by where it starts.
 */
struct tftp_ascii_pos {
	uint64_t src_off;               /* bytes of the file consumed before the block */
	int pending;                    /* a byte owed from the last pair, or -1 */
};

/*
 * Fill dst (up to cap) from src, the file from pos->src_off on (at least cap
 * bytes of it, or all that is left); advance *pos.
 */
size_t tftp_netascii_encode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t cap,
			    struct tftp_ascii_pos *pos);

/*
 * A read transfer. Blocks are numbered from 1 in 64 bits; on the wire a
 * block carries its number modulo 65536, so files of more than 65535
 * blocks roll over to 0 as tftp-hpa, iPXE and the PXE ROMs expect. Block 0
 * is the OACK when there is one. An ACK names the last block the client
 * has in order; with a window (RFC 7440) the sender goes on from there.
 */
struct tftp_xfer {
	struct tftp_params p;
	unsigned max_retries;
	int64_t acked;                  /* highest block acknowledged; -1 while an OACK waits */
	int64_t sent;                   /* highest block sent in this window */
	int64_t last;                   /* the final block, once known; 0 while not */
	unsigned retries;               /* timeouts in a row */
	int64_t deadline_ms;            /* the next retransmission */
	bool done;
	bool failed;
};

enum tftp_ack_result {
	TFTP_ACK_IGNORED,               /* stale or out of window: nothing to do */
	TFTP_ACK_MORE,                  /* send the next window */
	TFTP_ACK_DONE,                  /* the last block is acknowledged */
};

/* file_size: UINT64_MAX when not known in advance (netascii). */
void tftp_xfer_start(struct tftp_xfer *x, const struct tftp_params *p, uint64_t file_size,
		     unsigned max_retries, int64_t now_ms);
/* The next block to send now (0 = the OACK); false when the window is full. */
bool tftp_xfer_next(struct tftp_xfer *x, uint64_t *block);
/* A block went out with len payload bytes: short means it was the last. */
void tftp_xfer_sent(struct tftp_xfer *x, uint64_t block, size_t len, int64_t now_ms);
enum tftp_ack_result tftp_xfer_on_ack(struct tftp_xfer *x, uint16_t wire_block, int64_t now_ms);
/* The deadline passed: rewind to resend the window, or false when it gives up. */
bool tftp_xfer_on_timeout(struct tftp_xfer *x, int64_t now_ms);
/* The byte offset of an octet-mode block in the file. */
uint64_t tftp_xfer_offset(const struct tftp_xfer *x, uint64_t block);

#endif
