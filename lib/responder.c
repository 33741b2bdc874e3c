/* The responder: the peer side of vxlantune check.  It answers the check's
 * TCP, UDP and bulk-transfer probes on the addresses it is given and, when
 * asked, reports this node's checksum-error counters, so that the prober
 * sees where corrupt packets land.  Protocol "VXT1": doc/responder.md.
 *
 * Read-only by construction: it opens sockets and reads /proc/self/net/snmp
 * and netstat, nothing else.  One epoll fd, no threads: the caller polls
 * vxt_responder_fd() and calls vxt_responder_dispatch() (as the watcher).
 * Bounded: a fixed client table, a fixed number of connections (in all and
 * per client), fixed buffers per connection, a token bucket per client
 * address, idle connections closed. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health.h"
#include "probe.h"

#define MAX_LISTEN 16
#define MAX_CONNS 64
#define MAX_CONNS_PER_CLIENT 4
#define MAX_CLIENTS 256
#define RATE_PER_S 50.0   /* requests (datagrams, connections) per client */
#define RATE_BURST 100.0
#define IDLE_US (5 * 1000000LL)
#define HDR_MAX 64
#define VXT1_COUNTERS_MIN 256 /* bytes of a COUNTERS request */

enum { L_UDP, L_TCP };
enum { C_HEADER, C_PUT, C_GET, C_REPLY };

struct client {
	struct sockaddr_storage addr; /* port zeroed: one entry per address */
	double tokens;
	long long refill_us, seen_us;
	unsigned int nconns;
	bool used, logged;
};

struct conn {
	int fd;
	int state;
	struct client *cl;
	long long last_us;
	unsigned long long left;  /* bytes still to read (PUT) or write (GET) */
	unsigned long long total;
	char hdr[HDR_MAX + 1];
	size_t nhdr, nreply, sent;
	char reply[48];
};

struct listener {
	int fd, type;
};

struct vxt_responder {
	int refcount;
	struct vxt_ctx *ctx;
	int epfd;
	unsigned int port;
	struct listener listen[MAX_LISTEN * 2];
	unsigned int nlisten;
	struct conn conns[MAX_CONNS];
	struct client clients[MAX_CLIENTS];
	char underlay[IFNAMSIZ];
	char underlay_addr[INET6_ADDRSTRLEN + 20];
	unsigned long answered, dropped, limited;
};

/* A pattern for GET: what the bytes are does not matter, only that the
 * kernel has to segment them. */
static const unsigned char fill[16384];

static void responder_free(struct vxt_responder *r)
{
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		if (r->conns[i].fd >= 0)
			close(r->conns[i].fd);
	for (unsigned int i = 0; i < r->nlisten; i++)
		close(r->listen[i].fd);
	if (r->epfd >= 0)
		close(r->epfd);
	vxt_ctx_unref(r->ctx);
	free(r);
}

int vxt_responder_new(struct vxt_ctx *ctx, unsigned int port, struct vxt_responder **out)
{
	vxt_clear_error(ctx);
	if (!out)
		return vxt_fail(ctx, EINVAL, "responder: no place for the result");
	*out = NULL;
	if (port > 65535)
		return vxt_fail(ctx, EINVAL, "responder: port %u is out of range (1..65535)", port);
	struct vxt_responder *r = calloc(1, sizeof(*r));
	if (!r)
		return vxt_fail(ctx, ENOMEM, "responder: out of memory");
	r->refcount = 1;
	r->ctx = vxt_ctx_ref(ctx);
	r->port = port ? port : VXT_RESPONDER_PORT;
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		r->conns[i].fd = -1;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		int err = errno;
		responder_free(r);
		return vxt_fail(ctx, err, "responder: epoll_create1: %s", strerror(err));
	}
	*out = r;
	return 0;
}

VXT_DEFINE_REFCOUNT(responder, responder_free)

