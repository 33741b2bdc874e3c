/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Active probes: the result object, the shared machinery (deadline, error
 * queue, outcome mapping) and the TCP-connect and UDP-echo probes.  ICMP
 * lives in probe_icmp.c, DNS in probe_dns.c. */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* ---- result object --------------------------------------------------- */

VXT_DEFINE_REFCOUNT(probe, free)

int vxt_probe_kind(const struct vxt_probe *p) { return p ? p->kind : -1; }
int vxt_probe_outcome(const struct vxt_probe *p) { return p ? p->outcome : VXT_PROBE_ERROR; }
bool vxt_probe_ok(const struct vxt_probe *p) { return p && p->outcome == VXT_PROBE_OK; }
int vxt_probe_errno(const struct vxt_probe *p) { return p ? p->err : EINVAL; }
long long vxt_probe_rtt_us(const struct vxt_probe *p) { return p ? p->rtt_us : -1; }
const char *vxt_probe_peer(const struct vxt_probe *p) { return p ? p->peer : NULL; }
unsigned int vxt_probe_port(const struct vxt_probe *p) { return p ? p->port : 0; }
unsigned int vxt_probe_size(const struct vxt_probe *p) { return p ? p->size : 0; }
const char *vxt_probe_method(const struct vxt_probe *p) { return p ? p->method : NULL; }
int vxt_probe_rcode(const struct vxt_probe *p) { return p ? p->rcode : -1; }
unsigned int vxt_probe_mtu(const struct vxt_probe *p) { return p ? p->mtu : 0; }
const char *vxt_probe_reporter(const struct vxt_probe *p) { return p ? p->reporter : NULL; }
const char *vxt_probe_detail(const struct vxt_probe *p) { return p ? p->detail : NULL; }
unsigned long long vxt_probe_bytes(const struct vxt_probe *p) { return p ? p->bytes : 0; }

const char *vxt_probe_kind_name(int kind)
{
	static const char *const names[] = {"icmp", "tcp", "udp", "dns", "large",
	                                    "bulk-out", "bulk-in", "udp-out", "udp-in"};
	return kind >= 0 && (size_t)kind < VXT_ARRAY_SIZE(names) ? names[kind] : "unknown";
}

const char *vxt_probe_outcome_name(int outcome)
{
	static const char *const names[] = {"ok", "timeout", "refused", "unreachable",
	                                    "too-big", "error", "stalled"};
	return outcome >= 0 && (size_t)outcome < VXT_ARRAY_SIZE(names) ? names[outcome] : "unknown";
}

/* ---- shared machinery ------------------------------------------------- */

long long vxt_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int vxt_wait_fd(int fd, short events, long long deadline_us)
{
	for (;;) {
		long long left = deadline_us - vxt_mono_us();
		if (left <= 0)
			return 0;
		/* Round up: poll(…, 0) would spin until the last microsecond. */
		int ms = (int)((left + 999) / 1000);
		struct pollfd pfd = {.fd = fd, .events = events};
		int r = poll(&pfd, 1, ms);
		if (r > 0)
			return pfd.revents;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Wait for one datagram on fd until the deadline and receive it.  An ICMP
 * error queued on the socket (unreachable, too big) ends the wait with its
 * errno, recorded in p.  Returns 0 with *n set, or a positive errno. */
int vxt_probe_recv(int fd, void *buf, size_t cap, struct sockaddr_storage *from,
                   long long deadline, struct vxt_probe *p, ssize_t *n)
{
	for (;;) {
		int ev = vxt_wait_fd(fd, POLLIN, deadline);
		if (ev == 0)
			return ETIMEDOUT;
		if (ev < 0)
			return -ev;
		if (ev & POLLERR) {
			int err = vxt_probe_read_errqueue(fd, p);
			if (err)
				return err;
		}
		socklen_t flen = sizeof(*from);
		*n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, &flen);
		if (*n >= 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR) {
			int err = errno;
			vxt_probe_read_errqueue(fd, p);
			return err;
		}
	}
}

void vxt_random_bytes(void *buf, size_t n)
{
	if (getrandom(buf, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	/* Only for matching our own replies: uniqueness is enough. */
	unsigned long long x = (unsigned long long)vxt_mono_us() ^ ((unsigned long long)getpid() << 32);
	unsigned char *b = buf;
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		b[i] = (unsigned char)(x >> 56);
	}
}

void vxt_probe_recverr(int fd, int family)
{
	int one = 1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
}

int vxt_probe_read_errqueue(int fd, struct vxt_probe *p)
{
	unsigned char data[2048];
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6)) + 256];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
	                     .msg_control = control.buf, .msg_controllen = sizeof(control.buf)};
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
		bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
		if (!v4 && !v6)
			continue;
		if (c->cmsg_len < CMSG_LEN(sizeof(struct sock_extended_err)))
			continue;
		const struct sock_extended_err *ee = (const void *)CMSG_DATA(c);
		if (ee->ee_errno == EMSGSIZE)
			p->mtu = ee->ee_info;
		/* The offender (who sent the ICMP error) follows the struct;
		 * only for errors that came from the network. */
		if (ee->ee_origin == SO_EE_ORIGIN_ICMP || ee->ee_origin == SO_EE_ORIGIN_ICMP6) {
			const struct sockaddr *off = SO_EE_OFFENDER(ee);
			size_t have = c->cmsg_len - CMSG_LEN(sizeof(*ee));
			if (off->sa_family == AF_INET && have >= sizeof(struct sockaddr_in))
				inet_ntop(AF_INET, &((const struct sockaddr_in *)off)->sin_addr,
				          p->reporter, sizeof(p->reporter));
			else if (off->sa_family == AF_INET6 && have >= sizeof(struct sockaddr_in6))
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)off)->sin6_addr,
				          p->reporter, sizeof(p->reporter));
		}
		return ee->ee_errno ? (int)ee->ee_errno : EIO;
	}
	return 0;
}

