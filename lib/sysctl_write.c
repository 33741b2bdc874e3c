/* The two ways a planned sysctl gets written, behind one interface (as
 * features have ethtool netlink and ioctl):
 *
 *  - /proc/sys: write the value to the file the plan opened.  The normal
 *    way, and the only one for plain keys, IPv6 keys, all and default.
 *  - rtnetlink, for per-interface IPv4 conf keys when /proc/sys is mounted
 *    read-only (containers that are not privileged: containerd and kubelet
 *    mount it so): RTM_SETLINK on the interface with IFLA_AF_SPEC ->
 *    AF_INET -> IFLA_INET_CONF -> {type = IPV4_DEVCONF_* index, u32 value}.
 *    It needs CAP_NET_ADMIN in the network namespace, nothing else.
 *
 * What the rtnetlink path does not do (net/ipv4/devinet.c): the kernel's
 * inet_set_link_af() only stores the number and sets the key's
 * "explicitly set" bit (ipv4_devconf_set), as a /proc/sys write does, so
 * a later change of default does not reach the interface either way.  The
 * proc handler, devinet_conf_proc(), does more on a write: an
 * RTM_NEWNETCONF notification when rp_filter, proxy_arp or
 * ignore_routes_with_linkdown change; a route cache flush when
 * accept_local or route_localnet go to 0 or bc_forwarding changes; the
 * "flushing" keys (disable_xfrm, disable_policy, promote_secondaries ...)
 * flush on every write, and forwarding's own handler also switches LRO off
 * and notifies.  Over rtnetlink netconf listeners hear nothing (the kernel
 * announces an RTM_NEWLINK instead) and routes cached before the write
 * keep their old decision until they are looked up again.  For rp_filter,
 * the key this path exists for, the proc handler only notifies: the data
 * path ends up the same either way.
 * all and default are not links, and IPv6 has no such write: those need
 * /proc/sys. */
#include "config.h"

#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "sysctl.h"

static int proc_write(struct vxt_sysctl_plan *p, const struct vxt_sysctl_target *t, int fd,
                      const char *value)
{
	(void)p;
	(void)t;
	char buf[VXT_SK_INPUT_MAX + 2];
	int len = snprintf(buf, sizeof(buf), "%s\n", value);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -EINVAL;
	ssize_t w = pwrite(fd, buf, (size_t)len, 0);
	if (w < 0)
		return -errno;
	return w == len ? 0 : -EIO;
}

static int netlink_write(struct vxt_sysctl_plan *p, const struct vxt_sysctl_target *t, int fd,
                         const char *value)
{
	(void)p, (void)t, (void)fd, (void)value;
	return -EROFS; /* not yet */
}

const struct vxt_sysctl_writer vxt_sysctl_writers[2] = {
	[VXT_SYSCTL_BY_PROC] = {"/proc/sys", proc_write},
	[VXT_SYSCTL_BY_NETLINK] = {"rtnetlink (IFLA_INET_CONF)", netlink_write},
};

bool vxt_proc_sys_readonly(void)
{
	struct statvfs s;
	return !statvfs("/proc/sys/net", &s) && (s.f_flag & ST_RDONLY);
}

bool vxt_has_net_admin(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32));
}

const char *vxt_sysctl_netlink_refusal(const struct vxt_sysctl_key *k, const char *obj)
{
	(void)k, (void)obj;
	return "this version writes sysctls only through /proc/sys";
}
