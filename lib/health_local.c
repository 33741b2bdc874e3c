/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Local findings: the VXLAN devices, the underlay, MTU, the tunnel's local
 * address and parent, ip_forward, the offload state as evidence, and
 * (health_policy.c) everything a policy wants.  All from one links
 * snapshot of the context's namespace. */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "links.h"
#include "policy.h"
#include "underlay.h"

/* The VXLAN devices to look at: positions in l (deduplicated) in vx[].
 * Named devices that are missing, or a class of which none exists, are
 * findings. */
static int find_vxlan(const struct vxt_check_opts *o, struct vxt_check *c,
                      const struct vxt_link_list *l, int **vx, unsigned int *nvx)
{
	const char *const *names = (const char *const *)o->vxlan;
	const char *cls[16];
	bool named = names != NULL;
	if (!names && o->policy) {
		unsigned int n = vxt_policy_vxlan_count(o->policy), k = 0;
		for (unsigned int i = 0; i < n && k + 1 < VXT_ARRAY_SIZE(cls); i++)
			cls[k++] = vxt_policy_vxlan(o->policy, i);
		cls[k] = NULL;
		names = cls;
	}
	if (!names)
		names = vxt_default_vxlan;
	int *v = calloc(vxt_link_list_count(l) + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	unsigned int n = 0;
	char all[256] = "";
	int rc = 0;
	for (size_t j = 0; names[j] && rc >= 0; j++) {
		size_t used = strlen(all);
		snprintf(all + used, sizeof(all) - used, "%s%s", used ? ", " : "", names[j]);
		bool found = false;
		for (unsigned int i = 0; i < vxt_link_list_count(l); i++) {
			if (fnmatch(names[j], vxt_link_name(l, i), 0))
				continue;
			found = true;
			bool dup = false;
			for (unsigned int k = 0; k < n; k++)
				dup |= v[k] == (int)i;
			if (!dup)
				v[n++] = (int)i;
		}
		if (!found && named)
			rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "vxlan-present", names[j], NULL,
			                   "VXLAN device %s does not exist: the overlay is not set up "
			                   "(is the CNI agent running? ip -d link show type vxlan)",
			                   names[j]);
	}
	if (rc >= 0 && !named && n == 0)
		rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "vxlan-present", all, NULL,
		                   "no VXLAN device (%s): the overlay is not set up (is the CNI agent "
		                   "running? another name: --vxlan NAME)", all);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*vx = v;
	*nvx = n;
	return 0;
}

static int check_device(struct vxt_check *c, const struct vxt_link_list *l, unsigned int i)
{
	const char *name = vxt_link_name(l, i);
	if (!vxt_link_is_vxlan(l, i))
		return vxt_check_add(c, VXT_SEVERITY_ERROR, "vxlan-present", name, NULL,
		                     "%s is a %s device, not VXLAN", name,
		                     *vxt_link_kind(l, i) ? vxt_link_kind(l, i) : "plain");
	if (!c->vxlan_name[0]) {
		snprintf(c->vxlan_name, sizeof(c->vxlan_name), "%s", name);
		c->vxlan_mtu = vxt_link_mtu(l, i);
	}
	char parent[IFNAMSIZ + 8] = "-";
	int pi = vxt_link_list_find_index(l, vxt_link_vxlan_link(l, i));
	if (pi >= 0)
		snprintf(parent, sizeof(parent), "%s", vxt_link_name(l, (unsigned int)pi));
	int rc = vxt_check_add(c, VXT_SEVERITY_OK, "vxlan-present", name, NULL,
	                       "%s: VXLAN VNI %d, dstport %d, local %s, dev %s, mtu %u", name,
	                       vxt_link_vxlan_vni(l, i), vxt_link_vxlan_dstport(l, i),
	                       *vxt_link_vxlan_local(l, i) ? vxt_link_vxlan_local(l, i) : "-",
	                       parent, vxt_link_mtu(l, i));
	const char *op = vxt_link_operstate(l, i);
	bool up = vxt_link_admin_up(l, i) && (!strcmp(op, "UP") || !strcmp(op, "UNKNOWN"));
	struct vxt_remedy rem = vxt_remedy_here(VXT_REMEDY_LINK, name, "up", "1");
	if (rc >= 0)
		rc = up ? vxt_check_add(c, VXT_SEVERITY_OK, "vxlan-up", name, NULL, "%s is up", name)
		        : vxt_check_add(c, VXT_SEVERITY_ERROR, "vxlan-up", name, &rem,
		                        "%s is %s (operstate %s): nothing crosses the overlay", name,
		                        vxt_link_admin_up(l, i) ? "up but not running" : "down", op);
	return rc;
}

