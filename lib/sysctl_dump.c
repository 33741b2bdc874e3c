/* The IPv4 per-interface conf values (net/ipv4/conf/IF/KEY) of every
 * interface from one rtnetlink RTM_GETLINK dump.
 *
 * Why: on /proc/sys every path component is a locked ref-walk lookup
 * (proc_sys_revalidate refuses RCU walks), so reading 2,000 files to learn
 * their current values costs more than anything else in a big show or set.
 * The kernel puts all IPV4_DEVCONF_* values of a device into its link
 * message anyway (inet_fill_link_af: IFLA_AF_SPEC -> AF_INET ->
 * IFLA_INET_CONF, an array of u32 indexed by IPV4_DEVCONF_* - 1, the same
 * ints the proc handlers print).  One dump gives them all; the files are
 * then opened only to write what differs.
 *
 * Only reads come from here.  Writes stay on /proc/sys: its handlers
 * (devinet_conf_proc, devinet_sysctl_forward, ipv4_doint_and_flush) send
 * RTM_NEWNETCONF notifications, flush the route cache, propagate all/default
 * and switch LRO off for forwarding; an RTM_SETLINK with IFLA_INET_CONF
 * (inet_set_link_af) only stores the number.
 *
 * "all" and "default" are not links and are not in the dump; the caller
 * reads those files, and falls back to the file for anything the dump
 * lacks (an interface created since, an index beyond what this kernel
 * sends) or when the dump fails. */
#include "config.h"

#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "sysctl.h"

/* The kernel's sysctl names in IPV4_DEVCONF_* order (linux/ip.h: index i
 * here is IPV4_DEVCONF_* - 1; devinet.c: devinet_sysctl table).  Checked
 * against the header at compile time below. */
static const char *const devconf_names[] = {
	"forwarding",                         /* IPV4_DEVCONF_FORWARDING */
	"mc_forwarding",                      /* MC_FORWARDING */
	"proxy_arp",                          /* PROXY_ARP */
	"accept_redirects",                   /* ACCEPT_REDIRECTS */
	"secure_redirects",                   /* SECURE_REDIRECTS */
	"send_redirects",                     /* SEND_REDIRECTS */
	"shared_media",                       /* SHARED_MEDIA */
	"rp_filter",                          /* RP_FILTER */
	"accept_source_route",                /* ACCEPT_SOURCE_ROUTE */
	"bootp_relay",                        /* BOOTP_RELAY */
	"log_martians",                       /* LOG_MARTIANS */
	"tag",                                /* TAG */
	"arp_filter",                         /* ARPFILTER */
	"medium_id",                          /* MEDIUM_ID */
	"disable_xfrm",                       /* NOXFRM */
	"disable_policy",                     /* NOPOLICY */
	"force_igmp_version",                 /* FORCE_IGMP_VERSION */
	"arp_announce",                       /* ARP_ANNOUNCE */
	"arp_ignore",                         /* ARP_IGNORE */
	"promote_secondaries",                /* PROMOTE_SECONDARIES */
	"arp_accept",                         /* ARP_ACCEPT */
	"arp_notify",                         /* ARP_NOTIFY */
	"accept_local",                       /* ACCEPT_LOCAL */
	"src_valid_mark",                     /* SRC_VMARK */
	"proxy_arp_pvlan",                    /* PROXY_ARP_PVLAN */
	"route_localnet",                     /* ROUTE_LOCALNET */
	"igmpv2_unsolicited_report_interval", /* IGMPV2_UNSOLICITED_REPORT_INTERVAL */
	"igmpv3_unsolicited_report_interval", /* IGMPV3_UNSOLICITED_REPORT_INTERVAL */
	"ignore_routes_with_linkdown",        /* IGNORE_ROUTES_WITH_LINKDOWN */
	"drop_unicast_in_l2_multicast",       /* DROP_UNICAST_IN_L2_MULTICAST */
	"drop_gratuitous_arp",                /* DROP_GRATUITOUS_ARP */
	"bc_forwarding",                      /* BC_FORWARDING */
	"arp_evict_nocarrier",                /* ARP_EVICT_NOCARRIER */
};
_Static_assert(VXT_ARRAY_SIZE(devconf_names) == IPV4_DEVCONF_MAX,
               "devconf_names must follow IPV4_DEVCONF_* in linux/ip.h");
