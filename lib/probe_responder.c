/* Probes that need a vxlantune responder on the peer (doc/responder.md):
 * bulk TCP transfers that notice a stall after the handshake, one-way UDP
 * tests, and the peer's counters. */
#include "config.h"

#include <linux/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.h"
#include "probe.h"

static const unsigned char zeros[16384];

/* Bytes the peer has acknowledged on fd (what really got across). */
static unsigned long long acked(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof(ti.tcpi_bytes_acked))
		return 0;
	return ti.tcpi_bytes_acked;
}

/* The transfer after the handshake.  0, or ETIMEDOUT for a stall, or the
 * errno of a failed socket call. */
static int transfer(struct vxt_probe *p, int fd, bool out, unsigned long long total)
{
	char hdr[48], reply[64];
	int n = snprintf(hdr, sizeof(hdr), "VXT1 %s %llu\n", out ? "PUT" : "GET", total);
	size_t hsent = 0, rlen = 0;
	unsigned long long sent = 0, got = 0, base = acked(fd);
	long long now = vxt_mono_us(), last = now, step = (long long)p->timeout_ms * 1000;
	/* A flow that trickles (single-segment retransmits getting through
	 * while every full-size frame is lost) is a stall too. */
	long long end = now + 3 * step;
	for (;;) {
		unsigned long long progress = out ? acked(fd) - base : got;
		if (progress > p->bytes) {
			p->bytes = progress;
			last = now;
		}
		if (now - last >= step || now >= end)
			return ETIMEDOUT;
		short ev = POLLIN;
		if (hsent < (size_t)n || (out && sent < total))
			ev |= POLLOUT;
		long long wait_until = last + step < end ? last + step : end;
		/* Wake up now and then to look at the acknowledged bytes. */
		if (out && wait_until - now > 50000)
			wait_until = now + 50000;
		int r = vxt_wait_fd(fd, ev, wait_until);
		now = vxt_mono_us();
		if (r < 0)
			return -r;
		if (r & POLLERR) {
			int err = 0;
			socklen_t el = sizeof(err);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
			return err ? err : EIO;
		}
		if ((r & POLLOUT) && hsent < (size_t)n) {
			ssize_t w = send(fd, hdr + hsent, (size_t)n - hsent, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN)
				return errno;
			hsent += w > 0 ? (size_t)w : 0;
		} else if ((r & POLLOUT) && out && sent < total) {
			size_t want = total - sent < sizeof(zeros) ? (size_t)(total - sent) : sizeof(zeros);
			ssize_t w = send(fd, zeros, want, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN)
				return errno;
			sent += w > 0 ? (unsigned long long)w : 0;
		}
		if (r & (POLLIN | POLLHUP)) {
			char buf[16384];
			ssize_t rd = recv(fd, out ? reply + rlen : buf,
			                  out ? sizeof(reply) - 1 - rlen : sizeof(buf), MSG_DONTWAIT);
			if (rd < 0 && errno != EAGAIN)
				return errno;
			if (rd == 0) { /* the responder closed: done, or it refused us */
				if (out) {
					reply[rlen] = '\0';
					char want[64];
					snprintf(want, sizeof(want), "VXT1 OK %llu\n", total);
					if (!strcmp(reply, want)) {
						p->bytes = total;
						return 0;
					}
					return ECONNRESET;
				}
				p->bytes = got;
				return got == total ? 0 : ECONNRESET;
			}
			if (rd > 0 && out)
				rlen += (size_t)rd;
			else if (rd > 0)
				got += (unsigned long long)rd;
			if (rlen >= sizeof(reply) - 1)
				return ECONNRESET;
		}
	}
}

int vxt_probe_bulk(struct vxt_ctx *ctx, const char *peer, unsigned int port, bool out,
                   unsigned int bytes, int timeout_ms, struct vxt_probe **out_probe)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	if (!port)
		port = VXT_RESPONDER_PORT;
	int kind = out ? VXT_PROBE_BULK_OUT : VXT_PROBE_BULK_IN;
	if (bytes < 1 || bytes > VXT_RESPONDER_MAX_BULK) {
		vxt_clear_error(ctx);
		return vxt_fail(ctx, EINVAL, "%s probe: %u bytes is out of range (1..%u)",
		                vxt_probe_kind_name(kind), bytes, VXT_RESPONDER_MAX_BULK);
	}
	int r = vxt_probe_begin(ctx, kind, peer, port, timeout_ms, out_probe, &pp, &p);
	if (r < 0)
		return r;
	p->method = "tcp";
	p->size = bytes;
	long long t0 = vxt_mono_us();
	int fd, err = vxt_probe_connect(p, &pp, t0 + (long long)timeout_ms * 1000, &fd);
	if (fd >= 0) {
		if (!err) {
			p->handshake = true;
			err = transfer(p, fd, out, bytes);
		}
		long long rtt = vxt_mono_us() - t0;
		close(fd);
		vxt_probe_finish(p, err, rtt);
	}
	*out_probe = p;
	return 0;
}

/* ---- UDP: one-way tests and the counters ------------------------------ */

/* No UDP checksum on what fd sends (IPv4 SO_NO_CHECK, IPv6 zero checksum),
 * and accept zero checksums on IPv6 (IPv4 always does). */
static void nocheck(int fd, int family, bool tx)
{
	int one = 1;
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, &one, sizeof(one));
		if (tx)
			setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_TX, &one, sizeof(one));
	} else if (tx) {
		setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one));
	}
}

struct line_match {
	char want[64];
};

