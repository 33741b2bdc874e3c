/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan of a policy: everything apply will do, computed before the
 * first change.  The underlay is detected, every selector resolved against
 * the live interfaces, every device's features read once and the words of
 * every rule that selects it merged into one request (conflicts refused),
 * every sysctl file resolved and checked for writability (read-only keys,
 * read-only /proc/sys, privilege: the sysctl layer's plan), and every
 * feature change checked for CAP_NET_ADMIN.  A dry run builds the same
 * plan, so it fails exactly where the real run would.  apply.c executes
 * it. */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "policy.h"
#include "sysctl.h"

/* Prefix the context's message with the policy's name. */
int vxt_policy_fail(struct vxt_ctx *ctx, const struct vxt_policy *p, int rc)
{
	return vxt_fail_prefix(ctx, rc, "%s", p->name ? p->name : "policy");
}

int vxt_policy_check(struct vxt_ctx *ctx, const struct vxt_policy *p)
{
	vxt_clear_error(ctx);
	int rc;
	if (p->underlay_method && (rc = vxt_underlay_method_check(ctx, p->underlay_method)) < 0)
		return vxt_policy_fail(ctx, p, rc);
	for (unsigned int i = 0; i < p->nfrules; i++)
		if ((rc = vxt_feature_req_check(ctx, p->frules[i].req)) < 0)
			return vxt_policy_fail(ctx, p, rc);
	return vxt_policy_check_conflicts(ctx, p, NULL);
}

/* Detect the policy's underlay when a rule needs it.  name is "" when
 * detection fails; the failure becomes a report entry, not an error: the
 * VXLAN part of the policy is still worth applying. */
static int detect_underlay(struct vxt_ctx *ctx, const struct vxt_policy *p,
                           char name[IFNAMSIZ], struct vxt_report *r)
{
	name[0] = '\0';
	if (!vxt_policy_needs_underlay(p))
		return 0;
	struct vxt_underlay *u = NULL;
	const char *method = p->underlay_method ? p->underlay_method : "default-route";
	int rc = vxt_underlay_detect(ctx, method, 0, &u);
	if (rc == -EINVAL)
		return rc; /* a malformed method is the policy's fault */
	if (rc < 0) {
		vxt_info(ctx, "underlay not found (%s): %s", method, vxt_ctx_errmsg(ctx));
		return r ? vxt_report_add(r, VXT_AREA_FEATURE, "underlay", method, "", "",
		                          "detected", "underlay", VXT_STATUS_FAILED, rc) : 0;
	}
	snprintf(name, IFNAMSIZ, "%s", vxt_underlay_ifname(u));
	vxt_underlay_unref(u);
	return 0;
}

int vxt_policy_underlay_name(struct vxt_ctx *ctx, const struct vxt_policy *p, char name[IFNAMSIZ])
{
	return detect_underlay(ctx, p, name, NULL);
}

/* ---- features ------------------------------------------------------------ */

/* The rules that select a device, as a bit string over the rules: devices
 * selected by the same rules share one merged request. */
static void rules_of(const struct vxt_policy *p, const char *ifname, const char *underlay,
                     unsigned char *sel)
{
	for (unsigned int i = 0; i < p->nfrules; i++)
		sel[i] = vxt_policy_selects(p, p->frules[i].selector, ifname, underlay);
}

/* The words of the selected rules in policy order (a later word wins, as
 * when the rules are applied one after the other). */
static int merged_req(const struct vxt_policy *p, const unsigned char *sel,
                      struct vxt_feature_req **out)
{
	int rc = vxt_feature_req_new(out);
	for (unsigned int i = 0; rc == 0 && i < p->nfrules; i++)
		for (unsigned int w = 0; sel[i] && rc == 0 && w < vxt_feature_req_count(p->frules[i].req); w++)
			rc = vxt_feature_req_add(*out, vxt_feature_req_word(p->frules[i].req, w),
			                         vxt_feature_req_on(p->frules[i].req, w));
	if (rc < 0)
		*out = vxt_feature_req_unref(*out);
	return rc;
}

/* When every feature selector stands for plain names, the plan reads just
 * those (one GET each) instead of dumping every device. */
static int feature_names_to_read(const struct vxt_policy *p, const char *underlay, char ***names)
{
	unsigned int n = 0;
	*names = NULL;
	for (unsigned int i = 0; i < p->nfrules; i++) {
		int rc = vxt_policy_expand(p, p->frules[i].selector, underlay[0] ? underlay : NULL,
		                           names, &n);
		if (rc < 0)
			return rc;
	}
	for (unsigned int i = 0; i < n; i++)
		if (vxt_is_glob((*names)[i]) || vxt_ifname_valid((*names)[i]) < 0) {
			vxt_strv_free(*names);
			*names = NULL; /* a glob: dump */
			return 0;
		}
	if (!*names && !(*names = calloc(1, sizeof(**names))))
		return -ENOMEM;
	return 0;
}

static int plan_features(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *only,
                         struct vxt_policy_plan *pl)
{
	if (!p->nfrules)
		return 0;
	const char *u = pl->underlay;
	char **names = NULL;
	const char *one[] = {only, NULL};
	int rc = only ? 0 : feature_names_to_read(p, u, &names);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	if (!only && names && !names[0]) {
		vxt_strv_free(names);
		return 0; /* the rules name nothing that exists (no underlay) */
	}
	rc = vxt_fplan_read(ctx, &pl->features, only ? one : (const char *const *)names, true);
	vxt_strv_free(names);
	pl->has_features = true;
	if (rc < 0)
		return rc;
	/* Groups: one per distinct set of selecting rules. */
	unsigned char *sel = calloc(2, p->nfrules);
	unsigned char **sigs = NULL;
	unsigned int nsigs = 0, capsigs = 0;
	if (!sel)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	unsigned char *cur = sel + p->nfrules;
	struct vxt_fplan *fp = &pl->features;
	for (unsigned int i = 0; i < fp->before->n && rc >= 0; i++) {
		rules_of(p, fp->before->v[i]->ifname, u, cur);
		if (!memchr(cur, 1, p->nfrules))
			continue;
		unsigned int g = 0;
		while (g < nsigs && memcmp(sigs[g], cur, p->nfrules))
			g++;
		if (g == nsigs) {
			struct vxt_feature_req *req = NULL;
			unsigned char *copy = malloc(p->nfrules);
			if (!copy || vxt_grow((void **)&sigs, &capsigs, nsigs + 1, sizeof(*sigs)) ||
			    merged_req(p, cur, &req) < 0) {
				free(copy);
				rc = vxt_fail(ctx, ENOMEM, "out of memory");
				break;
			}
			memcpy(copy, cur, p->nfrules);
			sigs[nsigs++] = copy;
			if ((rc = vxt_fplan_group(ctx, fp, req, true)) < 0)
				break;
		}
		fp->group_of[i] = g + 1;
	}
	for (unsigned int g = 0; g < nsigs; g++)
		free(sigs[g]);
	free(sigs);
	free(sel);
	if (rc < 0)
		return rc;
	if ((rc = vxt_fplan_finish(ctx, fp)) < 0)
		return rc;
	/* The one writability check features have: the privilege.  Checked
	 * in dry runs too, so that they fail where the real run would. */
	if (fp->njobs && !vxt_has_net_admin())
		return vxt_fail(ctx, EPERM, "%s: changing features needs CAP_NET_ADMIN (run as root); "
		                "nothing was changed", fp->jobs[0].ifname);
	return 0;
}

/* ---- sysctls ------------------------------------------------------------- */

/* Interfaces a sysctl selector stands for: named interfaces that do not
 * exist are left out (a policy names devices that may come later; the
 * watcher applies them then). */
static int sysctl_selectors(const struct vxt_policy *p, const char *selector,
                            const char *underlay, char ***v, unsigned int *n)
{
	char **globs = NULL;
	unsigned int ng = 0;
	int rc = vxt_policy_expand(p, selector, underlay[0] ? underlay : NULL, &globs, &ng);
	for (unsigned int i = 0; rc == 0 && i < ng; i++) {
		const char *g = globs[i];
		bool keep = vxt_is_glob(g) || !strcmp(g, "all") || !strcmp(g, "default") ||
		            if_nametoindex(g) > 0;
		if (keep)
			rc = vxt_policy_expand(p, g, NULL, v, n);
	}
	vxt_strv_free(globs);
	return rc;
}

/* The sysctl request of the policy (only for `only` when given). */
static int build_sysctl_req(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *underlay,
                            const char *only, struct vxt_sysctl_req **out)
{
	struct vxt_sysctl_req *req;
	int rc = vxt_sysctl_req_new(&req);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	for (unsigned int i = 0; i < p->nsrules && rc == 0; i++) {
		const struct vxt_sysctl_rule *s = &p->srules[i];
		if (!s->selector) {
			if (!only)
				rc = vxt_sysctl_req_add(req, s->key, s->value, NULL);
			continue;
		}
		char **ifaces = NULL;
		unsigned int n = 0;
		if (only) {
			if (vxt_policy_selects(p, s->selector, only, underlay))
				rc = vxt_policy_expand(p, only, NULL, &ifaces, &n);
		} else {
			rc = sysctl_selectors(p, s->selector, underlay, &ifaces, &n);
		}
		if (rc == 0 && n)
			rc = vxt_sysctl_req_add(req, s->key, s->value, (const char *const *)ifaces);
		vxt_strv_free(ifaces);
	}
	if (rc < 0) {
		vxt_sysctl_req_unref(req);
		return vxt_fail(ctx, rc, "%s: invalid sysctl rule", p->name ? p->name : "policy");
	}
	*out = req;
	return 0;
}

/* ---- the plan -------------------------------------------------------------- */

/* A selector that is a plain name stands for one interface: "underlay",
 * "vxlan", "all" and "default" are classes, globs match what exists. */
static bool is_plain_name(const char *selector)
{
	return strcmp(selector, "underlay") && strcmp(selector, "vxlan") && strcmp(selector, "all") &&
	       strcmp(selector, "default") && !vxt_is_glob(selector);
}

/* VXT_POLICY_NAMES_EXIST: every plain name of the policy exists now. */
static int check_names_exist(struct vxt_ctx *ctx, const struct vxt_policy *p)
{
	const char *missing = NULL;
	for (unsigned int i = 0; !missing && i < p->nfrules; i++)
		if (is_plain_name(p->frules[i].selector) && !if_nametoindex(p->frules[i].selector))
			missing = p->frules[i].selector;
	for (unsigned int i = 0; !missing && i < p->nsrules; i++)
		if (p->srules[i].selector && is_plain_name(p->srules[i].selector) &&
		    !if_nametoindex(p->srules[i].selector))
			missing = p->srules[i].selector;
	if (!missing)
		return 0;
	return vxt_fail(ctx, ENODEV, "no interface '%s' (see 'ip link show'); use the selector "
	                "'vxlan' or a glob for devices a CNI creates later", missing);
}

int vxt_policy_plan_build(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *only,
                          const char *underlay, bool sysctls, unsigned int flags,
                          struct vxt_policy_plan *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->sysctl.sysfd = -1;
	int rc;
	if (!only && (flags & VXT_POLICY_NAMES_EXIST) && (rc = check_names_exist(ctx, p)) < 0)
		return rc;
	rc = vxt_report_new_internal(flags & VXT_DRY_RUN, &pl->found);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	if (underlay)
		snprintf(pl->underlay, IFNAMSIZ, "%s", underlay);
	else if ((rc = detect_underlay(ctx, p, pl->underlay, pl->found)) < 0)
		return rc;
	/* With the underlay known, rules for it can conflict with others. */
	if (pl->underlay[0] && (rc = vxt_policy_check_conflicts(ctx, p, pl->underlay)) < 0)
		return rc;
	if ((rc = plan_features(ctx, p, only, pl)) < 0)
		return rc;
	if (!sysctls)
		return 0;
	if ((rc = build_sysctl_req(ctx, p, pl->underlay, only, &pl->sreq)) < 0)
		return rc;
	if (!vxt_sysctl_req_count(pl->sreq))
		return 0;
	pl->has_sysctl = true;
	return vxt_sysctl_plan_build(ctx, pl->sreq, flags, VXT_PLAN_SET, &pl->sysctl);
}

void vxt_policy_plan_free(struct vxt_policy_plan *pl)
{
	if (pl->has_features)
		vxt_fplan_free(&pl->features);
	if (pl->has_sysctl)
		vxt_sysctl_plan_free(&pl->sysctl);
	vxt_sysctl_req_unref(pl->sreq);
	vxt_report_unref(pl->found);
	memset(pl, 0, sizeof(*pl));
}
