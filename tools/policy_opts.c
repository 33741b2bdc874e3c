/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --config FILE | --preset NAME, shared by apply, watch, snapshot, check. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_CONFIG SYSCONFDIR "/vxlantune/vxlantune.conf"

int policy_opts_load(struct vxt_ctx *ctx, const struct policy_opts *o, const char *cmd,
                     struct vxt_policy **out)
{
	int rc;
	if (o->config && o->preset)
		return cli_usage(cmd, "use --config or --preset, not both");
	if (o->preset)
		rc = vxt_policy_preset(ctx, o->preset, out);
	else if (o->config || access(DEFAULT_CONFIG, R_OK) == 0)
		rc = vxt_policy_load_file_flags(ctx, o->config ? o->config : DEFAULT_CONFIG,
		                                o->strict_modes ? VXT_FILE_STRICT_MODES : 0, out);
	else
		return cli_usage(cmd, "no policy: use --config FILE or --preset NAME (%s), or create "
		                 DEFAULT_CONFIG, cli_preset_names());
	if (rc < 0) {
		int ex = cli_fail(ctx, rc);
		/* A policy that cannot be read is bad input: nothing was done. */
		return ex == EXIT_NOTFOUND ? EXIT_NOTFOUND : ex == EXIT_PERM ? EXIT_PERM : EXIT_USAGE;
	}
	return EXIT_DONE;
}

const char *policy_opts_help =
"Policy (one of):\n"
"  -c, --config FILE  a policy file (INI, see vxlantune(8) and\n"
"                     examples/vxlantune.conf); default " DEFAULT_CONFIG "\n"
"  -p, --preset NAME  calico-incident: the incident's fix (rx tx tso gso gro\n"
"                       off on the default-route underlay and vxlan.calico,\n"
"                       rp_filter=0 on all, default and every interface;\n"
"                       note: Calico wants rp_filter=1 on cali*)\n"
"                     checksum: tx-checksum-ip-generic off on the VXLAN\n"
"                       devices (what Calico Felix, kOps, Flannel's docs do)\n";
