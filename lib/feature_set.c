/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Changing offload features: resolve the words, read the state (one GET or
 * one dump), send one FEATURES_SET per interface that needs it (batched),
 * read the state again and report every requested feature and every side
 * effect.  A dry run stops before sending and predicts from the state. */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"

static const char *onoff(bool v)
{
	return v ? "on" : "off";
}

static bool matches(const char *name, const char *const *globs)
{
	if (!globs || !globs[0])
		return true;
	for (size_t i = 0; globs[i]; i++)
		if (!fnmatch(globs[i], name, 0))
			return true;
	return false;
}

/* Build the SET job for one interface: only bits that are requested,
 * changeable and not already wanted+active as requested.  Returns 1 if the
 * interface needs a SET, 0 if not, -ENOMEM. */
static int make_job(const struct vxt_features *f, const struct vxt_resolved *res,
                    struct vxt_set_job *job)
{
	unsigned int words = VXT_WORDS(f->nbits);
	memset(job, 0, sizeof(*job));
	job->ifindex = f->ifindex;
	snprintf(job->ifname, sizeof(job->ifname), "%s", f->ifname);
	job->nbits = f->nbits;
	job->value = calloc(2 * (size_t)(words ? words : 1), sizeof(uint32_t));
	if (!job->value)
		return -ENOMEM;
	job->mask = job->value + (words ? words : 1);
	int needed = 0;
	for (unsigned int b = 0; b < f->nbits && b < res->nbits; b++) {
		if (!res->word_of[b] || !vxt_features_bit_changeable(f, b))
			continue;
		bool want = res->value[b];
		vxt_bit_set(job->mask, b, true);
		vxt_bit_set(job->value, b, want);
		if (vxt_bit(f->wanted, b) != want || vxt_bit(f->active, b) != want)
			needed = 1;
	}
	return needed;
}

static struct vxt_features *find_index(struct vxt_features_list *l, int ifindex, unsigned int *hint)
{
	/* Dumps come back in the same order: try the hinted slot first. */
	if (*hint < l->n && l->v[*hint]->ifindex == ifindex)
		return l->v[(*hint)++];
	for (unsigned int i = 0; i < l->n; i++)
		if (l->v[i]->ifindex == ifindex) {
			*hint = i + 1;
			return l->v[i];
		}
	return NULL;
}

/* Report entries for one interface.  after is NULL when the interface is
 * gone; job_err is the SET's error (0 when it succeeded or was not sent). */
static int report_iface(struct vxt_report *r, const struct vxt_feature_req *req,
                        const struct vxt_resolved *res, const struct vxt_features *before,
                        const struct vxt_features *after, int job_err, bool dry)
{
	const struct vxt_strset *names = before->names;
	int rc = 0;
	for (unsigned int b = 0; b < before->nbits && b < names->count && rc == 0; b++) {
		const char *name = names->names[b];
		if (!name)
			continue;
		bool was = vxt_bit(before->active, b);
		if (!res->word_of[b] || b >= res->nbits) {
			/* Not requested: a side effect if it changed. */
			if (after && b < after->nbits && vxt_bit(after->active, b) != was)
				rc = vxt_report_add(r, VXT_AREA_FEATURE, before->ifname, name, onoff(was),
				                    onoff(!was), "", "", VXT_STATUS_SIDE_EFFECT, 0);
			continue;
		}
		bool want = res->value[b];
		const char *via = vxt_feature_req_word(req, res->word_of[b] - 1);
		int status;
		bool now;
		if (job_err == -ENODEV || (!after && !dry)) {
			status = VXT_STATUS_GONE;
			now = was;
		} else if (job_err < 0) {
			status = VXT_STATUS_FAILED;
			now = was;
		} else if (dry) {
			bool can = vxt_features_bit_changeable(before, b);
			now = can ? want : was;
			status = now != want ? VXT_STATUS_FIXED
			         : now != was ? VXT_STATUS_CHANGED : VXT_STATUS_UNCHANGED;
		} else {
			now = b < after->nbits && vxt_bit(after->active, b);
			status = now != want ? VXT_STATUS_FIXED
			         : now != was ? VXT_STATUS_CHANGED : VXT_STATUS_UNCHANGED;
		}
		rc = vxt_report_add(r, VXT_AREA_FEATURE, before->ifname, name, onoff(was), onoff(now),
		                    onoff(want), via, status, status == VXT_STATUS_FAILED ? job_err : 0);
	}
	return rc;
}