/* "VXT1 OP TOKEN" followed by "\n" or " ...". */
static int line_match(const unsigned char *buf, size_t n, void *arg)
{
	const struct line_match *m = arg;
	size_t wl = strlen(m->want);
	return n > wl && !memcmp(buf, m->want, wl) && (buf[wl] == '\n' || buf[wl] == ' ');
}

static void token(char *buf, size_t len)
{
	unsigned char raw[8];
	vxt_random_bytes(raw, sizeof(raw));
	size_t n = 0;
	for (size_t i = 0; i < sizeof(raw) && n + 2 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", raw[i]);
}

/* One request/answer over a fresh UDP socket, without a checksum on the
 * request when tx_nocheck.  Fills p (its outcome) and, when reply is not
 * NULL, the answer's text. */
static void exchange(struct vxt_probe *p, const struct vxt_peer *pp, const char *op,
                     bool tx_nocheck, char *reply, size_t rlen)
{
	char req[300], tok[24];
	token(tok, sizeof(tok));
	struct line_match m;
	snprintf(m.want, sizeof(m.want), "VXT1 %s %s", op, tok);
	/* COUNTERS is padded to 256 bytes: the responder's answer is never
	 * longer than the request (doc/responder.md). */
	int pad = !strcmp(op, "COUNTERS") ? 256 - 1 : 0;
	snprintf(req, sizeof(req), "%-*s\n", pad, m.want);
	long long t0 = vxt_mono_us(), deadline = t0 + (long long)p->timeout_ms * 1000;
	p->method = "udp";
	p->size = (unsigned int)strlen(req);
	int fd = socket(pp->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vxt_probe_finish_setup(p, errno);
		return;
	}
	vxt_probe_recverr(fd, pp->family);
	nocheck(fd, pp->family, tx_nocheck);
	int err = 0;
	if (connect(fd, (const struct sockaddr *)&pp->sa, pp->len) < 0) {
		err = errno;
		goto done;
	}
	/* Up to three sends within the timeout: a lost datagram is not a
	 * verdict when a retry gets through. */
	for (int k = 1; k <= 3; k++) {
		if (send(fd, req, strlen(req), 0) < 0 && errno != ENOBUFS) {
			err = errno;
			vxt_probe_read_errqueue(fd, p);
			goto done;
		}
		long long until = t0 + ((deadline - t0) * k) / 3;
		unsigned char buf[600];
		struct sockaddr_storage from;
		ssize_t n = 0;
		while (!(err = vxt_probe_recv(fd, buf, sizeof(buf) - 1, &from, until, p, &n)))
			if (line_match(buf, (size_t)n, &m))
				break;
		if (!err && reply) {
			buf[n] = '\0';
			snprintf(reply, rlen, "%s", (const char *)buf);
		}
		if (err != ETIMEDOUT)
			break;
	}
done:;
	long long rtt = vxt_mono_us() - t0;
	close(fd);
	vxt_probe_finish(p, err, rtt);
}

int vxt_probe_udp_oneway(struct vxt_ctx *ctx, const char *peer, unsigned int port, bool out,
                         int timeout_ms, struct vxt_probe **out_probe)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	int r = vxt_probe_begin(ctx, out ? VXT_PROBE_UDP_OUT : VXT_PROBE_UDP_IN, peer,
	                        port ? port : VXT_RESPONDER_PORT, timeout_ms, out_probe, &pp, &p);
	if (r < 0)
		return r;
	/* OUT: our checksum there, none back.  IN: none there, one back. */
	exchange(p, &pp, out ? "OUT" : "IN", !out, NULL, 0);
	*out_probe = p;
	return 0;
}

int vxt_responder_query(struct vxt_ctx *ctx, const char *peer, unsigned int port, int timeout_ms,
                        struct vxt_peer_info *info)
{
	struct vxt_peer pp;
	struct vxt_probe *p, *user = NULL;
	for (int i = 0; i < VXT_CTR_N; i++)
		info->counters[i] = -1;
	info->underlay[0] = info->underlay_addr[0] = '\0';
	int r = vxt_probe_begin(ctx, VXT_PROBE_UDP, peer, port ? port : VXT_RESPONDER_PORT,
	                        timeout_ms, &user, &pp, &p);
	if (r < 0)
		return r;
	char reply[600] = "";
	exchange(p, &pp, "COUNTERS", true, reply, sizeof(reply));
	int oc = p->outcome;
	vxt_probe_unref(p);
	if (oc != VXT_PROBE_OK)
		return -ETIMEDOUT;
	/* "VXT1 COUNTERS TOKEN Name=N ... underlay=IF underlay_addr=A" */
	char *save = NULL;
	int field = 0;
	for (char *w = strtok_r(reply, " \n", &save); w; w = strtok_r(NULL, " \n", &save), field++) {
		char *eq = strchr(w, '=');
		if (field < 3 || !eq)
			continue;
		*eq = '\0';
		if (!strcmp(w, "underlay") && vxt_ifname_valid(eq + 1) == 0)
			snprintf(info->underlay, sizeof(info->underlay), "%s", eq + 1);
		else if (!strcmp(w, "underlay_addr") && strlen(eq + 1) < sizeof(info->underlay_addr))
			snprintf(info->underlay_addr, sizeof(info->underlay_addr), "%s", eq + 1);
		for (int i = 0; i < VXT_CTR_N; i++) {
			char *end;
			long long v;
			if (strcmp(w, vxt_counter_names[i]))
				continue;
			v = strtoll(eq + 1, &end, 10);
			if (*end == '\0' && end != eq + 1 && v >= 0)
				info->counters[i] = v;
		}
	}
	return 0;
}
