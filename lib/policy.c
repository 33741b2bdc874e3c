/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* struct vxt_policy: construction, presets, selectors. */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "policy.h"

/* What the CNIs name their VXLAN devices: Calico (IPv4/IPv6), Flannel,
 * Cilium.  The default VXLAN class: whichever of them exist. */
const char *const vxt_default_vxlan[] = {
	"vxlan.calico", "vxlan-v6.calico", "flannel.1", "cilium_vxlan", NULL,
};

unsigned int vxt_vxlan_default_count(void)
{
	return VXT_ARRAY_SIZE(vxt_default_vxlan) - 1;
}

const char *vxt_vxlan_default(unsigned int i)
{
	return i < vxt_vxlan_default_count() ? vxt_default_vxlan[i] : NULL;
}

void vxt_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int strv_add(char ***v, unsigned int *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

int vxt_policy_new(struct vxt_policy **out)
{
	struct vxt_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->refcount = 1;
	for (size_t i = 0; vxt_default_vxlan[i]; i++)
		if (strv_add(&p->vxlan, &p->nvxlan, vxt_default_vxlan[i]) < 0) {
			vxt_policy_unref(p);
			return -ENOMEM;
		}
	*out = p;
	return 0;
}

static void policy_destroy(struct vxt_policy *p)
{
	free(p->name);
	free(p->underlay_method);
	vxt_strv_free(p->vxlan);
	for (unsigned int i = 0; i < p->nfrules; i++) {
		free(p->frules[i].selector);
		free(p->frules[i].lines);
		vxt_feature_req_unref(p->frules[i].req);
	}
	free(p->frules);
	for (unsigned int i = 0; i < p->nsrules; i++) {
		free(p->srules[i].key);
		free(p->srules[i].value);
		free(p->srules[i].selector);
	}
	free(p->srules);
	free(p);
}

VXT_DEFINE_REFCOUNT(policy, policy_destroy)

/* A selector is "underlay", "vxlan", "all", "default", an interface name
 * or a glob of one: 1..255 bytes without '/', blanks or ASCII control
 * characters (names are bytes to the kernel: "caliü" is one). */
int vxt_policy_selector_valid(const char *s)
{
	if (!s || !*s || strnlen(s, 256) > 255)
		return -EINVAL;
	for (const char *c = s; *c; c++)
		if (*c == '/' || (unsigned char)*c <= ' ' || (unsigned char)*c == 0x7f)
			return -EINVAL;
	if (!vxt_is_glob(s) && strcmp(s, "underlay") && strcmp(s, "vxlan") &&
	    vxt_ifname_valid(s) < 0)
		return -EINVAL;
	return 0;
}

int vxt_policy_set_underlay_method(struct vxt_policy *p, const char *method)
{
	if (method && (!*method || strnlen(method, 1024) > 1023))
		return -EINVAL;
	char *m = NULL;
	if (method && !(m = strdup(method)))
		return -ENOMEM;
	free(p->underlay_method);
	p->underlay_method = m;
	return 0;
}

const char *vxt_policy_underlay_method(const struct vxt_policy *p)
{
	return p->underlay_method;
}

int vxt_policy_set_vxlan_interfaces(struct vxt_policy *p, const char *const *globs)
{
	size_t count = 0;
	while (globs && globs[count])
		count++;
	char **v = calloc(count + 1, sizeof(*v)); /* one allocation: linear in count */
	unsigned int n = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; globs && globs[i]; i++) {
		if (vxt_policy_selector_valid(globs[i]) < 0 || !strcmp(globs[i], "vxlan") ||
		    !strcmp(globs[i], "underlay")) {
			vxt_strv_free(v);
			return -EINVAL;
		}
		if (!(v[n++] = strdup(globs[i]))) {
			vxt_strv_free(v);
			return -ENOMEM;
		}
	}
	vxt_strv_free(p->vxlan);
	p->vxlan = v;
	p->nvxlan = n;
	return 0;
}

unsigned int vxt_policy_vxlan_count(const struct vxt_policy *p)
{
	return p->nvxlan;
}

const char *vxt_policy_vxlan(const struct vxt_policy *p, unsigned int i)
{
	return i < p->nvxlan ? p->vxlan[i] : NULL;
}

