/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The watcher: RTNLGRP_LINK notifications (and, when the policy has an
 * underlay, route and address notifications); when an interface the policy
 * selects appears, is renamed, re-created or changes, apply the policy to
 * it; when the underlay moves, apply the underlay rules to the new one.  No
 * polling: an idle watcher sleeps in poll(2) on one socket.  An overrun
 * (ENOBUFS: events were lost) triggers a full re-apply.
 *
 * Devices are known by (ifindex, name): a rename is a new name, and a new
 * name gets the sysctls of the selectors it now belongs to.  A device whose
 * re-applies keep changing something (another program sets it back) is
 * re-applied at most VXT_WATCH_BURST times a second, then backs off
 * (1 s, doubling up to 60 s) until it has been left alone for a while. */
#include "config.h"

#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "policy.h"

#define VXT_WATCH_BURST 4          /* changing re-applies per device per second */
#define VXT_WATCH_BACKOFF_MS 1000  /* first delay once that is exceeded */
#define VXT_WATCH_BACKOFF_MAX_MS 60000
#define VXT_WATCH_SETTLE_MS 5000   /* quiet this long (at most) and it settled */

/* A device the policy selects, as the watcher knows it. */
struct dev {
	int ifindex;
	char name[IFNAMSIZ];
	bool sysctls_done; /* got its sysctls under this name */
	bool pending;      /* something happened that needs an apply */
	long long win_start;      /* ms: the current one-second window */
	unsigned int win_changes; /* changing applies in it */
	unsigned int backoff_ms;  /* 0: not backing off */
	long long defer_until;    /* ms: no apply before this */
	long long last_apply;     /* ms: the last apply while backing off */
	long long backoff_since;  /* ms (CLOCK_REALTIME) of entering back-off */
	unsigned long backoffs;   /* times it entered back-off */
};

struct vxt_watch {
	int refcount;
	struct vxt_ctx *ctx;
	struct vxt_policy *policy;
	unsigned int flags;
	struct nl_sock *sk;
	struct nl_cb *cb;
	char underlay[IFNAMSIZ];
	bool routes;       /* subscribed to routes/addresses: the policy has an underlay */
	bool default_only; /* only default routes can move the underlay */
	struct dev *devs;
	unsigned int ndevs, capdevs;
	bool overrun, relook;
	unsigned long events, resyncs;
};

static long long now_ms(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool interesting(const struct vxt_watch *w, const char *name)
{
	const struct vxt_policy *p = w->policy;
	for (unsigned int i = 0; i < p->nfrules; i++)
		if (vxt_policy_selects(p, p->frules[i].selector, name, w->underlay))
			return true;
	for (unsigned int i = 0; i < p->nsrules; i++)
		if (p->srules[i].selector && vxt_policy_selects(p, p->srules[i].selector, name, w->underlay))
			return true;
	return false;
}

static struct dev *find_dev(struct vxt_watch *w, int ifindex)
{
	for (unsigned int i = 0; i < w->ndevs; i++)
		if (w->devs[i].ifindex == ifindex)
			return &w->devs[i];
	return NULL;
}

/* The entry of (ifindex, name): a new one, or a renamed one reset (a new
 * name is a new device to the policy).  NULL when out of memory. */
static struct dev *track(struct vxt_watch *w, int ifindex, const char *name)
{
	struct dev *d = find_dev(w, ifindex);
	if (d && !strcmp(d->name, name))
		return d;
	if (!d) {
		if (vxt_grow((void **)&w->devs, &w->capdevs, w->ndevs + 1, sizeof(*w->devs)))
			return NULL;
		d = &w->devs[w->ndevs++];
	}
	*d = (struct dev){.ifindex = ifindex};
	snprintf(d->name, IFNAMSIZ, "%s", name);
	return d;
}

static void forget(struct vxt_watch *w, int ifindex)
{
	struct dev *d = find_dev(w, ifindex);
	if (d)
		*d = w->devs[--w->ndevs];
}

/* A route or address notification: may the underlay have moved? */
static void on_route(struct vxt_watch *w, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg)) && !w->default_only)
			w->relook = true;
		return;
	}
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return;
	const struct rtmsg *rtm = nlmsg_data(nlh);
	unsigned int table = rtm->rtm_table;
	struct nlattr *tb[RTA_MAX + 1];
	if (nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return;
	if (tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= (int)sizeof(uint32_t))
		table = nla_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN || (w->default_only && rtm->rtm_dst_len != 0))
		return;
	w->relook = true;
}

