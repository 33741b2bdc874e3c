/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links: one RTM_GETLINK dump and one RTM_GETADDR dump (libnl-route
 * caches), copied into a snapshot that owns plain C strings, so callers
 * (and the SWIG bindings) never see libnl objects. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>

#include "internal.h"
#include "links.h"
#include "nl.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* ---- addresses -------------------------------------------------------- */

void vxt_ip_format(const struct vxt_ip *ip, char *buf)
{
	if (!ip->family || !inet_ntop(ip->family, ip->bytes, buf, INET6_ADDRSTRLEN))
		buf[0] = '\0';
}

int vxt_ip_parse(const char *s, struct vxt_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip->bytes) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->bytes) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static size_t ip_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

bool vxt_ip_equal(const struct vxt_ip *a, const struct vxt_ip *b)
{
	return a->family && a->family == b->family &&
	       !memcmp(a->bytes, b->bytes, ip_len(a->family));
}

bool vxt_ip_global_unicast(const struct vxt_ip *ip)
{
	const unsigned char *b = ip->bytes;
	if (ip->family == AF_INET) {
		static const unsigned char zero[4], bcast[4] = {255, 255, 255, 255};
		return memcmp(b, zero, 4) && memcmp(b, bcast, 4) && b[0] != 127 &&
		       !(b[0] == 169 && b[1] == 254) && (b[0] & 0xf0) != 0xe0;
	}
	if (ip->family == AF_INET6) {
		static const unsigned char zero[16];
		static const unsigned char one[16] = {[15] = 1};
		if (!memcmp(b, zero, 16) || !memcmp(b, one, 16) || b[0] == 0xff)
			return false;
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
			return false;
		/* IPv4-mapped addresses count as their IPv4 address in Go. */
		static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
		if (!memcmp(b, mapped, 12)) {
			struct vxt_ip v4 = {.family = AF_INET};
			memcpy(v4.bytes, b + 12, 4);
			return vxt_ip_global_unicast(&v4);
		}
		return true;
	}
	return false;
}

bool vxt_ip_in_prefix(const struct vxt_ip *ip, const struct vxt_ip *net, int prefixlen)
{
	if (!ip->family || ip->family != net->family || prefixlen < 0 ||
	    (size_t)prefixlen > ip_len(ip->family) * 8)
		return false;
	int full = prefixlen / 8, rest = prefixlen % 8;
	if (memcmp(ip->bytes, net->bytes, (size_t)full))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (ip->bytes[full] & mask) == (net->bytes[full] & mask);
}

/* Copy a libnl address after checking its family and length. */
static bool ip_from_nl(struct nl_addr *a, struct vxt_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!a)
		return false;
	int fam = nl_addr_get_family(a);
	size_t want = ip_len(fam);
	if (!want || nl_addr_get_len(a) != want)
		return false;
	memcpy(ip->bytes, nl_addr_get_binary_addr(a), want);
	static const unsigned char zero[16];
	if (!memcmp(ip->bytes, zero, want))
		return false; /* the kernel's "unset" */
	ip->family = fam;
	return true;
}

/* ---- names ------------------------------------------------------------ */

static const char *operstate_name(uint8_t st)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
	};
	return st < VXT_ARRAY_SIZE(names) ? names[st] : "UNKNOWN";
}

static void scope_name(int scope, char *buf, size_t len)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: snprintf(buf, len, "global"); break;
	case RT_SCOPE_SITE: snprintf(buf, len, "site"); break;
	case RT_SCOPE_LINK: snprintf(buf, len, "link"); break;
	case RT_SCOPE_HOST: snprintf(buf, len, "host"); break;
	case RT_SCOPE_NOWHERE: snprintf(buf, len, "nowhere"); break;
	default: snprintf(buf, len, "%d", scope); break;
	}
}

/* ---- snapshot --------------------------------------------------------- */

static void fill_vxlan(struct vxt_link_entry *e, struct rtnl_link *lk)
{
	struct vxt_vxlan_info *vx = &e->vx;
	uint32_t u = 0;
	struct nl_addr *a = NULL;

	e->is_vxlan = true;
	if (rtnl_link_vxlan_get_id(lk, &u) == 0)
		vx->vni = u;
	if (rtnl_link_vxlan_get_port(lk, &u) == 0)
		vx->dstport = (int)u;
	if (rtnl_link_vxlan_get_link(lk, &u) == 0 && u <= INT32_MAX)
		vx->link = (int)u;
	if (rtnl_link_vxlan_get_local(lk, &a) == 0) {
		ip_from_nl(a, &vx->local);
		nl_addr_put(a);
		a = NULL;
	}
	if (rtnl_link_vxlan_get_group(lk, &a) == 0) {
		ip_from_nl(a, &vx->remote);
		nl_addr_put(a);
	}
	vxt_ip_format(&vx->local, vx->local_str);
	vxt_ip_format(&vx->remote, vx->remote_str);
	vx->learning = rtnl_link_vxlan_get_learning(lk) > 0;
	/* The kernel's VXLAN_F_IPV6: either end being IPv6 makes the
	 * socket IPv6. */
	vx->family = (vx->local.family == AF_INET6 || vx->remote.family == AF_INET6) ? AF_INET6 : AF_INET;
	if (vx->family == AF_INET6)
		vx->udpcsum = rtnl_link_vxlan_get_udp_zero_csum6_tx(lk) <= 0;
	else
		vx->udpcsum = rtnl_link_vxlan_get_udp_csum(lk) > 0;
}

