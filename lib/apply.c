/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a policy: execute the plan (plan.c) -- the features of every
 * device in one batch, then the sysctls -- and when a write fails anyway
 * (the kernel refuses what the plan found possible), put back everything
 * already changed, from the before-values the plan recorded.  One report:
 * what changed, what was rolled back ("rolled-back"), what failed.
 * A device that vanishes meanwhile is "gone", not a failure: pods come and
 * go while a node is tuned, and undoing the whole policy for one of them
 * would leave the node as broken as it was.  Also the per-interface apply
 * the watcher runs when a device (re)appears. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static int append(struct vxt_report *dst, struct vxt_report *src)
{
	int rc = vxt_report_append(dst, src);
	vxt_report_unref(src);
	return rc;
}

static unsigned int count_failed(const struct vxt_report *r, unsigned int from)
{
	unsigned int n = 0;
	for (unsigned int i = from; i < vxt_report_count(r); i++)
		n += vxt_report_status(r, i) == VXT_STATUS_FAILED;
	return n;
}

/* After the sysctl layer put its files back: the entries that said
 * "changed" say "rolled-back"; a file that could not be put back keeps
 * "changed" and gets a failed entry. */
static int mark_sysctls(struct vxt_sysctl_plan *sp, const bool *was_written, struct vxt_report *r)
{
	for (unsigned int t = 0; t < sp->n; t++) {
		const struct vxt_sysctl_target *tg = &sp->t[t];
		if (!was_written[t])
			continue;
		for (unsigned int e = 0; e < vxt_report_count(r); e++) {
			if (vxt_report_area(r, e) != VXT_AREA_SYSCTL || vxt_report_status(r, e) != VXT_STATUS_CHANGED ||
			    strcmp(vxt_report_object(r, e), tg->object) || strcmp(vxt_report_key(r, e), tg->key))
				continue;
			int rc = tg->written
				? vxt_report_add(r, VXT_AREA_SYSCTL, tg->object, tg->key, vxt_report_after(r, e),
				                 tg->after ? tg->after : "", vxt_report_before(r, e), "rollback",
				                 VXT_STATUS_FAILED, tg->err ? tg->err : EIO)
				: vxt_report_set_status(r, e, VXT_STATUS_ROLLED_BACK, vxt_report_before(r, e));
			if (rc < 0)
				return -ENOMEM;
			break;
		}
	}
	return 0;
}

/* Put back what the plan changed; the report says what was put back. */
static void roll_back(struct vxt_ctx *ctx, struct vxt_policy_plan *pl, struct vxt_report *r)
{
	char why[sizeof(ctx->errmsg)];
	snprintf(why, sizeof(why), "%s", vxt_ctx_errmsg(ctx));
	if (pl->has_sysctl) {
		bool *was = calloc(pl->sysctl.n ? pl->sysctl.n : 1, sizeof(*was));
		for (unsigned int t = 0; was && t < pl->sysctl.n; t++)
			was[t] = pl->sysctl.t[t].written;
		if (vxt_sysctl_plan_rollback(ctx, &pl->sysctl, NULL) < 0)
			vxt_warn(ctx, "rollback: %s", vxt_ctx_errmsg(ctx));
		if (!was || mark_sysctls(&pl->sysctl, was, r) < 0)
			vxt_warn(ctx, "rollback: out of memory: the report may not show every sysctl put back");
		free(was);
	}
	if (pl->has_features && vxt_fplan_rollback(ctx, &pl->features, r) < 0)
		vxt_warn(ctx, "rollback: %s", vxt_ctx_errmsg(ctx));
	vxt_fail(ctx, EIO, "%s", why);
}

int vxt_policy_plan_execute(struct vxt_ctx *ctx, struct vxt_policy_plan *pl, unsigned int flags,
                            struct vxt_report **report)
{
	bool dry = flags & VXT_DRY_RUN;
	struct vxt_report *r;
	int rc = vxt_report_new_internal(dry, &r);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	if ((rc = vxt_report_append(r, pl->found)) < 0)
		goto oom;
	unsigned int failed = 0;
	if (pl->has_features) {
		struct vxt_fplan *fp = &pl->features;
		if (!dry && fp->njobs && (rc = vxt_fplan_send(ctx, fp)) < 0)
			goto fail; /* not sent at all: nothing changed */
		if ((rc = vxt_fplan_report(ctx, fp, dry, r)) < 0)
			goto fail;
		failed = vxt_fplan_failed(fp);
	}
	/* A refused feature change stops the apply before any sysctl. */
	if (pl->has_sysctl && !failed) {
		struct vxt_report *sub = NULL;
		unsigned int from = vxt_report_count(r);
		rc = vxt_sysctl_plan_execute(ctx, &pl->sysctl, flags, &sub);
		if (rc < 0 && rc != -ENOMEM) {
			/* Refused before its first write (privileges changed since
			 * the plan): a failure of this apply like any other. */
			rc = vxt_report_add(r, VXT_AREA_SYSCTL, "", "sysctl", "", "", "", "sysctl",
			                    VXT_STATUS_FAILED, rc);
		} else if (rc >= 0) {
			rc = append(r, sub);
		}
		if (rc < 0)
			goto oom;
		failed += count_failed(r, from);
	}
	if (failed && !dry) {
		vxt_fail(ctx, EIO, "%u write(s) failed: everything this apply changed was put back",
		         failed);
		roll_back(ctx, pl, r);
	}
	*report = r;
	return 0;
oom:
	rc = vxt_fail(ctx, ENOMEM, "out of memory");
fail:
	vxt_report_unref(r);
	return rc;
}

int vxt_policy_apply(struct vxt_ctx *ctx, const struct vxt_policy *p, unsigned int flags,
                     struct vxt_report **report)
{
	int rc = vxt_policy_check(ctx, p);
	if (rc < 0)
		return rc;
	struct vxt_policy_plan pl;
	if ((rc = vxt_policy_plan_build(ctx, p, NULL, NULL, true, flags, &pl)) >= 0) {
		vxt_clear_error(ctx);
		rc = vxt_policy_plan_execute(ctx, &pl, flags, report);
	}
	vxt_policy_plan_free(&pl);
	if (rc < 0)
		return vxt_policy_fail(ctx, p, rc);
	vxt_clear_error(ctx);
	return 0;
}

int vxt_policy_apply_interface(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *ifname,
                               const char *underlay, bool sysctls, unsigned int flags,
                               struct vxt_report *r)
{
	struct vxt_policy_plan pl;
	struct vxt_report *sub = NULL;
	int rc = vxt_policy_plan_build(ctx, p, ifname, underlay ? underlay : "", sysctls, flags, &pl);
	if (rc >= 0)
		rc = vxt_policy_plan_execute(ctx, &pl, flags, &sub);
	vxt_policy_plan_free(&pl);
	if (rc == -ENODEV)
		return 0; /* gone again: the next event says so */
	return rc < 0 ? rc : append(r, sub);
}
