/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A light DNS load generator for the benchmark: it keeps OUTSTANDING
 * queries in flight over SOCKETS connected UDP sockets and sends a new one
 * as each answer comes back, in batches (recvmmsg/sendmmsg), with a clock
 * read per batch rather than per query.
 *
 * Why not only dnsperf: on one core dnsperf tops out near the rate of the
 * fastest servers here (its own core 99 % busy against every one of them),
 * so it cannot tell them apart. This one spends a fraction of its CPU per
 * query, so a server's core runs out first and the rates compare servers.
 * Every answer is checked: QR set, an ID and a question exactly those of a
 * query in flight on that socket; anything else counts as unexpected.
 *
 *   cc -O2 -o dns_blast tests/bench/dns_blast.c
 *   dns_blast -s ADDR -d QUERYFILE -l SECONDS [-p PORT] [-c SOCKETS]
 *             [-q OUTSTANDING] [-t TIMEOUT_S]
 *
 * QUERYFILE holds dnsperf's format, "NAME TYPE" per line (A, AAAA, MX, TXT,
 * PTR, NS, SOA, CNAME, SRV, ANY); queries go out in the file's order,
 * round and round. The report uses dnsperf's words, so one parser reads
 * both.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	BATCH = 64,             /* datagrams per recvmmsg/sendmmsg */
	BUF = 1232,             /* largest answer read in full */
	QMAX = 300,             /* largest query built */
	HDR = 12,
	SOCKETS_MAX = 64,
	WINDOW_MAX = 4096,      /* queries in flight per socket */
};

struct query {
	unsigned char wire[QMAX];
	size_t len;
};

struct slot {
	uint64_t sent_ns;
	uint16_t id;
	uint32_t query;
	int busy;
};

struct sock {
	int fd;
	unsigned window;        /* a power of two: a slot is id & (window - 1) */
	struct slot *slots;
	uint16_t next_gen;      /* the id's upper bits, bumped per use of a slot */
	unsigned *free_list;
	unsigned nfree;
};

struct totals {
	uint64_t sent, completed, lost, unexpected, lat_ns_sum;
	uint64_t rcode[16];
};

static const struct { const char *name; uint16_t code; } types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 }, { "ANY", 255 },
};

static const char *const rcodes[16] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11",
	"RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* NAME TYPE into a query with RD set and ID 0; 0 when it cannot be built. */
static int build_query(const char *name, const char *type, struct query *q)
{
	uint16_t code = 0;
	size_t i = HDR;

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (!strcasecmp(type, types[k].name))
			code = types[k].code;
	if (!code)
		return 0;
	memset(q->wire, 0, HDR);
	q->wire[2] = 0x01;                      /* RD */
	q->wire[5] = 1;                         /* QDCOUNT */
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);

		if (n == 0 || n > 63 || i + 1 + n + 5 > QMAX)
			return 0;
		q->wire[i++] = (unsigned char)n;
		memcpy(q->wire + i, name, n);
		i += n;
		name += n + (dot ? 1 : 0);
	}
	q->wire[i++] = 0;
	q->wire[i++] = (unsigned char)(code >> 8);
	q->wire[i++] = (unsigned char)code;
	q->wire[i++] = 0;
	q->wire[i++] = 1;                       /* IN */
	q->len = i;
	return 1;
}

static struct query *read_queries(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	struct query *qs = NULL;
	size_t n = 0, cap = 0, line_no = 0;
	char line[512], name[300], type[16];

	if (!f) {
		fprintf(stderr, "dns_blast: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		line_no++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%299s %15s", name, type) != 2) {
			fprintf(stderr, "dns_blast: %s:%zu: want NAME TYPE\n", path, line_no);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			struct query *grown = realloc(qs, cap * sizeof(*qs));
			if (!grown)
				goto fail;
			qs = grown;
		}
		if (!build_query(name, type, &qs[n])) {
			fprintf(stderr, "dns_blast: %s:%zu: bad name or type\n", path, line_no);
			goto fail;
		}
		n++;
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "dns_blast: %s: no queries\n", path);
		free(qs);
		return NULL;
	}
	*count = n;
	return qs;
