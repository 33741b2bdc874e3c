/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Route questions for underlay detection: the kernel's answer for one
 * destination (RTM_GETROUTE, what `ip route get` asks) and the default
 * routes of the main table (an RTM_GETROUTE dump). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "internal.h"
#include "nl.h"
#include "underlay.h"

static size_t fam_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* Copy an address attribute whose length must match the family. */
static void attr_ip(const struct nlattr *a, int family, struct vxt_ip *ip)
{
	size_t len = fam_len(family);
	memset(ip, 0, sizeof(*ip));
	if (!a || !len || (size_t)nla_len(a) != len)
		return;
	memcpy(ip->bytes, nla_data(a), len);
	ip->family = family;
}

struct lookup_arg {
	struct vxt_route_get *out;
	bool got;
};

static int lookup_valid(struct nl_msg *msg, void *arg)
{
	struct lookup_arg *la = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[RTA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWROUTE || !nlmsg_valid_hdr(nlh, sizeof(struct rtmsg)))
		return NL_SKIP;
	const struct rtmsg *rtm = nlmsg_data(nlh);
	if (nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return NL_SKIP;
	memset(la->out, 0, sizeof(*la->out));
	la->out->type = rtm->rtm_type;
	if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= (int)sizeof(uint32_t)) {
		uint32_t oif = nla_get_u32(tb[RTA_OIF]);
		la->out->oif = oif <= INT32_MAX ? (int)oif : 0;
	}
	attr_ip(tb[RTA_PREFSRC], rtm->rtm_family, &la->out->prefsrc);
	attr_ip(tb[RTA_GATEWAY], rtm->rtm_family, &la->out->gateway);
	la->got = true;
	return NL_OK;
}

int vxt_route_lookup(struct vxt_ctx *ctx, const struct vxt_ip *dst, struct vxt_route_get *out)
{
	struct nl_sock *sk;
	char txt[INET6_ADDRSTRLEN];
	int rc = vxt_route_sock(ctx, &sk);
	if (rc < 0)
		return rc;
	vxt_ip_format(dst, txt);
	size_t len = fam_len(dst->family);
	if (!len)
		return vxt_fail(ctx, EINVAL, "route lookup: destination has no address family");

	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
	struct nl_cb *cb = NULL;
	if (!msg)
		return vxt_fail(ctx, ENOMEM, "out of memory asking for the route to %s", txt);
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)dst->family,
		.rtm_dst_len = (unsigned char)(len * 8),
	};
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, (int)len, dst->bytes) < 0) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory asking for the route to %s", txt);
		goto out;
	}
	struct nl_cb *base = nl_socket_get_cb(sk);
	cb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!cb) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory asking for the route to %s", txt);
		goto out;
	}
	struct vxt_nl_status st = {0};
	struct lookup_arg la = {.out = out};
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, lookup_valid, &la);
	nl_cb_err(cb, NL_CB_CUSTOM, vxt_nl_err_cb, &st);
	rc = nl_send_auto(sk, msg);
	if (rc >= 0)
		rc = nl_recvmsgs(sk, cb);
	/* The answer is followed by its ACK: read it too, or the next request
	 * on this shared socket would find it first. */
	if (rc >= 0 && st.error == 0)
		rc = nl_wait_for_ack(sk);
	if (st.error < 0) {
		rc = vxt_fail(ctx, st.error, "no route to %s: %s%s%s", txt, strerror(-st.error),
		              st.extack[0] ? ": " : "", st.extack);
	} else if (rc < 0) {
		rc = vxt_fail(ctx, vxt_nl_errno(rc), "asking the kernel for the route to %s: %s",
		              txt, nl_geterror(rc));
	} else if (!la.got || out->oif <= 0) {
		rc = vxt_fail(ctx, ENETUNREACH, "no route to %s: the kernel's answer names no output device", txt);
	} else {
		rc = 0;
	}
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return rc;
}

struct collect {
	int family;
	struct vxt_default_route *v;
	unsigned int n, cap;
	int err;
};

