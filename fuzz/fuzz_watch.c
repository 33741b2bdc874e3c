/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The watcher's link-event parser (lib/watch.c on_event, static: the file
 * is included).  A watcher is built around a policy without opening its
 * socket; each input is one datagram of RTM_NEWLINK/RTM_DELLINK
 * notifications, fed to on_event as nl_recvmsgs would. */
#include "../lib/watch.c"

#include "fuzz.h"

static const char policy_text[] =
	"[underlay]\n"
	"method = default-route\n"
	"features = rx off tx off\n"
	"[vxlan]\n"
	"interfaces = vxlan.calico vxlan-v6.calico flannel.1\n"
	"features = tx-checksum-ip-generic off\n"
	"[interface cali* eth?]\n"
	"features = gro off\n"
	"[sysctl all default vxlan underlay cali*]\n"
	"rp_filter = 0\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vxt_policy *p;
	if (!p && vxt_policy_load_string(fuzz_ctx(), policy_text, &p) < 0)
		abort();
	struct vxt_watch w = {.refcount = 1, .ctx = fuzz_ctx(), .policy = p};
	snprintf(w.underlay, sizeof(w.underlay), "eth0");
	/* Some devices were already handled: DELLINK must forget them. */
	for (int i = 1; i <= 8; i++)
		if (vxt_grow((void **)&w.seen, &w.capseen, w.nseen + 1, sizeof(*w.seen)) == 0)
			w.seen[w.nseen++] = i;
	fuzz_deliver(data, size, NETLINK_ROUTE, on_event, NULL, &w);
	FUZZ_ASSERT(w.npend <= w.cappend && w.nseen <= 8);
	for (unsigned int i = 0; i < w.npend; i++) {
		FUZZ_ASSERT(vxt_ifname_valid(w.pend[i].name) == 0);
		FUZZ_ASSERT(interesting(&w, w.pend[i].name));
		for (unsigned int j = 0; j < i; j++)
			FUZZ_ASSERT(w.pend[j].ifindex != w.pend[i].ifindex);
	}
	free(w.seen);
	free(w.pend);
	return 0;
}