fail:
	fclose(f);
	free(qs);
	return NULL;
}

/* The question of an answer: where it ends, or 0 when it is cut short. */
static size_t question_end(const unsigned char *p, size_t len)
{
	size_t i = HDR;

	while (i < len && p[i]) {
		if (p[i] & 0xc0)
			return 0;               /* a query's question is never compressed */
		i += (size_t)p[i] + 1;
	}
	i += 5;
	return i <= len ? i : 0;
}

static int open_socket(const struct sockaddr_in *server)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int size = 4 << 20;

	if (fd < 0)
		return -1;
	/* room for every answer in flight, whatever the scheduler does */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (connect(fd, (const struct sockaddr *)server, sizeof(*server)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned next_query_index;

static int use_gso;

/* Fill every free slot of S with the next queries and send them. With
 * use_gso, queries of one length in a row leave as one UDP_SEGMENT message:
 * the kernel's send path runs once for them, and the server still receives
 * each query as a datagram of its own. */
static void send_free(struct sock *s, const struct query *qs, size_t nq, uint64_t t,
		      struct totals *tot, int stopping)
{
	static unsigned char flat[BATCH * QMAX];
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	static union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl[BATCH];
	static unsigned used[BATCH], first[BATCH + 1];

	while (s->nfree && !stopping) {
		unsigned n = 0, nmsg = 0;
		size_t off = 0, run_len = 0;

		while (n < BATCH && s->nfree) {
			unsigned k = s->free_list[--s->nfree];
			struct slot *sl = &s->slots[k];
			const struct query *q = &qs[next_query_index];

			next_query_index = (unsigned)((next_query_index + 1) % nq);
			sl->id = (uint16_t)((s->next_gen++ * s->window + k) & 0xffff);
			sl->query = (uint32_t)(q - qs);
			sl->sent_ns = t;
			sl->busy = 1;
			memcpy(flat + off, q->wire, q->len);
			flat[off] = (unsigned char)(sl->id >> 8);
			flat[off + 1] = (unsigned char)sl->id;
			/* a new message unless this query extends a run of its length */
			if (!use_gso || !nmsg || q->len != run_len) {
				first[nmsg] = n;
				iov[nmsg] = (struct iovec){ flat + off, 0 };
				nmsg++;
				run_len = q->len;
			}
			iov[nmsg - 1].iov_len += q->len;
			off += q->len;
			used[n++] = k;
		}
		first[nmsg] = n;
		for (unsigned m = 0; m < nmsg; m++) {
			msgs[m].msg_hdr = (struct msghdr){ .msg_iov = &iov[m], .msg_iovlen = 1 };
			unsigned segs = first[m + 1] - first[m];
			if (segs > 1) {
				msgs[m].msg_hdr.msg_control = ctl[m].buf;
				msgs[m].msg_hdr.msg_controllen = sizeof(ctl[m].buf);
				struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[m].msg_hdr);
				c->cmsg_level = SOL_UDP;
				c->cmsg_type = UDP_SEGMENT;
				c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
				uint16_t seg = (uint16_t)(iov[m].iov_len / segs);
				memcpy(CMSG_DATA(c), &seg, sizeof(seg));
			}
		}
		unsigned done = 0;
		while (done < nmsg) {
			int r = sendmmsg(s->fd, msgs + done, nmsg - done, 0);
			if (r <= 0) {
				if (r < 0 && msgs[done].msg_hdr.msg_controllen &&
				    (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT ||
				     errno == EOPNOTSUPP)) {
					/* a kernel without UDP GSO on this path: go on one
					 * by one, and say so in the report */
					fprintf(stdout, "[Warning] UDP_SEGMENT refused (%s): "
						"queries sent one by one\n", strerror(errno));
					use_gso = 0;
				}
				break;
			}
			done += (unsigned)r;
		}
		tot->sent += first[done];
		/* what the kernel would not take goes back to the free list */
		for (unsigned j = first[done]; j < n; j++) {
			s->slots[used[j]].busy = 0;
			s->free_list[s->nfree++] = used[j];
		}
		if (done < nmsg)
			return;
	}
}

static void receive(struct sock *s, const struct query *qs, struct totals *tot)
{
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	static unsigned char bufs[BATCH][BUF];

	for (;;) {
		for (int k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){ bufs[k], BUF };
			msgs[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1 };
		}
		int n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		uint64_t t = now_ns();
		for (int j = 0; j < n; j++) {
			const unsigned char *p = bufs[j];
			size_t len = msgs[j].msg_len;
			if (len < HDR || !(p[2] & 0x80)) {
				tot->unexpected++;
				continue;
			}
			uint16_t id = (uint16_t)(p[0] << 8 | p[1]);
			struct slot *sl = &s->slots[id & (s->window - 1)];
			const struct query *q = &qs[sl->query];
			size_t qend = question_end(p, len);
			if (!sl->busy || sl->id != id || qend != q->len ||
			    memcmp(p + HDR, q->wire + HDR, q->len - HDR)) {
				tot->unexpected++;
				continue;
			}
			sl->busy = 0;
			s->free_list[s->nfree++] = (unsigned)(sl - s->slots);
			tot->completed++;
			tot->rcode[p[3] & 0x0f]++;
			tot->lat_ns_sum += t - sl->sent_ns;
		}
		if (n < BATCH)
			return;
	}
}

