/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxt_diagnose_run: the smallest set of candidate changes that makes
 * every probe pass.  Snapshot first; each trial starts from the snapshot
 * (restore, then apply the set), so a trial never inherits another's
 * changes and the end state is exactly "snapshot + chosen set". */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "internal.h"
#include "probe.h"

#define MAXC 16 /* candidates fit a bit mask */

struct trial {
	unsigned int set;
	char *names;
	bool passed;
	struct vxt_check *check;
	long long us;
};

struct vxt_diagnose {
	int refcount;
	struct vxt_ctx *ctx;
	volatile sig_atomic_t cancel;
	int outcome;
	char summary[2048];
	char *snapshot;
	unsigned int avail; /* candidates offered on this node */
	int plan[MAXC];
	unsigned int nplan;
	struct trial *trials;
	unsigned int ntrials, cap;
	unsigned int fix;
	const struct vxt_check_opts *opts;
	char *policy; /* the chosen set as a policy file, for the devices probed */
	long long us;
};

static unsigned int ncand(void) { return vxt_candidate_count(); }

int vxt_diagnose_new(struct vxt_ctx *ctx, struct vxt_diagnose **out)
{
	if (!ctx || !out)
		return -EINVAL;
	struct vxt_diagnose *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->refcount = 1;
	d->ctx = vxt_ctx_ref(ctx);
	d->outcome = VXT_DIAGNOSE_PLANNED;
	*out = d;
	return 0;
}

static void reset(struct vxt_diagnose *d)
{
	for (unsigned int t = 0; t < d->ntrials; t++) {
		free(d->trials[t].names);
		vxt_check_unref(d->trials[t].check);
	}
	free(d->trials);
	d->trials = NULL;
	d->ntrials = d->cap = 0;
	free(d->snapshot);
	d->snapshot = NULL;
	d->nplan = 0;
	d->fix = 0;
	free(d->policy);
	d->policy = NULL;
	d->summary[0] = 0;
}

static void diagnose_destroy(struct vxt_diagnose *d)
{
	reset(d);
	vxt_ctx_unref(d->ctx);
	free(d);
}

VXT_DEFINE_REFCOUNT(diagnose, diagnose_destroy)

void vxt_diagnose_cancel(struct vxt_diagnose *d)
{
	if (d)
		d->cancel = 1;
}

const char *vxt_diagnose_outcome_name(int outcome)
{
	static const char *const names[] = {"healthy", "fixed", "no-local-fix", "planned", "cancelled", "failed"};
	return outcome >= 0 && outcome < (int)(sizeof(names) / sizeof(names[0])) ? names[outcome] : "unknown";
}

bool vxt_check_probes_pass(const struct vxt_check *c)
{
	if (!c)
		return false;
	int v = vxt_check_verdict(c);
	return v == VXT_VERDICT_HEALTHY || v == VXT_VERDICT_WARNINGS || v == VXT_VERDICT_LOCAL;
}

/* Names of a set, in cost order: a NULL-terminated array of borrowed
 * strings (v has room for MAXC + 1), and "a+b" in text. */
static void set_names(unsigned int set, const char **v, char *text, size_t size)
{
	unsigned int n = 0;
	size_t len = 0;
	text[0] = 0;
	for (unsigned int i = 0; i < ncand(); i++)
		if (set & (1u << i)) {
			v[n++] = vxt_candidate_name(i);
			len += (size_t)snprintf(text + len, len < size ? size - len : 0, "%s%s", len ? "+" : "",
			                        vxt_candidate_name(i));
		}
	v[n] = NULL;
}

static int policy_text(const struct vxt_diagnose *d, unsigned int set, char **text)
{
	const char *v[MAXC + 1];
	char buf[512];
	set_names(set, v, buf, sizeof(buf));
	return vxt_candidate_policy_text(v, (const char *const *)d->opts->vxlan, d->opts->method, text);
}

static int load_set(struct vxt_diagnose *d, unsigned int set, struct vxt_policy **p)
{
	char *text;
	int rc = policy_text(d, set, &text);
	if (rc < 0)
		return rc;
	rc = vxt_policy_load_string(d->ctx, text, p);
	free(text);
	return rc;
}

/* Put the node back to the snapshot.  A failed entry is an error: the
 * caller must not claim the node is as it was. */
static int restore(struct vxt_diagnose *d)
{
	if (!d->snapshot)
		return 0;
	struct vxt_report *rep = NULL;
	int rc = vxt_snapshot_restore(d->ctx, d->snapshot, 0, &rep);
	if (rc == 0 && vxt_report_count_status(rep, VXT_STATUS_FAILED))
		rc = vxt_fail(d->ctx, EIO, "diagnose: restoring the snapshot failed for %u entries",
		              vxt_report_count_status(rep, VXT_STATUS_FAILED));
	vxt_report_unref(rep);
	return rc;
}

