/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firewall keeper's reader (netd/keeper/nlparse.c) against what vnetd
 * really writes: every batch nat_batch_bytes() builds passes the keeper's
 * check, and a batch changed in any way that matters does not. Also its
 * command line, the notifications and answers it reads, and the table name.
 * vnetd-keeper is built with musl; its reader is compiled in here.
 */
#include "nat_fixture.h"

#include "netd/keeper/nlparse.c"
#include "netd/keeper/args.c"
#include "netd/small/small.c"
#include "netd/small/procstat.c"

#define NET "test"
#define TABLE "vnetd-test"

struct bytes {
	uint8_t *buf;
	size_t len;
};

static struct bytes make(const struct nat_config *cfg)
{
	struct nat_error err = { 0 };
	struct bytes b;
	void *buf;

	assert_int_equal(nat_batch_bytes(cfg, &buf, &b.len, &err), 0);
	b.buf = buf;
	return b;
}

/* The n-th message (from 0) of a batch. */
static struct nlmsghdr *nth(struct bytes b, unsigned n)
{
	const struct nlmsghdr *m = NULL;
	struct kp_walk w;

	kp_walk_init(&w, b.buf, b.len);
	for (unsigned i = 0; i <= n; i++)
		assert_int_equal(kp_walk_next(&w, &m), 1);
	return (struct nlmsghdr *)(uintptr_t)m;
}

static char check_why[200];

static int check(struct bytes b, const char *table, struct kp_batch_info *info)
{
	int r;

	check_why[0] = '\0';
	r = kp_batch_check(b.buf, b.len, table, info, check_why, sizeof(check_why));
	assert_true(r == 0 ? check_why[0] == '\0' : strlen(check_why) > 0);
	return r;
}

static void test_what_vnetd_builds_passes(void **state)
{
	enum nat_mode modes[] = { NAT_MODE_NAT, NAT_MODE_ROUTE, NAT_MODE_ISOLATED };
	struct kp_batch_info info;
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct nat_config cfg = base_config(modes[i]);
		struct bytes b;

		cfg.n_subnets6 = 1;
		inet_pton(AF_INET6, "fd00:1::", &cfg.subnets6[0].net);
		cfg.subnets6[0].prefix = 64;
		cfg.nat_ipv6 = i == 0;
		b = make(&cfg);
		/* numbered from 1, as nat_install sends it */
		assert_int_equal(nth(b, 0)->nlmsg_seq, 1);
		kp_batch_renumber(b.buf, b.len, SEQ);
		parse_batch(b.buf, (int)b.len, &p);
		assert_int_equal(check(b, TABLE, &info), 0);
		/* begin and end are not counted */
		assert_int_equal(info.messages, p.n_msgs - 2);
		assert_int_equal(info.rules, p.n_rules);
		/* renumbered, it is still the same batch, every message asking for an ack */
		assert_int_equal(kp_batch_renumber(b.buf, b.len, 77), info.messages);
		assert_int_equal(nth(b, 0)->nlmsg_seq, 77);
		assert_int_equal(nth(b, 1)->nlmsg_flags & NLM_F_ACK, NLM_F_ACK);
		assert_int_equal(nth(b, 0)->nlmsg_flags & NLM_F_ACK, 0);
		assert_int_equal(nth(b, info.messages + 1)->nlmsg_seq, 77 + info.messages + 1);
		assert_int_equal(check(b, TABLE, &info), 0);
		/* another network's keeper would not send it */
		assert_int_equal(check(b, "vnetd-other", &info), -EBADMSG);
		assert_string_equal(check_why, "message 1: not about the network's table");
		free(b.buf);
	}
}

static void test_open_is_empty(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_OPEN);
	struct kp_batch_info info;
	struct bytes b = make(&cfg);

	(void)state;
	assert_null(b.buf);
	assert_int_equal(b.len, 0);
	assert_int_equal(check(b, TABLE, &info), -EBADMSG);
}

/* Every cut of a real batch is refused: it must end with BATCH_END. */
static void test_truncated_refused(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_ISOLATED);
	struct kp_batch_info info;
	struct bytes b = make(&cfg), cut;

	(void)state;
	for (cut.len = 0; cut.len < b.len; cut.len++) {
		cut.buf = malloc(cut.len ? cut.len : 1);
		memcpy(cut.buf, b.buf, cut.len);
		assert_int_equal(check(cut, TABLE, &info), -EBADMSG);
		free(cut.buf);
	}
	free(b.buf);
}

/* One change to a copy of a real batch; the check's verdict. */
typedef void (*mutate_fn)(struct bytes b);

static void other_family(struct bytes b)
{
	((struct nfgenmsg *)NLMSG_DATA(nth(b, 2)))->nfgen_family = NFPROTO_IPV4;
}

