/* Current values of the IPv4 conf keys that rtnetlink's netconf messages
 * carry (forwarding, rp_filter, mc_forwarding, proxy_arp,
 * ignore_routes_with_linkdown, bc_forwarding), for every interface plus
 * "all" and "default", from one RTM_GETNETCONF dump.
 *
 * Why not RTM_GETLINK (sysctl_dump.c): a netconf message is ~60 bytes and
 * costs the kernel next to nothing (inet_netconf_fill_devconf), a link
 * message is ~1.1 KB with every attribute of the device.  Measured with
 * 2,000 veths on kernel 6.18: 0.7 ms for the netconf dump against ~8 ms for
 * the link dump; naming the interfaces (SIOCGIFNAME per ifindex, below)
 * adds ~0.9 ms.  Opening and reading 2,000 /proc/sys files costs ~10 ms.
 *
 * Netconf messages carry an ifindex, not a name; the name comes from
 * SIOCGIFNAME on the same socket (so from the same network namespace).
 * An interface renamed in between gets its new name, which is also the
 * name of its /proc/sys directory; one deleted in between is left out and
 * its files (gone by then too) decide.
 *
 * Only reads come from here; writes stay on /proc/sys (see sysctl_dump.c
 * for why).  The hand-written receive loop follows sysctl_dump.c: libnl's
 * netconf cache looks entries up by a linear walk and dumps every family,
 * and nl_recvmsgs copies each message. */
#include "config.h"

#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "sysctl.h"

/* The conf keys a netconf message carries, by attribute.  The kernel puts
 * the same ints there that the proc handlers print (IN_DEV_CONF_GET /
 * IPV4_DEVCONF_ALL_RO); NETCONFA_PROXY_NEIGH is proxy_arp. */
static const struct {
	const char *name;
	int attr;
} nc_keys[VXT_NC_NKEYS] = {
	{"forwarding", NETCONFA_FORWARDING},
	{"rp_filter", NETCONFA_RP_FILTER},
	{"mc_forwarding", NETCONFA_MC_FORWARDING},
	{"proxy_arp", NETCONFA_PROXY_NEIGH},
	{"ignore_routes_with_linkdown", NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN},
	{"bc_forwarding", NETCONFA_BC_FORWARDING},
};

int vxt_netconf_key(const char *family, const char *name)
{
	if (strcmp(family, "ipv4"))
		return -1;
	for (int i = 0; i < VXT_NC_NKEYS; i++)
		if (!strcmp(nc_keys[i].name, name))
			return i;
	return -1;
}

struct vxt_snc_ent {
	char name[IFNAMSIZ];
	int ifindex;
	unsigned int have; /* bit k: v[k] was in the message */
	int32_t v[VXT_NC_NKEYS];
};

void vxt_snc_free(struct vxt_snc *nc)
{
	free(nc->e);
	*nc = (struct vxt_snc){0};
}

/* One RTM_NEWNETCONF message, already known to be whole (nlmsg_ok). */
/* The naming helper of a pipelined load (see vxt_snc_load): it names the
 * entries [named, published) while this thread receives the next ones. */
struct namer {
	struct vxt_snc *nc;
	int fd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned int published; /* entries complete for naming; under mu */
	bool done;              /* no more will come; under mu */
	atomic_int err;         /* a naming failure other than ENODEV */
};

static int on_netconf(struct vxt_snc *nc, struct nlmsghdr *nlh, unsigned int *bad,
                      bool fixed)
{
	if (!nlmsg_valid_hdr(nlh, sizeof(struct netconfmsg))) {
		(*bad)++;
		return 0;
	}
	const struct netconfmsg *ncm = nlmsg_data(nlh);
	if (ncm->ncm_family != AF_INET)
		return 0;
	struct vxt_snc_ent ent = {.ifindex = 0};
	bool have_index = false;
	struct nlattr *a;
	int rem;
	/* nlmsg_for_each_attr only yields attributes that fit (nla_ok); each
	 * value is an s32: exactly 4 bytes or the message is not used. */
	nlmsg_for_each_attr(a, nlh, sizeof(struct netconfmsg), rem) {
		int type = nla_type(a);
		if (type <= NETCONFA_UNSPEC || type > NETCONFA_MAX)
			continue; /* newer than this header: not ours to read */
		if (nla_len(a) != (int)sizeof(int32_t)) {
			(*bad)++;
			return 0;
		}
		int32_t v;
		if (type == NETCONFA_IFINDEX) {
			memcpy(&v, nla_data(a), sizeof(v));
			ent.ifindex = v;
			have_index = true;
			continue;
		}
		for (int k = 0; k < VXT_NC_NKEYS; k++) {
			if (nc_keys[k].attr != type)
				continue;
			memcpy(&v, nla_data(a), sizeof(v));
			ent.v[k] = v;
			ent.have |= 1u << k;
		}
	}
	if (!have_index || (ent.ifindex <= 0 && ent.ifindex != NETCONFA_IFINDEX_ALL &&
	                    ent.ifindex != NETCONFA_IFINDEX_DEFAULT)) {
		(*bad)++;
		return 0;
	}
	if (ent.ifindex == NETCONFA_IFINDEX_ALL)
		memcpy(ent.name, "all", sizeof("all"));
	else if (ent.ifindex == NETCONFA_IFINDEX_DEFAULT)
		memcpy(ent.name, "default", sizeof("default"));
	/* Pipelined, the helper reads the array: it must not move. */
	if (fixed && nc->n == nc->cap)
		return -E2BIG;
	if (vxt_grow((void **)&nc->e, &nc->cap, nc->n + 1, sizeof(*nc->e)))
		return -ENOMEM;
	nc->e[nc->n++] = ent;
	return 0;
}

