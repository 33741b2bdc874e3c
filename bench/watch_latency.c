/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Re-apply latency of a running `vxlantune watch`, measured from outside
 * and without libvxlantune: delete and re-create vxlan.calico COUNT times
 * (rtnetlink through libnl-route, no processes) and poll its offloads with
 * the legacy SIOCETHTOOL get commands ethtool -k itself falls back to
 * (ETHTOOL_GRXCSUM, GTXCSUM, GTSO, GGSO, GGRO: one per group of
 * "rx tx tso gso gro") until all five are off.  Prints p50/p90/p99/max in
 * milliseconds over the re-creations, from the creating request to the
 * read that sees all five off.
 * Usage (inside the namespace the watcher runs in):
 *   watch_latency [COUNT] [UNDERLAY]        defaults: 1000 eth0 */
#include "config.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>

#define DEV "vxlan.calico"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* 1 when the five groups are off, 0 when one is on, -1 when the device is
 * not there (yet). */
static int all_off(int fd)
{
	static const unsigned int groups[] = {ETHTOOL_GRXCSUM, ETHTOOL_GTXCSUM, ETHTOOL_GTSO,
	                                      ETHTOOL_GGSO, ETHTOOL_GGRO};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct ethtool_value ev = {.cmd = groups[i]};
		struct ifreq ifr = {0};
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", DEV);
		ifr.ifr_data = (char *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
			return -1;
		if (ev.data)
			return 0;
	}
	return 1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of n sorted values. */
static double pct(const double *v, int n, int p)
{
	int k = (n * p + 99) / 100;
	return v[k < 1 ? 0 : k - 1];
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 1000;
	const char *underlay = argc > 2 ? argv[2] : "eth0";
	int parent = (int)if_nametoindex(underlay);
	if (count <= 0 || parent <= 0) {
		fprintf(stderr, "usage: watch_latency [COUNT] [UNDERLAY]  (run inside the namespace)\n");
		return 2;
	}
	struct nl_sock *sk = nl_socket_alloc();
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	double *lat = calloc((size_t)count, sizeof(*lat));
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0 || fd < 0 || !lat) {
		fprintf(stderr, "watch_latency: no rtnetlink or ioctl socket: %s\n", strerror(errno));
		return 1;
	}
	int timeouts = 0;
	for (int i = 0; i < count; i++) {
		struct rtnl_link *del = rtnl_link_alloc();
		rtnl_link_set_name(del, DEV);
		rtnl_link_delete(sk, del);
		rtnl_link_put(del);
		struct rtnl_link *l = rtnl_link_vxlan_alloc();
		rtnl_link_set_name(l, DEV);
		rtnl_link_vxlan_set_id(l, 4096);
		rtnl_link_vxlan_set_port(l, 4789);
		rtnl_link_set_link(l, parent);
		/* From before the request that makes the device: the kernel's
		 * own creation time is counted too (an upper bound), and a
		 * watcher that wins the race with our own ACK is not reported
		 * as faster than it is. */
		double t0 = now_ms();
		int rc = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_link_put(l);
		if (rc < 0) {
			fprintf(stderr, "creating " DEV ": %s\n", nl_geterror(rc));
			return 1;
		}
		while (all_off(fd) != 1) {
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
	printf("latency RTM_NEWLINK -> offloads off: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	       pct(lat, count, 50), pct(lat, count, 90), pct(lat, count, 99), lat[count - 1]);
	free(lat);
	close(fd);
	nl_socket_free(sk);
	return timeouts ? 1 : 0;
}
