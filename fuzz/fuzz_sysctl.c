/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sysctl keys, values and interface selectors (lib/sysctl_key.c,
 * sysctl_iface.c, sysctl_req.c): the pure validation that runs before any
 * file under /proc/sys is opened.  Never writes /proc (fuzz/guard.c aborts
 * on any open for writing).
 * Input: "KEY = VALUE" on the first line, interface selectors on the
 * following lines, as `vxlantune sysctl set KEY=VALUE --iface SEL...`. */
#include "config.h"

#include "fuzz.h"
#include "sysctl.h"

/* Relative, and no component is empty, "." or "..": the path stays
 * inside /proc/sys. */
static bool path_safe(const char *path)
{
	if (path[0] == '/')
		return false;
	for (const char *c = path;;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxt_ctx *ctx = fuzz_ctx();
	char *text = fuzz_cstr(data, size);
	char *save = NULL;
	char *assignment = strtok_r(text, "\n", &save);
	const char *sels[9] = {0};
	unsigned int nsels = 0;
	for (char *s; nsels < 8 && (s = strtok_r(NULL, "\n", &save));)
		sels[nsels++] = s;
	if (!assignment)
		goto out;

	struct vxt_sysctl_req *req;
	if (vxt_sysctl_req_new(&req) < 0)
		abort();
	int rc = vxt_sysctl_req_add_assignment(req, assignment, nsels ? sels : NULL);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		const struct vxt_sysctl_item *it = &req->v[0];
		for (unsigned int flags = 0; flags <= VXT_SYSCTL_ANY_KEY; flags += VXT_SYSCTL_ANY_KEY) {
			struct vxt_sysctl_key k;
			if (vxt_sysctl_key_parse(ctx, it->key, flags, &k) < 0) {
				FUZZ_ASSERT(*vxt_ctx_errmsg(ctx));
				continue;
			}
			FUZZ_ASSERT(k.kind == VXT_SK_PLAIN || k.kind == VXT_SK_CONF);
			FUZZ_ASSERT(strlen(k.shortname) <= VXT_SK_INPUT_MAX);
			if (k.kind == VXT_SK_PLAIN)
				FUZZ_ASSERT(!strstr(k.path, "..") && k.path[0] != '/');
			int rule = vxt_sysctl_key_rule(&k);
			FUZZ_ASSERT(rule == VXT_EFF_OWN || rule == VXT_EFF_MAX || rule == VXT_EFF_OR);
			char norm[VXT_SK_INPUT_MAX + 1], path[VXT_SK_PATH_MAX], disp[VXT_SK_PATH_MAX];
			int known = vxt_sysctl_value_check(ctx, &k, "fuzz", it->value, norm, sizeof(norm));
			if (known >= 0) {
				FUZZ_ASSERT(norm[0] && strlen(norm) <= VXT_SK_INPUT_MAX);
				FUZZ_ASSERT(vxt_sysctl_value_equal(norm, norm));
				char eff[64];
				vxt_sysctl_value_effective(rule, "1", norm, eff, sizeof(eff));
			}
			const char *objs[11] = {"all", "default"}; /* + 8 selectors + k.sel */
			unsigned int nobj = 2;
			for (unsigned int i = 0; i < nsels; i++)
				if (vxt_sel_check(ctx, sels[i]) == 0 && !vxt_is_glob(sels[i]))
					objs[nobj++] = sels[i];
			if (k.kind == VXT_SK_CONF && k.sel[0] && !vxt_is_glob(k.sel))
				objs[nobj++] = k.sel;
			for (unsigned int i = 0; i < nobj; i++) {
				if (vxt_sysctl_key_path(&k, objs[i], path, sizeof(path)) == 0)
					FUZZ_ASSERT(path_safe(path));
				(void)vxt_sysctl_key_display(&k, objs[i], disp, sizeof(disp));
			}
		}
	}
	vxt_sysctl_req_unref(req);
out:
	free(text);
	return 0;
}
