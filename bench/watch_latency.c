/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Re-apply latency of a running `vxlantune watch`, measured from outside:
 * delete and re-create vxlan.calico N times (rtnetlink, no processes) and
 * poll its features over ethtool netlink until rx, tx, tso, gso and gro
 * are all off.  Prints p50/p99/max in milliseconds.
 * Usage (inside the namespace the watcher runs in):
 *   watch_latency [COUNT] [UNDERLAY]        defaults: 100 eth0 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>

#include "vxlantune.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The kernel features behind "rx tx tso gso gro" that vxlan can change. */
static const char *const watched[] = {"rx-checksum", "tx-checksum-ip-generic", "tx-tcp-segmentation",
                                      "tx-generic-segmentation", "rx-gro"};

static int all_off(struct vxt_ctx *ctx)
{
	struct vxt_features *f;
	if (vxt_features_get(ctx, "vxlan.calico", &f) < 0)
		return 0;
	int off = 1;
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		int idx = vxt_features_find(f, watched[i]);
		if (idx >= 0 && vxt_features_active(f, (unsigned int)idx))
			off = 0;
	}
	vxt_features_unref(f);
	return off;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 100;
	const char *underlay = argc > 2 ? argv[2] : "eth0";
	int parent = (int)if_nametoindex(underlay);
	if (count <= 0 || parent <= 0) {
		fprintf(stderr, "usage: watch_latency [COUNT] [UNDERLAY]  (run inside the namespace)\n");
		return 2;
	}
	struct nl_sock *sk = nl_socket_alloc();
	struct vxt_ctx *ctx;
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0 || vxt_ctx_new(&ctx) < 0)
		return 1;
	double *lat = calloc((size_t)count, sizeof(*lat));
	int timeouts = 0;
	for (int i = 0; i < count; i++) {
		struct rtnl_link *del = rtnl_link_alloc();
		rtnl_link_set_name(del, "vxlan.calico");
		rtnl_link_delete(sk, del);
		rtnl_link_put(del);
		struct rtnl_link *l = rtnl_link_vxlan_alloc();
		rtnl_link_set_name(l, "vxlan.calico");
		rtnl_link_vxlan_set_id(l, 4096);
		rtnl_link_vxlan_set_port(l, 4789);
		rtnl_link_set_link(l, parent);
		int rc = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_link_put(l);
		double t0 = now_ms();
		if (rc < 0) {
			fprintf(stderr, "creating vxlan.calico: %s\n", nl_geterror(rc));
			return 1;
		}
		while (!all_off(ctx)) {
			if (now_ms() - t0 > 1000) {
				timeouts++;
				break;
			}
			usleep(50);
		}
		lat[i] = now_ms() - t0;
		usleep(2000); /* let the watcher settle on its own notifications */
	}
	qsort(lat, (size_t)count, sizeof(*lat), cmp);
	printf("re-creations: %d, not re-applied within 1 s: %d\n", count, timeouts);
	printf("latency RTM_NEWLINK -> offloads off: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	       lat[count / 2], lat[(count * 99) / 100 < count ? (count * 99) / 100 : count - 1], lat[count - 1]);
	free(lat);
	vxt_ctx_unref(ctx);
	nl_socket_free(sk);
	return timeouts ? 1 : 0;
}
