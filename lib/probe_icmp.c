/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ICMP echo probes (normal and large with DF), IPv4 and IPv6.
 *
 * First choice is the unprivileged ping socket (SOCK_DGRAM/IPPROTO_ICMP):
 * no CAP_NET_RAW needed, the kernel fills in the identifier and the
 * checksum and hands us only our own replies.  It is allowed only for
 * groups in net.ipv4.ping_group_range (empty by default in a new network
 * namespace), so a raw socket is the fallback; there we build the checksum
 * (IPv4) and filter the replies ourselves. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define ECHO_HDR 8
#define MAGIC "VXTPING!"
#define NONCE_LEN 8
#define DEFAULT_PAYLOAD 56 /* like ping(8) */
#define MAX_SIZE 65000

static uint16_t inet_csum(const unsigned char *b, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		sum += (uint32_t)(b[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int open_icmp(int family, const char **method)
{
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd >= 0) {
		*method = "ping-socket";
		return fd;
	}
	int first = errno;
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd >= 0) {
		*method = "raw";
		return fd;
	}
	/* EACCES from the ping socket means "not in ping_group_range"; the
	 * raw socket's EPERM means no CAP_NET_RAW: both together say EPERM. */
	return -(errno == EPERM || first == EACCES ? EPERM : errno);
}

struct echo {
	bool raw;
	int family;
	uint16_t id, seq;
	unsigned char nonce[NONCE_LEN];
	const struct vxt_peer *peer;
};

/* Is this datagram our echo reply?  Ping sockets and raw ICMPv6 sockets
 * give the ICMP message alone; raw IPv4 sockets give the IP header too. */
static bool is_reply(const struct echo *e, const unsigned char *buf, size_t n,
                     const struct sockaddr_storage *from)
{
	if (e->raw && e->family == AF_INET) {
		if (n < 20 || (buf[0] >> 4) != 4)
			return false;
		size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
		if (ihl < 20 || ihl > n || buf[9] != IPPROTO_ICMP)
			return false;
		buf += ihl;
		n -= ihl;
	}
	if (n < ECHO_HDR + sizeof(MAGIC) - 1 + NONCE_LEN)
		return false;
	unsigned char want = e->family == AF_INET6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
	if (buf[0] != want || buf[1] != 0)
		return false;
	/* The ping socket owns the identifier; a raw socket sees every reply. */
	if (e->raw && (uint16_t)(buf[4] << 8 | buf[5]) != e->id)
		return false;
	if ((uint16_t)(buf[6] << 8 | buf[7]) != e->seq)
		return false;
	if (memcmp(buf + ECHO_HDR, MAGIC, sizeof(MAGIC) - 1) ||
	    memcmp(buf + ECHO_HDR + sizeof(MAGIC) - 1, e->nonce, NONCE_LEN))
		return false;
	/* And it must come from the peer. */
	if (from->ss_family != e->family)
		return false;
	if (e->family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)from)->sin_addr,
		               &((const struct sockaddr_in *)&e->peer->sa)->sin_addr,
		               sizeof(struct in_addr));
	return !memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
	               &((const struct sockaddr_in6 *)&e->peer->sa)->sin6_addr,
	               sizeof(struct in6_addr));
}

/* Send one echo request whose ICMP message is icmp_len bytes (DF and no
 * local fragmentation when df), wait for the reply; finishes p. */