static void publish(struct namer *nm, unsigned int n, bool done)
{
	if (!nm)
		return;
	pthread_mutex_lock(&nm->mu);
	nm->published = n;
	nm->done |= done;
	pthread_cond_signal(&nm->cv);
	pthread_mutex_unlock(&nm->mu);
}

struct walk {
	struct vxt_snc *nc;
	struct namer *nm;
	unsigned int bad;
};

static int on_netconf_msg(struct nlmsghdr *h, void *arg)
{
	struct walk *w = arg;
	return on_netconf(w->nc, h, &w->bad, w->nm != NULL);
}

/* After each datagram: the naming thread may start on what arrived. */
static void on_batch(void *arg)
{
	struct walk *w = arg;
	publish(w->nm, w->nc->n, false);
}

/* One attempt.  Returns 0 or -errno (-EINTR: interfaces changed meanwhile). */
static int dump_once(struct vxt_ctx *ctx, struct nl_sock *sk, struct vxt_snc *nc,
                     struct namer *nm)
{
	struct netconfmsg ncm = {.ncm_family = AF_INET};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETNETCONF, NLM_F_REQUEST | NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ncm, sizeof(ncm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	struct walk w = {.nc = nc, .nm = nm};
	int rc = vxt_nl_dump_walk(sk, msg, RTM_NEWNETCONF, on_netconf_msg, on_batch, &w);
	if (w.bad)
		vxt_dbg(ctx, "sysctl netconf: %u malformed messages ignored", w.bad);
	return rc;
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vxt_snc_ent *)a)->name, ((const struct vxt_snc_ent *)b)->name);
}

/* Name entries [from, to) of the dump (SIOCGIFNAME on fd, so in the
 * dump's network namespace).  A name stays empty when the interface is gone
 * (or its name is not one we would accept); err keeps another failure.
 * Runs on two threads for a big dump: each touches only its entries. */
static void name_range(void *arg, unsigned int from, unsigned int to)
{
	struct namer *nm = arg;
	for (unsigned int i = from; i < to; i++) {
		struct vxt_snc_ent *e = &nm->nc->e[i];
		if (e->ifindex <= 0)
			continue; /* all, default: named already */
		struct ifreq ifr;
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_ifindex = e->ifindex;
		if (ioctl(nm->fd, SIOCGIFNAME, &ifr) < 0) {
			if (errno != ENODEV) /* ENODEV: deleted since the dump */
				atomic_store(&nm->err, errno);
			continue;
		}
		/* Only ever compared, but still: a name we would accept
		 * ourselves, NUL-terminated in the buffer. */
		size_t n = strnlen(ifr.ifr_name, sizeof(ifr.ifr_name));
		if (n >= sizeof(e->name) || vxt_ifname_valid(ifr.ifr_name) < 0)
			continue;
		memcpy(e->name, ifr.ifr_name, n + 1);
	}
}

/* Keep the entries that got a name; err: a naming failure. */
static int drop_unnamed(struct vxt_snc *nc, int err)
{
	if (err)
		return -err;
	unsigned int out = 0;
	for (unsigned int i = 0; i < nc->n; i++)
		if (nc->e[i].name[0])
			nc->e[out++] = nc->e[i];
	nc->n = out;
	return 0;
}

/* Name every interface entry; drop the ones left without a name.
 * Returns 0 or -errno when names cannot be had at all. */
static int name_entries(int fd, struct vxt_snc *nc)
{
	struct namer nm = {.nc = nc, .fd = fd};
	atomic_init(&nm.err, 0);
	/* ~0.5 us per ioctl: a second thread pays from a few hundred on. */
	vxt_par_for(nc->n, 256, name_range, &nm);
	return drop_unnamed(nc, atomic_load(&nm.err));
}

static void *namer_main(void *arg)
{
	struct namer *nm = arg;
	unsigned int named = 0;
	for (;;) {
		pthread_mutex_lock(&nm->mu);
		while (nm->published == named && !nm->done)
			pthread_cond_wait(&nm->cv, &nm->mu);
		unsigned int upto = nm->published;
		bool done = nm->done;
		pthread_mutex_unlock(&nm->mu);
		if (upto > named) {
			name_range(nm, named, upto);
			named = upto;
		} else if (done) {
			return NULL;
		}
	}
}

/* Receive and name at once: the helper names each batch of entries while
 * this thread receives the next one (the ioctls cost about half of what
 * the dump does).  -EAGAIN: not possible here (one CPU, no thread, a
 * retried or oversized dump); the caller does it in turn. */
