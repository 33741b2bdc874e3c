/* The watcher: RTNLGRP_LINK notifications; when an interface the policy
 * selects appears, is re-created or changes, apply the policy to it.  No
 * polling: an idle watcher sleeps in poll(2) on one socket.  An overrun
 * (ENOBUFS: events were lost) triggers a full re-apply. */
#include "config.h"

#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "policy.h"

struct pending {
	int ifindex;
	char name[IFNAMSIZ];
};

struct vxt_watch {
	int refcount;
	struct vxt_ctx *ctx;
	struct vxt_policy *policy;
	unsigned int flags;
	struct nl_sock *sk;
	struct nl_cb *cb;
	char underlay[IFNAMSIZ];
	int *seen; /* ifindexes that already got their sysctls */
	unsigned int nseen, capseen;
	struct pending *pend; /* this dispatch's NEWLINKs, one per ifindex */
	unsigned int npend, cappend;
	bool overrun;
	unsigned long events, resyncs;
};

static bool interesting(const struct vxt_watch *w, const char *name)
{
	const struct vxt_policy *p = w->policy;
	for (unsigned int i = 0; i < p->nfrules; i++)
		if (vxt_policy_selects(p, p->frules[i].selector, name, w->underlay) ||
		    (!strcmp(p->frules[i].selector, "underlay") && !w->underlay[0]))
			return true;
	for (unsigned int i = 0; i < p->nsrules; i++)
		if (p->srules[i].selector && vxt_policy_selects(p, p->srules[i].selector, name, w->underlay))
			return true;
	return false;
}

static void forget(struct vxt_watch *w, int ifindex)
{
	for (unsigned int i = 0; i < w->nseen; i++)
		if (w->seen[i] == ifindex) {
			w->seen[i] = w->seen[--w->nseen];
			break;
		}
	for (unsigned int i = 0; i < w->npend; i++)
		if (w->pend[i].ifindex == ifindex) {
			w->pend[i] = w->pend[--w->npend];
			break;
		}
}

/* One RTM_NEWLINK/DELLINK, length-checked. */
static int on_event(struct nl_msg *msg, void *arg)
{
	struct vxt_watch *w = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
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
	if (!interesting(w, name))
		return NL_OK;
	for (unsigned int i = 0; i < w->npend; i++)
		if (w->pend[i].ifindex == ifi->ifi_index) {
			snprintf(w->pend[i].name, IFNAMSIZ, "%s", name); /* renamed */
			return NL_OK;
		}
	if (vxt_grow((void **)&w->pend, &w->cappend, w->npend + 1, sizeof(*w->pend))) {
		w->overrun = true; /* cannot remember it: resync instead */
		return NL_OK;
	}
	w->pend[w->npend].ifindex = ifi->ifi_index;
	snprintf(w->pend[w->npend].name, IFNAMSIZ, "%s", name);
	w->npend++;
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
	    (rc = nl_socket_set_nonblocking(w->sk)) < 0) {
		rc = vxt_nl_errno(rc);
		vxt_watch_unref(w);
		return vxt_fail(ctx, rc, "watch: subscribing to link notifications: %s", strerror(-rc));
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
	free(w->seen);
	free(w->pend);
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

/* Remember every current interface as seen: their sysctls were just set. */
static int mark_all_seen(struct vxt_watch *w)
{
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		return -errno;
	w->nseen = 0;
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		if (vxt_grow((void **)&w->seen, &w->capseen, w->nseen + 1, sizeof(*w->seen)) == 0)
			w->seen[w->nseen++] = (int)i->if_index;
	if_freenameindex(ifs);
	return 0;
}

int vxt_watch_resync(struct vxt_watch *w, struct vxt_report **report)
{
	vxt_policy_underlay_name(w->ctx, w->policy, w->underlay);
	int rc = vxt_policy_apply(w->ctx, w->policy, w->flags, report);
	if (rc < 0)
		return rc;
	w->resyncs++;
	w->npend = 0;
	mark_all_seen(w);
	return 0;
}

static bool was_seen(const struct vxt_watch *w, int ifindex)
{
	for (unsigned int i = 0; i < w->nseen; i++)
		if (w->seen[i] == ifindex)
			return true;
	return false;
}

int vxt_watch_dispatch(struct vxt_watch *w, struct vxt_report **report)
{
	vxt_clear_error(w->ctx);
	w->npend = 0;
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
			return vxt_fail(w->ctx, vxt_nl_errno(rc), "watch: reading link notifications: %s",
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
	bool fresh = false;
	for (unsigned int i = 0; i < w->npend; i++)
		fresh |= !was_seen(w, w->pend[i].ifindex);
	/* A new device may come with a new route: the underlay may move. */
	if (fresh && vxt_policy_needs_underlay(w->policy)) {
		char now[IFNAMSIZ];
		vxt_policy_underlay_name(w->ctx, w->policy, now);
		if (strcmp(now, w->underlay) && now[0]) {
			vxt_info(w->ctx, "watch: underlay is now %s (was %s)", now,
			         w->underlay[0] ? w->underlay : "none");
			snprintf(w->underlay, IFNAMSIZ, "%s", now);
			int idx = (int)if_nametoindex(now);
			if (idx > 0 && vxt_grow((void **)&w->pend, &w->cappend, w->npend + 1, sizeof(*w->pend)) == 0) {
				w->pend[w->npend].ifindex = idx;
				snprintf(w->pend[w->npend].name, IFNAMSIZ, "%s", now);
				w->npend++;
			}
		}
	}
	for (unsigned int i = 0; i < w->npend && rc >= 0; i++) {
		bool is_new = !was_seen(w, w->pend[i].ifindex);
		rc = vxt_policy_apply_interface(w->ctx, w->policy, w->pend[i].name, w->underlay,
		                                is_new, w->flags, r);
		if (rc >= 0 && is_new &&
		    vxt_grow((void **)&w->seen, &w->capseen, w->nseen + 1, sizeof(*w->seen)) == 0)
			w->seen[w->nseen++] = w->pend[i].ifindex;
	}
	if (rc < 0) {
		vxt_report_unref(r);
		return rc;
	}
	*report = r;
	return (int)w->npend;
}

int vxt_watch_run(struct vxt_watch *w, int timeout_ms, struct vxt_report **report)
{
	struct pollfd pfd = {.fd = vxt_watch_fd(w), .events = POLLIN};
	*report = NULL;
	int n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : vxt_fail(w->ctx, errno, "watch: poll: %s", strerror(errno));
	if (n == 0)
		return 0;
	int rc = vxt_watch_dispatch(w, report);
	return rc < 0 ? rc : 1;
}