static int apply_set(struct vxt_diagnose *d, unsigned int set)
{
	int rc = restore(d);
	if (rc < 0 || !set)
		return rc;
	struct vxt_policy *p = NULL;
	if ((rc = load_set(d, set, &p)) < 0)
		return rc;
	struct vxt_report *rep = NULL;
	rc = vxt_policy_apply(d->ctx, p, 0, &rep);
	vxt_report_unref(rep);
	vxt_policy_unref(p);
	return rc;
}

static int record(struct vxt_diagnose *d, unsigned int set, struct vxt_check *c, long long us)
{
	if (vxt_grow((void **)&d->trials, &d->cap, d->ntrials + 1, sizeof(*d->trials)))
		return -ENOMEM;
	const char *v[MAXC + 1];
	char buf[512];
	set_names(set, v, buf, sizeof(buf));
	struct trial *t = &d->trials[d->ntrials];
	*t = (struct trial){.set = set, .names = strdup(buf), .passed = vxt_check_probes_pass(c),
	                    .check = c, .us = us};
	if (!t->names)
		return -ENOMEM;
	d->ntrials++;
	return 0;
}

/* One trial: the snapshot plus set, then one check.  *passed says whether
 * every probe passed.  Results are cached by set. */
static int trial(struct vxt_diagnose *d, unsigned int set, bool *passed)
{
	for (unsigned int t = 1; t < d->ntrials; t++)
		if (d->trials[t].set == set) {
			*passed = d->trials[t].passed;
			return 0;
		}
	if (d->cancel)
		return -ECANCELED;
	long long t0 = vxt_mono_us();
	int rc = apply_set(d, set);
	if (rc < 0)
		return rc;
	struct vxt_check *c = NULL;
	if ((rc = vxt_check_run(d->ctx, d->opts, &c)) < 0)
		return rc;
	if ((rc = record(d, set, c, vxt_mono_us() - t0)) < 0) {
		vxt_check_unref(c);
		return rc;
	}
	*passed = d->trials[d->ntrials - 1].passed;
	return d->cancel ? -ECANCELED : 0;
}

static unsigned int popcount(unsigned int x) { return (unsigned int)__builtin_popcount(x); }

/* Delta debugging (Zeller's ddmin) over the members of set, which passes:
 * a 1-minimal subset that passes. */
static int ddmin(struct vxt_diagnose *d, unsigned int set, unsigned int *out)
{
	unsigned int n = 2;
	while (popcount(set) >= 2) {
		unsigned int members[MAXC], m = 0;
		for (unsigned int i = 0; i < ncand(); i++)
			if (set & (1u << i))
				members[m++] = i;
		if (n > m)
			n = m;
		bool reduced = false;
		for (int complement = 0; complement < 2 && !reduced; complement++)
			for (unsigned int k = 0; k < n && !reduced; k++) {
				unsigned int part = 0;
				for (unsigned int j = k * m / n; j < (k + 1) * m / n; j++)
					part |= 1u << members[j];
				unsigned int test = complement ? set & ~part : part;
				bool ok;
				int rc = trial(d, test, &ok);
				if (rc < 0)
					return rc;
				if (ok) {
					set = test;
					n = complement ? (n > 2 ? n - 1 : 2) : 2;
					reduced = true;
				}
			}
		if (!reduced) {
			if (n >= m)
				break;
			n = 2 * n < m ? 2 * n : m;
		}
	}
	*out = set;
	return 0;
}

/* Candidates this node offers: every one, except loose rp_filter where
 * nothing is strict (it would tighten a node with rp_filter 0). */
static unsigned int available(struct vxt_diagnose *d)
{
	unsigned int set = (1u << ncand()) - 1;
	int rp = vxt_candidate_find("rp-filter-loose");
	int conf, eff;
	bool strict = vxt_sysctl_rp_filter(d->ctx, "all", &conf, &eff) == 0 && conf == 1;
	char **v = d->opts->vxlan;
	static const char *const defaults[] = {"vxlan.calico", "vxlan-v6.calico", "flannel.1", "cilium_vxlan", NULL};
	for (unsigned int i = 0; !strict && (v ? v[i] : defaults[i]); i++)
		strict = vxt_sysctl_rp_filter(d->ctx, v ? v[i] : defaults[i], &conf, &eff) == 0 && eff == 1;
	if (!strict)
		set &= ~(1u << rp);
	return set;
}

