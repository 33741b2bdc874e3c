/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune offloads show|set: ethtool -k / -K for one, some or every
 * interface, with ethtool's feature names and aliases. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_stream.h"

static void usage(FILE *out)
{
	fputs(
"Usage: vxlantune offloads show [IFACE|GLOB...] [--json]\n"
"       vxlantune offloads set  IFACE|GLOB|--all FEATURE on|off [FEATURE on|off...]\n"
"                               [--dry-run] [--json] [--all-entries]\n"
"\n"
"Show or change NIC offload features over ethtool netlink (the legacy\n"
"SIOCETHTOOL ioctl on kernels older than 5.7), like ethtool -k / -K.\n"
"\n"
"show    every interface when none is named; one dump for all of them,\n"
"        written as it is read (memory does not grow with the interfaces).\n"
"        Text as ethtool -k prints it: 'name: on|off [fixed] [requested on]'.\n"
"set     FEATURE is what ethtool -K takes: a kernel name\n"
"        (tx-checksum-ip-generic), an ethtool long name\n"
"        (generic-receive-offload) or short alias: rx tx sg tso ufo gso gro\n"
"        lro rxvlan txvlan ntuple rxhash.  Aliases expand over the running\n"
"        kernel's names exactly as ethtool does (tx = tx-checksum-*).\n"
"        IFACE may be an fnmatch glob ('cali*'); quote it.  Prints what\n"
"        changed, what the driver refused ([fixed]) and side effects\n"
"        ([not requested]).  An unknown feature changes nothing.\n"
"\n"
"Options:\n"
"  --json         machine-readable output (show: ethtool --json -k shape;\n"
"                 set: the report with before/after/status per feature)\n"
"  -n, --dry-run  report what would change; send nothing\n"
"  --all          set: every interface (like the glob '*')\n"
"  --all-entries  set: list unchanged features too\n"
"  -h, --help     this help\n"
"\n"
"Exit status: 0 done (also when nothing needed changing); 1 a requested\n"
"feature could not be changed ([fixed]); 2 usage error or unknown feature;\n"
"3 no such interface; 4 permission denied (needs CAP_NET_ADMIN); 5 other.\n"
"\n"
"Examples:\n"
"  vxlantune offloads show vxlan.calico\n"
"  vxlantune offloads set vxlan.calico rx off tx off tso off gso off gro off\n"
"  vxlantune offloads set 'cali*' gro off --dry-run\n"
"  vxlantune offloads set vxlan.calico tx-checksum-ip-generic off --json\n",
		out);
}

static const struct option show_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"all", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static void print_text(const struct vxt_features *f)
{
	printf("Features for %s:\n", vxt_features_ifname(f));
	unsigned int n = vxt_features_count(f);
	for (unsigned int i = 0; i < n; i++) {
		bool on = vxt_features_active(f, i), want = vxt_features_wanted(f, i);
		bool fixed = !vxt_features_changeable(f, i);
		printf("%s: %s%s", vxt_features_name(f, i), on ? "on" : "off", fixed ? " [fixed]" : "");
		if (want != on && !fixed)
			printf(" [requested %s]", want ? "on" : "off");
		putchar('\n');
	}
}

static void write_json(struct json_stream *js, const struct vxt_features *f)
{
	json_stream_begin_object(js);
	json_stream_key(js, "ifname");
	json_stream_string(js, vxt_features_ifname(f));
	json_stream_key(js, "ifindex");
	json_stream_int(js, vxt_features_ifindex(f));
	const char *states = vxt_features_states(f);
	unsigned int n = vxt_features_count(f);
	for (unsigned int i = 0; states && i < n; i++) {
		unsigned int st = (unsigned int)(states[i] - '0');
		json_stream_key(js, vxt_features_name(f, i));
		json_stream_begin_object(js);
		json_stream_key(js, "active");
		json_stream_bool(js, st & 1);
		json_stream_key(js, "fixed");
		json_stream_bool(js, st & 4);
		json_stream_key(js, "requested");
		json_stream_bool(js, st & 2);
		json_stream_end_object(js);
	}
	json_stream_end_object(js);
}

