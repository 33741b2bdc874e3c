/* Why a named interface has no /proc/sys/net/ipvN/conf entry.  The kernel
 * removes an interface's IPv6 state (net/ipv6/conf/IF included) when its
 * MTU drops below 1280, IPv6's minimum: "no interface 'cali7'" would send
 * the reader looking for a device that is right there. */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

#define IPV6_MIN_MTU 1280

static int link_mtu(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	int mtu = ioctl(fd, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : -1;
	close(fd);
	return mtu;
}

int vxt_sysctl_absent(struct vxt_ctx *ctx, const char *name)
{
	if (!if_nametoindex(name))
		return vxt_fail(ctx, ENODEV, "no interface '%s' in this network namespace "
		                "(see 'ip link show')", name);
	char path[64 + IFNAMSIZ];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s", name);
	if (access(path, F_OK) != 0) {
		int mtu = link_mtu(name);
		if (mtu >= 0 && mtu < IPV6_MIN_MTU)
			return vxt_fail(ctx, ENODEV, "interface '%s' has IPv6 off: its MTU %d is below "
			                "IPv6's minimum of %d, so the kernel keeps no net/ipv6/conf/%s; "
			                "raise the MTU or leave ipv6.* keys out for it",
			                name, mtu, IPV6_MIN_MTU, name);
		return vxt_fail(ctx, ENODEV, "interface '%s' has IPv6 off (no net/ipv6/conf/%s); "
		                "leave ipv6.* keys out for it", name, name);
	}
	return vxt_fail(ctx, ENODEV, "interface '%s' has IPv4 off (no net/ipv4/conf/%s)", name, name);
}