static void delete_rule(struct bytes b)
{
	nth(b, 5)->nlmsg_type = KP_NFT_TYPE(NFT_MSG_DELRULE);
}

static void not_a_request(struct bytes b)
{
	nth(b, 3)->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
}

static void second_begin(struct bytes b)
{
	nth(b, 1)->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
}

static void attr_overruns(struct bytes b)
{
	struct nlmsghdr *m = nth(b, 6);
	struct nlattr *a = (struct nlattr *)((uint8_t *)NLMSG_DATA(m) + NFGEN_LEN);

	a->nla_len = (uint16_t)(m->nlmsg_len + 4);
}

static void nest_broken(struct bytes b)
{
	struct nlmsghdr *m = nth(b, 6);
	uint8_t *p = (uint8_t *)NLMSG_DATA(m) + NFGEN_LEN, *end = (uint8_t *)m + m->nlmsg_len;

	/* the first nested attribute (the rule's expressions) gets an inner length of 2 */
	while (p < end) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_type & NLA_F_NESTED) {
			((struct nlattr *)(p + NLA_HDRLEN))->nla_len = 2;
			return;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	fail_msg("no nested attribute in a rule");
}

static void message_overruns(struct bytes b)
{
	nth(b, 4)->nlmsg_len = (uint32_t)b.len;
}

static void test_changed_batch_refused(void **state)
{
	static const struct { mutate_fn change; const char *why; } cases[] = {
		{ other_family, "message 2: not of the inet family" },
		{ delete_rule, "message 5: not a table, chain or rule" },
		{ not_a_request, "message 3: not a request" },
		{ second_begin, "message 1: not a table, chain or rule" },
		{ attr_overruns, "message 6: malformed attributes" },
		{ nest_broken, "message 6: malformed attributes" },
		{ message_overruns, "message 4: truncated or malformed" },
	};
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	struct kp_batch_info info;
	struct bytes b = make(&cfg), copy = { malloc(b.len + 64), b.len };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(copy.buf, b.buf, b.len);
		copy.len = b.len;
		cases[i].change(copy);
		assert_int_equal(check(copy, TABLE, &info), -EBADMSG);
		assert_string_equal(check_why, cases[i].why);
	}
	/* anything after the end */
	memcpy(copy.buf, b.buf, b.len);
	memcpy(copy.buf + b.len, b.buf, 20);
	copy.len = b.len + 20;
	assert_int_equal(check(copy, TABLE, &info), -EBADMSG);
	assert_int_equal(strncmp(check_why, "message ", 8), 0);
	assert_non_null(strstr(check_why, ": follows the batch's end"));
	free(copy.buf);
	free(b.buf);
}

/* A datagram of one nftables message: type, family, table name. */
static size_t note(uint8_t *buf, uint16_t type, uint8_t family, const char *table, uint32_t seq)
{
	size_t len = kp_gettable_build(buf, 512, table, seq);
	struct nlmsghdr *m = (struct nlmsghdr *)buf;

	m->nlmsg_type = KP_NFT_TYPE(type);
	((struct nfgenmsg *)NLMSG_DATA(m))->nfgen_family = family;
	return len;
}

static void test_notifications(void **state)
{
	union { struct nlmsghdr h; uint8_t b[2048]; } d;
	size_t n;

	(void)state;
	n = note(d.b, NFT_MSG_DELTABLE, NFPROTO_INET, "mine", 0);
	assert_int_equal(kp_notes_say_gone(d.b, n, TABLE), 0);
	n += note(d.b + n, NFT_MSG_DELTABLE, NFPROTO_IPV4, TABLE, 0);
	assert_int_equal(kp_notes_say_gone(d.b, n, TABLE), 0);
	n += note(d.b + n, NFT_MSG_NEWCHAIN, NFPROTO_INET, TABLE, 0);
	assert_int_equal(kp_notes_say_gone(d.b, n, TABLE), 0);
	n += note(d.b + n, NFT_MSG_DELTABLE, NFPROTO_INET, TABLE, 0);
	assert_int_equal(kp_notes_say_gone(d.b, n, TABLE), 1);
	/* what cannot be read may have been a deletion */
	assert_int_equal(kp_notes_say_gone(d.b, 10, TABLE), 1);
}

static size_t ack(uint8_t *buf, uint32_t seq, int error, const char *text)
{
	struct nlmsghdr m = { .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = seq, .nlmsg_pid = 9,
			      .nlmsg_flags = NLM_F_CAPPED | (text ? NLM_F_ACK_TLVS : 0) };
	struct nlmsgerr e = { .error = error, .msg = { .nlmsg_len = 40, .nlmsg_seq = seq } };
	size_t len = NLMSG_HDRLEN + sizeof(e);
	struct nlattr a = { .nla_type = NLMSGERR_ATTR_MSG };

	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	if (text) {
		a.nla_len = (uint16_t)(NLA_HDRLEN + strlen(text) + 1);
		memcpy(buf + len, &a, sizeof(a));
		memcpy(buf + len + NLA_HDRLEN, text, strlen(text) + 1);
		len += NLA_ALIGN(a.nla_len);
	}
	m.nlmsg_len = (uint32_t)len;
	memcpy(buf, &m, sizeof(m));
	return len;
}