_Static_assert(IPV4_DEVCONF_RP_FILTER == 8 && IPV4_DEVCONF_NOXFRM == 15 &&
               IPV4_DEVCONF_ARP_EVICT_NOCARRIER == 33,
               "IPV4_DEVCONF_* numbering changed");

int vxt_devconf_index(const char *name)
{
	for (size_t i = 0; i < VXT_ARRAY_SIZE(devconf_names); i++)
		if (!strcmp(devconf_names[i], name))
			return (int)i;
	return -1;
}

struct vxt_sdump_link {
	char name[IFNAMSIZ];
	unsigned int off, n; /* values conf[off .. off + n - 1] */
};

void vxt_sdump_free(struct vxt_sdump *d)
{
	free(d->links);
	free(d->conf);
	*d = (struct vxt_sdump){0};
}

struct parse {
	struct vxt_sdump *d;
	unsigned int bad; /* messages skipped as malformed */
};

/* The IFLA_INET_CONF attribute of a link's IFLA_AF_SPEC, or NULL. */
static const struct nlattr *inet_conf(const struct nlattr *spec)
{
	const struct nlattr *af, *c;
	int rem, rem2;
	/* nla_for_each_nested only yields attributes that fit (nla_ok). */
	nla_for_each_nested(af, spec, rem) {
		if (nla_type(af) != AF_INET)
			continue;
		nla_for_each_nested(c, af, rem2)
			if (nla_type(c) == IFLA_INET_CONF)
				return c;
	}
	return NULL;
}

/* One RTM_NEWLINK message, already known to be whole (nlmsg_ok). */
static int on_link(struct parse *ps, struct nlmsghdr *nlh)
{
	struct vxt_sdump *d = ps->d;
	if (!nlmsg_valid_hdr(nlh, sizeof(struct ifinfomsg))) {
		ps->bad++;
		return 0;
	}
	struct nlattr *name = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_IFNAME);
	struct nlattr *spec = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_AF_SPEC);
	if (!name || !spec)
		return 0; /* no IPv4 on it: no conf directory either */
	const struct nlattr *conf = inet_conf(spec);
	if (!conf)
		return 0;
	/* The name: NUL-terminated inside the attribute, and a name we would
	 * accept ourselves (it is only compared, but still). */
	int nlen = nla_len(name);
	const char *s = nla_data(name);
	if (nlen < 2 || nlen > IFNAMSIZ || strnlen(s, (size_t)nlen) >= (size_t)nlen ||
	    vxt_ifname_valid(s) < 0) {
		ps->bad++;
		return 0;
	}
	/* An array of u32: a whole number of them, at most what we know. */
	int clen = nla_len(conf);
	if (clen <= 0 || clen % (int)sizeof(uint32_t)) {
		ps->bad++;
		return 0;
	}
	unsigned int n = (unsigned int)clen / sizeof(uint32_t);
	if (n > VXT_ARRAY_SIZE(devconf_names))
		n = VXT_ARRAY_SIZE(devconf_names); /* newer kernel: keys we do not map */
	if (vxt_grow((void **)&d->links, &d->cap, d->n + 1, sizeof(*d->links)) ||
	    vxt_grow((void **)&d->conf, &d->ccap, d->nconf + n, sizeof(*d->conf)))
		return -ENOMEM;
	struct vxt_sdump_link *l = &d->links[d->n++];
	memcpy(l->name, s, strlen(s) + 1);
	l->off = d->nconf;
	l->n = n;
	/* The kernel stores ints and prints them signed (proc_dointvec). */
	for (unsigned int i = 0; i < n; i++) {
		uint32_t v;
		memcpy(&v, (const char *)nla_data(conf) + i * sizeof(v), sizeof(v));
		d->conf[d->nconf + i] = (int32_t)v;
	}
	d->nconf += n;
	return 0;
}

