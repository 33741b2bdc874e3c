/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Underlay detection: which interface and address carry the overlay,
 * chosen the way Calico (IP_AUTODETECTION_METHOD), Flannel (--iface-*) and
 * the incident's script (default route) choose it.  Every failure says
 * what was considered and why each candidate was rejected. */
#include "config.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "internal.h"
#include "links.h"
#include "underlay.h"

struct vxt_underlay {
	int refcount;
	char ifname[IFNAMSIZ];
	int ifindex;
	char address[INET6_ADDRSTRLEN];
	int prefixlen;
	int family;
	unsigned int mtu;
	char kind[32];
	char *method;
	char *explanation;
};

/* ---- "why not" lists, bounded so that 500 cali* veths stay readable --- */

struct why {
	char buf[480];
	size_t len;
	unsigned int n, dropped;
};

static void why_add(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_add(struct why *w, const char *fmt, ...)
{
	char item[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	size_t il = strlen(item), sep = w->n ? 2 : 0;
	if (w->dropped || w->len + sep + il >= sizeof(w->buf)) {
		w->dropped++;
		return;
	}
	memcpy(w->buf + w->len, ", ", sep);
	memcpy(w->buf + w->len + sep, item, il + 1);
	w->len += sep + il;
	w->n++;
}

/* The list as text, "none" when empty; tmp must hold buf + 24 bytes. */
static const char *why_text(const struct why *w, char *tmp, size_t len)
{
	if (!w->n && !w->dropped)
		return "none";
	if (!w->dropped)
		return w->buf;
	snprintf(tmp, len, "%s (+%u more)", w->buf, w->dropped);
	return tmp;
}

#define WHY_TMP (sizeof(((struct why *)0)->buf) + 24)

static const char *fam_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IPv4 or IPv6";
}

/* ---- address helpers -------------------------------------------------- */

/* First global-unicast address of family on e (inside m's CIDRs, if any);
 * *cidr gets the CIDR text that matched. */
static const struct vxt_addr_entry *first_global(const struct vxt_link_entry *e, int family,
                                                 const struct vxt_method *m, const char **cidr)
{
	for (unsigned int j = 0; j < e->naddrs; j++) {
		const struct vxt_addr_entry *a = &e->addrs[j];
		if (a->ip.family != family || !vxt_ip_global_unicast(&a->ip))
			continue;
		if (m && m->ncidrs) {
			for (unsigned int c = 0; c < m->ncidrs; c++)
				if (vxt_ip_in_prefix(&a->ip, &m->cidrs[c].net, m->cidrs[c].prefixlen)) {
					if (cidr)
						*cidr = m->cidrs[c].text;
					return a;
				}
			continue;
		}
		return a;
	}
	return NULL;
}

static const struct vxt_addr_entry *addr_on(const struct vxt_link_entry *e, const struct vxt_ip *ip)
{
	for (unsigned int j = 0; e && j < e->naddrs; j++)
		if (vxt_ip_equal(&e->addrs[j].ip, ip))
			return &e->addrs[j];
	return NULL;
}

/* The interface holding ip (lowest ifindex first), or NULL. */
static const struct vxt_link_entry *holder(const struct vxt_link_list *l, const struct vxt_ip *ip,
                                           const struct vxt_addr_entry **a)
{
	for (unsigned int i = 0; i < l->count; i++)
		if ((*a = addr_on(&l->links[i], ip)))
			return &l->links[i];
	return NULL;
}

static int result(struct vxt_ctx *ctx, const struct vxt_method *m, const struct vxt_link_entry *e,
                  const struct vxt_addr_entry *a, struct vxt_underlay **out, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int result(struct vxt_ctx *ctx, const struct vxt_method *m, const struct vxt_link_entry *e,
                  const struct vxt_addr_entry *a, struct vxt_underlay **out, const char *fmt, ...)
{
	struct vxt_underlay *u = calloc(1, sizeof(*u));
	if (!u)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	u->refcount = 1;
	snprintf(u->ifname, sizeof(u->ifname), "%s", e->name);
	u->ifindex = e->ifindex;
	snprintf(u->address, sizeof(u->address), "%s", a->str);
	u->prefixlen = a->prefixlen;
	u->family = a->ip.family;
	u->mtu = e->mtu;
	snprintf(u->kind, sizeof(u->kind), "%s", e->kind);
	u->method = strdup(m->canon);
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&u->explanation, fmt, ap) < 0)
		u->explanation = NULL;
	va_end(ap);
	if (!u->method || !u->explanation) {
		vxt_underlay_unref(u);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	vxt_info(ctx, "underlay %s %s/%d: %s", u->ifname, u->address, u->prefixlen, u->explanation);
	*out = u;
	return 0;
}

/* ---- first-found and its filtered variants --------------------------- */

static bool regex_any(const struct vxt_method *m, const char *name, const char **src)
{
	for (unsigned int r = 0; r < m->nre; r++)
		if (regexec(&m->re[r], name, 0, NULL, 0) == 0) {
			*src = m->re_src[r];
			return true;
		}
	return false;
}

static int detect_enum(struct vxt_ctx *ctx, const struct vxt_link_list *l, const struct vxt_method *m,
                       int family, struct vxt_underlay **out)
{
	int fams[2] = {family, 0}, nf = 1;
	struct why skipped, noaddr;
	char t1[WHY_TMP], t2[WHY_TMP];
	if (family == AF_UNSPEC) {
		fams[0] = AF_INET;
		fams[1] = AF_INET6;
		nf = 2;
	}
	for (int f = 0; f < nf; f++) {
		memset(&skipped, 0, sizeof(skipped));
		memset(&noaddr, 0, sizeof(noaddr));
		/* Calico walks net.Interfaces() backwards: highest ifindex
		 * first.  We do the same so that we pick what calico-node picks. */
		for (unsigned int i = l->count; i-- > 0;) {
			const struct vxt_link_entry *e = &l->links[i];
			const char *pat = NULL, *cidr = NULL;
			if (m->kind == VXT_M_INTERFACE) {
				if (!regex_any(m, e->name, &pat)) {
					why_add(&skipped, "%s", e->name);
					continue;
				}
			} else if (m->kind == VXT_M_FIRST_FOUND || m->kind == VXT_M_SKIP_INTERFACE) {
				if (vxt_default_skip_match(e->name, &pat) >= 0 ||
				    (m->kind == VXT_M_SKIP_INTERFACE && regex_any(m, e->name, &pat))) {
					why_add(&skipped, "%s (%s)", e->name, pat);
					continue;
				}
			}
			const struct vxt_addr_entry *a = first_global(e, fams[f], m, &cidr);
			if (!a) {
				why_add(&noaddr, "%s", e->name);
				continue;
			}
			const char *fam = fam_name(fams[f]);
			unsigned int before = skipped.n + skipped.dropped + noaddr.n + noaddr.dropped;
			switch (m->kind) {
			case VXT_M_INTERFACE:
				return result(ctx, m, e, a, out, "%s: %s matches '%s'; its first global %s address "
				              "(interfaces in Calico's order, highest ifindex first)", m->canon, e->name,
				              pat, fam);
			case VXT_M_CIDR:
				return result(ctx, m, e, a, out, "%s: %s/%d on %s is inside %s (interfaces in Calico's "
				              "order, highest ifindex first)", m->canon, a->str, a->prefixlen, e->name, cidr);
			default:
				return result(ctx, m, e, a, out, "%s: %s is the first interface in Calico's order "
				              "(highest ifindex first) with a global %s address that the %s does not skip "
				              "(%u passed over)", m->canon, e->name, fam,
				              m->kind == VXT_M_FIRST_FOUND ? "default skip list" : "skip list", before);
			}
		}
	}
	const char *fam = fam_name(family);
	switch (m->kind) {
	case VXT_M_INTERFACE:
		if (!noaddr.n && !noaddr.dropped)
			return vxt_fail(ctx, ENOENT, "%s: no interface name matches; interfaces: %s", m->canon,
			                why_text(&skipped, t1, sizeof(t1)));
		return vxt_fail(ctx, ENOENT, "%s: no matching interface has a global %s address; matching "
		                "without one: %s; not matching: %s", m->canon, fam, why_text(&noaddr, t1, sizeof(t1)),
		                why_text(&skipped, t2, sizeof(t2)));
	case VXT_M_CIDR:
		return vxt_fail(ctx, ENOENT, "%s: no global %s address inside the CIDRs; interfaces "
		                "considered: %s", m->canon, fam, why_text(&noaddr, t1, sizeof(t1)));
	default:
		return vxt_fail(ctx, ENOENT, "%s: no interface with a global %s address is left; "
		                "skipped by name: %s; without a global %s address: %s", m->canon, fam,
		                why_text(&skipped, t1, sizeof(t1)), fam, why_text(&noaddr, t2, sizeof(t2)));
	}
}

/* ---- default-route ---------------------------------------------------- */

/* The underlay from the default routes r[0..n-1] of family fam (n > 0;
 * takes r).  l holds at least the links the routes use. */
static int pick_default(struct vxt_ctx *ctx, const struct vxt_link_list *l,
                        const struct vxt_method *m, int family, struct vxt_default_route *r,
                        unsigned int n, struct vxt_underlay **out)
{
	const char *fam = fam_name(family);
	unsigned int best = 0;
	for (unsigned int i = 1; i < n; i++)
		if (r[i].metric < r[best].metric)
			best = i;
	/* A tie: the lowest metric on more than one interface. */
	struct why tie = {0};
	unsigned int ties = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (r[i].metric != r[best].metric)
			continue;
		bool seen = false;
		for (unsigned int j = 0; j < i; j++)
			seen |= r[j].metric == r[best].metric && r[j].ifindex == r[i].ifindex;
		if (seen)
			continue;
		ties++;
		const struct vxt_link_entry *e = vxt_links_by_index(l, r[i].ifindex);
		char gw[INET6_ADDRSTRLEN];
		vxt_ip_format(&r[i].gateway, gw);
		why_add(&tie, "%s%s dev %s", gw[0] ? "via " : "", gw, e ? e->name : "?");
	}
	if (ties > 1) {
		char t[WHY_TMP];
		uint32_t metric = r[best].metric;
		free(r);
		return vxt_fail(ctx, ENOTUNIQ, "%s: %u %s default routes share the lowest metric %u: %s; "
		                "give each a distinct metric or choose with interface=NAME", m->canon, ties,
		                fam, metric, why_text(&tie, t, sizeof(t)));
	}
	struct vxt_default_route d = r[best];
	free(r);
	char gw[INET6_ADDRSTRLEN], ex[64] = "";
	vxt_ip_format(&d.gateway, gw);
	if (n > 1)
		snprintf(ex, sizeof(ex), " (lowest of %u)", n);
	const struct vxt_link_entry *e = vxt_links_by_index(l, d.ifindex);
	if (!e)
		return vxt_fail(ctx, ENOENT, "%s: the %s default route uses ifindex %d, which vanished; retry",
		                m->canon, fam, d.ifindex);
	const struct vxt_addr_entry *a = NULL;
	const char *how = "";
	if (d.prefsrc.family && (a = addr_on(e, &d.prefsrc)))
		how = "its src address";
	if (!a && d.gateway.family) {
		for (unsigned int j = 0; j < e->naddrs && !a; j++)
			if (e->addrs[j].ip.family == family && vxt_ip_global_unicast(&e->addrs[j].ip) &&
			    vxt_ip_in_prefix(&d.gateway, &e->addrs[j].ip, e->addrs[j].prefixlen))
				a = &e->addrs[j];
		if (a)
			how = "the address on the gateway's subnet";
	}
	if (!a && (a = first_global(e, family, NULL, NULL)))
		how = "its first global address";
	if (!a)
		return vxt_fail(ctx, ENOENT, "%s: the %s default route%s%s uses %s, which has no global %s "
		                "address", m->canon, fam, gw[0] ? " via " : "", gw, e->name, fam);
	return result(ctx, m, e, a, out, "%s: %s default%s%s dev %s metric %u%s; %s", m->canon, fam,
	              gw[0] ? " via " : "", gw, e->name, d.metric, ex, how);
}