unsigned int vxt_check_candidates(const struct vxt_check *c, int node, const char *peer)
{
	unsigned int set = 0;
	for (unsigned int i = 0; i < vxt_check_remedy_count(c); i++) {
		const struct vxt_remedy *r = vxt_check_remedy(c, i);
		if (vxt_remedy_node(r) != node || (node == VXT_NODE_PEER && peer && strcmp(vxt_remedy_peer(r), peer)))
			continue;
		const char *underlay = vxt_check_underlay(c);
		for (unsigned int k = 0; node == VXT_NODE_PEER && k < vxt_check_peer_count(c); k++)
			if (!strcmp(vxt_check_peer_address(c, k), vxt_remedy_peer(r)))
				underlay = vxt_check_peer_underlay(c, k);
		int k = vxt_candidate_for_remedy(r, underlay);
		for (unsigned int j = 0; k >= 0 && j < ncand(); j++)
			if (!strcmp(vxt_candidate_family(j), vxt_candidate_family((unsigned int)k)))
				set |= 1u << j;
	}
	return set;
}

static void make_plan(struct vxt_diagnose *d, unsigned int first)
{
	d->nplan = 0;
	for (int pass = 0; pass < 2; pass++)
		for (unsigned int i = 0; i < ncand(); i++)
			if ((d->avail & (1u << i)) && !!(first & (1u << i)) == (pass == 0))
				d->plan[d->nplan++] = (int)i;
}

static int take_snapshot(struct vxt_diagnose *d)
{
	struct vxt_policy *p = NULL;
	int rc = load_set(d, d->avail, &p);
	if (rc == 0)
		rc = vxt_snapshot_take(d->ctx, p, &d->snapshot);
	vxt_policy_unref(p);
	return rc;
}

/* What the peers' counters say when no local change helps. */
static void explain_no_fix(struct vxt_diagnose *d, const struct vxt_check *base)
{
	size_t len = (size_t)snprintf(d->summary, sizeof(d->summary),
	                              "no local change suffices: even every candidate at once leaves probes "
	                              "failing; the node is restored as it was");
	for (unsigned int k = 0; k < vxt_check_peer_count(base) && len < sizeof(d->summary); k++) {
		int f = vxt_check_peer_fault(base, k);
		if (f == VXT_FAULT_PEER || f == VXT_FAULT_BOTH)
			len += (size_t)snprintf(d->summary + len, sizeof(d->summary) - len,
			                        ". %s: the peer's transmit path corrupts (%s): run the fleet diagnosis "
			                        "(Ansible role vxlantune.node.diagnose)",
			                        vxt_check_peer_address(base, k), vxt_path_state_name(vxt_check_peer_in(base, k)));
		else if (!vxt_check_peer_responder(base, k))
			len += (size_t)snprintf(d->summary + len, sizeof(d->summary) - len,
			                        ". %s runs no responder: its counters are unknown", vxt_check_peer_address(base, k));
	}
}

static int search(struct vxt_diagnose *d, unsigned int flags)
{
	d->avail = available(d);
	int rc = take_snapshot(d);
	if (rc < 0)
		return rc;
	long long t0 = vxt_mono_us();
	struct vxt_check *base = NULL;
	if ((rc = vxt_check_run(d->ctx, d->opts, &base)) < 0)
		return rc;
	if ((rc = record(d, 0, base, vxt_mono_us() - t0)) < 0) {
		vxt_check_unref(base);
		return rc;
	}
	unsigned int first = vxt_check_candidates(base, VXT_NODE_THIS, NULL) & d->avail;
	make_plan(d, first);
	if (vxt_check_probes_pass(base)) {
		d->outcome = VXT_DIAGNOSE_HEALTHY;
		snprintf(d->summary, sizeof(d->summary), "healthy as found: every probe passes; nothing changed");
		return 0;
	}
	if (flags & VXT_DRY_RUN) {
		d->outcome = VXT_DIAGNOSE_PLANNED;
		snprintf(d->summary, sizeof(d->summary), "dry run: %s; would try the candidates in the plan order",
		         vxt_check_summary(base));
		return 0;
	}
	bool ok = false;
	for (unsigned int i = 0; i < d->nplan && !ok; i++)
		if (first & (1u << d->plan[i])) {
			if ((rc = trial(d, 1u << d->plan[i], &ok)) < 0)
				return rc;
			if (ok)
				d->fix = 1u << d->plan[i];
		}
	if (!ok) {
		if ((rc = trial(d, d->avail, &ok)) < 0)
			return rc;
		if (!ok) {
			d->outcome = VXT_DIAGNOSE_NO_FIX;
			explain_no_fix(d, base);
			return restore(d);
		}
		for (unsigned int i = 0; i < d->nplan && !d->fix; i++) {
			if ((rc = trial(d, 1u << d->plan[i], &ok)) < 0)
				return rc;
			if (ok)
				d->fix = 1u << d->plan[i];
		}
		if (!d->fix && (rc = ddmin(d, d->avail, &d->fix)) < 0)
			return rc;
	}
	if (d->trials[d->ntrials - 1].set != d->fix && (rc = apply_set(d, d->fix)) < 0)
		return rc;
	d->outcome = VXT_DIAGNOSE_FIXED;
	const char *v[MAXC + 1];
	char names[512];
	set_names(d->fix, v, names, sizeof(names));
	snprintf(d->summary, sizeof(d->summary),
	         "fixed by %s (%u trial%s); everything else is as it was", names, d->ntrials - 1,
	         d->ntrials == 2 ? "" : "s");
	return 0;
}

