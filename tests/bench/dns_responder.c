/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS benchmark's yardstick: a stateless responder that answers every
 * query on ADDR:53 with one A record (ANSWER_IP), in batches of up to BATCH
 * datagrams (recvmmsg/sendmmsg), with no table, no allocation and no state.
 * It does the least a DNS server can do per query, so its CPU per answer
 * and its rate are the floor and the ceiling a real server is held to.
 *
 *   cc -O2 -o dns_responder tests/bench/dns_responder.c
 *   dns_responder ADDR ANSWER_IP
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum { BATCH = 32, BUF = 512, HDR = 12 };

/* The reply to one query in place: header flags, one answer after the
 * question (a pointer to the question's name, A, IN, TTL 0). Returns its
 * length, or 0 for a datagram that gets no answer. */
static size_t answer(unsigned char *p, size_t len, const unsigned char ip[4])
{
	size_t i = HDR;

	if (len < HDR + 5 || (p[2] & 0x80) || p[4] || p[5] != 1)
		return 0;
	while (i < len && p[i]) {
		if (p[i] & 0xc0)
			return 0;
		i += (size_t)p[i] + 1;
	}
	i += 5;                         /* the root label, QTYPE, QCLASS */
	if (i > len || i + 16 > BUF)
		return 0;
	p[2] = 0x84 | (p[2] & 0x01);    /* QR, AA, RD copied */
	p[3] = 0x00;
	p[6] = 0; p[7] = 1;             /* ANCOUNT 1, nothing else */
	memset(p + 8, 0, 4);
	static const unsigned char rr[12] = { 0xc0, HDR, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4 };
	memcpy(p + i, rr, sizeof(rr));
	memcpy(p + i + sizeof(rr), ip, 4);
	return i + sizeof(rr) + 4;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned char ip[4];

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], ip) != 1) {
		fprintf(stderr, "usage: dns_responder ADDR ANSWER_IP\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("dns_responder: socket/bind");
		return 1;
	}
	static unsigned char bufs[BATCH][BUF];
	static struct sockaddr_in from[BATCH];
	static struct iovec iov[BATCH];
	static struct mmsghdr in[BATCH], out[BATCH];

	for (;;) {
		for (int k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){ bufs[k], BUF };
			in[k].msg_hdr = (struct msghdr){ .msg_name = &from[k],
				.msg_namelen = sizeof(from[k]), .msg_iov = &iov[k], .msg_iovlen = 1 };
		}
		int n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0)
			continue;
		int m = 0;
		for (int k = 0; k < n; k++) {
			size_t len = answer(bufs[k], in[k].msg_len, ip);
			if (!len)
				continue;
			iov[k].iov_len = len;
			out[m++].msg_hdr = (struct msghdr){ .msg_name = &from[k],
				.msg_namelen = in[k].msg_hdr.msg_namelen, .msg_iov = &iov[k],
				.msg_iovlen = 1 };
		}
		if (m)
			sendmmsg(fd, out, (unsigned)m, 0);
	}
}