static int check_underlay(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c,
                          const struct vxt_link_list *l, int *ui)
{
	const char *method = o->method ? o->method
	                     : o->policy && vxt_policy_underlay_method(o->policy)
	                         ? vxt_policy_underlay_method(o->policy)
	                         : "default-route";
	struct vxt_underlay *u = NULL;
	*ui = -1;
	int rc = vxt_underlay_detect(ctx, method, 0, &u);
	if (rc == -EINVAL)
		return rc; /* a malformed method: the caller's mistake */
	if (rc < 0)
		return vxt_check_add(c, VXT_SEVERITY_WARNING, "underlay-detected", method, NULL,
		                     "no underlay found with %s (checks that need it are skipped; "
		                     "try another underlay method): %s", method, vxt_ctx_errmsg(ctx));
	snprintf(c->underlay, sizeof(c->underlay), "%s", vxt_underlay_ifname(u));
	rc = vxt_check_add(c, VXT_SEVERITY_OK, "underlay-detected", c->underlay, NULL,
	                   "underlay %s %s/%d, mtu %u (%s)", c->underlay, vxt_underlay_address(u),
	                   vxt_underlay_prefixlen(u), vxt_underlay_mtu(u),
	                   vxt_underlay_explanation(u));
	*ui = vxt_link_list_find(l, c->underlay);
	vxt_underlay_unref(u);
	if (rc < 0 || *ui < 0)
		return rc;
	unsigned int i = (unsigned int)*ui;
	const char *op = vxt_link_operstate(l, i);
	if (!vxt_link_admin_up(l, i)) {
		struct vxt_remedy rem = vxt_remedy_here(VXT_REMEDY_LINK, c->underlay, "up", "1");
		return vxt_check_add(c, VXT_SEVERITY_ERROR, "underlay-up", c->underlay, &rem,
		                     "underlay %s is down: no VXLAN packet can leave", c->underlay);
	}
	if (!vxt_link_carrier(l, i) || (strcmp(op, "UP") && strcmp(op, "UNKNOWN"))) {
		return vxt_check_add(c, VXT_SEVERITY_ERROR, "underlay-up", c->underlay, NULL,
		                     "underlay %s has no carrier (operstate %s): check the cable, "
		                     "the switch port or the NIC", c->underlay, op);
	}
	return vxt_check_add(c, VXT_SEVERITY_OK, "underlay-up", c->underlay, NULL,
	                     "underlay %s is up with carrier", c->underlay);
}

/* Which interface holds address s, or -1. */
static int holder(const struct vxt_link_list *l, const char *s)
{
	for (unsigned int i = 0; i < vxt_link_list_count(l); i++)
		for (unsigned int j = 0; j < vxt_link_addr_count(l, i); j++)
			if (!strcmp(vxt_link_addr(l, i, j), s))
				return (int)i;
	return -1;
}

/* MTU, local address and parent of one VXLAN device against the underlay
 * (ui, -1 if unknown). */
static int check_tunnel(struct vxt_check *c, const struct vxt_link_list *l, unsigned int i, int ui)
{
	const char *name = vxt_link_name(l, i);
	int rc = 0;
	int pi = vxt_link_link_netnsid(l, i) < 0
	             ? vxt_link_list_find_index(l, vxt_link_vxlan_link(l, i)) : -1;
	/* The packets leave through the parent when there is one. */
	int mi = pi >= 0 ? pi : ui;
	if (mi >= 0) {
		unsigned int overhead = vxt_link_vxlan_family(l, i) == AF_INET6 ? 70 : 50;
		unsigned int umtu = vxt_link_mtu(l, (unsigned int)mi), vmtu = vxt_link_mtu(l, i);
		const char *uname = vxt_link_name(l, (unsigned int)mi);
		if (umtu > overhead && vmtu > umtu - overhead) {
			char mtu[16];
			snprintf(mtu, sizeof(mtu), "%u", umtu - overhead);
			struct vxt_remedy rem = vxt_remedy_here(VXT_REMEDY_LINK, name, "mtu", mtu);
			rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "vxlan-mtu", name, &rem,
			                   "%s MTU %u is larger than %s MTU %u - %u (VXLAN over IPv%d): "
			                   "full-size packets are dropped, small ones pass (Calico: set "
			                   "vxlanMTU in FelixConfiguration to %u)",
			                   name, vmtu, uname, umtu, overhead, overhead == 70 ? 6 : 4,
			                   umtu - overhead);
		} else {
			rc = vxt_check_add(c, VXT_SEVERITY_OK, "vxlan-mtu", name, NULL,
			                   "%s MTU %u fits %s MTU %u - %u", name, vmtu, uname, umtu,
			                   overhead);
		}
	}
	const char *local = vxt_link_vxlan_local(l, i);
	if (rc >= 0 && *local) {
		int hi = holder(l, local);
		if (hi < 0)
			rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "vxlan-local", name, NULL,
			                   "%s sends from local %s, but no interface has that address: "
			                   "the tunnel cannot send (ip -br addr)", name, local);
		else if (ui >= 0 && hi != ui)
			rc = vxt_check_add(c, VXT_SEVERITY_WARNING, "vxlan-local", name, NULL,
			                   "%s sends from %s, which is on %s, not on the detected underlay "
			                   "%s: the CNI and your underlay method disagree (the policy "
			                   "tunes the wrong NIC; underlay method vxlan=DEVICE follows "
			                   "the tunnel)", name, local,
			                   vxt_link_name(l, (unsigned int)hi), vxt_link_name(l, (unsigned int)ui));
		else if (ui >= 0)
			rc = vxt_check_add(c, VXT_SEVERITY_OK, "vxlan-local", name, NULL,
			                   "%s local %s is on the underlay %s", name, local,
			                   vxt_link_name(l, (unsigned int)ui));
	}
	if (rc >= 0 && pi >= 0 && ui >= 0) {
		if (pi != ui)
			rc = vxt_check_add(c, VXT_SEVERITY_WARNING, "vxlan-parent", name, NULL,
			                   "%s is bound to %s, not to the detected underlay %s: the CNI "
			                   "and your underlay method disagree (underlay method "
			                   "vxlan=DEVICE follows the tunnel)", name,
			                   vxt_link_name(l, (unsigned int)pi), vxt_link_name(l, (unsigned int)ui));
		else
			rc = vxt_check_add(c, VXT_SEVERITY_OK, "vxlan-parent", name, NULL,
			                   "%s is bound to the underlay %s", name,
			                   vxt_link_name(l, (unsigned int)ui));
	}
	return rc;
}

