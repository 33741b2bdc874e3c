/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Underlay detection internals: parsed methods and route lookups. */
#ifndef VXT_UNDERLAY_H
#define VXT_UNDERLAY_H

#include <regex.h>
#include <stdint.h>

#include "links.h"

enum vxt_method_kind {
	VXT_M_DEFAULT_ROUTE,
	VXT_M_FIRST_FOUND,
	VXT_M_INTERFACE,
	VXT_M_SKIP_INTERFACE,
	VXT_M_CIDR,
	VXT_M_CAN_REACH,
	VXT_M_ADDRESS,
	VXT_M_VXLAN,
};

struct vxt_cidr {
	struct vxt_ip net;
	int prefixlen;
	char text[64];
};

struct vxt_method {
	enum vxt_method_kind kind;
	char *canon;          /* normalised text, for explanations */
	regex_t *re;          /* interface= / skip-interface= regexes */
	char **re_src;
	unsigned int nre;
	struct vxt_cidr *cidrs;
	unsigned int ncidrs;
	char *dest;           /* can-reach= */
	struct vxt_ip addr;   /* address= */
	char vxlan[IFNAMSIZ]; /* vxlan= */
};

/* Parse and validate; -EINVAL with the message naming the bad part. */
int vxt_method_parse(struct vxt_ctx *ctx, const char *spec, struct vxt_method *m);
void vxt_method_clear(struct vxt_method *m);
/* Calico's default skip list: index of the first pattern matching name,
 * or -1; *pattern gets its text. */
int vxt_default_skip_match(const char *name, const char **pattern);

/* The kernel's answer to RTM_GETROUTE for one destination. */
struct vxt_route_get {
	int oif;
	int type;             /* RTN_* */
	struct vxt_ip prefsrc; /* family 0 if none */
	struct vxt_ip gateway; /* family 0 if none */
};
/* -errno of the kernel (e.g. -ENETUNREACH) with the message set. */
int vxt_route_lookup(struct vxt_ctx *ctx, const struct vxt_ip *dst, struct vxt_route_get *out);

/* A default route of the main table, one per next hop. */
struct vxt_default_route {
	int ifindex;
	uint32_t metric;
	struct vxt_ip gateway;
	struct vxt_ip prefsrc;
};
/* Every default route of one family (main table, unicast).  *out is
 * malloc'd (free it), *n its length. */
int vxt_default_routes(struct vxt_ctx *ctx, int family, struct vxt_default_route **out,
                       unsigned int *n);

#endif
