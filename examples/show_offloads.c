/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Print the offload features of one interface with libvxlantune.
 * Build against an installed library:
 *   cc show_offloads.c $(pkg-config --cflags --libs libvxlantune)
 */
#include <stdio.h>
#include <string.h>
#include <vxlantune.h>

int main(int argc, char **argv)
{
	const char *ifname = argc > 1 ? argv[1] : "lo";
	struct vxt_ctx *ctx;
	struct vxt_features *f;

	if (vxt_ctx_new(&ctx) < 0)
		return 1;
	int rc = vxt_features_get(ctx, ifname, &f);
	if (rc < 0) {
		fprintf(stderr, "show_offloads: %s\n", vxt_ctx_errmsg(ctx));
		vxt_ctx_unref(ctx);
		return 1;
	}
	for (unsigned int i = 0; i < vxt_features_count(f); i++)
		printf("%s: %s%s\n", vxt_features_name(f, i), vxt_features_active(f, i) ? "on" : "off",
		       vxt_features_changeable(f, i) ? "" : " [fixed]");
	vxt_features_unref(f);
	vxt_ctx_unref(ctx);
	return 0;
}