static int link_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vxt_sdump_link *)a)->name,
	              ((const struct vxt_sdump_link *)b)->name);
}

static int on_link_msg(struct nlmsghdr *h, void *arg)
{
	return on_link(arg, h);
}

/* One attempt.  Returns 0 or -errno (-EINTR: links changed meanwhile). */
static int dump_once(struct vxt_ctx *ctx, struct nl_sock *sk, struct vxt_sdump *d)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	/* Fewer statistics (IPv6's): we want none. */
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	struct parse ps = {.d = d};
	int rc = vxt_nl_dump_walk(sk, msg, RTM_NEWLINK, on_link_msg, NULL, &ps);
	if (ps.bad)
		vxt_dbg(ctx, "sysctl dump: %u malformed link messages ignored", ps.bad);
	return rc;
}

int vxt_sdump_load(struct vxt_ctx *ctx, struct vxt_sdump *d)
{
	if (d->state)
		return d->state < 0 ? d->state : 0;
	/* A socket of our own, not the context's: it is created in the
	 * network namespace the caller is in now, the one whose /proc/sys we
	 * read and write (the context's socket may have been opened in
	 * another one, and may carry multicast notifications for watch). */
	struct nl_sock *sk = NULL;
	int rc = vxt_nl_dump_sock(&sk);
	if (rc < 0)
		goto out;
	/* A dump interrupted by a link change is retried; the files are the
	 * fallback after that. */
	for (int attempt = 0; attempt < 3; attempt++) {
		d->n = d->nconf = 0;
		rc = dump_once(ctx, sk, d);
		if (rc != -EINTR)
			break;
	}
	if (rc >= 0 && d->n)
		qsort(d->links, d->n, sizeof(*d->links), link_cmp);
out:
	if (sk)
		nl_socket_free(sk);
	if (rc < 0) {
		vxt_info(ctx, "sysctl: RTM_GETLINK dump failed (%s); reading the files instead",
		         strerror(-rc));
		d->n = d->nconf = 0;
		d->state = rc;
		return rc;
	}
	vxt_dbg(ctx, "sysctl: IPv4 conf of %u interfaces from one RTM_GETLINK dump", d->n);
	d->state = 1;
	return 0;
}

int vxt_sdump_value(struct vxt_sdump *d, const char *ifname, int idx, char *buf, size_t len)
{
	if (d->state <= 0 || idx < 0)
		goto miss;
	struct vxt_sdump_link key;
	size_t n = strlen(ifname);
	if (n >= sizeof(key.name))
		goto miss;
	memcpy(key.name, ifname, n + 1);
	const struct vxt_sdump_link *l = bsearch(&key, d->links, d->n, sizeof(*d->links),
	                                         link_cmp);
	if (!l || (unsigned int)idx >= l->n)
		goto miss;
	int w = snprintf(buf, len, "%d", (int)d->conf[l->off + (unsigned int)idx]);
	if (w < 0 || (size_t)w >= len)
		goto miss;
	d->hits++;
	return 0;
miss:
	d->misses++;
	return -ENOENT;
}

bool vxt_sdump_worth(unsigned int reads, unsigned int links)
{
	/* Measured on kernel 6.18 with 2,000 veths: the dump costs about
	 * what reading one file per link costs (rtnl_fill_ifinfo builds
	 * ~1.1 KB per link, 3.5-5 us; a /proc/sys open+read+close is 4-6 us).
	 * It pays when it replaces more file reads than half a read per
	 * link; below that the files are cheaper. */
	return reads > 0 && (unsigned long)reads * 2 >= links;
}