/* Only the links the default routes use are read (one RTM_GETLINK each):
 * a node with thousands of pod veths would otherwise pay for a dump of
 * all of them on every apply. */
static int detect_default_route(struct vxt_ctx *ctx, const struct vxt_method *m, int family,
                                struct vxt_underlay **out)
{
	int fams[2] = {family, 0}, nf = 1;
	if (family == AF_UNSPEC) {
		fams[0] = AF_INET;
		fams[1] = AF_INET6;
		nf = 2;
	}
	for (int f = 0; f < nf; f++) {
		struct vxt_default_route *r = NULL;
		unsigned int n = 0;
		int rc = vxt_default_routes(ctx, fams[f], &r, &n);
		if (rc < 0)
			return rc;
		if (!n) {
			free(r);
			continue;
		}
		int *ix = calloc(n, sizeof(*ix));
		if (!ix) {
			free(r);
			return vxt_fail(ctx, ENOMEM, "out of memory");
		}
		for (unsigned int i = 0; i < n; i++)
			ix[i] = r[i].ifindex;
		struct vxt_link_list *l = NULL;
		rc = vxt_links_get_indexes(ctx, ix, n, &l);
		free(ix);
		if (rc < 0) {
			free(r);
			return rc;
		}
		rc = pick_default(ctx, l, m, fams[f], r, n, out);
		vxt_link_list_unref(l);
		return rc;
	}
	return vxt_fail(ctx, ENOENT, "%s: no %s default route in the main table (see 'ip route show default'); "
	                "name the underlay with interface=NAME or can-reach=PEER", m->canon, fam_name(family));
}