static void echo_probe(struct vxt_probe *p, const struct vxt_peer *pp, size_t icmp_len, bool df)
{
	long long t0 = vxt_mono_us(), deadline = t0 + (long long)p->timeout_ms * 1000;
	int fd = open_icmp(pp->family, &p->method);
	if (fd < 0) {
		p->method = "none";
		vxt_probe_finish_setup(p, -fd);
		return;
	}
	vxt_probe_recverr(fd, pp->family);
	if (pp->family == AF_INET6 && !strcmp(p->method, "raw")) {
		/* Only echo replies; the errors come through the error queue. */
		struct icmp6_filter filt;
		ICMP6_FILTER_SETBLOCKALL(&filt);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt));
	}
	if (df) {
		/* PROBE: DF set, and send even if a smaller path MTU is cached,
		 * so each large probe tests the path again. */
		int v;
		if (pp->family == AF_INET6) {
			v = IPV6_PMTUDISC_PROBE;
			setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof(v));
			v = 1;
			setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &v, sizeof(v));
		} else {
			v = IP_PMTUDISC_PROBE;
			setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
		}
	}
	size_t cap = icmp_len + 128;
	unsigned char *pkt = calloc(1, icmp_len), *buf = malloc(cap);
	int err = 0;
	if (!pkt || !buf) {
		err = ENOMEM;
		goto done;
	}
	struct echo e = {.raw = !strcmp(p->method, "raw"), .family = pp->family, .peer = pp};
	vxt_random_bytes(&e.id, sizeof(e.id));
	vxt_random_bytes(e.nonce, sizeof(e.nonce));
	e.seq = 1;
	pkt[0] = pp->family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	pkt[4] = (unsigned char)(e.id >> 8);
	pkt[5] = (unsigned char)e.id;
	pkt[6] = (unsigned char)(e.seq >> 8);
	pkt[7] = (unsigned char)e.seq;
	memcpy(pkt + ECHO_HDR, MAGIC, sizeof(MAGIC) - 1);
	memcpy(pkt + ECHO_HDR + sizeof(MAGIC) - 1, e.nonce, NONCE_LEN);
	for (size_t i = ECHO_HDR + sizeof(MAGIC) - 1 + NONCE_LEN; i < icmp_len; i++)
		pkt[i] = (unsigned char)i;
	/* ICMPv6 checksums are always the kernel's (pseudo-header). */
	if (pp->family == AF_INET) {
		uint16_t c = inet_csum(pkt, icmp_len);
		pkt[2] = (unsigned char)(c >> 8);
		pkt[3] = (unsigned char)c;
	}
	/* A ping socket wants no port in the destination. */
	struct sockaddr_storage dst = pp->sa;
	if (dst.ss_family == AF_INET)
		((struct sockaddr_in *)&dst)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&dst)->sin6_port = 0;
	/* ENOBUFS: a local queue or device dropped it (reported only because
	 * of IP_RECVERR); that is a loss like any other, so wait it out. */
	if (sendto(fd, pkt, icmp_len, 0, (struct sockaddr *)&dst, pp->len) < 0 &&
	    errno != ENOBUFS) {
		err = errno;
		vxt_probe_read_errqueue(fd, p);
		goto done;
	}
	struct sockaddr_storage from;
	ssize_t n = 0;
	while (!(err = vxt_probe_recv(fd, buf, cap, &from, deadline, p, &n)))
		if (is_reply(&e, buf, (size_t)n, &from))
			break;
done:;
	long long rtt = vxt_mono_us() - t0;
	free(pkt);
	free(buf);
	close(fd);
	vxt_probe_finish(p, err, rtt);
}

static size_t ip_header_len(int family)
{
	return family == AF_INET6 ? 40 : 20;
}

int vxt_probe_icmp(struct vxt_ctx *ctx, const char *peer, int timeout_ms,
                   struct vxt_probe **out)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	int r = vxt_probe_begin(ctx, VXT_PROBE_ICMP, peer, 0, timeout_ms, out, &pp, &p);
	if (r < 0)
		return r;
	p->size = (unsigned int)(ip_header_len(pp.family) + ECHO_HDR + DEFAULT_PAYLOAD);
	echo_probe(p, &pp, ECHO_HDR + DEFAULT_PAYLOAD, false);
	*out = p;
	return 0;
}

int vxt_probe_large(struct vxt_ctx *ctx, const char *peer, unsigned int size,
                    int timeout_ms, struct vxt_probe **out)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	int r = vxt_probe_begin(ctx, VXT_PROBE_LARGE, peer, 0, timeout_ms, out, &pp, &p);
	if (r < 0)
		return r;
	size_t min = ip_header_len(pp.family) + ECHO_HDR + sizeof(MAGIC) - 1 + NONCE_LEN;
	if (size < min || size > MAX_SIZE) {
		vxt_probe_unref(p);
		return vxt_fail(ctx, EINVAL, "large probe to %s: size %u is out of range "
		                "(%zu..%d bytes, the whole IP packet)", peer, size, min, MAX_SIZE);
	}
	p->size = size;
	echo_probe(p, &pp, size - ip_header_len(pp.family), true);
	*out = p;
	return 0;
}