/* One notification, length-checked. */
static int on_event(struct nl_msg *msg, void *arg)
{
	struct vxt_watch *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE: case RTM_DELROUTE: case RTM_NEWADDR: case RTM_DELADDR:
		w->events++;
		on_route(w, nlh);
		return NL_OK;
	case RTM_NEWLINK: case RTM_DELLINK:
		break;
	default:
		return NL_OK;
	}
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return NL_OK;
	const struct ifinfomsg *ifi = nlmsg_data(nlh);
	struct nlattr *tb[IFLA_MAX + 1];
	if (nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_IFNAME])
		return NL_OK;
	int len = nla_len(tb[IFLA_IFNAME]);
	const char *name = nla_data(tb[IFLA_IFNAME]);
	if (len <= 0 || strnlen(name, (size_t)len) >= (size_t)len || vxt_ifname_valid(name) < 0)
		return NL_OK;
	w->events++;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		forget(w, ifi->ifi_index);
		return NL_OK;
	}
	if (!interesting(w, name)) {
		forget(w, ifi->ifi_index); /* renamed out of the selectors */
		return NL_OK;
	}
	struct dev *d = track(w, ifi->ifi_index, name);
	if (!d)
		w->overrun = true; /* cannot remember it: resync instead */
	else
		d->pending = true;
	return NL_OK;
}

int vxt_watch_new(struct vxt_ctx *ctx, struct vxt_policy *p, unsigned int flags,
                  struct vxt_watch **out)
{
	int rc = vxt_policy_check(ctx, p);
	if (rc < 0)
		return rc;
	struct vxt_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	w->refcount = 1;
	w->ctx = vxt_ctx_ref(ctx);
	w->policy = vxt_policy_ref(p);
	w->flags = flags;
	w->routes = vxt_policy_needs_underlay(p);
	const char *method = p->underlay_method;
	w->default_only = !method || !strcmp(method, "default-route");
	w->sk = nl_socket_alloc();
	w->cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!w->sk || !w->cb) {
		vxt_watch_unref(w);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	nl_socket_disable_seq_check(w->sk);
	nl_socket_disable_auto_ack(w->sk);
	nl_cb_set(w->cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, w);
	if ((rc = nl_connect(w->sk, NETLINK_ROUTE)) < 0 ||
	    (rc = nl_socket_add_membership(w->sk, RTNLGRP_LINK)) < 0 ||
	    (w->routes &&
	     ((rc = nl_socket_add_memberships(w->sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0)) < 0 ||
	      (!w->default_only &&
	       (rc = nl_socket_add_memberships(w->sk, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0)) < 0))) ||
	    (rc = nl_socket_set_nonblocking(w->sk)) < 0) {
		rc = vxt_nl_errno(rc);
		vxt_watch_unref(w);
		return vxt_fail(ctx, rc, "watch: subscribing to link, route and address notifications: %s",
		                strerror(-rc));
	}
	nl_socket_disable_msg_peek(w->sk);
	nl_socket_set_msg_buf_size(w->sk, 65536);
	vxt_policy_underlay_name(ctx, p, w->underlay);
	*out = w;
	return 0;
}

static void watch_destroy(struct vxt_watch *w)
{
	if (w->sk)
		nl_socket_free(w->sk);
	if (w->cb)
		nl_cb_put(w->cb);
	vxt_policy_unref(w->policy);
	vxt_ctx_unref(w->ctx);
	free(w->devs);
	free(w);
}