/* ---- can-reach and routes to an address ------------------------------- */

/* The kernel's route to dst: the output device and source address. */
static int via_route(struct vxt_ctx *ctx, const struct vxt_link_list *l, const struct vxt_method *m,
                     const struct vxt_ip *dst, const char *what, struct vxt_underlay **out)
{
	struct vxt_route_get rg;
	char dtxt[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];
	int rc = vxt_route_lookup(ctx, dst, &rg);
	vxt_ip_format(dst, dtxt);
	if (rc < 0)
		return vxt_fail(ctx, ENOENT, "%s: the kernel has no route to %s (%s)", m->canon, dtxt,
		                strerror(-rc));
	const struct vxt_addr_entry *a = NULL;
	const struct vxt_link_entry *e = NULL;
	if (rg.type == RTN_LOCAL && (e = holder(l, dst, &a)))
		return result(ctx, m, e, a, out, "%s: %s%s is a local address of %s", m->canon, what, dtxt, e->name);
	e = vxt_links_by_index(l, rg.oif);
	if (!e)
		return vxt_fail(ctx, ENOENT, "%s: the route to %s uses ifindex %d, which vanished; retry",
		                m->canon, dtxt, rg.oif);
	vxt_ip_format(&rg.prefsrc, src);
	vxt_ip_format(&rg.gateway, gw);
	char note[96] = "";
	if (rg.prefsrc.family && !(a = addr_on(e, &rg.prefsrc))) {
		/* Calico reports the interface holding the source address;
		 * packets still leave through the route's device. */
		const struct vxt_link_entry *h = holder(l, &rg.prefsrc, &a);
		if (h)
			snprintf(note, sizeof(note), "; the source address is held by %s", h->name);
	}
	if (!a && (a = first_global(e, dst->family, NULL, NULL)))
		snprintf(note, sizeof(note), "; no source address in the answer, using %s's first", e->name);
	if (!a)
		return vxt_fail(ctx, ENOENT, "%s: the route to %s uses %s, which has no global %s address",
		                m->canon, dtxt, e->name, fam_name(dst->family));
	return result(ctx, m, e, a, out, "%s: the kernel routes %s%s%s%s dev %s src %s (as 'ip route get %s')%s",
	              m->canon, what, dtxt, gw[0] ? " via " : "", gw, e->name, src[0] ? src : a->str, dtxt, note);
}