static void test_answers(void **state)
{
	union { struct nlmsghdr h; uint8_t b[2048]; } d;
	struct kp_answers get = { .first = 5, .last = 5, .portid = 9, .expected = 1 };
	struct kp_answers bat = { .first = 10, .last = 14, .portid = 9, .expected = 3 };
	size_t n;

	(void)state;
	n = note(d.b, NFT_MSG_NEWTABLE, NFPROTO_INET, TABLE, 5);
	((struct nlmsghdr *)d.b)->nlmsg_pid = 9;
	n += ack(d.b + n, 5, 0, NULL);
	assert_int_equal(kp_answers_take(&get, d.b, n), 0);
	assert_true(get.found && get.done);
	assert_int_equal(get.error, 0);

	n = ack(d.b, 11, 0, NULL);
	n += ack(d.b + n, 12, -EEXIST, "Could not process rule: File exists\nmore");
	n += ack(d.b + n, 99, -EPERM, NULL);     /* not ours: skipped */
	assert_int_equal(kp_answers_take(&bat, d.b, n), 0);
	assert_false(bat.done);
	assert_int_equal(bat.error, -EEXIST);
	assert_int_equal(bat.error_seq, 12);
	assert_string_equal(bat.text, "Could not process rule: File exists");
	n = ack(d.b, 13, 0, NULL);
	assert_int_equal(kp_answers_take(&bat, d.b, n), 0);
	assert_true(bat.done);
	/* a refusal of the whole batch comes against its begin */
	bat = (struct kp_answers){ .first = 10, .last = 14, .portid = 9, .expected = 3 };
	n = ack(d.b, 10, -EPERM, NULL);
	assert_int_equal(kp_answers_take(&bat, d.b, n), 0);
	assert_true(bat.done);
	assert_int_equal(bat.error, -EPERM);
	/* too short to be an error message */
	((struct nlmsghdr *)d.b)->nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(kp_answers_take(&bat, d.b, NLMSG_HDRLEN + 2), -EBADMSG);
}

static void test_args(void **state)
{
	char *good[] = { "k", "--ready-fd", "3", "--dir-fd", "4", "--daemon-pid", "99",
			 "--daemon-start", "123456", "--network", "default", "--foreground" };
	char *bad[][3] = {
		{ "--ready-fd", "3x", NULL }, { "--daemon-pid", "0", NULL },
		{ "--daemon-pid", "-5", NULL }, { "--network", NULL, NULL },
		{ "--dir-fd", "", NULL }, { "--extra", "1", NULL }, { "--foreground", NULL, NULL },
	};
	struct kp_args a;
	char why[300], *argv[16];

	(void)state;
	assert_int_equal(kp_parse_args(12, good, &a, why, sizeof(why)), 0);
	assert_int_equal(a.ready_fd, 3);
	assert_int_equal(a.dir_fd, 4);
	assert_int_equal(a.daemon_pid, 99);
	assert_int_equal(a.daemon_start, 123456);
	assert_string_equal(a.network, "default");
	assert_true(a.foreground);
	/* a missing option */
	assert_int_equal(kp_parse_args(9, good, &a, why, sizeof(why)), -EINVAL);
	/* each bad one after the whole good line (so it is the only fault, or a repeat) */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int argc = 12;

		memcpy(argv, good, sizeof(good));
		for (size_t j = 0; j < 2 && bad[i][j]; j++)
			argv[argc++] = bad[i][j];
		assert_int_equal(kp_parse_args(argc, argv, &a, why, sizeof(why)), -EINVAL);
	}
}

static void test_table_name(void **state)
{
	char table[KP_TABLE_MAX];

	(void)state;
	assert_true(kp_table_of("default", table, sizeof(table)));
	assert_string_equal(table, "vnetd-default");
	assert_true(kp_table_of("a.b_c+d:e-f", table, sizeof(table)));
	assert_false(kp_table_of("", table, sizeof(table)));
	assert_false(kp_table_of("-x", table, sizeof(table)));
	assert_false(kp_table_of("a/b", table, sizeof(table)));
	assert_false(kp_table_of("a b", table, sizeof(table)));
	assert_false(kp_table_of("0123456789012345678901234567890123456789012345678901234567890"
				 "12345", table, sizeof(table)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_vnetd_builds_passes),
		cmocka_unit_test(test_open_is_empty),
		cmocka_unit_test(test_truncated_refused),
		cmocka_unit_test(test_changed_batch_refused),
		cmocka_unit_test(test_notifications),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_table_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
