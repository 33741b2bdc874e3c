/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Snapshot texts (lib/snapshot.c): the parse-and-validate step of
 * vxt_snapshot_restore (restore_parse, static: the file is included).
 * Only that step runs: nothing here can reach the apply part, which
 * changes the kernel.  Input: the snapshot text. */
#include "../lib/snapshot.c"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxt_ctx *ctx = fuzz_ctx();
	char *text = fuzz_cstr(data, size);
	json_object *root = NULL, *feats = NULL, *sys = NULL;
	int rc = restore_parse(ctx, text, &root, &feats, &sys);
	if (rc < 0) {
		FUZZ_ASSERT(!root && *vxt_ctx_errmsg(ctx));
	} else {
		FUZZ_ASSERT(root && json_object_is_type(feats, json_type_object) &&
		            json_object_is_type(sys, json_type_object));
		/* What the apply step relies on after validation. */
		json_object_object_foreach(feats, ifname, dev) {
			FUZZ_ASSERT(vxt_ifname_valid(ifname) == 0);
			json_object_object_foreach(dev, feat, val) {
				(void)feat;
				const char *v = json_object_get_string(val);
				FUZZ_ASSERT(!strcmp(v, "on") || !strcmp(v, "off"));
			}
		}
		json_object_object_foreach(sys, key, val) {
			char conf_if[IFNAMSIZ];
			(void)conf_key_iface(key, conf_if);
			FUZZ_ASSERT(json_object_get_string(val));
		}
		json_object_put(root);
	}
	free(text);
	return 0;
}