VXT_DEFINE_REFCOUNT(watch, watch_destroy)

int vxt_watch_fd(const struct vxt_watch *w)
{
	return nl_socket_get_fd(w->sk);
}

unsigned long vxt_watch_resyncs(const struct vxt_watch *w)
{
	return w->resyncs;
}

unsigned long vxt_watch_events(const struct vxt_watch *w)
{
	return w->events;
}

const char *vxt_watch_underlay(const struct vxt_watch *w)
{
	return w->underlay;
}

/* When a backing-off device without events since its last apply settles
 * (ms, CLOCK_MONOTONIC): a delay later, 5 s at most (the writers that fight
 * strike within milliseconds); 0 when it is not backing off. */
static long long settles_at(const struct dev *d)
{
	if (!d->backoff_ms)
		return 0;
	return d->last_apply + (d->backoff_ms < VXT_WATCH_SETTLE_MS ? d->backoff_ms : VXT_WATCH_SETTLE_MS);
}

int vxt_watch_timeout(const struct vxt_watch *w)
{
	long long now = now_ms(CLOCK_MONOTONIC), best = -1;
	for (unsigned int i = 0; i < w->ndevs; i++) {
		const struct dev *d = &w->devs[i];
		long long due = d->pending && d->defer_until ? d->defer_until
		                : !d->pending && d->backoff_ms ? settles_at(d) : -1;
		if (due < 0)
			continue;
		long long left = due > now ? due - now : 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best > 0x7fffffff ? 0x7fffffff : (int)best;
}

/* Devices in back-off, for vxlantune check and the CLI. */
static const struct dev *backoff_dev(const struct vxt_watch *w, unsigned int i)
{
	for (unsigned int k = 0; k < w->ndevs; k++)
		if (w->devs[k].backoff_ms && i-- == 0)
			return &w->devs[k];
	return NULL;
}

unsigned int vxt_watch_backoff_count(const struct vxt_watch *w)
{
	unsigned int n = 0;
	for (unsigned int k = 0; k < w->ndevs; k++)
		n += w->devs[k].backoff_ms > 0;
	return n;
}

const char *vxt_watch_backoff_ifname(const struct vxt_watch *w, unsigned int i)
{
	const struct dev *d = backoff_dev(w, i);
	return d ? d->name : NULL;
}

unsigned int vxt_watch_backoff_delay_ms(const struct vxt_watch *w, unsigned int i)
{
	const struct dev *d = backoff_dev(w, i);
	return d ? d->backoff_ms : 0;
}

long long vxt_watch_backoff_since(const struct vxt_watch *w, unsigned int i)
{
	const struct dev *d = backoff_dev(w, i);
	return d ? d->backoff_since / 1000 : -1;
}

/* Every selected interface now: tracked, with its sysctls just set. */
static int track_all(struct vxt_watch *w)
{
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		return -errno;
	/* Keep the back-off state of devices that are still there. */
	for (unsigned int i = 0; i < w->ndevs;) {
		unsigned int idx = if_nametoindex(w->devs[i].name);
		if (idx == (unsigned int)w->devs[i].ifindex && interesting(w, w->devs[i].name))
			i++;
		else
			w->devs[i] = w->devs[--w->ndevs];
	}
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		if (!interesting(w, i->if_name))
			continue;
		struct dev *d = track(w, (int)i->if_index, i->if_name);
		if (d) {
			d->sysctls_done = true;
			d->pending = false;
		}
	}
	if_freenameindex(ifs);
	return 0;
}

/* Did an apply fail for this device (entries from `from` on)?  Then it
 * did not get its sysctls: the next apply tries the whole device again. */
static bool failed_for(const struct vxt_report *r, unsigned int from, const char *name)
{
	for (unsigned int i = from; i < vxt_report_count(r); i++) {
		int st = vxt_report_status(r, i);
		if ((st == VXT_STATUS_FAILED || st == VXT_STATUS_ROLLED_BACK) &&
		    (!name || !strcmp(vxt_report_object(r, i), name)))
			return true;
	}
	return false;
}

