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

/* GET each name; a missing interface is an error unless missing_ok (then
 * it is simply not in the list). */
static int read_names(struct vxt_ctx *ctx, const char *const *names, bool missing_ok,
                      struct vxt_features_list **out)
{
	int rc = vxt_features_list_new(out);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	for (size_t i = 0; names[i]; i++) {
		struct vxt_features *f = NULL;
		rc = vxt_features_get(ctx, names[i], &f);
		if (rc == -ENODEV && missing_ok)
			continue;
		if (rc < 0)
			return rc;
		if (vxt_features_list_add(*out, f) < 0) {
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

/* The common path of vxt_features_set (one interface: before/after lists
 * of one) and vxt_features_set_glob (dumps). */
/* A dumped interface joins the plan if one of the globs matches it. */
struct select {
	const char *const *globs;
	struct vxt_features_list *into;
};

static int select_matching(struct vxt_features *f, void *arg)
{
	struct select *sel = arg;
	if (!matches(f->ifname, sel->globs))
		return 0;
	if (vxt_features_list_add(sel->into, vxt_features_ref(f)) < 0) {
		vxt_features_unref(f);
		return -ENOMEM;
	}
	return 0;
}

/* fn (may be NULL): each interface's entries are handed to it and only
 * their counts stay in *report. */
static int set_features(struct vxt_ctx *ctx, const char *ifname, const char *const *globs,
                        const struct vxt_feature_req *req, unsigned int flags,
                        vxt_report_fn fn, void *userdata, struct vxt_report **report)
{
	bool dry = flags & VXT_DRY_RUN;
	struct vxt_strset *names;
	struct vxt_resolved res = {0};
	struct vxt_features_list *before = NULL, *after = NULL;
	struct vxt_set_job *jobs = NULL;
	unsigned int *job_of = NULL; /* index+1 of each before-entry's job */
	unsigned int njobs = 0;
	struct vxt_report *r = NULL, *part = NULL;

	int rc = vxt_feature_names(ctx, &names);
	if (rc < 0)
		return rc;
	/* Unknown words fail here, before anything is sent. */
	if ((rc = vxt_feature_req_resolve(ctx, req, names, &res)) < 0)
		return rc;

	const char *one[] = {ifname, NULL};
	bool by_name = ifname || plain_names(globs);
	if (by_name) {
		if ((rc = read_names(ctx, ifname ? one : globs, !ifname, &before)) < 0)
			goto out;
	} else {
		if ((rc = vxt_features_list_new(&before)) < 0)
			goto oom;
		struct select sel = {.globs = globs, .into = before};
		if ((rc = vxt_features_foreach(ctx, select_matching, &sel)) < 0)
			goto out;
	}

	jobs = calloc(before->n ? before->n : 1, sizeof(*jobs));
	job_of = calloc(before->n ? before->n : 1, sizeof(*job_of));
	if (!jobs || !job_of)
		goto oom;
	for (unsigned int i = 0; i < before->n; i++) {
		int need = make_job(before->v[i], &res, &jobs[njobs]);
		if (need < 0) {
			njobs++; /* so that its buffer is freed */
			goto oom;
		}
		if (need) {
			job_of[i] = ++njobs;
		} else {
			free(jobs[njobs].value);
			jobs[njobs].value = NULL;
		}
	}

	if (!dry && njobs) {
		if ((rc = jobs_send(ctx, jobs, njobs)) < 0) {
			rc = vxt_fail(ctx, rc, "changing features: %s", strerror(-rc));
			goto out;
		}
		/* One interface: its own error is the call's error. */
		if (ifname && jobs[0].error < 0) {
			snprintf(ctx->extack, sizeof(ctx->extack), "%s", jobs[0].extack);
			rc = vxt_features_fail(ctx, jobs[0].error, ifname, "changing features");
			goto out;
		}
		/* Every interface refused for the same reason (no privilege):
		 * that is the call's error too. */
		unsigned int same = 0;
		for (unsigned int j = 0; j < njobs; j++)
			same += jobs[j].error == jobs[0].error;
		if (!ifname && jobs[0].error < 0 && jobs[0].error != -ENODEV && same == njobs) {
			snprintf(ctx->extack, sizeof(ctx->extack), "%s", jobs[0].extack);
			rc = vxt_features_fail(ctx, jobs[0].error, jobs[0].ifname, "changing features");
			goto out;
		}
	}

	if (!dry) {
		/* Re-read: the kernel drops what it cannot change and may change
		 * more than asked (side effects); only the state tells. */
		if (by_name && njobs) {
			/* Only the interfaces that got a SET. */
			const char **changed = calloc(njobs + 1, sizeof(*changed));
			if (!changed)
				goto oom;
			for (unsigned int i = 0, k = 0; i < before->n; i++)
				if (job_of[i])
					changed[k++] = before->v[i]->ifname;
			rc = read_names(ctx, changed, true, &after);
			free(changed);
			if (rc < 0)
				goto out;
		} else if (njobs) {
			if ((rc = vxt_features_get_all(ctx, &after)) < 0)
				goto out;
		}
	}
	vxt_clear_error(ctx);

	if ((rc = vxt_report_new_internal(dry, &r)) < 0 ||
	    (fn && (rc = vxt_report_new_internal(dry, &part)) < 0))
		goto oom;
	unsigned int hint = 0;
	for (unsigned int i = 0; i < before->n; i++) {
		const struct vxt_features *b = before->v[i];
		const struct vxt_features *a = b;
		int err = 0;
		if (job_of[i]) {
			err = jobs[job_of[i] - 1].error;
			a = after ? find_index(after, b->ifindex, &hint) : NULL;
			if (a && strcmp(a->ifname, b->ifname))
				a = NULL; /* index reused by another device */
		}
		if ((rc = report_iface(part ? part : r, req, &res, b, a, err, dry)) < 0)
			goto oom;
		if (part) {
			int stop = vxt_report_count(part) ? fn(part, userdata) : 0;
			vxt_report_fold(r, part);
			if (stop) {
				rc = stop;
				goto out;
			}
		}
	}
	*report = r;
	r = NULL;
	rc = 0;
	goto out;
oom:
	rc = vxt_fail(ctx, ENOMEM, "out of memory");
out:
	for (unsigned int j = 0; jobs && j < njobs; j++)
		free(jobs[j].value);
	free(jobs);
	free(job_of);
	vxt_report_unref(part);
	vxt_report_unref(r);
	vxt_features_list_unref(before);
	vxt_features_list_unref(after);
	vxt_resolved_free(&res);
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