/* libnl 3.7 marks a link as VXLAN from IFLA_INFO_KIND alone but allocates
 * its VXLAN data only when IFLA_INFO_DATA came too; without it every
 * rtnl_link_vxlan_get_*() dereferences NULL (found by fuzz/fuzz_links).
 * libnl has no accessor for that data, but cloning such a link fails, so a
 * clone tells whether the getters are safe. */
static bool vxlan_data_present(struct rtnl_link *lk)
{
	struct nl_object *c = nl_object_clone((struct nl_object *)lk);
	if (!c)
		return false;
	nl_object_put(c);
	return true;
}

static int add_link(struct vxt_link_list *l, struct rtnl_link *lk)
{
	const char *name = rtnl_link_get_name(lk);
	int ifindex = rtnl_link_get_ifindex(lk);
	/* A name the kernel would not accept cannot come from it; skip
	 * rather than trust a truncated copy. */
	if (!name || vxt_ifname_valid(name) < 0 || ifindex <= 0)
		return 0;
	if (vxt_grow((void **)&l->links, &l->cap, l->count + 1, sizeof(*l->links)) < 0)
		return -ENOMEM;
	struct vxt_link_entry *e = &l->links[l->count];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->ifindex = ifindex;
	const char *kind = rtnl_link_get_type(lk);
	if (kind && strlen(kind) < sizeof(e->kind))
		snprintf(e->kind, sizeof(e->kind), "%s", kind);
	e->operstate = operstate_name(rtnl_link_get_operstate(lk));
	unsigned int flags = rtnl_link_get_flags(lk);
	e->admin_up = flags & IFF_UP;
	e->carrier = flags & IFF_LOWER_UP;
	e->mtu = rtnl_link_get_mtu(lk);
	e->master = rtnl_link_get_master(lk);
	e->link = rtnl_link_get_link(lk);
	int32_t nsid;
	e->link_netnsid = rtnl_link_get_link_netnsid(lk, &nsid) == 0 ? nsid : -1;
	if (rtnl_link_is_vxlan(lk) && vxlan_data_present(lk))
		fill_vxlan(e, lk);
	else
		e->vx.family = AF_UNSPEC;
	l->count++;
	return 0;
}

