/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Policy files (lib/policy_file.c, public vxt_policy_load_string) and the
 * pure validation after loading (vxt_policy_check: the underlay method and
 * the feature words against the kernel's names, here fuzz_names()).
 * Input: the text of a policy file. */
#include "config.h"

#include "fuzz.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxt_ctx *ctx = fuzz_ctx();
	char *text = fuzz_cstr(data, size);
	struct vxt_policy *p = NULL;
	int rc = vxt_policy_load_string(ctx, text, &p);
	if (rc < 0) {
		FUZZ_ASSERT(!p && *vxt_ctx_errmsg(ctx));
	} else {
		FUZZ_ASSERT(p && (p->nfrules || p->nsrules));
		if (vxt_policy_check(ctx, p) < 0)
			FUZZ_ASSERT(*vxt_ctx_errmsg(ctx));
		(void)vxt_policy_underlay_method(p);
		for (unsigned int i = 0; i < vxt_policy_vxlan_count(p); i++)
			FUZZ_ASSERT(vxt_policy_vxlan(p, i));
		for (unsigned int i = 0; i < vxt_policy_feature_rule_count(p); i++) {
			const char *sel = vxt_policy_feature_rule_selector(p, i);
			FUZZ_ASSERT(sel && vxt_policy_selector_valid(sel) == 0);
			char **globs = NULL;
			unsigned int n = 0;
			FUZZ_ASSERT(vxt_policy_expand(p, sel, "eth0", &globs, &n) == 0);
			for (unsigned int g = 0; g < n; g++)
				(void)vxt_policy_selects(p, sel, globs[g], "eth0");
			vxt_strv_free(globs);
		}
		(void)vxt_policy_sysctl_rule_count(p);
		(void)vxt_policy_needs_underlay(p);
		vxt_policy_unref(p);
	}
	free(text);
	return 0;
}
