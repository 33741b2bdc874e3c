/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links snapshot shared by links.c and underlay.c (internal). */
#ifndef VXT_LINKS_H
#define VXT_LINKS_H

#include <arpa/inet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

struct vxt_ip {
	int family; /* AF_INET, AF_INET6, or 0 when unset */
	unsigned char bytes[16];
};

struct vxt_addr_entry {
	struct vxt_ip ip;
	int prefixlen;
	int scope;
	unsigned int flags;
	char scope_str[12];
	char str[INET6_ADDRSTRLEN];
};

struct vxt_vxlan_info {
	uint32_t vni;
	int dstport;
	struct vxt_ip local;
	struct vxt_ip remote;
	char local_str[INET6_ADDRSTRLEN];
	char remote_str[INET6_ADDRSTRLEN];
	int link; /* 0 if unset */
	bool learning;
	bool udpcsum;
	int family;
};

struct vxt_link_entry {
	char name[IFNAMSIZ];
	int ifindex;
	char kind[32];
	const char *operstate; /* static string */
	bool admin_up;
	bool carrier;
	unsigned int mtu;
	int master;
	int link;
	int link_netnsid; /* -1: same namespace */
	struct vxt_addr_entry *addrs;
	unsigned int naddrs, addrs_cap;
	bool is_vxlan;
	struct vxt_vxlan_info vx;
};

struct vxt_link_list {
	int refcount;
	struct vxt_link_entry *links;
	unsigned int count, cap;
};

/* Entry by position / ifindex / name, NULL if absent. */
const struct vxt_link_entry *vxt_links_at(const struct vxt_link_list *l, unsigned int i);
const struct vxt_link_entry *vxt_links_by_index(const struct vxt_link_list *l, int ifindex);
/* Like vxt_links_get(), but only the links with these ifindexes (one
 * RTM_GETLINK each; the ones that do not exist are left out) and their
 * addresses: what a caller that already knows its interfaces needs,
 * without a dump of every link (~8 ms with 2,000 veths). */
int vxt_links_get_indexes(struct vxt_ctx *ctx, const int *idx, unsigned int n,
                          struct vxt_link_list **out);
/* Format an address into buf (INET6_ADDRSTRLEN bytes). */
void vxt_ip_format(const struct vxt_ip *ip, char *buf);
/* Parse a numeric IPv4/IPv6 address (inet_pton); 0 or -EINVAL. */
int vxt_ip_parse(const char *s, struct vxt_ip *ip);
bool vxt_ip_equal(const struct vxt_ip *a, const struct vxt_ip *b);
/* Go's net.IP.IsGlobalUnicast(), which Calico uses: not unspecified,
 * loopback, link-local, multicast or the IPv4 broadcast address. */
bool vxt_ip_global_unicast(const struct vxt_ip *ip);
/* True if ip lies inside net/prefixlen (same family). */
bool vxt_ip_in_prefix(const struct vxt_ip *ip, const struct vxt_ip *net, int prefixlen);

#endif
