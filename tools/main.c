/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune: command dispatch and top-level help. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_version(int argc, char **argv)
{
	printf("vxlantune %s (libvxlantune %s)\n", PACKAGE_VERSION, vxt_version());
	return EXIT_DONE;
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* One line per command; each lives in tools/cmd_<name>.c. */
static const struct command commands[] = {
	{"offloads", cmd_offloads, "show or set NIC offload features (ethtool -k / -K)"},
	{"sysctl", cmd_sysctl, "show, set and persist rp_filter and other /proc/sys values"},
	{"links", cmd_links, "list links: kind, state, MTU, addresses, VXLAN details"},
	{"underlay", cmd_underlay, "find the underlay interface and address, and why"},
	{"apply", cmd_apply, "apply a policy (preset or file) once, with a report"},
	{"watch", cmd_watch, "apply a policy, then keep it applied as devices come and go"},
	{"snapshot", cmd_snapshot, "save the state a policy would touch (JSON)"},
	{"restore", cmd_restore, "put a snapshot back"},
	{"check", cmd_check, "health check: local findings, probes to peers, a verdict"},
	{"diagnose", cmd_diagnose, "find the smallest offload/rp_filter change that fixes the probes, undo the rest"},
	{"responder", cmd_responder, "answer the check's probes from other nodes (read-only)"},
	{"version", cmd_version, "print the version"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vxlantune [-v] COMMAND [ARGS...]\n"
		"       vxlantune --help | --version\n"
		"\n"
		"Keep VXLAN overlays (Calico vxlan.calico, Flannel flannel.1, Cilium\n"
		"cilium_vxlan) healthy: NIC offloads, rp_filter and friends, underlay\n"
		"detection, health checks.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -v, --verbose  log what the library does (twice: debug)\n"
		"  -h, --help     this help; 'vxlantune COMMAND --help' for a command\n"
		"  -V, --version  print the version\n"
		"\n"
		"Exit status:\n"
		"  0  done (also when nothing needed changing)\n"
		"  1  some request could not be met (e.g. a [fixed] feature)\n"
		"  2  usage error or invalid input; nothing was changed\n"
		"  3  no such interface or file\n"
		"  4  permission denied (needs CAP_NET_ADMIN: run as root)\n"
		"  5  other system error\n"
		"\n"
		"See vxlantune(8).\n");
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return EXIT_DONE;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			return cmd_version(0, NULL);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			cli_verbose++;
		} else if (!strcmp(a, "-vv")) {
			cli_verbose += 2;
		} else {
			return cli_usage(NULL, "unknown option '%s'", a);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	return cli_usage(NULL, "unknown command '%s'", argv[i]);
}