int vxt_responder_set_underlay(struct vxt_responder *r, const char *ifname, const char *address)
{
	unsigned char a[16];
	if (!r || (ifname && *ifname && vxt_ifname_valid(ifname) < 0) ||
	    (address && *address && inet_pton(AF_INET, address, a) != 1 &&
	     inet_pton(AF_INET6, address, a) != 1))
		return -EINVAL;
	snprintf(r->underlay, sizeof(r->underlay), "%s", ifname ? ifname : "");
	snprintf(r->underlay_addr, sizeof(r->underlay_addr), "%s", address ? address : "");
	return 0;
}

int vxt_responder_fd(const struct vxt_responder *r) { return r ? r->epfd : -1; }
unsigned int vxt_responder_port(const struct vxt_responder *r) { return r ? r->port : 0; }
unsigned long vxt_responder_answered(const struct vxt_responder *r) { return r ? r->answered : 0; }
unsigned long vxt_responder_dropped(const struct vxt_responder *r) { return r ? r->dropped : 0; }
unsigned long vxt_responder_limited(const struct vxt_responder *r) { return r ? r->limited : 0; }

static int watch_fd(struct vxt_responder *r, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = {.events = events, .data.u64 = tag};
	return epoll_ctl(r->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* epoll tags: listeners 0..MAX_LISTEN*2-1, connections 1000 + index. */
#define CONN_TAG 1000

static int open_listener(struct vxt_responder *r, const struct vxt_peer *a, int type,
                         const char *addr)
{
	int fd = socket(a->family, (type == L_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK |
	                SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vxt_fail(r->ctx, errno, "responder: socket for %s: %s", addr, strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The overlay address may appear later (the CNI creates the device
	 * after us): bind to it anyway. */
	if (a->family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	}
	if (type == L_UDP && a->family == AF_INET6) /* accept the checksum-less requests */
		setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, &one, sizeof(one));
	/* Answer from the address the request went to (a wildcard listener
	 * would otherwise pick a source by route, which connected probes drop). */
	if (type == L_UDP && a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	else if (type == L_UDP)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	int rc = 0;
	if (bind(fd, (const struct sockaddr *)&a->sa, a->len) < 0)
		rc = vxt_fail(r->ctx, errno, "responder: bind %s %s port %u: %s%s", addr,
		              type == L_TCP ? "TCP" : "UDP", r->port, strerror(errno),
		              errno == EADDRINUSE ? " (another responder or service has the port: "
		                                    "choose another with --port)" : "");
	else if (type == L_TCP && listen(fd, 32) < 0)
		rc = vxt_fail(r->ctx, errno, "responder: listen on %s port %u: %s", addr, r->port,
		              strerror(errno));
	else if ((rc = watch_fd(r, EPOLL_CTL_ADD, fd, EPOLLIN, r->nlisten)) < 0)
		rc = vxt_fail(r->ctx, -rc, "responder: epoll: %s", strerror(-rc));
	if (rc < 0) {
		close(fd);
		return rc;
	}
	r->listen[r->nlisten].fd = fd;
	r->listen[r->nlisten++].type = type;
	return 0;
}

int vxt_responder_listen(struct vxt_responder *r, const char *addr)
{
	if (!r)
		return -EINVAL;
	vxt_clear_error(r->ctx);
	if (r->nlisten + 2 > VXT_ARRAY_SIZE(r->listen))
		return vxt_fail(r->ctx, E2BIG, "responder: at most %d addresses", MAX_LISTEN);
	struct vxt_peer a;
	struct vxt_probe *p = NULL, *dummy = NULL;
	/* The probes' parser: numeric addresses only, scope ids allowed. */
	int rc = vxt_probe_begin(r->ctx, VXT_PROBE_UDP, addr, r->port, 1, &dummy, &a, &p);
	vxt_probe_unref(p);
	if (rc < 0)
		return vxt_fail(r->ctx, EINVAL, "responder: --listen '%s': give a numeric IPv4 or "
		                "IPv6 address (the node's overlay address)", addr ? addr : "");
	unsigned int before = r->nlisten;
	rc = open_listener(r, &a, L_UDP, addr);
	if (rc >= 0)
		rc = open_listener(r, &a, L_TCP, addr);
	if (rc < 0)
		while (r->nlisten > before)
			close(r->listen[--r->nlisten].fd);
	return rc;
}

/* ---- clients: rate limit and "logged once" --------------------------- */

static void addr_only(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = 0;
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = 0;
}

static const char *addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
	                                          : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static struct client *client_for(struct vxt_responder *r, const struct sockaddr_storage *from)
{
	struct sockaddr_storage key;
	memset(&key, 0, sizeof(key));
	memcpy(&key, from, from->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                               : sizeof(struct sockaddr_in));
	addr_only(&key);
	struct client *free_slot = NULL, *oldest = NULL;
	for (unsigned int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &r->clients[i];
		if (!c->used) {
			free_slot = free_slot ? free_slot : c;
			continue;
		}
		if (!memcmp(&c->addr, &key, sizeof(key)))
			return c;
		if (!c->nconns && (!oldest || c->seen_us < oldest->seen_us))
			oldest = c;
	}
	struct client *c = free_slot ? free_slot : oldest;
	if (!c)
		return NULL; /* every slot has connections: the table is full */
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->addr = key;
	c->tokens = RATE_BURST;
	c->refill_us = vxt_mono_us();
	return c;
}

/* Take one token; false when the client is over its rate. */
static bool admit(struct vxt_responder *r, struct client *c)
{
	long long now = vxt_mono_us();
	c->tokens += (double)(now - c->refill_us) * RATE_PER_S / 1e6;
	if (c->tokens > RATE_BURST)
		c->tokens = RATE_BURST;
	c->refill_us = c->seen_us = now;
	if (c->tokens < 1.0) {
		r->limited++;
		return false;
	}
	c->tokens -= 1.0;
	return true;
}

static void malformed(struct vxt_responder *r, struct client *c, const char *proto,
                      const char *why)
{
	r->dropped++;
	if (c->logged)
		return;
	c->logged = true;
	char a[INET6_ADDRSTRLEN];
	vxt_log(r->ctx, LOG_WARNING, __FILE__, __LINE__, __func__,
	        "responder: dropped a malformed %s request from %s (%s); further ones from this "
	        "address are dropped without a message", proto, addr_str(&c->addr, a, sizeof(a)), why);
}

/* ---- UDP --------------------------------------------------------------- */

/* "VXT1 OP TOKEN": 8..32 hex digits.  Returns the op, or NULL. */
static const char *parse_udp(const char *msg, size_t n, char *token)
{
	static const char *const ops[] = {"OUT", "IN", "COUNTERS"};
	if (n < 5 || memcmp(msg, "VXT1 ", 5))
		return NULL;
	for (size_t k = 0; k < VXT_ARRAY_SIZE(ops); k++) {
		size_t ol = strlen(ops[k]);
		if (n < 5 + ol + 1 || memcmp(msg + 5, ops[k], ol) || msg[5 + ol] != ' ')
			continue;
		const char *t = msg + 5 + ol + 1;
		size_t tl = n - (size_t)(t - msg);
		/* Padding (spaces) and the newline after the token. */
		while (tl && (t[tl - 1] == '\n' || t[tl - 1] == ' '))
			tl--;
		/* No amplification: the counters answer is never longer than
		 * the request, which the prober pads to VXT1_COUNTERS_MIN. */
		if (!strcmp(ops[k], "COUNTERS") && n < VXT1_COUNTERS_MIN)
			return NULL;
		if (tl < 8 || tl > 32)
			return NULL;
		for (size_t i = 0; i < tl; i++)
			if (!isxdigit((unsigned char)t[i]))
				return NULL;
		memcpy(token, t, tl);
		token[tl] = '\0';
		return ops[k];
	}
	return NULL;
}

/* Checksum-less datagrams: no offload touches them, so they cross a path
 * that breaks offloaded checksums (the counters reach the prober). */
static void set_nocheck(int fd, int family, int on)
{
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_TX, &on, sizeof(on));
	else
		setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &on, sizeof(on));
}

static int counters_text(const struct vxt_responder *r, char *buf, size_t len)
{
	long long v[VXT_CTR_N];
	vxt_check_read_counters(v);
	size_t n = strlen(buf);
	for (int i = 0; i < VXT_CTR_N && n < len; i++)
		if (v[i] >= 0)
			n += (size_t)snprintf(buf + n, len - n, " %s=%lld", vxt_counter_names[i], v[i]);
	if (n < len && r->underlay[0])
		n += (size_t)snprintf(buf + n, len - n, " underlay=%s", r->underlay);
	if (n < len && r->underlay_addr[0])
		n += (size_t)snprintf(buf + n, len - n, " underlay_addr=%s", r->underlay_addr);
	return n < len ? (int)n : -1;
}

union pktinfo_buf {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

/* Keep only the destination-address control message of a received
 * datagram, rewritten as the source of the reply. */
static socklen_t reply_control(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			memmove(m->msg_control, c, CMSG_LEN(sizeof(pi)));
			memcpy(CMSG_DATA((struct cmsghdr *)m->msg_control), &pi, sizeof(pi));
			return (socklen_t)CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			if (!IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				pi.ipi6_ifindex = 0;
			memmove(m->msg_control, c, CMSG_LEN(sizeof(pi)));
			memcpy(CMSG_DATA((struct cmsghdr *)m->msg_control), &pi, sizeof(pi));
			return (socklen_t)CMSG_SPACE(sizeof(pi));
		}
	}
	return 0;
}

static bool send_reply(int fd, const void *buf, size_t len, struct sockaddr_storage *to,
                       socklen_t tolen, union pktinfo_buf *ctl, socklen_t ctllen)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr m = {.msg_name = to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1,
	                   .msg_control = ctllen ? ctl->buf : NULL, .msg_controllen = ctllen};
	return sendmsg(fd, &m, MSG_DONTWAIT) == (ssize_t)len;
}

static void on_udp(struct vxt_responder *r, int fd)
{
	for (int burst = 0; burst < 64; burst++) {
		char msg[513];
		struct sockaddr_storage from;
		union pktinfo_buf ctl;
		struct iovec iov = {.iov_base = msg, .iov_len = sizeof(msg)};
		struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
		                   .msg_iovlen = 1, .msg_control = ctl.buf,
		                   .msg_controllen = sizeof(ctl.buf)};
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		socklen_t flen = m.msg_namelen, ctllen = reply_control(&m);
		struct client *c = client_for(r, &from);
		if (!c || !admit(r, c))
			continue;
		if (n == 24 && !memcmp(msg, "VXTPROBE", 8)) { /* vxt_probe_udp's echo */
			if (send_reply(fd, msg, 24, &from, flen, &ctl, ctllen))
				r->answered++;
			continue;
		}
		char token[33], reply[512];
		const char *op = n < (ssize_t)sizeof(msg) ? parse_udp(msg, (size_t)n, token) : NULL;
		if (!op) {
			malformed(r, c, "UDP", n >= (ssize_t)sizeof(msg) ? "longer than 512 bytes"
			                       : "not VXT1 OUT/IN/COUNTERS TOKEN (COUNTERS padded to 256 bytes)");
			continue;
		}
		snprintf(reply, sizeof(reply), "VXT1 %s %s", op, token);
		if (!strcmp(op, "COUNTERS") &&
		    counters_text(r, reply, (size_t)n < sizeof(reply) ? (size_t)n : sizeof(reply) - 1) < 0)
			continue;
		strcat(reply, "\n");
		/* OUT tested the way here: answer without a checksum.  IN tests
		 * the way back: answer with one.  COUNTERS must arrive: none. */
		bool nocheck = strcmp(op, "IN") != 0;
		if (nocheck)
			set_nocheck(fd, from.ss_family, 1);
		if (send_reply(fd, reply, strlen(reply), &from, flen, &ctl, ctllen))
			r->answered++;
		if (nocheck)
			set_nocheck(fd, from.ss_family, 0);
	}
}

/* ---- TCP --------------------------------------------------------------- */

static void conn_close(struct vxt_responder *r, struct conn *k)
{
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, k->fd, NULL);
	close(k->fd);
	k->fd = -1;
	if (k->cl && k->cl->nconns)
		k->cl->nconns--;
	k->cl = NULL;
}