/* Plain names (no glob characters) need no dump: one GET each. */
static bool plain_names(const char *const *globs)
{
	if (!globs || !globs[0])
		return false;
	for (size_t i = 0; globs[i]; i++)
		if (vxt_is_glob(globs[i]))
			return false;
	return true;
}

/* GET each name into l; a missing interface is an error unless missing_ok
 * (then it is simply not in the list). */
static int read_names(struct vxt_ctx *ctx, const char *const *names, bool missing_ok,
                      struct vxt_features_list *l)
{
	for (size_t i = 0; names[i]; i++) {
		struct vxt_features *f = NULL;
		int rc = vxt_features_get(ctx, names[i], &f);
		if (rc == -ENODEV && missing_ok)
			continue;
		if (rc < 0)
			return rc;
		if (vxt_features_list_add(l, f) < 0) {
			vxt_features_unref(f);
			return vxt_fail(ctx, ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int jobs_send(struct vxt_ctx *ctx, struct vxt_set_job *jobs, unsigned int n)
{
	if (!n)
		return 0;
	return ctx->backend == VXT_BACKEND_NETLINK ? vxt_nl_features_set(ctx, jobs, n)
	                                           : vxt_ioctl_features_set(ctx, jobs, n);
}

/* ---- feature plans ------------------------------------------------------ */

int vxt_fplan_read(struct vxt_ctx *ctx, struct vxt_fplan *fp, const char *const *names,
                   bool missing_ok)
{
	memset(fp, 0, sizeof(*fp));
	int rc = vxt_feature_names(ctx, &fp->names);
	if (rc < 0)
		return rc;
	vxt_strset_ref(fp->names);
	fp->by_name = names != NULL;
	if (names) {
		if ((rc = vxt_features_list_new(&fp->before)) < 0)
			return vxt_fail(ctx, rc, "out of memory");
		rc = read_names(ctx, names, missing_ok, fp->before);
	} else {
		rc = vxt_features_get_all(ctx, &fp->before);
	}
	if (rc < 0)
		return rc;
	fp->group_of = calloc(fp->before->n ? fp->before->n : 1, sizeof(*fp->group_of));
	fp->job_of = calloc(fp->before->n ? fp->before->n : 1, sizeof(*fp->job_of));
	if (!fp->group_of || !fp->job_of)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	return 0;
}

int vxt_fplan_group(struct vxt_ctx *ctx, struct vxt_fplan *fp, struct vxt_feature_req *req,
                    bool owned)
{
	if (vxt_grow((void **)&fp->groups, &fp->capgroups, fp->ngroups + 1, sizeof(*fp->groups))) {
		if (owned)
			vxt_feature_req_unref(req);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	struct vxt_fgroup *g = &fp->groups[fp->ngroups];
	*g = (struct vxt_fgroup){.req = req, .owned = owned};
	fp->ngroups++;
	/* Unknown words fail here, before anything is sent. */
	int rc = vxt_feature_req_resolve(ctx, req, fp->names, &g->res);
	return rc < 0 ? rc : (int)fp->ngroups - 1;
}

int vxt_fplan_finish(struct vxt_ctx *ctx, struct vxt_fplan *fp)
{
	unsigned int n = fp->before->n;
	fp->jobs = calloc(n ? n : 1, sizeof(*fp->jobs));
	if (!fp->jobs)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < n; i++) {
		if (!fp->group_of[i])
			continue;
		struct vxt_set_job *job = &fp->jobs[fp->njobs];
		int need = make_job(fp->before->v[i], &fp->groups[fp->group_of[i] - 1].res, job);
		if (need < 0) {
			fp->njobs++; /* so that its buffer is freed */
			return vxt_fail(ctx, ENOMEM, "out of memory");
		}
		if (need) {
			fp->job_of[i] = ++fp->njobs;
		} else {
			free(job->value);
			job->value = NULL;
		}
	}
	return (int)fp->njobs;
}

/* Re-read: the kernel drops what it cannot change and may change more than
 * asked (side effects); only the state tells. */
static int reread(struct vxt_ctx *ctx, struct vxt_fplan *fp)
{
	vxt_features_list_unref(fp->after);
	fp->after = NULL;
	if (!fp->njobs)
		return 0;
	if (!fp->by_name)
		return vxt_features_get_all(ctx, &fp->after);
	/* Only the interfaces that got a SET. */
	const char **changed = calloc(fp->njobs + 1, sizeof(*changed));
	int rc = changed ? vxt_features_list_new(&fp->after) : -ENOMEM;
	if (rc < 0) {
		free(changed);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	for (unsigned int i = 0, k = 0; i < fp->before->n; i++)
		if (fp->job_of[i])
			changed[k++] = fp->before->v[i]->ifname;
	rc = read_names(ctx, changed, true, fp->after);
	free(changed);
	return rc;
}

int vxt_fplan_send(struct vxt_ctx *ctx, struct vxt_fplan *fp)
{
	int rc = jobs_send(ctx, fp->jobs, fp->njobs);
	if (rc < 0)
		return vxt_fail(ctx, rc, "changing features: %s", strerror(-rc));
	fp->sent = true;
	return reread(ctx, fp);
}

/* The state of before-entry i after the SET, NULL when it is gone. */
static const struct vxt_features *after_of(const struct vxt_fplan *fp, unsigned int i,
                                           unsigned int *hint)
{
	const struct vxt_features *b = fp->before->v[i];
	if (!fp->job_of[i] || !fp->sent)
		return b;
	const struct vxt_features *a = fp->after ? find_index(fp->after, b->ifindex, hint) : NULL;
	return a && !strcmp(a->ifname, b->ifname) ? a : NULL; /* index reused by another device */
}

/* The report of a plan; with fn, each interface's entries go to fn and
 * only their counts stay in r (vxt_features_set_glob_each). */
static int fplan_report(struct vxt_ctx *ctx, const struct vxt_fplan *fp, bool dry,
                        vxt_report_fn fn, void *userdata, struct vxt_report *r)
{
	struct vxt_report *part = NULL;
	if (fn && vxt_report_new_internal(dry, &part) < 0)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	unsigned int hint = 0;
	int rc = 0;
	for (unsigned int i = 0; i < fp->before->n && rc == 0; i++) {
		if (!fp->group_of[i])
			continue;
		const struct vxt_fgroup *g = &fp->groups[fp->group_of[i] - 1];
		int err = fp->job_of[i] && fp->sent ? fp->jobs[fp->job_of[i] - 1].error : 0;
		if (report_iface(part ? part : r, g->req, &g->res, fp->before->v[i],
		                 after_of(fp, i, &hint), err, dry) < 0) {
			rc = vxt_fail(ctx, ENOMEM, "out of memory");
		} else if (part) {
			rc = vxt_report_count(part) ? fn(part, userdata) : 0;
			vxt_report_fold(r, part);
		}
	}
	vxt_report_unref(part);
	return rc;
}

int vxt_fplan_report(struct vxt_ctx *ctx, const struct vxt_fplan *fp, bool dry,
                     struct vxt_report *r)
{
	return fplan_report(ctx, fp, dry, NULL, NULL, r);
}

unsigned int vxt_fplan_failed(const struct vxt_fplan *fp)
{
	unsigned int n = 0;
	for (unsigned int j = 0; fp->sent && j < fp->njobs; j++)
		n += fp->jobs[j].error < 0 && fp->jobs[j].error != -ENODEV;
	return n;
}

int vxt_fplan_rollback(struct vxt_ctx *ctx, struct vxt_fplan *fp, struct vxt_report *r)
{
	if (!fp->sent)
		return 0;
	/* The same bits again, each at the value it was wanted at before. */
	unsigned int n = 0;
	for (unsigned int i = 0; i < fp->before->n; i++) {
		if (!fp->job_of[i])
			continue;
		struct vxt_set_job *job = &fp->jobs[fp->job_of[i] - 1];
		const struct vxt_features *b = fp->before->v[i];
		if (job->error < 0) {
			job->mask = NULL; /* nothing of it took: nothing to undo */
			continue;
		}
		for (unsigned int bit = 0; bit < job->nbits; bit++)
			if (vxt_bit(job->mask, bit))
				vxt_bit_set(job->value, bit, vxt_bit(b->wanted, bit));
		n++;
	}
	/* Compact the jobs to send (job_of still points at the originals). */
	struct vxt_set_job *undo = calloc(n ? n : 1, sizeof(*undo));
	if (!undo)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	unsigned int k = 0;
	for (unsigned int j = 0; j < fp->njobs; j++)
		if (fp->jobs[j].mask) {
			undo[k] = fp->jobs[j];
			undo[k].error = 0;
			k++;
		}
	int rc = jobs_send(ctx, undo, k);
	for (unsigned int j = 0, m = 0; rc >= 0 && j < fp->njobs; j++)
		if (fp->jobs[j].mask)
			fp->jobs[j].error = undo[m++].error;
	free(undo);
	if (rc < 0)
		return vxt_fail(ctx, rc, "rolling back features: %s", strerror(-rc));
	if ((rc = reread(ctx, fp)) < 0)
		return rc;
	/* Every entry that said "changed" says "rolled-back" where the state
	 * is the old one again; where it is not, the entry stays "changed" and
	 * a failed entry says the undo did not take. */
	unsigned int hint = 0;
	int failed = 0;
	for (unsigned int i = 0; i < fp->before->n; i++) {
		if (!fp->job_of[i] || !fp->jobs[fp->job_of[i] - 1].mask)
			continue;
		const struct vxt_features *b = fp->before->v[i], *a = after_of(fp, i, &hint);
		for (unsigned int e = 0; e < vxt_report_count(r); e++) {
			int st = vxt_report_status(r, e);
			if (vxt_report_area(r, e) != VXT_AREA_FEATURE || strcmp(vxt_report_object(r, e), b->ifname) ||
			    (st != VXT_STATUS_CHANGED && st != VXT_STATUS_SIDE_EFFECT))
				continue;
			int idx = vxt_features_find(b, vxt_report_key(r, e));
			unsigned int bit = idx >= 0 ? b->bits[idx] : 0;
			bool was = idx >= 0 && vxt_bit(b->active, bit);
			bool back = a && idx >= 0 && bit < a->nbits && vxt_bit(a->active, bit) == was;
			if (back) {
				rc = vxt_report_set_status(r, e, VXT_STATUS_ROLLED_BACK, was ? "on" : "off");
			} else {
				failed++;
				rc = vxt_report_add(r, VXT_AREA_FEATURE, b->ifname, vxt_report_key(r, e),
				                    vxt_report_after(r, e), a ? "?" : "", vxt_report_before(r, e),
				                    "rollback", VXT_STATUS_FAILED,
				                    fp->jobs[fp->job_of[i] - 1].error ? fp->jobs[fp->job_of[i] - 1].error : EIO);
			}
			if (rc < 0)
				return vxt_fail(ctx, ENOMEM, "out of memory");
		}
	}
	return failed ? vxt_fail(ctx, EIO, "%d feature(s) could not be put back", failed) : 0;
}

void vxt_fplan_free(struct vxt_fplan *fp)
{
	for (unsigned int j = 0; fp->jobs && j < fp->njobs; j++)
		free(fp->jobs[j].value);
	free(fp->jobs);
	free(fp->job_of);
	free(fp->group_of);
	for (unsigned int g = 0; g < fp->ngroups; g++) {
		vxt_resolved_free(&fp->groups[g].res);
		if (fp->groups[g].owned)
			vxt_feature_req_unref(fp->groups[g].req);
	}
	free(fp->groups);
	vxt_features_list_unref(fp->before);
	vxt_features_list_unref(fp->after);
	if (fp->names)
		vxt_strset_unref(fp->names);
	memset(fp, 0, sizeof(*fp));
}

/* The common path of vxt_features_set (one interface) and
 * vxt_features_set_glob: a plan of one request. */
static int set_features(struct vxt_ctx *ctx, const char *ifname, const char *const *globs,
                        const struct vxt_feature_req *req, unsigned int flags,
                        vxt_report_fn fn, void *userdata, struct vxt_report **report)
{
	bool dry = flags & VXT_DRY_RUN;
	struct vxt_fplan fp;
	struct vxt_report *r = NULL;
	const char *one[] = {ifname, NULL};
	bool by_name = ifname || plain_names(globs);
	int rc = vxt_fplan_read(ctx, &fp, by_name ? (ifname ? one : globs) : NULL, !ifname);
	if (rc >= 0)
		rc = vxt_fplan_group(ctx, &fp, (struct vxt_feature_req *)req, false);
	if (rc < 0)
		goto out;
	for (unsigned int i = 0; i < fp.before->n; i++)
		if (by_name || matches(fp.before->v[i]->ifname, globs))
			fp.group_of[i] = 1;
	if ((rc = vxt_fplan_finish(ctx, &fp)) < 0)
		goto out;

	if (!dry && fp.njobs) {
		if ((rc = vxt_fplan_send(ctx, &fp)) < 0)
			goto out;
		const struct vxt_set_job *jobs = fp.jobs;
		/* One interface: its own error is the call's error. */
		if (ifname && jobs[0].error < 0) {
			snprintf(ctx->extack, sizeof(ctx->extack), "%s", jobs[0].extack);
			rc = vxt_features_fail(ctx, jobs[0].error, ifname, "changing features");
			goto out;
		}
		/* Every interface refused for the same reason (no privilege):
		 * that is the call's error too. */
		unsigned int same = 0;
		for (unsigned int j = 0; j < fp.njobs; j++)
			same += jobs[j].error == jobs[0].error;
		if (!ifname && jobs[0].error < 0 && jobs[0].error != -ENODEV && same == fp.njobs) {
			snprintf(ctx->extack, sizeof(ctx->extack), "%s", jobs[0].extack);
			rc = vxt_features_fail(ctx, jobs[0].error, jobs[0].ifname, "changing features");
			goto out;
		}
	}
	vxt_clear_error(ctx);
	if ((rc = vxt_report_new_internal(dry, &r)) < 0) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = fplan_report(ctx, &fp, dry, fn, userdata, r)) != 0)
		goto out;
	*report = r;
	r = NULL;
	rc = 0;
out:
	vxt_report_unref(r);
	vxt_fplan_free(&fp);
	return rc;
}

int vxt_features_set(struct vxt_ctx *ctx, const char *ifname, const struct vxt_feature_req *req,
                     unsigned int flags, struct vxt_report **report)
{
	vxt_clear_error(ctx);
	if (vxt_ifname_valid(ifname) < 0)
		return vxt_fail(ctx, EINVAL, "invalid interface name '%s'", ifname ? ifname : "(null)");
	return set_features(ctx, ifname, NULL, req, flags, NULL, NULL, report);
}

static int check_globs(struct vxt_ctx *ctx, const char *const *globs)
{
	for (size_t i = 0; globs && globs[i]; i++)
		if (!globs[i][0] || strnlen(globs[i], 256) > 255)
			return vxt_fail(ctx, EINVAL, "invalid interface pattern '%s'", globs[i]);
	return 0;
}

int vxt_features_set_glob(struct vxt_ctx *ctx, const char *const *globs,
                          const struct vxt_feature_req *req, unsigned int flags,
                          struct vxt_report **report)
{
	vxt_clear_error(ctx);
	int rc = check_globs(ctx, globs);
	return rc < 0 ? rc : set_features(ctx, NULL, globs, req, flags, NULL, NULL, report);
}

int vxt_features_set_glob_each(struct vxt_ctx *ctx, const char *const *globs,
                               const struct vxt_feature_req *req, unsigned int flags,
                               vxt_report_fn fn, void *userdata, struct vxt_report **summary)
{
	vxt_clear_error(ctx);
	if (!fn)
		return vxt_fail(ctx, EINVAL, "vxt_features_set_glob_each: no callback");
	int rc = check_globs(ctx, globs);
	return rc < 0 ? rc : set_features(ctx, NULL, globs, req, flags, fn, userdata, summary);
}