static int cmp_ifindex(const void *a, const void *b)
{
	const struct vxt_link_entry *x = a, *y = b;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

const struct vxt_link_entry *vxt_links_by_index(const struct vxt_link_list *l, int ifindex)
{
	/* bsearch() must not see the NULL array of an empty list (UB). */
	if (!l || ifindex <= 0 || !l->count)
		return NULL;
	struct vxt_link_entry key = {.ifindex = ifindex};
	return bsearch(&key, l->links, l->count, sizeof(*l->links), cmp_ifindex);
}

const struct vxt_link_entry *vxt_links_at(const struct vxt_link_list *l, unsigned int i)
{
	return l && i < l->count ? &l->links[i] : NULL;
}

static int add_addr(struct vxt_link_list *l, struct rtnl_addr *a)
{
	struct vxt_link_entry *e = (struct vxt_link_entry *)vxt_links_by_index(l, rtnl_addr_get_ifindex(a));
	struct vxt_ip ip;
	if (!e || !ip_from_nl(rtnl_addr_get_local(a), &ip))
		return 0;
	if (vxt_grow((void **)&e->addrs, &e->addrs_cap, e->naddrs + 1, sizeof(*e->addrs)) < 0)
		return -ENOMEM;
	struct vxt_addr_entry *ad = &e->addrs[e->naddrs++];
	memset(ad, 0, sizeof(*ad));
	ad->ip = ip;
	ad->prefixlen = rtnl_addr_get_prefixlen(a);
	ad->scope = rtnl_addr_get_scope(a);
	ad->flags = (unsigned int)rtnl_addr_get_flags(a);
	scope_name(ad->scope, ad->scope_str, sizeof(ad->scope_str));
	vxt_ip_format(&ad->ip, ad->str);
	return 0;
}

static void list_free(struct vxt_link_list *l)
{
	for (unsigned int i = 0; i < l->count; i++)
		free(l->links[i].addrs);
	free(l->links);
	free(l);
}

int vxt_links_get(struct vxt_ctx *ctx, struct vxt_link_list **out)
{
	struct nl_sock *sk;
	struct nl_cache *lc = NULL, *ac = NULL;
	struct vxt_link_list *l = NULL;
	int rc;

	vxt_clear_error(ctx);
	*out = NULL;
	if ((rc = vxt_route_sock(ctx, &sk)) < 0)
		return rc;
	rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &lc);
	if (rc < 0) {
		rc = vxt_fail(ctx, vxt_nl_errno(rc), "listing links (RTM_GETLINK dump): %s", nl_geterror(rc));
		goto out;
	}
	rc = rtnl_addr_alloc_cache(sk, &ac);
	if (rc < 0) {
		rc = vxt_fail(ctx, vxt_nl_errno(rc), "listing addresses (RTM_GETADDR dump): %s", nl_geterror(rc));
		goto out;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory listing links");
		goto out;
	}
	l->refcount = 1;
	for (struct nl_object *o = nl_cache_get_first(lc); o; o = nl_cache_get_next(o))
		if ((rc = add_link(l, (struct rtnl_link *)o)) < 0)
			goto nomem;
	if (l->count > 1)
		qsort(l->links, l->count, sizeof(*l->links), cmp_ifindex);
	for (struct nl_object *o = nl_cache_get_first(ac); o; o = nl_cache_get_next(o))
		if ((rc = add_addr(l, (struct rtnl_addr *)o)) < 0)
			goto nomem;
	vxt_dbg(ctx, "%u links", l->count);
	*out = l;
	l = NULL;
	rc = 0;
	goto out;
nomem:
	rc = vxt_fail(ctx, ENOMEM, "out of memory listing links");
out:
	if (l)
		list_free(l);
	nl_cache_free(lc);
	nl_cache_free(ac);
	return rc;
}

int vxt_links_get_indexes(struct vxt_ctx *ctx, const int *idx, unsigned int n,
                          struct vxt_link_list **out)
{
	struct nl_sock *sk;
	struct nl_cache *ac = NULL;
	struct vxt_link_list *l = NULL;
	int rc;

	*out = NULL;
	if ((rc = vxt_route_sock(ctx, &sk)) < 0)
		return rc;
	if (!(l = calloc(1, sizeof(*l))))
		return vxt_fail(ctx, ENOMEM, "out of memory listing links");
	l->refcount = 1;
	for (unsigned int i = 0; i < n; i++) {
		if (idx[i] <= 0 || vxt_links_by_index(l, idx[i]))
			continue;
		struct rtnl_link *lk = NULL;
		rc = rtnl_link_get_kernel(sk, idx[i], NULL, &lk);
		if (rc == -NLE_NODEV || rc == -NLE_OBJ_NOTFOUND)
			continue; /* gone: the caller says so */
		if (rc < 0) {
			rc = vxt_fail(ctx, vxt_nl_errno(rc), "reading link %d (RTM_GETLINK): %s",
			              idx[i], nl_geterror(rc));
			goto out;
		}
		rc = add_link(l, lk);
		rtnl_link_put(lk);
		if (rc < 0)
			goto nomem;
		if (l->count > 1)
			qsort(l->links, l->count, sizeof(*l->links), cmp_ifindex);
	}
	rc = rtnl_addr_alloc_cache(sk, &ac);
	if (rc < 0) {
		rc = vxt_fail(ctx, vxt_nl_errno(rc), "listing addresses (RTM_GETADDR dump): %s", nl_geterror(rc));
		goto out;
	}
	for (struct nl_object *o = nl_cache_get_first(ac); o; o = nl_cache_get_next(o))
		if ((rc = add_addr(l, (struct rtnl_addr *)o)) < 0)
			goto nomem;
	*out = l;
	l = NULL;
	rc = 0;
	goto out;
nomem:
	rc = vxt_fail(ctx, ENOMEM, "out of memory listing links");
out:
	if (l)
		list_free(l);
	nl_cache_free(ac);
	return rc;
}

VXT_DEFINE_REFCOUNT(link_list, list_free)

unsigned int vxt_link_list_count(const struct vxt_link_list *l)
{
	return l ? l->count : 0;
}

int vxt_link_list_find(const struct vxt_link_list *l, const char *name)
{
	if (l && name)
		for (unsigned int i = 0; i < l->count; i++)
			if (!strcmp(l->links[i].name, name))
				return (int)i;
	return -ENOENT;
}