static int outcome_for(int err)
{
	switch (err) {
	case 0:
		return VXT_PROBE_OK;
	case ETIMEDOUT:
		return VXT_PROBE_TIMEOUT;
	case ECONNREFUSED:
	case ECONNRESET: /* a bulk flow the peer ended early: not a responder */
		return VXT_PROBE_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EHOSTDOWN:
	case ENONET:
	case EADDRNOTAVAIL: /* no source address for that destination */
	case EACCES:        /* "prohibit" route, ICMP administratively prohibited */
	case EPERM:         /* dropped by the local firewall on the way out */
	case EINVAL:        /* a "blackhole" route (the address itself was checked) */
	case EPROTO:
	case ENOPROTOOPT:
		return VXT_PROBE_UNREACHABLE;
	case EMSGSIZE:
		return VXT_PROBE_TOO_BIG;
	default:
		return VXT_PROBE_ERROR;
	}
}

static const char *why(int err)
{
	switch (err) {
	case EINVAL:
		return "rejected by a blackhole route";
	case EPERM:
		return "dropped by the local firewall";
	case EACCES:
		return "prohibited by a route or a firewall";
	default:
		return strerror(err);
	}
}

__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strnlen(buf, cap);
	if (n + 1 >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

void vxt_probe_finish(struct vxt_probe *p, int err, long long rtt_us)
{
	p->err = err;
	p->outcome = outcome_for(err);
	/* A bulk transfer that connected and then stopped moving. */
	if (err == ETIMEDOUT && p->handshake)
		p->outcome = VXT_PROBE_STALLED;
	p->rtt_us = err ? -1 : rtt_us;
	p->detail[0] = '\0';
	append(p->detail, sizeof(p->detail), "%s ", vxt_probe_kind_name(p->kind));
	if (p->port)
		append(p->detail, sizeof(p->detail), strchr(p->peer, ':') ? "[%s]:%u" : "%s:%u",
		       p->peer, p->port);
	else
		append(p->detail, sizeof(p->detail), "%s", p->peer);
	if (p->kind == VXT_PROBE_LARGE)
		append(p->detail, sizeof(p->detail), " (%u bytes, DF)", p->size);
	if (p->kind == VXT_PROBE_BULK_OUT || p->kind == VXT_PROBE_BULK_IN)
		append(p->detail, sizeof(p->detail), " (%u bytes %s)", p->size,
		       p->kind == VXT_PROBE_BULK_OUT ? "sent" : "received");
	if (p->outcome == VXT_PROBE_STALLED) {
		append(p->detail, sizeof(p->detail), ": stalled after the handshake at %llu bytes "
		       "(no progress for %d ms)", p->bytes, p->timeout_ms);
		return;
	}
	if (p->outcome == VXT_PROBE_OK) {
		append(p->detail, sizeof(p->detail), ": ok in %lld.%03lld ms", rtt_us / 1000,
		       rtt_us % 1000);
		return;
	}
	if (p->outcome == VXT_PROBE_TIMEOUT) {
		append(p->detail, sizeof(p->detail), ": no answer within %d ms", p->timeout_ms);
		return;
	}
	append(p->detail, sizeof(p->detail), ": %s (%s)", vxt_probe_outcome_name(p->outcome),
	       why(err));
	if (p->outcome == VXT_PROBE_TOO_BIG && p->mtu)
		append(p->detail, sizeof(p->detail), ", MTU %u", p->mtu);
	if (p->reporter[0])
		append(p->detail, sizeof(p->detail), ", reported by %s", p->reporter);
}

void vxt_probe_finish_setup(struct vxt_probe *p, int err)
{
	p->err = err;
	p->outcome = VXT_PROBE_ERROR;
	p->rtt_us = -1;
	const char *hint = err == EPERM || err == EACCES
		? ": needs CAP_NET_RAW, or the group in net.ipv4.ping_group_range" : "";
	snprintf(p->detail, sizeof(p->detail), "%s %s: cannot open a socket (%s)%s",
	         vxt_probe_kind_name(p->kind), p->peer, strerror(err),
	         p->kind == VXT_PROBE_ICMP || p->kind == VXT_PROBE_LARGE ? hint : "");
}


/* An IPv4-mapped IPv6 address (::ffff:198.51.100.1) is the IPv4 host:
 * probe it as IPv4, ICMP included (an ICMPv6 echo to it goes nowhere). */
static void unmap_v4(struct vxt_peer *pp)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&pp->sa;
	if (pp->family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return;
	struct sockaddr_in s4 = {.sin_family = AF_INET, .sin_port = s6->sin6_port};
	memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
	memset(&pp->sa, 0, sizeof(pp->sa));
	memcpy(&pp->sa, &s4, sizeof(s4));
	pp->len = sizeof(s4);
	pp->family = AF_INET;
}

int vxt_probe_begin(struct vxt_ctx *ctx, int kind, const char *peer, unsigned int port,
                    int timeout_ms, struct vxt_probe **user_out, struct vxt_peer *pp,
                    struct vxt_probe **out)
{
	vxt_clear_error(ctx);
	*out = NULL;
	if (!user_out)
		return vxt_fail(ctx, EINVAL, "%s probe: no place for the result (out is NULL)",
		                vxt_probe_kind_name(kind));
	*user_out = NULL;
	if (!peer || !*peer)
		return vxt_fail(ctx, EINVAL, "%s probe: no peer address given",
		                vxt_probe_kind_name(kind));
	if (timeout_ms <= 0 || timeout_ms > VXT_PROBE_MAX_TIMEOUT_MS)
		return vxt_fail(ctx, EINVAL, "%s probe to %s: timeout %d ms is out of range "
		                "(1..%d)", vxt_probe_kind_name(kind), peer, timeout_ms,
		                VXT_PROBE_MAX_TIMEOUT_MS);
	if (port > 65535 || (port == 0 && kind != VXT_PROBE_ICMP && kind != VXT_PROBE_LARGE &&
	                     kind != VXT_PROBE_DNS))
		return vxt_fail(ctx, EINVAL, "%s probe to %s: port %u is out of range (1..65535)",
		                vxt_probe_kind_name(kind), peer, port);
	/* AI_NUMERICHOST: a probe must never wait for a DNS lookup. */
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
	                         .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%u", port);
	int gai = getaddrinfo(peer, portstr, &hints, &res);
	if (gai != 0 || !res || res->ai_addrlen > sizeof(pp->sa)) {
		if (res)
			freeaddrinfo(res);
		return vxt_fail(ctx, EINVAL, "%s probe: '%s' is not a numeric IPv4 or IPv6 "
		                "address (names are not resolved: give an address)",
		                vxt_probe_kind_name(kind), peer);
	}
	memset(pp, 0, sizeof(*pp));
	memcpy(&pp->sa, res->ai_addr, res->ai_addrlen);
	pp->len = res->ai_addrlen;
	pp->family = res->ai_family;
	freeaddrinfo(res);
	unmap_v4(pp);

	struct vxt_probe *p = calloc(1, sizeof(*p));
	if (!p)
		return vxt_fail(ctx, ENOMEM, "%s probe to %s: out of memory",
		                vxt_probe_kind_name(kind), peer);
	p->refcount = 1;
	p->kind = kind;
	p->port = port;
	p->rcode = -1;
	p->rtt_us = -1;
	p->timeout_ms = timeout_ms;
	p->outcome = VXT_PROBE_ERROR;
	if (getnameinfo((struct sockaddr *)&pp->sa, pp->len, p->peer, sizeof(p->peer), NULL, 0,
	                NI_NUMERICHOST) != 0)
		snprintf(p->peer, sizeof(p->peer), "%s", peer);
	*out = p;
	return 0;
}

/* ---- TCP connect ------------------------------------------------------ */

int vxt_probe_tcp(struct vxt_ctx *ctx, const char *peer, unsigned int port,
                  int timeout_ms, struct vxt_probe **out)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	int r = vxt_probe_begin(ctx, VXT_PROBE_TCP, peer, port, timeout_ms, out, &pp, &p);
	if (r < 0)
		return r;
	p->method = "tcp";
	long long t0 = vxt_mono_us();
	int fd, err = vxt_probe_connect(p, &pp, t0 + (long long)timeout_ms * 1000, &fd);
	if (fd >= 0) {
		long long rtt = vxt_mono_us() - t0;
		close(fd);
		vxt_probe_finish(p, err, rtt);
	}
	*out = p;
	return 0;
}