int vxt_policy_add_feature(struct vxt_policy *p, const char *selector, const char *word, bool on)
{
	return vxt_policy_add_feature_line(p, selector, word, on, 0);
}

int vxt_policy_add_feature_line(struct vxt_policy *p, const char *selector, const char *word,
                                bool on, int line)
{
	if (vxt_policy_selector_valid(selector) < 0 || !strcmp(selector, "all") || !strcmp(selector, "default"))
		return -EINVAL;
	/* Consecutive words for one selector share a request (one SET). */
	struct vxt_feature_rule *last = p->nfrules ? &p->frules[p->nfrules - 1] : NULL;
	if (!last || strcmp(last->selector, selector)) {
		if (vxt_grow((void **)&p->frules, &p->capf, p->nfrules + 1, sizeof(*p->frules)))
			return -ENOMEM;
		last = &p->frules[p->nfrules];
		*last = (struct vxt_feature_rule){0};
		if (!(last->selector = strdup(selector)) || vxt_feature_req_new(&last->req) < 0) {
			free(last->selector);
			return -ENOMEM;
		}
		p->nfrules++;
	}
	unsigned int n = vxt_feature_req_count(last->req);
	if (vxt_grow((void **)&last->lines, &last->caplines, n + 1, sizeof(*last->lines)))
		return -ENOMEM;
	int rc = vxt_feature_req_add(last->req, word, on);
	if (rc == 0)
		last->lines[n] = line;
	return rc;
}

int vxt_policy_add_sysctl(struct vxt_policy *p, const char *key, const char *value,
                          const char *selector)
{
	if (!key || !*key || strnlen(key, 256) > 255 || !value || strnlen(value, 256) > 255 ||
	    (selector && vxt_policy_selector_valid(selector) < 0))
		return -EINVAL;
	if (vxt_grow((void **)&p->srules, &p->caps, p->nsrules + 1, sizeof(*p->srules)))
		return -ENOMEM;
	struct vxt_sysctl_rule *r = &p->srules[p->nsrules];
	*r = (struct vxt_sysctl_rule){
		.key = strdup(key), .value = strdup(value),
		.selector = selector ? strdup(selector) : NULL,
	};
	if (!r->key || !r->value || (selector && !r->selector)) {
		free(r->key);
		free(r->value);
		free(r->selector);
		return -ENOMEM;
	}
	p->nsrules++;
	return 0;
}

unsigned int vxt_policy_feature_rule_count(const struct vxt_policy *p)
{
	return p->nfrules;
}

const char *vxt_policy_feature_rule_selector(const struct vxt_policy *p, unsigned int i)
{
	return i < p->nfrules ? p->frules[i].selector : NULL;
}

unsigned int vxt_policy_sysctl_rule_count(const struct vxt_policy *p)
{
	return p->nsrules;
}

bool vxt_policy_selects(const struct vxt_policy *p, const char *selector,
                        const char *ifname, const char *underlay)
{
	if (!strcmp(selector, "underlay"))
		return underlay && !strcmp(underlay, ifname);
	if (!strcmp(selector, "vxlan")) {
		for (unsigned int i = 0; i < p->nvxlan; i++)
			if (!fnmatch(p->vxlan[i], ifname, 0))
				return true;
		return false;
	}
	if (!strcmp(selector, "all") || !strcmp(selector, "default"))
		return false;
	return !fnmatch(selector, ifname, 0);
}

bool vxt_policy_needs_underlay(const struct vxt_policy *p)
{
	for (unsigned int i = 0; i < p->nfrules; i++)
		if (!strcmp(p->frules[i].selector, "underlay"))
			return true;
	for (unsigned int i = 0; i < p->nsrules; i++)
		if (p->srules[i].selector && !strcmp(p->srules[i].selector, "underlay"))
			return true;
	return false;
}

int vxt_policy_expand(const struct vxt_policy *p, const char *selector, const char *underlay,
                      char ***globs, unsigned int *n)
{
	if (!strcmp(selector, "vxlan")) {
		for (unsigned int i = 0; i < p->nvxlan; i++)
			if (strv_add(globs, n, p->vxlan[i]) < 0)
				return -ENOMEM;
		return 0;
	}
	if (!strcmp(selector, "underlay"))
		return underlay ? strv_add(globs, n, underlay) : 0;
	return strv_add(globs, n, selector);
}
