/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The index hash table (dhcp/wire/hashtable.c) against a plain model: random
 * inserts, removals, replacements and lookups, many of them while the table
 * grows into a new one (the old one is emptied a little per insert, and
 * lookups and removals must find entries in either). A weak hash makes long
 * probe walks and tombstones on purpose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/wire/wire.h"

#define MAX_RECS 40000

struct model {
	uint32_t key[MAX_RECS];         /* record idx -> its key */
	bool live[MAX_RECS];            /* idx is in the table */
	uint32_t n_live;
	uint32_t fresh;                 /* the next new key's number */
	unsigned weak;                  /* hash bits kept: fewer, more collisions */
	uint64_t rng;
};

static uint32_t next_rand(struct model *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return (uint32_t)m->rng;
}

static uint32_t key_hash(const struct model *m, uint32_t key)
{
	uint32_t h = hash_bytes(7, &key, sizeof(key));

	return m->weak ? h & ((1u << m->weak) - 1) : h;
}

static uint32_t rehash(const void *ctx, uint32_t idx)
{
	const struct model *m = ctx;

	return key_hash(m, m->key[idx]);
}

static bool eq(const void *ctx, uint32_t idx, const void *key)
{
	const struct model *m = ctx;

	return m->key[idx] == *(const uint32_t *)key;
}

static void check_all(const struct htab *h, const struct model *m)
{
	uint32_t i;

	assert_int_equal(h->count, m->n_live);
	for (i = 0; i < MAX_RECS; i++) {
		uint32_t got = htab_find(h, key_hash(m, m->key[i]), eq, m, &m->key[i]);

		assert_int_equal(got, m->live[i] ? i : HTAB_NONE);
	}
}

/* ops random operations; returns how many inserts found the table growing. */
static unsigned run(struct model *m, unsigned ops, unsigned insert_pct)
{
	struct htab h;
	unsigned k, growing = 0;
	uint32_t i, j;

	assert_int_equal(htab_init(&h, 16), 0);
	for (k = 0; k < ops; k++) {
		uint32_t r = next_rand(m) % 100;

		i = next_rand(m) % MAX_RECS;
		if (r < insert_pct) {
			if (m->live[i])
				continue;
			assert_int_equal(htab_insert(&h, key_hash(m, m->key[i]), i, rehash, m), 0);
			m->live[i] = true;
			m->n_live++;
			growing += h.old != NULL;
		} else if (r < insert_pct + 10) {
			/* replace: idx i takes over live idx j's slot (same key, as the DNS table does) */
			j = next_rand(m) % MAX_RECS;
			if (!m->live[j] || m->live[i] || i == j)
				continue;
			m->key[i] = m->key[j];
			assert_true(htab_replace(&h, key_hash(m, m->key[j]), j, i));
			m->live[i] = true;
			m->live[j] = false;
			m->key[j] = m->fresh++ * 2654435761u;   /* a key no record has */
		} else {
			bool was = m->live[i];

			assert_int_equal(htab_remove(&h, key_hash(m, m->key[i]), i), was);
			if (was) {
				m->live[i] = false;
				m->n_live--;
			}
		}
		if (k % 4099 == 0)
			check_all(&h, m);
	}
	check_all(&h, m);
	htab_free(&h);
	return growing;
}

static void init_model(struct model *m, unsigned weak, uint64_t seed)
{
	uint32_t i;

	memset(m, 0, sizeof(*m));
	m->weak = weak;
	m->rng = seed;
	for (i = 0; i < MAX_RECS; i++)
		m->key[i] = i * 2654435761u;     /* distinct: an odd factor is a bijection */
	m->fresh = MAX_RECS;
}

static void test_grows_incrementally(void **state)
{
	struct model *m = malloc(sizeof(*m));
	unsigned growing;

	(void)state;
	assert_non_null(m);
	init_model(m, 0, 0x9e3779b97f4a7c15ull);
	/* mostly inserts: the table grows through several sizes */
	growing = run(m, 120000, 80);
	/* some inserts found the old table still being emptied: growth was spread */
	assert_true(growing > 0);
	free(m);
}

static void test_churn_with_collisions(void **state)
{
	struct model *m = malloc(sizeof(*m));

	(void)state;
	assert_non_null(m);
	/* 12 hash bits for up to 40 000 keys: long probe walks, many tombstones */
	init_model(m, 12, 12345);
	run(m, 30000, 55);
	init_model(m, 0, 777);
	run(m, 100000, 50);
	free(m);
}

static void test_remove_and_find_while_growing(void **state)
{
	struct model *m = malloc(sizeof(*m));
	struct htab h;
	uint32_t i, n = 3000;

	(void)state;
	assert_non_null(m);
	init_model(m, 0, 1);
	assert_int_equal(htab_init(&h, 16), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(htab_insert(&h, key_hash(m, m->key[i]), i, rehash, m), 0);
		m->live[i] = true;
		m->n_live++;
		if (h.old && h.old_count > 8)
			break;          /* the table is growing with entries left to move */
	}
	assert_non_null(h.old);
	/* every entry, moved or not, is found and can be removed */
	check_all(&h, m);
	for (i = 0; i < MAX_RECS; i += 2)
		if (m->live[i]) {
			assert_true(htab_remove(&h, key_hash(m, m->key[i]), i));
			m->live[i] = false;
			m->n_live--;
		}
	check_all(&h, m);
	htab_free(&h);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows_incrementally),
		cmocka_unit_test(test_churn_with_collisions),
		cmocka_unit_test(test_remove_and_find_while_growing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