/* 1 on and changeable, 0 off (or fixed), for the localization. */
static int tx_on(const struct vxt_features *f, const char *name)
{
	int i = vxt_features_find(f, name);
	return i >= 0 && vxt_features_active(f, (unsigned int)i) &&
	       vxt_features_changeable(f, (unsigned int)i);
}

/* The offloads that matter for VXLAN, as evidence (the verdict may point
 * at them); the first VXLAN device's and the underlay's transmit offloads
 * into c->tx. */
static int offload_state(struct vxt_ctx *ctx, struct vxt_check *c, const char *ifname)
{
	static const char *const names[] = {
		"rx-checksum", "tx-checksum-ip-generic", "tx-checksum-ipv4",
		"tx-tcp-segmentation", "tx-generic-segmentation", "tx-udp_tnl-segmentation",
		"tx-udp_tnl-csum-segmentation", "rx-gro",
	};
	struct vxt_features *f = NULL;
	if (vxt_features_get(ctx, ifname, &f) < 0)
		return 0; /* evidence only: a device without ethtool support says nothing */
	if (!strcmp(ifname, c->vxlan_name)) {
		c->tx.vx_csum = tx_on(f, "tx-checksum-ip-generic");
		c->tx.vx_tso = tx_on(f, "tx-tcp-segmentation");
	} else if (!strcmp(ifname, c->underlay)) {
		c->tx.ul_csum = tx_on(f, "tx-checksum-ip-generic") || tx_on(f, "tx-checksum-ipv4") ||
		                tx_on(f, "tx-checksum-ipv6");
		c->tx.ul_tnlseg = tx_on(f, "tx-udp_tnl-segmentation");
		c->tx.ul_tnlcsum = tx_on(f, "tx-udp_tnl-csum-segmentation");
	}
	char msg[512] = "";
	size_t n = 0;
	for (size_t k = 0; k < VXT_ARRAY_SIZE(names); k++) {
		int i = vxt_features_find(f, names[k]);
		if (i < 0 || (!vxt_features_changeable(f, (unsigned int)i) &&
		              !vxt_features_active(f, (unsigned int)i)))
			continue; /* fixed off: nothing to say */
		int w = snprintf(msg + n, sizeof(msg) - n, "%s%s %s%s", n ? ", " : "", names[k],
		                 vxt_features_active(f, (unsigned int)i) ? "on" : "off",
		                 vxt_features_changeable(f, (unsigned int)i) ? "" : " [fixed]");
		if (w < 0 || (size_t)w >= sizeof(msg) - n)
			break;
		n += (size_t)w;
	}
	vxt_features_unref(f);
	return vxt_check_add(c, VXT_SEVERITY_INFO, "offload-state", ifname, NULL,
	                     "%s offloads: %s", ifname, n ? msg : "none changeable");
}