int vxt_watch_resync(struct vxt_watch *w, struct vxt_report **report)
{
	vxt_policy_underlay_name(w->ctx, w->policy, w->underlay);
	w->relook = false;
	int rc = vxt_policy_apply(w->ctx, w->policy, w->flags, report);
	if (rc < 0)
		return rc;
	w->resyncs++;
	track_all(w);
	/* A failed apply was rolled back everywhere: each device tries again
	 * on its own (its events come back from the rollback). */
	for (unsigned int i = 0; failed_for(*report, 0, NULL) && i < w->ndevs; i++)
		if (failed_for(*report, 0, w->devs[i].name))
			w->devs[i].sysctls_done = false;
	return 0;
}

/* Re-detect the underlay; when it moved, the new one is pending with its
 * sysctls (the underlay rules now select it). */
static void relook(struct vxt_watch *w)
{
	char now[IFNAMSIZ];
	w->relook = false;
	vxt_policy_underlay_name(w->ctx, w->policy, now);
	if (!now[0] || !strcmp(now, w->underlay))
		return;
	if (vxt_policy_check_conflicts(w->ctx, w->policy, now) < 0) {
		vxt_warn(w->ctx, "watch: underlay is now %s, but %s; keeping %s", now,
		         vxt_ctx_errmsg(w->ctx), w->underlay[0] ? w->underlay : "none");
		return;
	}
	vxt_info(w->ctx, "watch: underlay is now %s (was %s)", now, w->underlay[0] ? w->underlay : "none");
	snprintf(w->underlay, IFNAMSIZ, "%s", now);
	int idx = (int)if_nametoindex(now);
	struct dev *d = idx > 0 ? track(w, idx, now) : NULL;
	if (d) {
		d->sysctls_done = false;
		d->pending = true;
		d->defer_until = 0; /* a new role: not the same fight */
		d->backoff_ms = 0;
	}
}

/* Did the apply change (or try to change) something?  A failed apply that
 * was rolled back changed the device twice: its own events come back and
 * would start it again, so it counts for the rate limit too. */
static bool changed_anything(const struct vxt_report *r, unsigned int from)
{
	for (unsigned int i = from; i < vxt_report_count(r); i++) {
		int st = vxt_report_status(r, i);
		if (st == VXT_STATUS_CHANGED || st == VXT_STATUS_SIDE_EFFECT ||
		    st == VXT_STATUS_ROLLED_BACK || st == VXT_STATUS_FAILED)
			return true;
	}
	return false;
}

/* The rate limit, after an apply of d that did (or did not) change
 * something: count it, and back off.  While backing off, every apply waits
 * a whole delay after the previous one (doubling when it changed
 * something), and the device settles once a delay passes with nothing to
 * do: no event came.  A quiet apply alone proves little: the other writer
 * may have struck between our write and our re-read ("fixed"). */
static void pace(struct vxt_watch *w, struct dev *d, bool changed, bool failed, long long now)
{
	if (d->backoff_ms) {
		if (changed)
			d->backoff_ms = d->backoff_ms * 2 > VXT_WATCH_BACKOFF_MAX_MS
			                ? VXT_WATCH_BACKOFF_MAX_MS : d->backoff_ms * 2;
		d->last_apply = now;
		d->defer_until = now + d->backoff_ms;
		return;
	}
	if (!changed)
		return;
	if (now - d->win_start >= 1000) {
		d->win_start = now;
		d->win_changes = 0;
	}
	if (++d->win_changes <= VXT_WATCH_BURST)
		return;
	d->backoff_ms = VXT_WATCH_BACKOFF_MS;
	d->last_apply = now;
	d->defer_until = now + d->backoff_ms;
	d->backoff_since = now_ms(CLOCK_REALTIME);
	d->backoffs++;
	vxt_warn(w->ctx, "watch: %s: re-applied %u times within a second and %s; backing off "
	         "(next try in %u ms, then less often, up to every %u s) until it settles",
	         d->name, d->win_changes,
	         failed ? "each apply failed and was rolled back (see the failed entries)"
	                : "changed something each time: another program (or a conflicting rule) "
	                  "keeps changing it back",
	         d->backoff_ms, VXT_WATCH_BACKOFF_MAX_MS / 1000);
}

