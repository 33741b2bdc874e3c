/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Findings against a policy: what `vxlantune apply --dry-run` would
 * change is exactly what is not as the policy wants.  One finding per
 * interface and kind (offloads, rp_filter, other sysctls), passed ones
 * included; plus the effective rp_filter (max(all, iface)) of the VXLAN
 * devices, which a per-file comparison cannot see. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "policy.h"

enum { K_OFFLOADS, K_RPF, K_SYSCTL };
static const char *const kind_code[] = {"offloads", "rp-filter", "sysctl"};

static int kind_of(const struct vxt_report *r, unsigned int i)
{
	if (vxt_report_area(r, i) == VXT_AREA_FEATURE)
		return K_OFFLOADS;
	return strstr(vxt_report_key(r, i), "rp_filter") ? K_RPF : K_SYSCTL;
}

static bool counts(const struct vxt_report *r, unsigned int i)
{
	int st = vxt_report_status(r, i);
	/* Side effects were not asked for; "failed" entries of the underlay
	 * are the underlay-detected finding already. */
	return st == VXT_STATUS_CHANGED || st == VXT_STATUS_UNCHANGED || st == VXT_STATUS_FIXED;
}

/* One finding for (kind, object): every entry of the report for it. */
static int one(struct vxt_check *c, const struct vxt_report *r, int kind, const char *obj)
{
	char bad[768] = "", fixed[256] = "";
	size_t nb = 0, nf = 0;
	unsigned int nok = 0;
	for (unsigned int i = 0; i < vxt_report_count(r); i++) {
		if (!counts(r, i) || kind_of(r, i) != kind || strcmp(vxt_report_object(r, i), obj))
			continue;
		int st = vxt_report_status(r, i);
		char *buf = st == VXT_STATUS_FIXED ? fixed : bad;
		size_t *n = st == VXT_STATUS_FIXED ? &nf : &nb;
		size_t cap = st == VXT_STATUS_FIXED ? sizeof(fixed) : sizeof(bad);
		if (st == VXT_STATUS_UNCHANGED) {
			nok++;
			continue;
		}
		int w = snprintf(buf + *n, cap - *n, "%s%s %s (wants %s)", *n ? ", " : "",
		                 vxt_report_key(r, i), vxt_report_before(r, i),
		                 vxt_report_requested(r, i));
		if (w > 0 && (size_t)w < cap - *n)
			*n += (size_t)w;
	}
	const char *what = kind == K_OFFLOADS ? "offloads" : kind == K_RPF ? "rp_filter" : "sysctls";
	const char *o = *obj ? obj : "(global)";
	int rc = 0;
	if (nb)
		rc = vxt_check_add(c, VXT_SEVERITY_WARNING, kind_code[kind], obj, &c->policy_remedy,
		                   "%s: %s not as the policy wants: %s", o, what, bad);
	else if (!nf)
		rc = vxt_check_add(c, VXT_SEVERITY_OK, kind_code[kind], obj, NULL,
		                   "%s: %s as the policy wants (%u)", o, what, nok);
	if (rc >= 0 && nf)
		rc = vxt_check_add(c, VXT_SEVERITY_INFO, kind_code[kind], obj, NULL,
		                   "%s: the driver cannot change %s (fixed): %s", o, what, fixed);
	return rc;
}

/* The policy's rp_filter value for ifname, from the report, when the
 * interface's own file is already right ("" otherwise: either the policy
 * has no value for it or the per-file finding says it all). */
static const char *wanted_rpf(const struct vxt_report *r, const char *ifname)
{
	for (unsigned int i = 0; i < vxt_report_count(r); i++)
		if (kind_of(r, i) == K_RPF && !strcmp(vxt_report_object(r, i), ifname))
			return vxt_report_status(r, i) == VXT_STATUS_UNCHANGED ? vxt_report_requested(r, i) : "";
	return "";
}

int vxt_check_policy(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c,
                     const struct vxt_link_list *l, const int *vx, unsigned int nvx)
{
	if (!o->policy)
		return 0;
	struct vxt_report *r = NULL;
	int rc = vxt_policy_apply(ctx, o->policy, VXT_DRY_RUN, &r);
	if (rc == -EINVAL)
		return rc;
	if (rc < 0)
		return vxt_check_add(c, VXT_SEVERITY_WARNING, "offloads", "", &c->policy_remedy,
		                     "the policy could not be compared with this node: %s",
		                     vxt_ctx_errmsg(ctx));
	/* (kind, object) pairs in report order, each once. */
	for (unsigned int i = 0; i < vxt_report_count(r) && rc >= 0; i++) {
		if (!counts(r, i))
			continue;
		int k = kind_of(r, i);
		bool seen = false;
		for (unsigned int j = 0; j < i && !seen; j++)
			seen = counts(r, j) && kind_of(r, j) == k &&
			       !strcmp(vxt_report_object(r, j), vxt_report_object(r, i));
		if (!seen)
			rc = one(c, r, k, vxt_report_object(r, i));
	}
	/* Effective rp_filter of the VXLAN devices. */
	for (unsigned int k = 0; k < nvx && rc >= 0; k++) {
		const char *name = vxt_link_name(l, (unsigned int)vx[k]);
		const char *want = wanted_rpf(r, name);
		int conf = 0, eff = 0;
		if (!*want || vxt_sysctl_rp_filter(ctx, name, &conf, &eff) < 0 || eff <= atoi(want))
			continue;
		int all = 0, dummy = 0;
		vxt_sysctl_rp_filter(ctx, "all", &all, &dummy);
		struct vxt_remedy ra = vxt_remedy_here(VXT_REMEDY_SYSCTL, "all", "rp_filter", want);
		struct vxt_remedy rd = vxt_remedy_here(VXT_REMEDY_SYSCTL, name, "rp_filter", want);
		rc = vxt_check_add(c, VXT_SEVERITY_WARNING, "rp-filter", name, &ra,
		                   "%s: effective rp_filter is %d = max(all %d, %s %d), the policy wants "
		                   "%s: set all too", name, eff, all, name, conf, want);
		if (rc >= 0)
			rc = vxt_check_add_remedy(c, &rd);
	}
	vxt_report_unref(r);
	return rc;
}
