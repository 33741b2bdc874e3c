/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune sysctl show|set|render: rp_filter and friends, per interface
 * and glob, with effective values, a report, and persistence. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
	"NAME\n"
	"    vxlantune sysctl - show, set and persist rp_filter and other /proc/sys values\n"
	"\n"
	"SYNOPSIS\n"
	"    vxlantune sysctl show   [--iface GLOB]... [--key KEY]... [KEY...] [--json]\n"
	"    vxlantune sysctl set    KEY=VALUE... [--iface GLOB]... [--dry-run] [--json]\n"
	"    vxlantune sysctl render [--format sysctl.d|kubespray] [-o FILE] KEY=VALUE...\n"
	"                            [--iface GLOB]...\n"
	"\n"
	"DESCRIPTION\n"
	"    Reads and writes /proc/sys of the current network namespace directly\n"
	"    (open/read/write/close; no sysctl(8) processes).  Where /proc/sys is\n"
	"    mounted read-only (a container that is not privileged), per-interface\n"
	"    IPv4 keys (rp_filter on vxlan.calico, cali*) are written over rtnetlink\n"
	"    instead; all, default, IPv6 and plain keys cannot be set there.\n"
	"\n"
	"    show    prints each value; for rp_filter (and arp_ignore, arp_announce,\n"
	"            accept_local, route_localnet, log_martians, proxy_arp) also the\n"
	"            EFFECTIVE value the kernel acts on: max(all, IFACE) for\n"
	"            rp_filter.  Default: rp_filter on all, default and every\n"
	"            interface.\n"
	"    set     validates the whole request first, including that every write\n"
	"            can succeed (a bad key, name, glob or value, a read-only key,\n"
	"            missing privilege: nothing changes; --dry-run fails the same\n"
	"            way), then writes only what differs and\n"
	"            reports every file: changed, unchanged, gone (the interface\n"
	"            vanished meanwhile) or failed.  Per key, interfaces are written\n"
	"            before all and default.\n"
	"    render  prints persistent configuration for the same arguments: an\n"
	"            /etc/sysctl.d drop-in (slash notation for interface names with\n"
	"            dots, e.g. net/ipv4/conf/vxlan.calico/rp_filter = 0), or\n"
	"            Kubespray's additional_sysctl list (which cannot express names\n"
	"            with dots: they are listed as comments).  Globs expand to the\n"
	"            interfaces present now, and 'default' is added so that\n"
	"            interfaces created later inherit the value.\n"
	"\n"
	"KEYS\n"
	"    rp_filter, ipv4.KEY, ipv6.KEY\n"
	"            a per-interface conf key (net/ipvN/conf/IFACE/KEY) applied to\n"
	"            the interfaces given with --iface.\n"
	"    net.ipv4.conf.IFACE.KEY, net/ipv4/conf/IFACE/KEY\n"
	"            the same for one interface; the key is the last segment, so\n"
	"            net.ipv4.conf.vxlan.calico.rp_filter is understood too.\n"
	"    net.ipv4.ip_forward, net/ipv4/ip_forward\n"
	"            any other key, dotted or slash form, [a-z0-9_] segments.\n"
	"    Only net.* keys are accepted unless --any-key is given.  Known ranges\n"
	"    are enforced (rp_filter 0..2: 0 off, 1 strict, 2 loose).\n"
	"\n"
	"OPTIONS\n"
	"    -i, --iface GLOB   all, default, an interface name, or an fnmatch glob\n"
	"                       over the live interfaces (quote it: 'cali*').\n"
	"                       Repeatable.  Names are checked like the kernel does\n"
	"                       (1..15 bytes, no '/', not '.' or '..').\n"
	"    -k, --key KEY      (show) key to show; repeatable.\n"
	"    -n, --dry-run      (set) report what would change, write nothing.\n"
	"    -f, --format FMT   (render) sysctl.d (default) or kubespray.\n"
	"    -o, --output FILE  (render) write FILE atomically (a new file renamed\n"
	"                       over it, mode 0644) instead of standard output.\n"
	"        --any-key      allow keys outside net.* (kernel.*, vm.*).\n"
	"    -j, --json         machine-readable output.\n"
	"    -h, --help         this help.\n"
	"\n"
	"PRIVILEGES\n"
	"    show and render need none.  set (also with --dry-run) needs uid 0 or\n"
	"    CAP_NET_ADMIN in the network namespace, and CAP_NET_ADMIN where\n"
	"    /proc/sys is read-only; otherwise it stops before writing anything and\n"
	"    names the key and the fix (exit 4).  Under a read-only /proc/sys a\n"
	"    request for all, default, IPv6 or plain keys exits 4 the same way: run\n"
	"    it in a privileged container or on the host (systemd unit, Ansible).\n"
	"\n"
	"EXIT STATUS\n"
	"    0 done (also when nothing needed changing); 1 some value could not be\n"
	"    set (failed, or the kernel kept another value); 2 invalid request,\n"
	"    nothing written; 3 no such interface or key; 4 permission denied;\n"
	"    5 other system error.\n"
	"\n"
	"EXAMPLES\n"
	"    vxlantune sysctl show --iface 'cali*' --iface vxlan.calico\n"
	"    vxlantune sysctl set rp_filter=0 --iface 'cali*' --iface vxlan.calico \\\n"
	"        --iface all --iface default\n"
	"    vxlantune sysctl set net.ipv4.ip_forward=1 --dry-run --json\n"
	"    vxlantune sysctl render rp_filter=0 --iface all --iface vxlan.calico \\\n"
	"        -o /etc/sysctl.d/60-vxlantune.conf\n"
	"    vxlantune sysctl render --format kubespray rp_filter=0 --iface all\n";