int vxt_diagnose_run(struct vxt_diagnose *d, const struct vxt_check_opts *probe, unsigned int flags)
{
	if (!d || !probe)
		return -EINVAL;
	reset(d);
	d->opts = probe;
	long long t0 = vxt_mono_us();
	int rc = search(d, flags);
	if (rc < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", rc == -ECANCELED ? "cancelled" : vxt_ctx_errmsg(d->ctx));
		int rrc = restore(d);
		d->outcome = rc == -ECANCELED ? VXT_DIAGNOSE_CANCELLED : VXT_DIAGNOSE_FAILED;
		d->fix = 0;
		snprintf(d->summary, sizeof(d->summary), "%s: %s", why,
		         rrc < 0 ? "restoring the snapshot failed too: compare the node with the snapshot"
		                 : "the node is restored as it was");
		if (rc == -ECANCELED)
			vxt_fail(d->ctx, ECANCELED, "diagnose cancelled; the node is restored");
	}
	if (rc == 0 && (rc = policy_text(d, d->fix, &d->policy)) < 0)
		d->outcome = VXT_DIAGNOSE_FAILED;
	d->opts = NULL;
	d->us = vxt_mono_us() - t0;
	return rc;
}

int vxt_diagnose_outcome(const struct vxt_diagnose *d) { return d ? d->outcome : -1; }
const char *vxt_diagnose_summary(const struct vxt_diagnose *d) { return d ? d->summary : ""; }
const char *vxt_diagnose_snapshot(const struct vxt_diagnose *d) { return d ? d->snapshot : NULL; }
unsigned int vxt_diagnose_plan_count(const struct vxt_diagnose *d) { return d ? d->nplan : 0; }

const char *vxt_diagnose_plan(const struct vxt_diagnose *d, unsigned int i)
{
	return d && i < d->nplan ? vxt_candidate_name((unsigned int)d->plan[i]) : NULL;
}

const struct vxt_check *vxt_diagnose_baseline(const struct vxt_diagnose *d)
{
	return d && d->ntrials ? d->trials[0].check : NULL;
}

/* Trial 0 is the baseline probe; the public trials start after it. */
unsigned int vxt_diagnose_trial_count(const struct vxt_diagnose *d)
{
	return d && d->ntrials ? d->ntrials - 1 : 0;
}

static const struct trial *trial_at(const struct vxt_diagnose *d, unsigned int t)
{
	return d && t + 1 < d->ntrials ? &d->trials[t + 1] : NULL;
}

const char *vxt_diagnose_trial_set(const struct vxt_diagnose *d, unsigned int t)
{
	return trial_at(d, t) ? trial_at(d, t)->names : NULL;
}

bool vxt_diagnose_trial_passed(const struct vxt_diagnose *d, unsigned int t)
{
	return trial_at(d, t) && trial_at(d, t)->passed;
}

const struct vxt_check *vxt_diagnose_trial_check(const struct vxt_diagnose *d, unsigned int t)
{
	return trial_at(d, t) ? trial_at(d, t)->check : NULL;
}

long long vxt_diagnose_trial_duration_us(const struct vxt_diagnose *d, unsigned int t)
{
	return trial_at(d, t) ? trial_at(d, t)->us : -1;
}

unsigned int vxt_diagnose_fix_count(const struct vxt_diagnose *d) { return d ? popcount(d->fix) : 0; }

const char *vxt_diagnose_fix(const struct vxt_diagnose *d, unsigned int i)
{
	for (unsigned int k = 0; d && k < ncand(); k++)
		if ((d->fix & (1u << k)) && i-- == 0)
			return vxt_candidate_name(k);
	return NULL;
}

int vxt_diagnose_policy_text(const struct vxt_diagnose *d, char **text)
{
	if (!d || !text)
		return -EINVAL;
	if (!d->policy)
		return -ENOENT;
	return (*text = strdup(d->policy)) ? 0 : -ENOMEM;
}

long long vxt_diagnose_duration_us(const struct vxt_diagnose *d) { return d ? d->us : -1; }
