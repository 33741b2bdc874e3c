/* Applying a policy: validate everything first (feature words against the
 * kernel, sysctl keys/values/interfaces), then features per rule (batched
 * per selector), then sysctls; one report for all of it.  Also the
 * per-interface apply the watcher runs when a device (re)appears. */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "policy.h"
#include "sysctl.h"

/* Detect the policy's underlay when a rule needs it.  *name is set to ""
 * when detection fails; the failure becomes a report entry, not an error:
 * the VXLAN part of the policy is still worth applying. */
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

/* Interfaces a sysctl selector stands for, for a sysctl request: named
 * interfaces that do not exist are left out (a policy names devices that
 * may come later; the watcher applies them then). */
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

/* Build the sysctl request of the policy (only for ifname when given). */
static int build_sysctl_req(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *underlay,
                            const char *ifname, struct vxt_sysctl_req **out)
{
	struct vxt_sysctl_req *req;
	int rc = vxt_sysctl_req_new(&req);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	for (unsigned int i = 0; i < p->nsrules && rc == 0; i++) {
		const struct vxt_sysctl_rule *s = &p->srules[i];
		if (!s->selector) {
			if (!ifname)
				rc = vxt_sysctl_req_add(req, s->key, s->value, NULL);
			continue;
		}
		char **ifaces = NULL;
		unsigned int n = 0;
		if (ifname) {
			if (vxt_policy_selects(p, s->selector, ifname, underlay))
				rc = vxt_policy_expand(p, ifname, NULL, &ifaces, &n);
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

/* Prefix the context's message with the policy's name. */
static int policy_fail(struct vxt_ctx *ctx, const struct vxt_policy *p, int rc)
{
	return vxt_fail_prefix(ctx, rc, "%s", p->name ? p->name : "policy");
}

int vxt_policy_check(struct vxt_ctx *ctx, const struct vxt_policy *p)
{
	vxt_clear_error(ctx);
	int rc;
	if (p->underlay_method && (rc = vxt_underlay_method_check(ctx, p->underlay_method)) < 0)
		return policy_fail(ctx, p, rc);
	for (unsigned int i = 0; i < p->nfrules; i++)
		if ((rc = vxt_feature_req_check(ctx, p->frules[i].req)) < 0)
			return policy_fail(ctx, p, rc);
	return 0;
}

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

static int append(struct vxt_report *dst, struct vxt_report *src)
{
	int rc = vxt_report_append(dst, src);
	vxt_report_unref(src);
	return rc;
}

/* Features of one rule: the underlay by name, everything else by glob. */
static int apply_rule(struct vxt_ctx *ctx, const struct vxt_policy *p,
                      const struct vxt_feature_rule *fr, const char *underlay,
                      unsigned int flags, struct vxt_report *r)
{
	struct vxt_report *sub = NULL;
	int rc = 0;
	if (!strcmp(fr->selector, "underlay")) {
		if (!underlay[0])
			return 0; /* already reported as not detected */
		rc = vxt_features_set(ctx, underlay, fr->req, flags, &sub);
		if (rc == -ENODEV) /* vanished since detection */
			return vxt_report_add(r, VXT_AREA_FEATURE, underlay, "", "", "", "", "underlay",
			                      VXT_STATUS_GONE, 0);
	} else {
		char **globs = NULL;
		unsigned int n = 0;
		if ((rc = vxt_policy_expand(p, fr->selector, NULL, &globs, &n)) < 0)
			return vxt_fail(ctx, rc, "out of memory");
		if (n)
			rc = vxt_features_set_glob(ctx, (const char *const *)globs, fr->req, flags, &sub);
		vxt_strv_free(globs);
	}
	if (rc < 0)
		return rc;
	return sub ? append(r, sub) : 0;
}

int vxt_policy_apply(struct vxt_ctx *ctx, const struct vxt_policy *p, unsigned int flags,
                     struct vxt_report **report)
{
	int rc = vxt_policy_check(ctx, p);
	if (rc < 0)
		return rc;
	if ((flags & VXT_POLICY_NAMES_EXIST) && (rc = check_names_exist(ctx, p)) < 0)
		return policy_fail(ctx, p, rc);
	struct vxt_report *r;
	if ((rc = vxt_report_new_internal(flags & VXT_DRY_RUN, &r)) < 0)
		return vxt_fail(ctx, rc, "out of memory");
	char underlay[IFNAMSIZ];
	struct vxt_sysctl_req *sreq = NULL;
	struct vxt_sysctl_plan plan = {.sysfd = -1};
	if ((rc = detect_underlay(ctx, p, underlay, r)) < 0)
		goto fail;
	/* Validate the sysctl part before changing anything.  The plan that
	 * validation builds (keys, values, the interface list) is the one
	 * applied after the features: listing thousands of interfaces twice
	 * would cost more than the features themselves. */
	if ((rc = build_sysctl_req(ctx, p, underlay, NULL, &sreq)) < 0)
		goto fail;
	if (vxt_sysctl_req_count(sreq) &&
	    (rc = vxt_sysctl_plan_build(ctx, sreq, flags, VXT_PLAN_SET, &plan)) < 0)
		goto fail;
	for (unsigned int i = 0; i < p->nfrules; i++)
		if ((rc = apply_rule(ctx, p, &p->frules[i], underlay, flags, r)) < 0)
			goto fail;
	if (vxt_sysctl_req_count(sreq)) {
		struct vxt_report *sub = NULL;
		vxt_clear_error(ctx);
		if ((rc = vxt_sysctl_plan_execute(ctx, &plan, flags, &sub)) < 0)
			goto fail;
		if ((rc = append(r, sub)) < 0)
			goto fail;
	}
	vxt_sysctl_plan_free(&plan);
	vxt_sysctl_req_unref(sreq);
	vxt_clear_error(ctx);
	*report = r;
	return 0;
fail:
	rc = policy_fail(ctx, p, rc);
	vxt_sysctl_plan_free(&plan);
	vxt_sysctl_req_unref(sreq);
	vxt_report_unref(r);
	return rc;
}

/* What the watcher does when IFNAME appears or changes: every feature rule
 * that selects it, and (when new) every sysctl rule that selects it. */
int vxt_policy_apply_interface(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *ifname,
                               const char *underlay, bool sysctls, unsigned int flags,
                               struct vxt_report *r)
{
	int rc = 0;
	const char *u = underlay ? underlay : "";
	for (unsigned int i = 0; i < p->nfrules && rc >= 0; i++) {
		const struct vxt_feature_rule *fr = &p->frules[i];
		if (!vxt_policy_selects(p, fr->selector, ifname, u))
			continue;
		struct vxt_report *sub = NULL;
		rc = vxt_features_set(ctx, ifname, fr->req, flags, &sub);
		if (rc == -ENODEV)
			return 0; /* gone again: the next event says so */
		if (rc >= 0)
			rc = append(r, sub);
	}
	if (rc < 0 || !sysctls)
		return rc;
	struct vxt_sysctl_req *sreq = NULL;
	if ((rc = build_sysctl_req(ctx, p, u, ifname, &sreq)) < 0)
		return rc;
	if (vxt_sysctl_req_count(sreq)) {
		struct vxt_report *sub = NULL;
		rc = vxt_sysctl_set(ctx, sreq, flags, &sub);
		if (rc == -ENODEV)
			rc = 0;
		else if (rc >= 0)
			rc = append(r, sub);
	}
	vxt_sysctl_req_unref(sreq);
	return rc;
}

int vxt_policy_underlay_name(struct vxt_ctx *ctx, const struct vxt_policy *p, char name[IFNAMSIZ])
{
	return detect_underlay(ctx, p, name, NULL);
}