static int detect_can_reach(struct vxt_ctx *ctx, const struct vxt_link_list *l, const struct vxt_method *m,
                            int family, struct vxt_underlay **out)
{
	struct vxt_ip dst;
	if (vxt_ip_parse(m->dest, &dst) == 0) {
		if (family != AF_UNSPEC && dst.family != family)
			return vxt_fail(ctx, EINVAL, "%s: %s is an %s address but %s was asked for", m->canon,
			                m->dest, fam_name(dst.family), fam_name(family));
		return via_route(ctx, l, m, &dst, "", out);
	}
	struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_DGRAM}, *res = NULL;
	int g = getaddrinfo(m->dest, NULL, &hints, &res);
	if (g != 0)
		return vxt_fail(ctx, ENOENT, "%s: cannot resolve '%s': %s", m->canon, m->dest, gai_strerror(g));
	int rc = vxt_fail(ctx, ENOENT, "%s: '%s' resolves to no %s address", m->canon, m->dest, fam_name(family));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		memset(&dst, 0, sizeof(dst));
		if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
			dst.family = AF_INET;
			memcpy(dst.bytes, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
			dst.family = AF_INET6;
			memcpy(dst.bytes, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		char what[300];
		snprintf(what, sizeof(what), "%s = ", m->dest);
		rc = via_route(ctx, l, m, &dst, what, out);
		break;
	}
	freeaddrinfo(res);
	return rc;
}