static int check_forwarding(struct vxt_ctx *ctx, struct vxt_check *c)
{
	const char *keys[] = {"net.ipv4.ip_forward", NULL};
	struct vxt_sysctl_list *s = NULL;
	if (vxt_sysctl_show(ctx, keys, NULL, 0, &s) < 0 || vxt_sysctl_list_count(s) < 1) {
		vxt_sysctl_list_unref(s);
		return 0;
	}
	bool on = strcmp(vxt_sysctl_list_value(s, 0), "0") != 0;
	vxt_sysctl_list_unref(s);
	struct vxt_remedy rem = vxt_remedy_here(VXT_REMEDY_SYSCTL, "", "net.ipv4.ip_forward", "1");
	return on ? vxt_check_add(c, VXT_SEVERITY_OK, "ip-forward", "net.ipv4.ip_forward", NULL,
	                          "net.ipv4.ip_forward is on")
	          : vxt_check_add(c, VXT_SEVERITY_ERROR, "ip-forward", "net.ipv4.ip_forward", &rem,
	                          "net.ipv4.ip_forward is off: this node does not route pod "
	                          "traffic into or out of the overlay");
}

/* Strict rp_filter on a VXLAN device while a peer is routed through
 * another interface: the kernel drops that peer's overlay packets. */
static int check_rp_routes(struct vxt_ctx *ctx, const struct vxt_check_opts *o,
                           struct vxt_check *c, const struct vxt_link_list *l, unsigned int i)
{
	const char *name = vxt_link_name(l, i);
	int conf = 0, eff = 0;
	if (vxt_sysctl_rp_filter(ctx, name, &conf, &eff) < 0 || eff != 1)
		return 0;
	int rc = 0;
	bool bad = false;
	for (unsigned int p = 0; p < o->npeers && rc >= 0; p++) {
		struct vxt_ip ip;
		struct vxt_route_get rg;
		if (vxt_ip_parse(o->peers[p], &ip) < 0 ||
		    ip.family != (vxt_link_vxlan_family(l, i) == AF_INET6 ? AF_INET6 : AF_INET) ||
		    vxt_route_lookup(ctx, &ip, &rg) < 0 || rg.oif == vxt_link_ifindex(l, i))
			continue;
		int oi = vxt_link_list_find_index(l, rg.oif);
		struct vxt_remedy all = vxt_remedy_here(VXT_REMEDY_SYSCTL, "all", "rp_filter", "2");
		struct vxt_remedy dev = vxt_remedy_here(VXT_REMEDY_SYSCTL, name, "rp_filter", "2");
		rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "rp-filter", name, &all,
		                   "strict rp_filter on %s (effective 1) while the route to %s leaves "
		                   "via %s: the kernel drops %s's packets arriving through the overlay",
		                   name, o->peers[p], oi >= 0 ? vxt_link_name(l, (unsigned int)oi) : "?",
		                   o->peers[p]);
		if (rc >= 0)
			rc = vxt_check_add_remedy(c, &dev);
		bad = true;
	}
	if (rc >= 0 && !bad && !o->policy)
		rc = vxt_check_add(c, VXT_SEVERITY_INFO, "rp-filter", name, NULL,
		                   "strict rp_filter on %s (effective 1): fine while every return "
		                   "route goes through %s", name, name);
	return rc;
}

int vxt_check_local(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c)
{
	struct vxt_link_list *l = NULL;
	int *vx = NULL;
	unsigned int nvx = 0;
	int ui = -1, rc = vxt_links_get(ctx, &l);
	if (rc < 0)
		return rc;
	if (o->policy) {
		bool preset = o->policy->name && vxt_preset_text(o->policy->name);
		c->policy_remedy = vxt_remedy_here(VXT_REMEDY_POLICY, "", preset ? "preset" : "config",
		                                   o->policy->name ? o->policy->name : "");
	}
	rc = find_vxlan(o, c, l, &vx, &nvx);
	for (unsigned int k = 0; k < nvx && rc >= 0; k++)
		rc = check_device(c, l, (unsigned int)vx[k]);
	if (rc >= 0)
		rc = check_underlay(ctx, o, c, l, &ui);
	for (unsigned int k = 0; k < nvx && rc >= 0; k++)
		if (vxt_link_is_vxlan(l, (unsigned int)vx[k]))
			rc = check_tunnel(c, l, (unsigned int)vx[k], ui);
	if (rc >= 0)
		rc = check_forwarding(ctx, c);
	if (rc >= 0)
		rc = vxt_check_policy(ctx, o, c, l, vx, nvx);
	for (unsigned int k = 0; k < nvx && rc >= 0; k++)
		if (vxt_link_is_vxlan(l, (unsigned int)vx[k]))
			rc = check_rp_routes(ctx, o, c, l, (unsigned int)vx[k]);
	for (unsigned int k = 0; k < nvx && rc >= 0; k++)
		if (vxt_link_is_vxlan(l, (unsigned int)vx[k]))
			rc = offload_state(ctx, c, vxt_link_name(l, (unsigned int)vx[k]));
	if (rc >= 0 && c->underlay[0])
		rc = offload_state(ctx, c, c->underlay);
	free(vx);
	vxt_link_list_unref(l);
	return rc;
}
