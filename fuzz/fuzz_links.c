/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Link and address snapshots (lib/links.c): RTM_NEWLINK/RTM_NEWADDR
 * messages parsed by libnl-route into objects, then copied by add_link /
 * add_addr (static: the file is included) into the list the public
 * accessors read.  Input: one or more datagrams of a dump, links and
 * addresses in any order. */
#include "../lib/links.c"

#include "fuzz.h"

struct pass {
	struct vxt_link_list *l;
	int type; /* RTM_NEWLINK or RTM_NEWADDR: this pass's messages */
	int err;
};

static void on_object(struct nl_object *o, void *arg)
{
	struct pass *p = arg;
	if (p->err)
		return;
	if (p->type == RTM_NEWLINK)
		p->err = add_link(p->l, (struct rtnl_link *)o);
	else
		p->err = add_addr(p->l, (struct rtnl_addr *)o);
}

/* libnl 3.7's own link parser calls a kind's io_parse with a NULL
 * IFLA_INFO_DATA when only IFLA_INFO_XSTATS came (a crash inside
 * rtnl_link_alloc_cache, before our code runs; the kernel never sends
 * that shape).  Such messages are not fed: this target tests lib/links.c,
 * not libnl.  See fuzz/README.md. */
static bool libnl_would_crash(struct nl_msg *msg)
{
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct nlmsghdr *h = nlmsg_hdr(msg);
	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return false;
	/* It also callocs per IFLA_NUM_VF (SR-IOV) entry: a fuzzed count
	 * asks for gigabytes.  Real NICs have at most a few hundred VFs. */
	if (tb[IFLA_NUM_VF] && nla_len(tb[IFLA_NUM_VF]) >= 4 && nla_get_u32(tb[IFLA_NUM_VF]) > 1024)
		return true;
	if (!tb[IFLA_LINKINFO] || nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0)
		return false;
	return li[IFLA_INFO_XSTATS] && !li[IFLA_INFO_DATA];
}

static int valid(struct nl_msg *msg, void *arg)
{
	struct pass *p = arg;
	if (nlmsg_hdr(msg)->nlmsg_type == p->type && !libnl_would_crash(msg))
		nl_msg_parse(msg, on_object, p); /* libnl's own errors are not ours */
	return NL_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxt_link_list *l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	l->refcount = 1;
	/* Like vxt_links_get: every link first, sorted, then the addresses. */
	struct pass p = {.l = l, .type = RTM_NEWLINK};
	fuzz_deliver(data, size, NETLINK_ROUTE, valid, NULL, &p);
	if (l->count > 1)
		qsort(l->links, l->count, sizeof(*l->links), cmp_ifindex);
	p.type = RTM_NEWADDR;
	fuzz_deliver(data, size, NETLINK_ROUTE, valid, NULL, &p);
	FUZZ_ASSERT(p.err == 0);

	for (unsigned int i = 0; i < vxt_link_list_count(l); i++) {
		const char *name = vxt_link_name(l, i);
		FUZZ_ASSERT(name && vxt_ifname_valid(name) == 0);
		FUZZ_ASSERT(vxt_link_ifindex(l, i) > 0);
		FUZZ_ASSERT(vxt_link_list_find_index(l, vxt_link_ifindex(l, i)) >= 0);
		FUZZ_ASSERT(strlen(vxt_link_kind(l, i)) < 32 && vxt_link_operstate(l, i));
		(void)vxt_link_mtu(l, i), (void)vxt_link_master(l, i), (void)vxt_link_link(l, i);
		(void)vxt_link_link_netnsid(l, i), (void)vxt_link_admin_up(l, i);
		(void)vxt_link_carrier(l, i);
		for (unsigned int j = 0; j < vxt_link_addr_count(l, i); j++) {
			const char *a = vxt_link_addr(l, i, j);
			FUZZ_ASSERT(a && strlen(a) < INET6_ADDRSTRLEN);
			int fam = vxt_link_addr_family(l, i, j);
			FUZZ_ASSERT(fam == AF_INET || fam == AF_INET6);
			FUZZ_ASSERT(strlen(vxt_link_addr_scope(l, i, j)) < 12);
			(void)vxt_link_addr_prefixlen(l, i, j), (void)vxt_link_addr_flags(l, i, j);
		}
		FUZZ_ASSERT(!vxt_link_addr(l, i, vxt_link_addr_count(l, i)));
		if (vxt_link_is_vxlan(l, i)) {
			FUZZ_ASSERT(strlen(vxt_link_vxlan_local(l, i)) < INET6_ADDRSTRLEN);
			FUZZ_ASSERT(strlen(vxt_link_vxlan_remote(l, i)) < INET6_ADDRSTRLEN);
			(void)vxt_link_vxlan_vni(l, i), (void)vxt_link_vxlan_dstport(l, i);
			(void)vxt_link_vxlan_link(l, i), (void)vxt_link_vxlan_learning(l, i);
			(void)vxt_link_vxlan_udpcsum(l, i), (void)vxt_link_vxlan_family(l, i);
		} else {
			FUZZ_ASSERT(!strcmp(vxt_link_vxlan_local(l, i), ""));
		}
	}
	FUZZ_ASSERT(!vxt_link_name(l, vxt_link_list_count(l)));
	vxt_link_list_unref(l);
	return 0;
}