/* ---- address= --------------------------------------------------------- */

static int detect_address(struct vxt_ctx *ctx, const struct vxt_link_list *l, const struct vxt_method *m,
                          int family, struct vxt_underlay **out)
{
	char t[WHY_TMP];
	if (family != AF_UNSPEC && m->addr.family != family)
		return vxt_fail(ctx, EINVAL, "%s: an %s address but %s was asked for", m->canon,
		                fam_name(m->addr.family), fam_name(family));
	const struct vxt_addr_entry *a;
	const struct vxt_link_entry *e = holder(l, &m->addr, &a);
	if (e)
		return result(ctx, m, e, a, out, "%s: %s holds %s/%d", m->canon, e->name, a->str, a->prefixlen);
	struct why have = {0};
	for (unsigned int i = 0; i < l->count; i++)
		for (unsigned int j = 0; j < l->links[i].naddrs; j++) {
			const struct vxt_addr_entry *x = &l->links[i].addrs[j];
			if (x->ip.family == m->addr.family && vxt_ip_global_unicast(&x->ip))
				why_add(&have, "%s on %s", x->str, l->links[i].name);
		}
	return vxt_fail(ctx, ENOENT, "%s: no interface holds this address; global %s addresses here: %s",
	                m->canon, fam_name(m->addr.family), why_text(&have, t, sizeof(t)));
}

/* ---- vxlan= ----------------------------------------------------------- */

static int detect_vxlan(struct vxt_ctx *ctx, const struct vxt_link_list *l, const struct vxt_method *m,
                        int family, struct vxt_underlay **out)
{
	int idx = vxt_link_list_find(l, m->vxlan);
	if (idx < 0)
		return vxt_fail(ctx, ENODEV, "%s: no interface named '%s' (see 'vxlantune links')", m->canon, m->vxlan);
	const struct vxt_link_entry *v = &l->links[idx];
	if (!v->is_vxlan)
		return vxt_fail(ctx, EINVAL, "%s: %s is a %s device, not VXLAN", m->canon, v->name,
		                v->kind[0] ? v->kind : "physical or kind-less");
	const struct vxt_vxlan_info *vx = &v->vx;
	int fam = vx->family;
	if (family != AF_UNSPEC && family != fam)
		return vxt_fail(ctx, EINVAL, "%s: %s is an %s tunnel but %s was asked for", m->canon, v->name,
		                fam_name(fam), fam_name(family));
	struct why why = {0};
	char t[WHY_TMP];

	/* 1. The link attribute (`ip link add ... dev X`, Calico's VtepDevIndex). */
	if (vx->link > 0) {
		const struct vxt_link_entry *p = NULL;
		if (v->link_netnsid >= 0)
			why_add(&why, "link ifindex %d is in another network namespace (nsid %d)", vx->link, v->link_netnsid);
		else if (!(p = vxt_links_by_index(l, vx->link)))
			why_add(&why, "link ifindex %d does not exist", vx->link);
		if (p) {
			const struct vxt_addr_entry *a = vx->local.family ? addr_on(p, &vx->local) : NULL;
			if (!a)
				a = first_global(p, fam, NULL, NULL);
			if (a)
				return result(ctx, m, p, a, out, "%s: its link attribute names %s (dev %s)", m->canon,
				              p->name, p->name);
			why_add(&why, "link %s has no global %s address", p->name, fam_name(fam));
		}
	} else {
		why_add(&why, "no link attribute (created without 'dev')");
	}
	/* 2. The interface holding its local address (what Felix matches). */
	if (vx->local.family) {
		const struct vxt_addr_entry *a;
		const struct vxt_link_entry *p = holder(l, &vx->local, &a);
		if (p)
			return result(ctx, m, p, a, out, "%s: no usable link attribute; %s holds its local address %s",
			              m->canon, p->name, vx->local_str);
		why_add(&why, "no interface holds its local address %s", vx->local_str);
	} else {
		why_add(&why, "no local address");
	}
	/* 3. The kernel's route to its remote (or multicast group). */
	if (vx->remote.family) {
		char what[64];
		snprintf(what, sizeof(what), "its remote ");
		int rc = via_route(ctx, l, m, &vx->remote, what, out);
		if (rc != -ENOENT)
			return rc;
		why_add(&why, "%s", vxt_ctx_errmsg(ctx));
	} else {
		why_add(&why, "no remote or group");
	}
	return vxt_fail(ctx, ENOENT, "%s: cannot tell the parent of %s: %s", m->canon, v->name,
	                why_text(&why, t, sizeof(t)));
}