int vxt_link_list_find_index(const struct vxt_link_list *l, int ifindex)
{
	const struct vxt_link_entry *e = vxt_links_by_index(l, ifindex);
	return e ? (int)(e - l->links) : -ENOENT;
}

/* ---- accessors ---------------------------------------------------------- */

#define LINK_OR(ret)                                         \
	const struct vxt_link_entry *e = vxt_links_at(l, i); \
	if (!e)                                              \
		return ret

const char *vxt_link_name(const struct vxt_link_list *l, unsigned int i) { LINK_OR(NULL); return e->name; }
int vxt_link_ifindex(const struct vxt_link_list *l, unsigned int i) { LINK_OR(-1); return e->ifindex; }
const char *vxt_link_kind(const struct vxt_link_list *l, unsigned int i) { LINK_OR(NULL); return e->kind; }
const char *vxt_link_operstate(const struct vxt_link_list *l, unsigned int i) { LINK_OR(NULL); return e->operstate; }
bool vxt_link_admin_up(const struct vxt_link_list *l, unsigned int i) { LINK_OR(false); return e->admin_up; }
bool vxt_link_carrier(const struct vxt_link_list *l, unsigned int i) { LINK_OR(false); return e->carrier; }
unsigned int vxt_link_mtu(const struct vxt_link_list *l, unsigned int i) { LINK_OR(0); return e->mtu; }
int vxt_link_master(const struct vxt_link_list *l, unsigned int i) { LINK_OR(-1); return e->master; }
int vxt_link_link(const struct vxt_link_list *l, unsigned int i) { LINK_OR(-1); return e->link; }
int vxt_link_link_netnsid(const struct vxt_link_list *l, unsigned int i) { LINK_OR(-1); return e->link_netnsid; }
unsigned int vxt_link_addr_count(const struct vxt_link_list *l, unsigned int i) { LINK_OR(0); return e->naddrs; }

static const struct vxt_addr_entry *addr_at(const struct vxt_link_list *l, unsigned int i, unsigned int j)
{
	const struct vxt_link_entry *e = vxt_links_at(l, i);
	return e && j < e->naddrs ? &e->addrs[j] : NULL;
}

const char *vxt_link_addr(const struct vxt_link_list *l, unsigned int i, unsigned int j)
{
	const struct vxt_addr_entry *a = addr_at(l, i, j);
	return a ? a->str : NULL;
}

int vxt_link_addr_prefixlen(const struct vxt_link_list *l, unsigned int i, unsigned int j)
{
	const struct vxt_addr_entry *a = addr_at(l, i, j);
	return a ? a->prefixlen : -1;
}

int vxt_link_addr_family(const struct vxt_link_list *l, unsigned int i, unsigned int j)
{
	const struct vxt_addr_entry *a = addr_at(l, i, j);
	return a ? a->ip.family : -1;
}

const char *vxt_link_addr_scope(const struct vxt_link_list *l, unsigned int i, unsigned int j)
{
	const struct vxt_addr_entry *a = addr_at(l, i, j);
	return a ? a->scope_str : NULL;
}

unsigned int vxt_link_addr_flags(const struct vxt_link_list *l, unsigned int i, unsigned int j)
{
	const struct vxt_addr_entry *a = addr_at(l, i, j);
	return a ? a->flags : 0;
}

#define VXLAN_OR(ret)                                        \
	const struct vxt_link_entry *e = vxt_links_at(l, i); \
	if (!e || !e->is_vxlan)                              \
		return ret

/* Strings: NULL out of range (like every accessor), "" for other kinds. */
#define VXLAN_STR(field)                                     \
	const struct vxt_link_entry *e = vxt_links_at(l, i); \
	if (!e)                                              \
		return NULL;                                 \
	return e->is_vxlan ? e->vx.field : ""

bool vxt_link_is_vxlan(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(false); return true; }
int vxt_link_vxlan_vni(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(-1); return (int)e->vx.vni; }
int vxt_link_vxlan_dstport(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(-1); return e->vx.dstport; }
const char *vxt_link_vxlan_local(const struct vxt_link_list *l, unsigned int i) { VXLAN_STR(local_str); }
const char *vxt_link_vxlan_remote(const struct vxt_link_list *l, unsigned int i) { VXLAN_STR(remote_str); }
int vxt_link_vxlan_link(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(-1); return e->vx.link; }
bool vxt_link_vxlan_learning(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(false); return e->vx.learning; }
bool vxt_link_vxlan_udpcsum(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(false); return e->vx.udpcsum; }
int vxt_link_vxlan_family(const struct vxt_link_list *l, unsigned int i) { VXLAN_OR(AF_UNSPEC); return e->vx.family; }