/* Queries older than the timeout are lost; their slots go back in use. */
static void expire(struct sock *s, uint64_t t, uint64_t timeout_ns, struct totals *tot)
{
	for (unsigned k = 0; k < s->window; k++) {
		struct slot *sl = &s->slots[k];
		if (sl->busy && t - sl->sent_ns >= timeout_ns) {
			sl->busy = 0;
			s->free_list[s->nfree++] = k;
			tot->lost++;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: dns_blast -s ADDR -d QUERYFILE -l SECONDS [-p PORT] "
		"[-c SOCKETS] [-q OUTSTANDING] [-t TIMEOUT_S] [-g]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons(53) };
	const char *addr = NULL, *file = NULL;
	double seconds = 0, timeout_s = 2;
	unsigned nsock = 8, outstanding = 100;
	int opt;

	while ((opt = getopt(argc, argv, "s:d:l:p:c:q:t:g")) != -1) {
		switch (opt) {
		case 's': addr = optarg; break;
		case 'd': file = optarg; break;
		case 'l': seconds = atof(optarg); break;
		case 'p': server.sin_port = htons((uint16_t)atoi(optarg)); break;
		case 'c': nsock = (unsigned)atoi(optarg); break;
		case 'q': outstanding = (unsigned)atoi(optarg); break;
		case 't': timeout_s = atof(optarg); break;
		case 'g': use_gso = 1; break;
		default: usage();
		}
	}
	if (!addr || !file || seconds <= 0 || timeout_s <= 0 || nsock < 1 ||
	    nsock > SOCKETS_MAX || outstanding < nsock ||
	    inet_pton(AF_INET, addr, &server.sin_addr) != 1)
		usage();

	size_t nq;
	struct query *qs = read_queries(file, &nq);
	if (!qs)
		return 1;

	/* the window of a socket: a power of two at least its share */
	unsigned share = outstanding / nsock, window = 1;
	while (window < share + (outstanding % nsock ? 1 : 0))
		window <<= 1;
	if (window > WINDOW_MAX) {
		fprintf(stderr, "dns_blast: at most %u queries in flight per socket\n", WINDOW_MAX);
		return 2;
	}
	struct sock socks[SOCKETS_MAX];
	struct pollfd pfd[SOCKETS_MAX];
	for (unsigned i = 0; i < nsock; i++) {
		struct sock *s = &socks[i];
		s->fd = open_socket(&server);
		s->window = window;
		s->slots = calloc(window, sizeof(*s->slots));
		s->free_list = calloc(window, sizeof(*s->free_list));
		s->next_gen = (uint16_t)(i * 7919u);
		if (s->fd < 0 || !s->slots || !s->free_list) {
			perror("dns_blast: socket");
			return 1;
		}
		/* only SHARE of the window's slots are used: the rest stay idle */
		s->nfree = 0;
		for (unsigned k = share + (i < outstanding % nsock ? 1 : 0); k-- > 0;)
			s->free_list[s->nfree++] = k;
		pfd[i] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	}

	printf("[Status] dns_blast: %u sockets, %u queries in flight, %zu distinct queries\n",
	       nsock, outstanding, nq);
	fflush(stdout);
	struct totals tot = { 0 };
	uint64_t timeout_ns = (uint64_t)(timeout_s * 1e9);
	uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9);
	uint64_t last_expire = start, last_answer = start;
	int stopping = 0;

	for (unsigned i = 0; i < nsock; i++)
		send_free(&socks[i], qs, nq, start, &tot, 0);
	for (;;) {
		uint64_t t = now_ns();
		if (!stopping && t >= end)
			stopping = 1;
		if (stopping && tot.completed + tot.lost >= tot.sent)
			break;
		if (t - last_expire >= 100000000u || (stopping && t - end >= timeout_ns)) {
			for (unsigned i = 0; i < nsock; i++)
				expire(&socks[i], t, stopping && t - end >= timeout_ns ? 0 : timeout_ns,
				       &tot);
			last_expire = t;
		}
		int r = poll(pfd, nsock, 10);
		if (r < 0 && errno != EINTR) {
			perror("dns_blast: poll");
			return 1;
		}
		for (unsigned i = 0; i < nsock; i++) {
			uint64_t before = tot.completed;
			if (r > 0 && (pfd[i].revents & POLLIN))
				receive(&socks[i], qs, &tot);
			t = now_ns();
			if (tot.completed != before)
				last_answer = t;
			/* also what a full send buffer or an expiry left free */
			send_free(&socks[i], qs, nq, t, &tot, stopping);
		}
	}

	/* sending stopped at END; the run lasts until the last answer came */
	double run_s = (double)((last_answer > end ? last_answer : end) - start) / 1e9;
	printf("\nStatistics:\n\n");
	printf("  Queries sent:         %llu\n", (unsigned long long)tot.sent);
	printf("  Queries completed:    %llu (%.2f%%)\n", (unsigned long long)tot.completed,
	       tot.sent ? 100.0 * (double)tot.completed / (double)tot.sent : 0.0);
	printf("  Queries lost:         %llu (%.2f%%)\n", (unsigned long long)tot.lost,
	       tot.sent ? 100.0 * (double)tot.lost / (double)tot.sent : 0.0);
	printf("  Unexpected answers:   %llu\n\n", (unsigned long long)tot.unexpected);
	printf("  Response codes:      ");
	const char *sep = " ";
	for (int c = 0; c < 16; c++) {
		if (!tot.rcode[c])
			continue;
		printf("%s%s %llu (%.2f%%)", sep, rcodes[c], (unsigned long long)tot.rcode[c],
		       100.0 * (double)tot.rcode[c] / (double)tot.completed);
		sep = ", ";
	}
	printf("\n  Run time (s):         %.6f\n", run_s);
	printf("  Queries per second:   %.6f\n\n", run_s > 0 ? (double)tot.completed / run_s : 0.0);
	printf("  Average Latency (s):  %.6f\n",
	       tot.completed ? (double)tot.lat_ns_sum / (double)tot.completed / 1e9 : 0.0);
	for (unsigned i = 0; i < nsock; i++) {
		close(socks[i].fd);
		free(socks[i].slots);
		free(socks[i].free_list);
	}
	free(qs);
	return 0;
}
