/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Conflicting feature rules: `[interface cali*] gro off` and `[interface
 * cali1] gro on` give cali1 two values.  Applied one after the other, each
 * undoes the other and every change is an event that starts the next apply
 * (a watcher loops forever), so such a policy is refused when it is loaded,
 * naming both rules.  Without looking at the system: two selectors conflict
 * when some interface name could match both (glob intersection), two words
 * when some kernel feature name could (ethtool's legacy words stand for
 * their patterns: "tx" is "tx-checksum-*"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "policy.h"

/* One pattern element: a set of bytes (a literal, '?' or [...]), or '*'. */
struct tok {
	bool star;
	uint32_t set[8];
};

static void set_add(struct tok *t, unsigned char c)
{
	t->set[c / 32] |= 1u << (c % 32);
}

/* fnmatch(3) syntax without flags: '\' quotes, [!...] and [^...] negate,
 * a ']' first in a bracket is literal, an unterminated '[' is literal. */
static unsigned int tokenize(const char *p, struct tok *out, unsigned int max)
{
	unsigned int n = 0;
	while (*p && n < max) {
		struct tok *t = &out[n++];
		memset(t, 0, sizeof(*t));
		if (*p == '*') {
			t->star = true;
			while (*p == '*')
				p++;
			continue;
		}
		if (*p == '?') {
			memset(t->set, 0xff, sizeof(t->set));
			t->set[0] &= ~1u; /* never NUL */
			p++;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = *q == '!' || *q == '^';
			if (neg)
				q++;
			const char *first = q;
			struct tok b = {0};
			while (*q && (*q != ']' || q == first)) {
				unsigned char lo = (unsigned char)*q, hi = lo;
				if (q[1] == '-' && q[2] && q[2] != ']') {
					hi = (unsigned char)q[2];
					q += 2;
				}
				for (unsigned int c = lo; c <= hi; c++)
					set_add(&b, (unsigned char)c);
				q++;
			}
			if (*q == ']') {
				for (int i = 0; i < 8; i++)
					t->set[i] = neg ? ~b.set[i] : b.set[i];
				t->set[0] &= ~1u;
				p = q + 1;
				continue;
			}
			/* unterminated: a literal '[' */
		}
		if (*p == '\\' && p[1])
			p++;
		set_add(t, (unsigned char)*p++);
	}
	return n;
}

static bool sets_meet(const struct tok *a, const struct tok *b)
{
	for (int i = 0; i < 8; i++)
		if (a->set[i] & b->set[i])
			return true;
	return false;
}

bool vxt_glob_overlap(const char *a, const char *b)
{
	/* Selectors and feature words are at most 255 bytes. */
	enum { MAX = 256 };
	struct tok *ta = calloc(2 * MAX, sizeof(*ta));
	bool *dp = calloc((MAX + 1) * (MAX + 1), sizeof(*dp));
	if (!ta || !dp) {
		free(ta);
		free(dp);
		return true; /* cannot tell: assume they meet, refuse rather than loop */
	}
	struct tok *tb = ta + MAX;
	unsigned int n = tokenize(a, ta, MAX), m = tokenize(b, tb, MAX);
	/* dp[i][j]: the rest of a from token i and the rest of b from token j
	 * match a common string.  A star may absorb one element of the other
	 * side (a star absorbing a star is fine: both can match the same). */
#define DP(i, j) dp[(size_t)(i) * (MAX + 1) + (j)]
	for (unsigned int i = n + 1; i-- > 0;)
		for (unsigned int j = m + 1; j-- > 0;) {
			bool v;
			if (i == n && j == m)
				v = true;
			else if (i < n && ta[i].star)
				v = DP(i + 1, j) || (j < m && DP(i, j + 1));
			else if (j < m && tb[j].star)
				v = DP(i, j + 1) || (i < n && DP(i + 1, j));
			else
				v = i < n && j < m && sets_meet(&ta[i], &tb[j]) && DP(i + 1, j + 1);
			DP(i, j) = v;
		}
	bool meet = DP(0, 0);
#undef DP
	free(ta);
	free(dp);
	return meet;
}

/* The interface patterns of a selector; NULL-terminated, NULL when it
 * stands for nothing we can judge (the underlay before detection). */
static int selector_globs(const struct vxt_policy *p, const char *sel, const char *underlay,
                          char ***v)
{
	unsigned int n = 0;
	*v = NULL;
	if (!strcmp(sel, "underlay") && !underlay)
		return 0;
	return vxt_policy_expand(p, sel, underlay, v, &n);
}

static bool selectors_meet(char **a, char **b, const char **wa, const char **wb)
{
	for (size_t i = 0; a && a[i]; i++)
		for (size_t j = 0; b && b[j]; j++)
			if (vxt_glob_overlap(a[i], b[j])) {
				*wa = a[i];
				*wb = b[j];
				return true;
			}
	return false;
}

static void where(const struct vxt_policy *p, const struct vxt_feature_rule *r, unsigned int w,
                  char *buf, size_t len)
{
	int line = r->lines ? r->lines[w] : 0;
	const char *name = p->name ? p->name : "policy";
	if (line > 0)
		snprintf(buf, len, "%s:%d", name, line);
	else
		snprintf(buf, len, "%s", name);
}

static const char *section_of(const char *sel, char *buf, size_t len)
{
	if (!strcmp(sel, "underlay") || !strcmp(sel, "vxlan"))
		snprintf(buf, len, "[%s]", sel);
	else
		snprintf(buf, len, "[interface %s]", sel);
	return buf;
}

/* Two words of one rule on the same line are ethtool's own idiom ("tx off
 * tx-checksum-ip-generic on": the later word wins): not a conflict. */
static bool same_line(const struct vxt_feature_rule *r, unsigned int a, unsigned int b)
{
	return r->lines && r->lines[a] > 0 && r->lines[a] == r->lines[b];
}

int vxt_policy_check_conflicts(struct vxt_ctx *ctx, const struct vxt_policy *p,
                               const char *underlay)
{
	char **globs[2] = {NULL, NULL};
	int rc = 0;
	for (unsigned int i = 0; i < p->nfrules && rc == 0; i++) {
		const struct vxt_feature_rule *ri = &p->frules[i];
		vxt_strv_free(globs[0]);
		if ((rc = selector_globs(p, ri->selector, underlay, &globs[0])) < 0 || !globs[0])
			continue;
		for (unsigned int j = i; j < p->nfrules && rc == 0; j++) {
			const struct vxt_feature_rule *rj = &p->frules[j];
			vxt_strv_free(globs[1]);
			globs[1] = NULL;
			const char *gi = NULL, *gj = NULL;
			if (j == i) {
				gi = gj = ri->selector;
			} else if ((rc = selector_globs(p, rj->selector, underlay, &globs[1])) < 0 ||
			           !selectors_meet(globs[0], globs[1], &gi, &gj)) {
				continue;
			}
			unsigned int ni = vxt_feature_req_count(ri->req), nj = vxt_feature_req_count(rj->req);
			for (unsigned int a = 0; a < ni && rc == 0; a++)
				for (unsigned int b = j == i ? a + 1 : 0; b < nj && rc == 0; b++) {
					bool va = vxt_feature_req_on(ri->req, a), vb = vxt_feature_req_on(rj->req, b);
					const char *wa = vxt_feature_req_word(ri->req, a);
					const char *wb = vxt_feature_req_word(rj->req, b);
					if (va == vb || (j == i && same_line(ri, a, b)) ||
					    !vxt_glob_overlap(vxt_feature_word_pattern(wa), vxt_feature_word_pattern(wb)))
						continue;
					char at_a[300], at_b[300], sa[300], sb[300];
					where(p, ri, a, at_a, sizeof(at_a));
					where(p, rj, b, at_b, sizeof(at_b));
					const char *same = !vxt_is_glob(gj) ? gj : !vxt_is_glob(gi) ? gi : NULL;
					rc = vxt_fail(ctx, EINVAL,
					              "%s: %s '%s %s' conflicts with %s: %s '%s %s': %s%s%s would get "
					              "two values and each apply would undo the other (remove one "
					              "rule or narrow its selector)",
					              at_b, section_of(rj->selector, sb, sizeof(sb)), wb, vb ? "on" : "off",
					              at_a, section_of(ri->selector, sa, sizeof(sa)), wa, va ? "on" : "off",
					              same ? "interface '" : "an interface both select",
					              same ? same : "", same ? "'" : "");
				}
		}
	}
	vxt_strv_free(globs[0]);
	vxt_strv_free(globs[1]);
	return rc;
}