struct opts {
	const char **ifaces;
	unsigned int nifaces;
	const char **keys;
	unsigned int nkeys;
	const char **args;
	unsigned int nargs;
	bool json, dry_run, any_key;
	const char *format;
	const char *output; /* render -o FILE */
};

static int push(const char ***v, unsigned int *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 2) * sizeof(**v));
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static void opts_free(struct opts *o)
{
	free(o->ifaces);
	free(o->keys);
	free(o->args);
}

/* Parse options after the subcommand.  Returns -1 on success, else an
 * exit code to return. */
static int parse(int argc, char **argv, const char *sub, struct opts *o)
{
	enum { OPT_ANY_KEY = 256 };
	static const struct option longopts[] = {
		{"iface", required_argument, NULL, 'i'}, {"key", required_argument, NULL, 'k'},
		{"dry-run", no_argument, NULL, 'n'},     {"format", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},        {"help", no_argument, NULL, 'h'},
		{"any-key", no_argument, NULL, OPT_ANY_KEY}, {"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	char cmd[32];
	snprintf(cmd, sizeof(cmd), "sysctl %s", sub);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "i:k:nf:jho:", longopts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'i': bad = push(&o->ifaces, &o->nifaces, optarg); break;
		case 'k': bad = push(&o->keys, &o->nkeys, optarg); break;
		case 'n': o->dry_run = true; break;
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'j': o->json = true; break;
		case OPT_ANY_KEY: o->any_key = true; break;
		case 'h': fputs(help_text, stdout); return EXIT_DONE;
		default:
			return cli_usage(cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
		if (bad) {
			cli_error("out of memory");
			return EXIT_SYSTEM;
		}
	}
	for (int i = optind; i < argc; i++)
		if (push(&o->args, &o->nargs, argv[i])) {
			cli_error("out of memory");
			return EXIT_SYSTEM;
		}
	return -1;
}

static int do_show(struct vxt_ctx *ctx, struct opts *o)
{
	for (unsigned int i = 0; i < o->nargs; i++)
		if (push(&o->keys, &o->nkeys, o->args[i])) {
			cli_error("out of memory");
			return EXIT_SYSTEM;
		}
	struct vxt_sysctl_list *l = NULL;
	int rc = vxt_sysctl_show(ctx, o->keys, o->ifaces, o->any_key ? VXT_SYSCTL_ANY_KEY : 0, &l);
	if (rc < 0)
		return cli_fail(ctx, rc);
	unsigned int n = vxt_sysctl_list_count(l);
	if (o->json) {
		json_object *arr = json_object_new_array();
		for (unsigned int i = 0; i < n; i++) {
			json_object *e = json_object_new_object();
			json_object_object_add(e, "object", json_object_new_string(vxt_sysctl_list_object(l, i)));
			json_object_object_add(e, "key", json_object_new_string(vxt_sysctl_list_key(l, i)));
			json_object_object_add(e, "name", json_object_new_string(vxt_sysctl_list_name(l, i)));
			json_object_object_add(e, "value", json_object_new_string(vxt_sysctl_list_value(l, i)));
			json_object_object_add(e, "effective", json_object_new_string(vxt_sysctl_list_effective(l, i)));
			json_object_array_add(arr, e);
		}
		json_object *root = json_object_new_object();
		json_object_object_add(root, "entries", arr);
		cli_print_json(root);
	} else {
		int wo = 6, wk = 3, wv = 5;
		for (unsigned int i = 0; i < n; i++) {
			int a = (int)strlen(vxt_sysctl_list_object(l, i)), b = (int)strlen(vxt_sysctl_list_key(l, i));
			int c = (int)strlen(vxt_sysctl_list_value(l, i));
			wo = a > wo ? a : wo;
			wk = b > wk ? b : wk;
			wv = c > wv ? c : wv;
		}
		printf("%-*s  %-*s  %-*s  %s\n", wo, "OBJECT", wk, "KEY", wv, "VALUE", "EFFECTIVE");
		for (unsigned int i = 0; i < n; i++) {
			const char *obj = vxt_sysctl_list_object(l, i);
			printf("%-*s  %-*s  %-*s  %s\n", wo, obj[0] ? obj : "-", wk,
			       vxt_sysctl_list_key(l, i), wv, vxt_sysctl_list_value(l, i),
			       vxt_sysctl_list_effective(l, i));
		}
	}
	vxt_sysctl_list_unref(l);
	return EXIT_DONE;
}

static int build_req(const char *cmd, struct opts *o, struct vxt_sysctl_req **req)
{
	if (!o->nargs)
		return cli_usage(cmd, "give at least one KEY=VALUE");
	if (o->nkeys)
		return cli_usage(cmd, "--key is for 'sysctl show'; write KEY=VALUE");
	if (vxt_sysctl_req_new(req) < 0) {
		cli_error("out of memory");
		return EXIT_SYSTEM;
	}
	bool used_ifaces = false;
	for (unsigned int i = 0; i < o->nargs; i++) {
		const char *a = o->args[i];
		if (!strchr(a, '='))
			return cli_usage(cmd, "'%s' is not KEY=VALUE", a);
		/* The library says which keys take the --iface list. */
		bool t = vxt_sysctl_key_takes_ifaces(a) == 1;
		used_ifaces |= t;
		int rc = vxt_sysctl_req_add_assignment(*req, a, t ? o->ifaces : NULL);
		if (rc == -ENOMEM) {
			cli_error("out of memory");
			return EXIT_SYSTEM;
		}
		if (rc < 0)
			return cli_usage(cmd, "'%s' is not KEY=VALUE (both non-empty, at most 255 bytes)", a);
	}
	if (o->nifaces && !used_ifaces)
		return cli_usage(cmd, "--iface applies to per-interface keys such as rp_filter; "
		                 "none was given");
	return -1;
}

static int do_set(struct vxt_ctx *ctx, struct opts *o)
{
	struct vxt_sysctl_req *req = NULL;
	struct vxt_report *r = NULL;
	int ex = build_req("sysctl set", o, &req);
	if (ex >= 0)
		goto out;
	if (o->format) {
		ex = cli_usage("sysctl set", "--format is for 'sysctl render'");
		goto out;
	}
	unsigned int flags = (o->dry_run ? VXT_DRY_RUN : 0) | (o->any_key ? VXT_SYSCTL_ANY_KEY : 0);
	int rc = vxt_sysctl_set(ctx, req, flags, &r);
	if (rc < 0) {
		ex = cli_fail(ctx, rc);
		goto out;
	}
	if (!vxt_report_count(r))
		cli_error("warning: no interface matched; nothing to do");
	ex = report_emit(r, o->json, cli_verbose > 0);
out:
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	return ex;
}

static int do_render(struct vxt_ctx *ctx, struct opts *o)
{
	struct vxt_sysctl_req *req = NULL;
	int format = VXT_SYSCTL_FORMAT_SYSCTL_D;
	int ex = -1;
	if (o->format && !strcmp(o->format, "kubespray"))
		format = VXT_SYSCTL_FORMAT_KUBESPRAY;
	else if (o->format && strcmp(o->format, "sysctl.d"))
		return cli_usage("sysctl render", "unknown format '%s' (sysctl.d or kubespray)", o->format);
	if (o->dry_run || o->json)
		return cli_usage("sysctl render", "render changes no value: --dry-run and --json do not apply");
	if (o->output && !*o->output)
		return cli_usage("sysctl render", "-o '': give a file name (or - for standard output)");
	ex = build_req("sysctl render", o, &req);
	if (ex < 0) {
		char *text = NULL;
		int rc = vxt_sysctl_render(ctx, req, format, o->any_key ? VXT_SYSCTL_ANY_KEY : 0, &text);
		if (rc < 0) {
			ex = cli_fail(ctx, rc);
		} else if (o->output && strcmp(o->output, "-")) {
			/* A drop-in read at boot by root: atomic, nothing planted followed. */
			rc = vxt_file_write_atomic(ctx, o->output, text, strlen(text), 0644);
			ex = rc < 0 ? cli_fail(ctx, rc) : EXIT_DONE;
			free(text);
		} else {
			fputs(text, stdout);
			free(text);
			ex = EXIT_DONE;
		}
	}
	vxt_sysctl_req_unref(req);
	return ex;
}

int cmd_sysctl(int argc, char **argv)
{
	if (argc < 2) {
		fputs(help_text, stderr);
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(help_text, stdout);
		return EXIT_DONE;
	}
	int (*run)(struct vxt_ctx *, struct opts *) =
		!strcmp(sub, "show") ? do_show : !strcmp(sub, "set") ? do_set
		: !strcmp(sub, "render") ? do_render : NULL;
	if (!run)
		return cli_usage("sysctl", "unknown subcommand '%s' (show, set, render)", sub);
	struct opts o = {0};
	int ex = parse(argc - 1, argv + 1, sub, &o);
	if (ex < 0) {
		struct vxt_ctx *ctx = NULL;
		if (cli_ctx_new(&ctx) < 0)
			ex = EXIT_SYSTEM;
		else {
			ex = run(ctx, &o);
			vxt_ctx_unref(ctx);
		}
	}
	opts_free(&o);
	return ex;
}