static void settle_quiet(struct vxt_watch *w, long long now)
{
	for (unsigned int i = 0; i < w->ndevs; i++) {
		struct dev *d = &w->devs[i];
		if (!d->backoff_ms || d->pending || now < settles_at(d))
			continue;
		vxt_warn(w->ctx, "watch: %s: settled (no change for %lld s): re-applying at once again",
		         d->name, (now - d->last_apply + 999) / 1000);
		d->backoff_ms = 0;
		d->defer_until = 0;
		d->win_changes = 0;
	}
}

int vxt_watch_dispatch(struct vxt_watch *w, struct vxt_report **report)
{
	vxt_clear_error(w->ctx);
	/* Drain everything queued; remember what needs work. */
	for (;;) {
		int rc = nl_recvmsgs(w->sk, w->cb);
		if (rc == -NLE_AGAIN)
			break;
		if (rc == -NLE_NOMEM) { /* ENOBUFS: the kernel dropped events */
			w->overrun = true;
			continue;
		}
		if (rc < 0 && rc != -NLE_INTR)
			return vxt_fail(w->ctx, vxt_nl_errno(rc), "watch: reading notifications: %s",
			                nl_geterror(rc));
	}
	if (w->overrun) {
		vxt_info(w->ctx, "watch: notifications were lost (overrun): re-applying everything");
		w->overrun = false;
		return vxt_watch_resync(w, report);
	}
	struct vxt_report *r;
	int rc = vxt_report_new_internal(w->flags & VXT_DRY_RUN, &r);
	if (rc < 0)
		return vxt_fail(w->ctx, rc, "out of memory");
	/* A new device, route or address may move the underlay. */
	bool fresh = false;
	for (unsigned int i = 0; i < w->ndevs; i++)
		fresh |= w->devs[i].pending && !w->devs[i].sysctls_done;
	if (w->routes && (w->relook || fresh))
		relook(w);
	long long now = now_ms(CLOCK_MONOTONIC);
	int handled = 0;
	for (unsigned int i = 0; i < w->ndevs && rc >= 0; i++) {
		struct dev *d = &w->devs[i];
		if (!d->pending || (d->defer_until && now < d->defer_until))
			continue;
		d->pending = false;
		unsigned int from = vxt_report_count(r);
		rc = vxt_policy_apply_interface(w->ctx, w->policy, d->name, w->underlay,
		                                !d->sysctls_done, w->flags, r);
		if (rc < 0)
			break;
		bool failed = failed_for(r, from, d->name);
		d->sysctls_done = !failed;
		handled++;
		if (!(w->flags & VXT_DRY_RUN))
			pace(w, d, changed_anything(r, from), failed, now);
	}
	if (rc < 0) {
		vxt_report_unref(r);
		return rc;
	}
	settle_quiet(w, now);
	*report = r;
	return handled;
}

int vxt_watch_run(struct vxt_watch *w, int timeout_ms, struct vxt_report **report)
{
	struct pollfd pfd = {.fd = vxt_watch_fd(w), .events = POLLIN};
	*report = NULL;
	int due = vxt_watch_timeout(w);
	int wait = due >= 0 && (timeout_ms < 0 || due < timeout_ms) ? due : timeout_ms;
	int n = poll(&pfd, 1, wait);
	if (n < 0)
		return errno == EINTR ? 0 : vxt_fail(w->ctx, errno, "watch: poll: %s", strerror(errno));
	if (n == 0 && (due < 0 || wait != due))
		return 0;
	int rc = vxt_watch_dispatch(w, report);
	if (rc == 0 && n == 0) {
		*report = vxt_report_unref(*report);
		return 0;
	}
	return rc < 0 ? rc : 1;
}
