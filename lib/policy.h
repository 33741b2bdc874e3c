/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Policies (internal): rules that say which interfaces get which features
 * and which sysctls, as loaded from a file, a preset or built in code. */
#ifndef VXT_POLICY_H
#define VXT_POLICY_H

#include "internal.h"

/* Feature rule: interfaces chosen by a selector get these words. */
struct vxt_feature_rule {
	char *selector;  /* "underlay", "vxlan", or one name/glob */
	struct vxt_feature_req *req;
	int *lines;      /* per word of req: its line in the policy file, 0 if
	                    built in code (for messages about conflicts) */
	unsigned int caplines;
};

/* Sysctl rule: KEY = VALUE for the interfaces of a selector (NULL for
 * plain or full keys). */
struct vxt_sysctl_rule {
	char *key, *value;
	char *selector;  /* "all", "default", "underlay", "vxlan", name, glob, or NULL */
};

struct vxt_policy {
	int refcount;
	char *name;            /* preset name or file path, for messages */
	char *underlay_method; /* NULL: no underlay in this policy */
	char **vxlan;          /* NULL-terminated globs of the VXLAN class */
	unsigned int nvxlan;
	struct vxt_feature_rule *frules;
	unsigned int nfrules, capf;
	struct vxt_sysctl_rule *srules;
	unsigned int nsrules, caps;
};

/* 0 if s can select interfaces ("underlay", "vxlan", "all", "default",
 * a valid name or a glob), else -EINVAL. */
int vxt_policy_selector_valid(const char *s);
/* True if ifname belongs to the selector (underlay: the detected name). */
bool vxt_policy_selects(const struct vxt_policy *p, const char *selector,
                        const char *ifname, const char *underlay);
/* True if any rule of the policy names the underlay. */
bool vxt_policy_needs_underlay(const struct vxt_policy *p);
/* The selector's interface globs: "vxlan" expands to the VXLAN class,
 * "underlay" to the detected name (skipped when NULL); others as they
 * are.  Appends to a NULL-terminated array; returns 0 or -ENOMEM. */
int vxt_policy_expand(const struct vxt_policy *p, const char *selector,
                      const char *underlay, char ***globs, unsigned int *n);
void vxt_strv_free(char **v);
/* vxt_policy_add_feature() for the word on line `line` of the file. */
int vxt_policy_add_feature_line(struct vxt_policy *p, const char *selector, const char *word,
                                bool on, int line);

/* policy_conflict.c: refuse two rules that give one feature of one
 * interface two values.  underlay: the detected name, or NULL to leave
 * the "underlay" rules out (at load time the underlay is not known yet).
 * -EINVAL with a message naming both rules (file:line), else 0. */
int vxt_policy_check_conflicts(struct vxt_ctx *ctx, const struct vxt_policy *p,
                               const char *underlay);
/* Could some string match both fnmatch(3) patterns? */
bool vxt_glob_overlap(const char *a, const char *b);
/* The default VXLAN class, NULL-terminated (policy.c). */
extern const char *const vxt_default_vxlan[];



/* plan.c: the plan of a policy, computed before the first change.
 * only: NULL for the whole policy, or the one interface the watcher
 * handles; underlay: the name to use, or NULL to detect it; sysctls: plan
 * the sysctl part too.  Fails (-errno, the context's message says why)
 * when anything of it could not be done: nothing has changed then.  Free
 * with vxt_policy_plan_free() even on failure. */
#include "features.h"
#include "sysctl.h"
struct vxt_policy_plan {
	char underlay[16];
	struct vxt_report *found;     /* entries of planning (underlay not found) */
	struct vxt_fplan features;    /* every device's features, merged rules */
	bool has_features;
	struct vxt_sysctl_req *sreq;
	struct vxt_sysctl_plan sysctl;
	bool has_sysctl;
};
int vxt_policy_plan_build(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *only,
                          const char *underlay, bool sysctls, unsigned int flags,
                          struct vxt_policy_plan *pl);
void vxt_policy_plan_free(struct vxt_policy_plan *pl);
/* Prefix the context's message with the policy's name; returns rc. */
int vxt_policy_fail(struct vxt_ctx *ctx, const struct vxt_policy *p, int rc);
/* The policy's underlay now ("" if it needs none or none was found). */
int vxt_policy_underlay_name(struct vxt_ctx *ctx, const struct vxt_policy *p, char name[16]);

/* apply.c: execute a plan; for the watcher, the plan and execution of one
 * interface, its entries appended to r. */
struct vxt_report;
int vxt_policy_plan_execute(struct vxt_ctx *ctx, struct vxt_policy_plan *pl, unsigned int flags,
                            struct vxt_report **report);
int vxt_policy_apply_interface(struct vxt_ctx *ctx, const struct vxt_policy *p,
                               const char *ifname, const char *underlay, bool sysctls,
                               unsigned int flags, struct vxt_report *r);
#endif