static void on_accept(struct vxt_responder *r, int lfd)
{
	for (int burst = 0; burst < 16; burst++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		int fd = accept4(lfd, (struct sockaddr *)&from, &flen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct client *c = client_for(r, &from);
		struct conn *k = NULL;
		for (unsigned int i = 0; i < MAX_CONNS && !k; i++)
			if (r->conns[i].fd < 0)
				k = &r->conns[i];
		if (!c || !k || c->nconns >= MAX_CONNS_PER_CLIENT || !admit(r, c)) {
			if (c && k && c->nconns >= MAX_CONNS_PER_CLIENT)
				r->limited++;
			close(fd);
			continue;
		}
		memset(k, 0, sizeof(*k));
		k->fd = fd;
		k->cl = c;
		k->state = C_HEADER;
		k->last_us = vxt_mono_us();
		if (watch_fd(r, EPOLL_CTL_ADD, fd, EPOLLIN, CONN_TAG + (uint64_t)(k - r->conns)) < 0) {
			close(fd);
			k->fd = -1;
			continue;
		}
		c->nconns++;
	}
}

/* "VXT1 PUT N\n" / "VXT1 GET N\n", N <= VXT_RESPONDER_MAX_BULK. */
static bool parse_tcp(struct conn *k)
{
	char op[4];
	unsigned long long n;
	char nl;
	if (sscanf(k->hdr, "VXT1 %3[A-Z] %llu%c", op, &n, &nl) != 3 || nl != '\n' ||
	    n > VXT_RESPONDER_MAX_BULK || strchr(k->hdr, '\n') != k->hdr + k->nhdr - 1)
		return false;
	if (!strcmp(op, "PUT"))
		k->state = C_PUT;
	else if (!strcmp(op, "GET"))
		k->state = C_GET;
	else
		return false;
	k->left = k->total = n;
	return true;
}

static void start_reply(struct vxt_responder *r, struct conn *k)
{
	snprintf(k->reply, sizeof(k->reply), "VXT1 OK %llu\n", k->total);
	k->nreply = strlen(k->reply);
	k->sent = 0;
	k->state = C_REPLY;
	watch_fd(r, EPOLL_CTL_MOD, k->fd, EPOLLOUT, CONN_TAG + (uint64_t)(k - r->conns));
}

static void on_conn(struct vxt_responder *r, struct conn *k, uint32_t ev)
{
	k->last_us = vxt_mono_us();
	if (k->state == C_HEADER || k->state == C_PUT) {
		/* Header bytes one read at a time up to the newline (the PUT data
		 * follows it in the same segment), then the PUT data. */
		for (int burst = 0; burst < 16; burst++) {
			char buf[16384];
			size_t want = k->state == C_HEADER ? HDR_MAX - k->nhdr
			              : k->left < sizeof(buf) ? (size_t)k->left : sizeof(buf);
			ssize_t n = recv(k->fd, k->state == C_HEADER ? k->hdr + k->nhdr : buf, want,
			                 MSG_DONTWAIT | (k->state == C_HEADER ? MSG_PEEK : 0));
			if (n == 0) {
				/* A bulk flow the prober gave up on is not malformed. */
				if (k->state == C_HEADER && k->nhdr)
					malformed(r, k->cl, "TCP", "closed inside the request line");
				conn_close(r, k);
				return;
			}
			if (n < 0) {
				if (errno != EAGAIN && errno != EINTR)
					conn_close(r, k);
				return;
			}
			if (k->state == C_HEADER) {
				/* Consume the line only: PUT data may follow it. */
				char *nl = memchr(k->hdr + k->nhdr, '\n', (size_t)n);
				size_t take = nl ? (size_t)(nl - (k->hdr + k->nhdr)) + 1 : (size_t)n;
				if (recv(k->fd, k->hdr + k->nhdr, take, MSG_DONTWAIT) != (ssize_t)take) {
					conn_close(r, k);
					return;
				}
				k->nhdr += take;
				k->hdr[k->nhdr] = '\0';
				if (!nl && k->nhdr >= HDR_MAX) {
					malformed(r, k->cl, "TCP", "request line longer than 64 bytes");
					conn_close(r, k);
					return;
				}
				if (!nl)
					continue;
				if (!parse_tcp(k)) {
					malformed(r, k->cl, "TCP", "not VXT1 PUT/GET N with N <= 16 MiB");
					conn_close(r, k);
					return;
				}
				if (k->state == C_GET) {
					watch_fd(r, EPOLL_CTL_MOD, k->fd, EPOLLOUT,
					         CONN_TAG + (uint64_t)(k - r->conns));
					return;
				}
			} else {
				k->left -= (unsigned long long)n;
			}
			if (k->state == C_PUT && !k->left) {
				start_reply(r, k);
				return;
			}
		}
		return;
	}
	if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		return;
	for (int burst = 0; burst < 64; burst++) {
		const void *src = k->state == C_GET ? (const void *)fill : (const void *)(k->reply + k->sent);
		size_t want = k->state == C_GET ? (k->left < sizeof(fill) ? (size_t)k->left : sizeof(fill))
		                                : k->nreply - k->sent;
		ssize_t n = send(k->fd, src, want, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				conn_close(r, k);
			return;
		}
		if (k->state == C_GET)
			k->left -= (unsigned long long)n;
		else
			k->sent += (size_t)n;
		if ((k->state == C_GET && !k->left) || (k->state == C_REPLY && k->sent == k->nreply)) {
			r->answered++;
			/* Our FIN after the data; the client closes too. */
			conn_close(r, k);
			return;
		}
	}
}

int vxt_responder_timeout_ms(const struct vxt_responder *r)
{
	if (!r)
		return -1;
	long long next = -1, now = vxt_mono_us();
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		if (r->conns[i].fd >= 0) {
			long long d = r->conns[i].last_us + IDLE_US - now;
			if (next < 0 || d < next)
				next = d < 0 ? 0 : d;
		}
	return next < 0 ? -1 : (int)((next + 999) / 1000);
}

int vxt_responder_dispatch(struct vxt_responder *r)
{
	if (!r)
		return -EINVAL;
	struct epoll_event ev[32];
	int n = epoll_wait(r->epfd, ev, (int)VXT_ARRAY_SIZE(ev), 0);
	if (n < 0 && errno != EINTR)
		return vxt_fail(r->ctx, errno, "responder: epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64;
		if (tag < CONN_TAG) {
			const struct listener *l = &r->listen[tag];
			if (l->type == L_UDP)
				on_udp(r, l->fd);
			else
				on_accept(r, l->fd);
		} else if (tag - CONN_TAG < MAX_CONNS && r->conns[tag - CONN_TAG].fd >= 0) {
			on_conn(r, &r->conns[tag - CONN_TAG], ev[i].events);
		}
	}
	/* Idle connections: a client that stopped sending or reading. */
	long long now = vxt_mono_us();
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		if (r->conns[i].fd >= 0 && now - r->conns[i].last_us >= IDLE_US)
			conn_close(r, &r->conns[i]);
	return 0;
}
