/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wire: the neutral layer the DHCP and DNS servers share — the one reader of
 * untrusted bytes and the one writer of replies (both bounds-checked), the
 * hash table behind every index, hex and JSON text, and error reports. No
 * protocol knowledge lives here.
 */
#ifndef VNETD_WIRE_H
#define VNETD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An error a person reads: negative errno and a message. */
struct wire_error {
	int code;
	char message[256];
};

/* Fill err (may be NULL) and return code. */
int wire_fail(struct wire_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the one reader of untrusted bytes (reader.c) ---- */

/* A cursor: every read checks the bytes left first; a failed read moves nothing. */
struct wire_reader {
	const uint8_t *data;
	size_t pos;
	size_t end;
};

void wire_rd_init(struct wire_reader *r, const uint8_t *data, size_t len);
size_t wire_rd_left(const struct wire_reader *r);
bool wire_rd_u8(struct wire_reader *r, uint8_t *v);
bool wire_rd_u16(struct wire_reader *r, uint16_t *v);    /* network order in */
bool wire_rd_u32(struct wire_reader *r, uint32_t *v);    /* network order in */
bool wire_rd_bytes(struct wire_reader *r, void *out, size_t n);
bool wire_rd_skip(struct wire_reader *r, size_t n);
/* Borrow the next n bytes (no copy) and step over them. */
bool wire_rd_ptr(struct wire_reader *r, size_t n, const uint8_t **out);
/* A reader limited to the next n bytes; the parent steps over them. */
bool wire_rd_sub(struct wire_reader *r, size_t n, struct wire_reader *sub);

/* ---- the one writer of replies (builder.c) ---- */

/* Checks capacity before every write; after a failed write `full` stays set. */
struct wire_builder {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t reserve;         /* bytes kept back for what must end the message */
	bool full;
};

void wire_wr_init(struct wire_builder *b, uint8_t *buf, size_t cap);
size_t wire_wr_room(const struct wire_builder *b);       /* excluding reserve */
bool wire_wr_u8(struct wire_builder *b, uint8_t v);
bool wire_wr_u16(struct wire_builder *b, uint16_t v);    /* network order out */
bool wire_wr_u32(struct wire_builder *b, uint32_t v);
bool wire_wr_bytes(struct wire_builder *b, const void *p, size_t n);
bool wire_wr_zero(struct wire_builder *b, size_t n);
/* code, len, value as one unit: written whole or not at all (len <= 255). */
bool wire_wr_tlv(struct wire_builder *b, uint8_t code, const void *p, size_t len);

/* ---- open-addressing hash table of record indices (hashtable.c) ---- */

typedef bool (*htab_eq_fn)(const void *ctx, uint32_t idx, const void *key);
typedef uint32_t (*htab_hash_fn)(const void *ctx, uint32_t idx);

struct htab {
	uint32_t *slot;         /* 0 empty, UINT32_MAX deleted, else idx + 1 */
	uint32_t mask;
	uint32_t count;         /* entries in both tables */
	uint32_t tombs;         /* deleted slots in `slot` */
	/* While growing: the previous table, emptied into `slot` a little per insert. */
	uint32_t *old;
	uint32_t old_mask;
	uint32_t old_next;      /* its next slot to move */
	uint32_t old_count;     /* entries still in it */
};

#define HTAB_NONE UINT32_MAX

int htab_init(struct htab *h, uint32_t expected);
void htab_free(struct htab *h);
uint32_t htab_find(const struct htab *h, uint32_t hash, htab_eq_fn eq,
			const void *ctx, const void *key);
/*
 * Grows when needed: a table twice the size, which the entries move into a
 * few at a time on later inserts (rehashed with `rehash`), so no insert
 * pays for all of them. 0 or -ENOMEM.
 */
int htab_insert(struct htab *h, uint32_t hash, uint32_t idx,
		     htab_hash_fn rehash, const void *ctx);
bool htab_remove(struct htab *h, uint32_t hash, uint32_t idx);
/* The slot holding `old` (on hash's probe walk) holds `idx` instead; never allocates. */
bool htab_replace(struct htab *h, uint32_t hash, uint32_t old, uint32_t idx);
uint32_t hash_bytes(uint64_t seed, const void *p, size_t n);

/*
 * Room for one more element in a growable array (*arr of *cap elements,
 * n used): doubled from 64 when full. false (nothing changed) on -ENOMEM.
 */
bool wire_array_room(void **arr, size_t *cap, size_t n, size_t elem_size);

/* ---- text (hex.c) ---- */

/* "52:54:00:aa:bb:cc" style hex of len bytes into out[size] ("" when len is 0). */
void hex_format(const uint8_t *bytes, size_t len, char *out, size_t size);
/* One hex digit's value, or -1. */
int hex_value(int c);
/* "xx:xx:.." (or "xx-xx", "xxxx") -> bytes; length, or -1 when not hex or over cap. */
int hex_parse(const char *text, uint8_t *out, size_t cap);
/*
 * s as a JSON string with its quotes into out[size] (control and non-ASCII
 * bytes as \u00XX): the length written, or the length needed when it does
 * not fit (out is then cut, still NUL-terminated).
 */
size_t json_string(const char *s, char *out, size_t size);

#endif