/* ---- public ------------------------------------------------------------ */

int vxt_underlay_method_check(struct vxt_ctx *ctx, const char *method)
{
	struct vxt_method m;
	vxt_clear_error(ctx);
	int rc = vxt_method_parse(ctx, method, &m);
	if (rc == 0)
		vxt_method_clear(&m);
	return rc;
}

int vxt_underlay_detect(struct vxt_ctx *ctx, const char *method, int family, struct vxt_underlay **out)
{
	struct vxt_method m;
	struct vxt_link_list *l = NULL;
	int rc;

	vxt_clear_error(ctx);
	*out = NULL;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return vxt_fail(ctx, EINVAL, "underlay detection: family %d is not AF_UNSPEC, AF_INET or AF_INET6", family);
	if ((rc = vxt_method_parse(ctx, method, &m)) < 0)
		return rc;
	if (m.kind == VXT_M_DEFAULT_ROUTE) {
		rc = detect_default_route(ctx, &m, family, out);
		goto out;
	}
	if ((rc = vxt_links_get(ctx, &l)) < 0)
		goto out;
	switch (m.kind) {
	case VXT_M_CAN_REACH: rc = detect_can_reach(ctx, l, &m, family, out); break;
	case VXT_M_ADDRESS: rc = detect_address(ctx, l, &m, family, out); break;
	case VXT_M_VXLAN: rc = detect_vxlan(ctx, l, &m, family, out); break;
	default: rc = detect_enum(ctx, l, &m, family, out); break;
	}
out:
	vxt_link_list_unref(l);
	vxt_method_clear(&m);
	return rc;
}

static void underlay_destroy(struct vxt_underlay *u)
{
	free(u->method);
	free(u->explanation);
	free(u);
}

VXT_DEFINE_REFCOUNT(underlay, underlay_destroy)

const char *vxt_underlay_ifname(const struct vxt_underlay *u) { return u ? u->ifname : NULL; }
int vxt_underlay_ifindex(const struct vxt_underlay *u) { return u ? u->ifindex : -1; }
const char *vxt_underlay_address(const struct vxt_underlay *u) { return u ? u->address : NULL; }
int vxt_underlay_prefixlen(const struct vxt_underlay *u) { return u ? u->prefixlen : -1; }
int vxt_underlay_family(const struct vxt_underlay *u) { return u ? u->family : -1; }
unsigned int vxt_underlay_mtu(const struct vxt_underlay *u) { return u ? u->mtu : 0; }
const char *vxt_underlay_kind(const struct vxt_underlay *u) { return u ? u->kind : NULL; }
const char *vxt_underlay_method(const struct vxt_underlay *u) { return u ? u->method : NULL; }
const char *vxt_underlay_explanation(const struct vxt_underlay *u) { return u ? u->explanation : NULL; }