enum { PIPE_MAX = 65536 }; /* entries: malloc'd, touched only as used */
static int load_pipelined(struct vxt_ctx *ctx, struct nl_sock *sk, struct vxt_snc *nc)
{
	struct namer nm = {.nc = nc, .fd = nl_socket_get_fd(sk)};
	atomic_init(&nm.err, 0);
	nc->n = 0;
	if (vxt_grow((void **)&nc->e, &nc->cap, PIPE_MAX, sizeof(*nc->e)))
		return -EAGAIN;
	if (pthread_mutex_init(&nm.mu, NULL))
		return -EAGAIN;
	if (pthread_cond_init(&nm.cv, NULL)) {
		pthread_mutex_destroy(&nm.mu);
		return -EAGAIN;
	}
	pthread_t th;
	int rc = -EAGAIN;
	if (vxt_helper_start(&th, namer_main, &nm)) {
		rc = dump_once(ctx, sk, nc, &nm);
		publish(&nm, nc->n, true);
		pthread_join(th, NULL);
		if (rc == -EINTR || rc == -E2BIG)
			rc = -EAGAIN; /* again, in turn */
		else if (rc >= 0)
			rc = drop_unnamed(nc, atomic_load(&nm.err));
	}
	pthread_cond_destroy(&nm.cv);
	pthread_mutex_destroy(&nm.mu);
	return rc;
}


int vxt_snc_load(struct vxt_ctx *ctx, struct vxt_snc *nc)
{
	if (nc->state)
		return nc->state < 0 ? nc->state : 0;
	/* A socket of our own, created in the caller's current network
	 * namespace: the one whose /proc/sys the caller reads and writes. */
	struct nl_sock *sk = NULL;
	int rc = vxt_nl_dump_sock(&sk);
	if (rc < 0)
		goto out;
	rc = load_pipelined(ctx, sk, nc);
	if (rc == -EAGAIN) {
		for (int attempt = 0; attempt < 3; attempt++) {
			nc->n = 0;
			rc = dump_once(ctx, sk, nc, NULL);
			if (rc != -EINTR)
				break;
		}
		if (rc >= 0)
			rc = name_entries(nl_socket_get_fd(sk), nc);
	}
	if (rc >= 0 && nc->n)
		qsort(nc->e, nc->n, sizeof(*nc->e), ent_cmp);
out:
	if (sk)
		nl_socket_free(sk);
	if (rc < 0) {
		vxt_info(ctx, "sysctl: RTM_GETNETCONF dump failed (%s); reading the files instead",
		         strerror(-rc));
		nc->n = 0;
		nc->state = rc;
		return rc;
	}
	vxt_dbg(ctx, "sysctl: %u IPv4 netconf entries from one RTM_GETNETCONF dump", nc->n);
	nc->state = 1;
	return 0;
}

int vxt_snc_value(struct vxt_snc *nc, const char *obj, int key, char *buf, size_t len)
{
	if (nc->state <= 0 || key < 0 || key >= VXT_NC_NKEYS)
		goto miss;
	struct vxt_snc_ent k;
	size_t n = strlen(obj);
	if (n >= sizeof(k.name))
		goto miss;
	memcpy(k.name, obj, n + 1);
	const struct vxt_snc_ent *e = bsearch(&k, nc->e, nc->n, sizeof(*nc->e), ent_cmp);
	if (!e || !(e->have & (1u << key)))
		goto miss;
	int w = snprintf(buf, len, "%d", (int)e->v[key]);
	if (w < 0 || (size_t)w >= len)
		goto miss;
	nc->hits++;
	return 0;
miss:
	nc->misses++;
	return -ENOENT;
}

bool vxt_snc_worth(unsigned int reads, unsigned int links)
{
	/* Measured on kernel 6.18 with 2,000 veths: dump + names cost about
	 * 0.85 us per interface, a /proc/sys open+read+close 4-6 us.  It
	 * pays once it saves a read for every fourth interface. */
	return reads > 0 && (unsigned long)reads * 4 >= links;
}

bool vxt_snc_pays_for_writes(unsigned int targets, unsigned int links)
{
	/* A file that gets written is opened anyway; its current value then
	 * costs a pread, ~1 us on kernel 6.18, against ~0.85 us per
	 * interface for the dump.  So the dump pays even when every file
	 * differs, once the targets cover 85% of the interfaces. */
	return targets > 0 && (unsigned long)targets * 20 >= (unsigned long)links * 17;
}

int vxt_snc_iflist(const struct vxt_snc *nc, struct vxt_iflist *l)
{
	*l = (struct vxt_iflist){0};
	for (unsigned int i = 0; i < nc->n; i++) {
		if (nc->e[i].ifindex <= 0)
			continue; /* all, default */
		if (vxt_grow((void **)&l->names, &l->cap, l->n + 1, sizeof(*l->names)) ||
		    !(l->names[l->n] = strdup(nc->e[i].name))) {
			vxt_iflist_free(l);
			return -ENOMEM;
		}
		l->n++;
	}
	vxt_iflist_sort(l);
	return 0;
}
