/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/* A socket of the plan's own, created in the caller's network namespace
 * now (the context's may have been opened in another one). */
static int plan_sock(struct vxt_sysctl_plan *p)
{
	if (p->nl)
		return 0;
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	int rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(sk);
		return vxt_nl_errno(rc);
	}
	vxt_nl_enable_ext_ack(sk);
	p->nl = sk;
	return 0;
}

static int netlink_write(struct vxt_sysctl_plan *p, const struct vxt_sysctl_target *t, int fd,
                         const char *value)
{
	(void)fd;
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	/* Devconf values are ints, sent as their u32 bit pattern. */
	if (errno || *end || v < INT32_MIN || v > UINT32_MAX || t->devconf <= 0)
		return -EINVAL;
	unsigned int ifindex = if_nametoindex(t->object);
	if (!ifindex)
		return -ENODEV;
	int rc = plan_sock(p);
	if (rc < 0)
		return rc;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = (int)ifindex};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *spec, *inet, *conf;
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(spec = nla_nest_start(msg, IFLA_AF_SPEC)) || !(inet = nla_nest_start(msg, AF_INET)) ||
	    !(conf = nla_nest_start(msg, IFLA_INET_CONF)) ||
	    nla_put_u32(msg, t->devconf, (uint32_t)v) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, conf);
	nla_nest_end(msg, inet);
	nla_nest_end(msg, spec);
	rc = nl_send_auto(p->nl, msg);
	nlmsg_free(msg);
	if (rc >= 0)
		rc = nl_wait_for_ack(p->nl);
	return rc < 0 ? vxt_nl_errno(rc) : 0;
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
	if (k->kind != VXT_SK_CONF)
		return "only per-interface IPv4 keys (net.ipv4.conf.IFACE.KEY) can be set "
		       "without it, over rtnetlink";
	if (strcmp(k->family, "ipv4"))
		return "IPv6 conf keys cannot be set over rtnetlink";
	if (!strcmp(obj, "all") || !strcmp(obj, "default"))
		return "'all' and 'default' are not links, so rtnetlink cannot set them";
	if (vxt_devconf_index(k->name) < 0)
		return "this key has no IPV4_DEVCONF index known to vxlantune, so rtnetlink "
		       "cannot set it";
	return NULL;
}