/* Where show's output goes: each interface is written as soon as it is
 * read (the dump is never held), text or one JSON array. */
struct show_out {
	struct json_stream *js; /* NULL: text */
	char **patterns;        /* NULL: every interface */
	int npatterns;
	unsigned int shown;
};

static int show_one(struct vxt_features *f, void *arg)
{
	struct show_out *o = arg;
	bool want = !o->patterns;
	for (int a = 0; a < o->npatterns && !want; a++)
		want = !fnmatch(o->patterns[a], vxt_features_ifname(f), 0);
	if (!want)
		return 0;
	if (o->js) {
		if (!o->shown)
			json_stream_begin_array(o->js);
		write_json(o->js, f);
	} else {
		if (o->shown)
			putchar('\n');
		print_text(f);
	}
	o->shown++;
	return 0;
}

static int show(int argc, char **argv)
{
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", show_opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'a': break;
		case 'h': usage(stdout); return EXIT_DONE;
		default: return cli_usage("offloads", "invalid option");
		}
	}
	bool globs = false;
	for (int i = optind; i < argc; i++) {
		if (vxt_name_is_pattern(argv[i]))
			globs = true;
		else if (vxt_ifname_valid(argv[i]) < 0)
			return cli_usage("offloads", "invalid interface name '%s'", argv[i]);
	}
	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0)
		return EXIT_SYSTEM;
	struct json_stream *js = json ? json_stream_new(stdout) : NULL;
	if (json && !js) {
		vxt_ctx_unref(ctx);
		return EXIT_SYSTEM;
	}
	struct show_out o = {.js = js};
	int ret = EXIT_DONE;
	bool all = optind >= argc;
	if (all || globs) {
		if (!all) {
			o.patterns = argv + optind;
			o.npatterns = argc - optind;
		}
		int rc = vxt_features_foreach(ctx, show_one, &o);
		if (rc < 0)
			ret = cli_fail(ctx, rc);
		else if (!o.shown) {
			cli_error("no interface matches '%s'", argv[optind]);
			ret = EXIT_NOTFOUND;
		}
	} else {
		for (int i = optind; i < argc; i++) {
			struct vxt_features *f;
			int rc = vxt_features_get(ctx, argv[i], &f);
			if (rc < 0) {
				ret = cli_fail(ctx, rc);
				continue;
			}
			show_one(f, &o);
			vxt_features_unref(f);
		}
	}
	/* A document once begun is always closed: what was read stays valid
	 * JSON even when the dump failed half-way (the exit status says so). */
	if (js && (o.shown || ret == EXIT_DONE || ret == EXIT_NOTFOUND)) {
		if (!o.shown)
			json_stream_begin_array(js);
		json_stream_end_array(js);
		int rc = json_stream_free(js);
		if (rc < 0 && ret == EXIT_DONE) {
			cli_error("writing the JSON output: %s", strerror(-rc));
			ret = EXIT_SYSTEM;
		}
	} else {
		free(js);
	}
	vxt_ctx_unref(ctx);
	return ret;
}