static void add_hop(struct collect *c, int ifindex, uint32_t metric, const struct nlattr *gw,
                    const struct nlattr *prefsrc)
{
	if (c->err || ifindex <= 0)
		return;
	if (vxt_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0) {
		c->err = -ENOMEM;
		return;
	}
	struct vxt_default_route *d = &c->v[c->n++];
	memset(d, 0, sizeof(*d));
	d->ifindex = ifindex;
	d->metric = metric;
	attr_ip(gw, c->family, &d->gateway);
	attr_ip(prefsrc, c->family, &d->prefsrc);
}

/* One RTM_NEWROUTE of the dump.  Parsed here rather than through a libnl
 * route cache: the cache keys routes by (dst, table, tos, priority) and
 * would fold two IPv4 defaults with the same metric into one, hiding
 * exactly the tie we must report. */
static int dump_valid(struct nl_msg *msg, void *arg)
{
	struct collect *c = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[RTA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWROUTE || !nlmsg_valid_hdr(nlh, sizeof(struct rtmsg)))
		return NL_OK;
	const struct rtmsg *rtm = nlmsg_data(nlh);
	if (rtm->rtm_family != c->family || rtm->rtm_type != RTN_UNICAST || rtm->rtm_dst_len != 0)
		return NL_OK;
	if (nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return NL_OK;
	uint32_t table = rtm->rtm_table;
	if (tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= (int)sizeof(uint32_t))
		table = nla_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return NL_OK;
	uint32_t metric = 0;
	if (tb[RTA_PRIORITY] && nla_len(tb[RTA_PRIORITY]) >= (int)sizeof(uint32_t))
		metric = nla_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= (int)sizeof(uint32_t)) {
		uint32_t oif = nla_get_u32(tb[RTA_OIF]);
		add_hop(c, oif <= INT32_MAX ? (int)oif : 0, metric, tb[RTA_GATEWAY], tb[RTA_PREFSRC]);
	}
	if (tb[RTA_MULTIPATH]) {
		/* struct rtnexthop records, each followed by its attributes. */
		const char *p = nla_data(tb[RTA_MULTIPATH]);
		int left = nla_len(tb[RTA_MULTIPATH]);
		while (left >= (int)sizeof(struct rtnexthop)) {
			const struct rtnexthop *nh = (const struct rtnexthop *)p;
			if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
				break;
			struct nlattr *ntb[RTA_MAX + 1];
			const struct nlattr *gw = NULL;
			int alen = nh->rtnh_len - (int)RTNH_ALIGN(sizeof(*nh));
			if (alen > 0 && nla_parse(ntb, RTA_MAX, (struct nlattr *)RTNH_DATA(nh), alen, NULL) == 0)
				gw = ntb[RTA_GATEWAY];
			add_hop(c, nh->rtnh_ifindex, metric, gw, tb[RTA_PREFSRC]);
			int step = (int)RTNH_ALIGN(nh->rtnh_len);
			p += step;
			left -= step;
		}
	}
	return NL_OK;
}

int vxt_default_routes(struct vxt_ctx *ctx, int family, struct vxt_default_route **out,
                       unsigned int *n)
{
	struct nl_sock *sk;
	struct collect c = {.family = family};
	const char *fam = family == AF_INET6 ? "IPv6" : "IPv4";

	*out = NULL;
	*n = 0;
	int rc = vxt_route_sock(ctx, &sk);
	if (rc < 0)
		return rc;
	struct rtmsg rtm = {.rtm_family = (unsigned char)family};
	struct nl_cb *base = nl_socket_get_cb(sk);
	struct nl_cb *cb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!cb)
		return vxt_fail(ctx, ENOMEM, "out of memory listing %s routes", fam);
	struct vxt_nl_status st = {0};
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, dump_valid, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, vxt_nl_err_cb, &st);
	rc = nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
	if (rc >= 0)
		rc = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (st.error < 0 || rc < 0) {
		free(c.v);
		int err = st.error < 0 ? st.error : vxt_nl_errno(rc);
		return vxt_fail(ctx, err, "listing %s routes (RTM_GETROUTE dump): %s", fam,
		                st.error < 0 ? strerror(-st.error) : nl_geterror(rc));
	}
	if (c.err) {
		free(c.v);
		return vxt_fail(ctx, c.err, "out of memory listing %s default routes", fam);
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
