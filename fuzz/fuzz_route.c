/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Route answers for underlay detection (lib/underlay_route.c): the
 * RTM_NEWROUTE reply to one RTM_GETROUTE (lookup_valid) and the default
 * routes of a dump, multipath included (dump_valid); both static, so the
 * file is included.  Input: 1 byte (bit 0: IPv6 dump), then one datagram. */
#include "../lib/underlay_route.c"

#include "fuzz.h"

static void check_ip(const struct vxt_ip *ip, int family)
{
	FUZZ_ASSERT(ip->family == 0 || ip->family == family);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int family = data[0] & 1 ? AF_INET6 : AF_INET;

	struct vxt_route_get rg;
	struct lookup_arg la = {.out = &rg};
	fuzz_deliver(data + 1, size - 1, NETLINK_ROUTE, lookup_valid, NULL, &la);
	if (la.got) {
		FUZZ_ASSERT(rg.oif >= 0);
		FUZZ_ASSERT(rg.prefsrc.family == 0 || rg.prefsrc.family == AF_INET ||
		            rg.prefsrc.family == AF_INET6);
	}

	struct collect c = {.family = family};
	fuzz_deliver(data + 1, size - 1, NETLINK_ROUTE, dump_valid, NULL, &c);
	FUZZ_ASSERT(c.err == 0 && c.n <= c.cap);
	for (unsigned int i = 0; i < c.n; i++) {
		FUZZ_ASSERT(c.v[i].ifindex > 0);
		check_ip(&c.v[i].gateway, family);
		check_ip(&c.v[i].prefsrc, family);
	}
	free(c.v);
	return 0;
}
