/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS probe: one A query over UDP, built and checked by hand (RFC 1035
 * wire format) with every length checked, so the probe needs no resolver
 * library and never reads /etc/resolv.conf. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"

#define DNS_HDR 12
#define DNS_MAX_NAME 255 /* encoded length, RFC 1035 2.3.4 */
#define DNS_MAX_LABEL 63

/* Encode a query for name (dotted, optional trailing dot; "." is the
 * root) into buf.  Returns its length, or -EINVAL for a name that is not
 * a plain host name, or -ENOSPC. */
int vxt_dns_build_query(unsigned int id, const char *name, unsigned char *buf, size_t cap)
{
	size_t nlen = strlen(name);
	if (nlen == 0)
		return -EINVAL;
	if (cap < DNS_HDR + DNS_MAX_NAME + 4)
		return -ENOSPC;
	memset(buf, 0, DNS_HDR);
	buf[0] = (unsigned char)(id >> 8);
	buf[1] = (unsigned char)id;
	buf[2] = 0x01; /* RD: a recursive resolver should answer */
	buf[5] = 1;    /* QDCOUNT */
	size_t off = DNS_HDR;
	if (strcmp(name, ".") != 0) {
		const char *s = name;
		while (*s) {
			const char *dot = strchr(s, '.');
			size_t l = dot ? (size_t)(dot - s) : strlen(s);
			if (l == 0 || l > DNS_MAX_LABEL)
				return -EINVAL; /* empty label ("a..b", ".a") or too long */
			for (size_t i = 0; i < l; i++) {
				unsigned char c = (unsigned char)s[i];
				if (c <= ' ' || c >= 0x7f)
					return -EINVAL;
			}
			/* label + its length byte + the final zero byte must fit */
			if (off - DNS_HDR + 1 + l + 1 > DNS_MAX_NAME)
				return -EINVAL;
			buf[off++] = (unsigned char)l;
			memcpy(buf + off, s, l);
			off += l;
			s += l;
			if (*s == '.')
				s++;
		}
	}
	buf[off++] = 0;
	buf[off++] = 0;
	buf[off++] = 1; /* QTYPE A */
	buf[off++] = 0;
	buf[off++] = 1; /* QCLASS IN */
	return (int)off;
}

/* Does r answer q?  Same id, QR set, standard opcode, one question equal
 * to ours (names compared case-insensitively: some resolvers randomise
 * case).  Returns the RCODE (>= 0), or -EBADMSG. */
int vxt_dns_check_response(const unsigned char *q, size_t qlen, const unsigned char *r,
                           size_t rlen)
{
	if (qlen < DNS_HDR + 5 || rlen < qlen)
		return -EBADMSG;
	if (r[0] != q[0] || r[1] != q[1])
		return -EBADMSG;
	if (!(r[2] & 0x80) || (r[2] & 0x78))
		return -EBADMSG;
	if (r[4] != 0 || r[5] != 1)
		return -EBADMSG;
	for (size_t i = DNS_HDR; i < qlen; i++)
		if (tolower(r[i]) != tolower(q[i]))
			return -EBADMSG;
	return r[3] & 0x0f;
}

struct dns_query {
	unsigned char buf[DNS_HDR + DNS_MAX_NAME + 4];
	size_t len;
	int rcode;
};

static int dns_match(const unsigned char *buf, size_t n, void *arg)
{
	struct dns_query *q = arg;
	int rc = vxt_dns_check_response(q->buf, q->len, buf, n);
	if (rc < 0)
		return 0; /* not ours (or garbage): keep waiting */
	q->rcode = rc;
	return 1;
}

int vxt_probe_dns(struct vxt_ctx *ctx, const char *server, unsigned int port,
                  const char *name, int timeout_ms, struct vxt_probe **out)
{
	struct vxt_peer pp;
	struct vxt_probe *p;
	struct dns_query q = {.rcode = -1};
	int r = vxt_probe_begin(ctx, VXT_PROBE_DNS, server, port ? port : 53, timeout_ms, out, &pp, &p);
	if (r < 0)
		return r;
	unsigned char idb[2];
	vxt_random_bytes(idb, sizeof(idb));
	r = vxt_dns_build_query((unsigned int)(idb[0] << 8 | idb[1]), name ? name : "",
	                        q.buf, sizeof(q.buf));
	if (r < 0) {
		vxt_probe_unref(p);
		return vxt_fail(ctx, EINVAL, "dns probe to %s: '%s' is not a valid DNS name "
		                "(labels of 1..63 printable characters, 255 bytes in all)",
		                server, name ? name : "(null)");
	}
	q.len = (size_t)r;
	vxt_probe_udp_exchange(p, &pp, q.buf, q.len, dns_match, &q);
	p->rcode = p->outcome == VXT_PROBE_OK ? q.rcode : -1;
	if (p->rcode >= 0) {
		/* Any answer proves the path; say which, since NXDOMAIN or
		 * SERVFAIL would matter to whoever asked for this name. */
		size_t n = strnlen(p->detail, sizeof(p->detail));
		snprintf(p->detail + n, sizeof(p->detail) - n, ", rcode %d", p->rcode);
	}
	*out = p;
	return 0;
}