int vxt_probe_connect(struct vxt_probe *p, const struct vxt_peer *pp, long long deadline, int *fd)
{
	*fd = socket(pp->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		int err = errno;
		vxt_probe_finish_setup(p, err);
		return err;
	}
	/* With IP_RECVERR the ICMP error that kills the SYN is queued too, so
	 * we can say which router reported it. */
	vxt_probe_recverr(*fd, pp->family);
	int err = 0;
	if (connect(*fd, (const struct sockaddr *)&pp->sa, pp->len) < 0 &&
	    (err = errno) == EINPROGRESS) {
		int ev = vxt_wait_fd(*fd, POLLOUT, deadline);
		socklen_t el = sizeof(err);
		if (ev == 0)
			err = ETIMEDOUT;
		else if (ev < 0)
			err = -ev;
		else if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
	}
	if (err && err != ETIMEDOUT)
		vxt_probe_read_errqueue(*fd, p);
	return err;
}

/* ---- UDP request/response --------------------------------------------- */

void vxt_probe_udp_exchange(struct vxt_probe *p, const struct vxt_peer *pp,
                            const unsigned char *req, size_t reqlen,
                            vxt_udp_match_fn match, void *arg)
{
	long long t0 = vxt_mono_us(), deadline = t0 + (long long)p->timeout_ms * 1000;
	p->method = "udp";
	p->size = (unsigned int)reqlen;
	int fd = socket(pp->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vxt_probe_finish_setup(p, errno);
		return;
	}
	vxt_probe_recverr(fd, pp->family);
	int err = 0;
	/* Connected: the kernel delivers only the peer's datagrams and the
	 * ICMP errors for this flow (port unreachable = refused). */
	if (connect(fd, (const struct sockaddr *)&pp->sa, pp->len) < 0 ||
	    (send(fd, req, reqlen, 0) < 0 && errno != ENOBUFS)) {
		/* ENOBUFS: dropped by a local queue or device (with IP_RECVERR
		 * the kernel says so); lost like on the wire, so wait it out. */
		err = errno;
		vxt_probe_read_errqueue(fd, p);
		goto done;
	}
	unsigned char buf[4096];
	struct sockaddr_storage from;
	ssize_t n = 0;
	while (!(err = vxt_probe_recv(fd, buf, sizeof(buf), &from, deadline, p, &n)))
		if (match(buf, (size_t)n, arg))
			break;
done:;
	long long rtt = vxt_mono_us() - t0;
	close(fd);
	vxt_probe_finish(p, err, rtt);
}

struct echo_token {
	unsigned char bytes[24];
};

static int echo_match(const unsigned char *buf, size_t n, void *arg)
{
	const struct echo_token *t = arg;
	return n == sizeof(t->bytes) && !memcmp(buf, t->bytes, n);
}

int vxt_probe_udp(struct vxt_ctx *ctx, const char *peer, unsigned int port,
                  int timeout_ms, struct vxt_probe **out)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	int r = vxt_probe_begin(ctx, VXT_PROBE_UDP, peer, port, timeout_ms, out, &pp, &p);
	if (r < 0)
		return r;
	/* "VXTPROBE" + 16 random bytes: not a valid DNS query (so a responder
	 * that also speaks DNS echoes it) and unique to this probe. */
	struct echo_token t;
	memcpy(t.bytes, "VXTPROBE", 8);
	vxt_random_bytes(t.bytes + 8, sizeof(t.bytes) - 8);
	vxt_probe_udp_exchange(p, &pp, t.bytes, sizeof(t.bytes), echo_match, &t);
	*out = p;
	return 0;
}
