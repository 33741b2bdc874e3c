/* Policies (internal): rules that say which interfaces get which features
 * and which sysctls, as loaded from a file, a preset or built in code. */
#ifndef VXT_POLICY_H
#define VXT_POLICY_H

#include "internal.h"

/* Feature rule: interfaces chosen by a selector get these words. */
struct vxt_feature_rule {
	char *selector;  /* "underlay", "vxlan", or one name/glob */
	struct vxt_feature_req *req;
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
/* The default VXLAN class, NULL-terminated (policy.c). */
extern const char *const vxt_default_vxlan[];



/* apply.c, for the watcher. */
struct vxt_report;
int vxt_policy_apply_interface(struct vxt_ctx *ctx, const struct vxt_policy *p,
                               const char *ifname, const char *underlay, bool sysctls,
                               unsigned int flags, struct vxt_report *r);
/* The policy's underlay now ("" if it needs none or none was found). */
int vxt_policy_underlay_name(struct vxt_ctx *ctx, const struct vxt_policy *p, char name[16]);
#endif