static const struct option set_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"dry-run", no_argument, NULL, 'n'},
	{"all", no_argument, NULL, 'a'},
	{"all-entries", no_argument, NULL, 'A'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

/* set over a glob: each interface's entries as soon as they are known,
 * text or JSON (begun at the first). */
struct set_out {
	bool all_entries, dry;
	struct json_stream *js;
	unsigned int parts;
};

static int print_part(const struct vxt_report *part, void *arg)
{
	struct set_out *o = arg;
	if (o->js) {
		if (!o->parts)
			report_json_begin(o->js, o->dry);
		report_json_entries(o->js, part);
	} else {
		report_print_entries(part, o->all_entries);
	}
	o->parts++;
	return 0;
}

static int set(int argc, char **argv)
{
	bool json = false, dry = false, all = false, all_entries = false;
	int c;
	optind = 1;
	/* '+' is not used: options may follow the feature list, as people
	 * type them at 3 a.m. */
	while ((c = getopt_long(argc, argv, "jnh", set_opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'n': dry = true; break;
		case 'a': all = true; break;
		case 'A': all_entries = true; break;
		case 'h': usage(stdout); return EXIT_DONE;
		default: return cli_usage("offloads", "invalid option");
		}
	}
	const char *target = NULL;
	if (!all) {
		if (optind >= argc)
			return cli_usage("offloads", "set: missing interface (or --all)");
		target = argv[optind++];
		if (!vxt_name_is_pattern(target) && vxt_ifname_valid(target) < 0)
			return cli_usage("offloads", "invalid interface name '%s'", target);
	}
	if (optind >= argc)
		return cli_usage("offloads", "set: missing FEATURE on|off");
	if ((argc - optind) % 2)
		return cli_usage("offloads", "set: feature '%s' needs 'on' or 'off'", argv[argc - 1]);

	struct vxt_feature_req *req;
	if (vxt_feature_req_new(&req) < 0)
		return EXIT_SYSTEM;
	for (int i = optind; i < argc; i += 2) {
		bool on;
		if (!cli_parse_onoff(argv[i + 1], &on)) {
			vxt_feature_req_unref(req);
			return cli_usage("offloads", "'%s %s': the value must be 'on' or 'off'", argv[i], argv[i + 1]);
		}
		if (vxt_feature_req_add(req, argv[i], on) < 0) {
			vxt_feature_req_unref(req);
			return cli_usage("offloads", "invalid feature name '%s'", argv[i]);
		}
	}

	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0) {
		vxt_feature_req_unref(req);
		return EXIT_SYSTEM;
	}
	struct vxt_report *r = NULL;
	unsigned int flags = dry ? VXT_DRY_RUN : 0;
	int rc;
	bool streamed = false;
	struct set_out out = {.all_entries = all_entries, .dry = dry};
	if (target && !vxt_name_is_pattern(target)) {
		rc = vxt_features_set(ctx, target, req, flags, &r);
	} else {
		const char *globs[] = {target, NULL};
		/* Printed an interface at a time (text or JSON); only the
		 * counts are kept. */
		streamed = true;
		if (json && !(out.js = json_stream_new(stdout)))
			rc = -ENOMEM;
		else
			rc = vxt_features_set_glob_each(ctx, target ? globs : NULL, req, flags, print_part, &out, &r);
	}
	int ret;
	if (rc < 0) {
		ret = cli_fail(ctx, rc);
		free(out.js);
	} else {
		if (streamed && out.js) {
			if (!out.parts)
				report_json_begin(out.js, dry);
			report_json_end(out.js, r);
			int wr = json_stream_free(out.js);
			ret = wr < 0 ? EXIT_SYSTEM : report_exit_code(r);
			if (wr < 0)
				cli_error("writing the JSON report: %s", strerror(-wr));
		} else if (streamed) {
			report_print_summary(r);
			ret = report_exit_code(r);
		} else {
			ret = report_emit(r, json, all_entries);
		}
		unsigned int entries = streamed ? out.parts : vxt_report_count(r);
		if (target && vxt_name_is_pattern(target) && entries == 0) {
			cli_error("no interface matches '%s'", target);
			ret = EXIT_NOTFOUND;
		}
	}
	vxt_report_unref(r);
	vxt_feature_req_unref(req);
	vxt_ctx_unref(ctx);
	return ret;
}

int cmd_offloads(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (!strcmp(argv[1], "show"))
		return show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return set(argc - 1, argv + 1);
	return cli_usage("offloads", "unknown subcommand '%s' (show or set)", argv[1]);
}
