/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune apply | snapshot | restore. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct option apply_opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"preset", required_argument, NULL, 'p'},
	{"dry-run", no_argument, NULL, 'n'},
	{"json", no_argument, NULL, 'j'},
	{"all-entries", no_argument, NULL, 'A'},
	{"show-policy", no_argument, NULL, 'S'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static void apply_usage(FILE *out)
{
	fprintf(out,
"Usage: vxlantune apply [--config FILE | --preset NAME] [--dry-run] [--json]\n"
"                       [--all-entries] [--show-policy]\n"
"\n"
"Apply a policy once: offload features on the underlay, the VXLAN devices\n"
"and any other interfaces it names, then its sysctls.  One plan for all of\n"
"it comes first: every interface resolved, every write checked (read-only\n"
"keys such as ipv4.mc_forwarding, read-only /proc/sys, CAP_NET_ADMIN), and\n"
"contradicting rules refused; if anything cannot be done, nothing changes\n"
"(--dry-run fails the same way).  If a write fails anyway (the kernel\n"
"refuses a value), everything already changed is put back: those entries\n"
"say 'rolled-back', the write that failed 'failed'.  Prints what changed;\n"
"a second run changes nothing and says so.\n"
"\n"
"%s"
"\n"
"Options:\n"
"  -n, --dry-run      report what would change; change nothing\n"
"  --json             the report as JSON (changed, unmet, entries)\n"
"  --all-entries      list unchanged entries too\n"
"  --show-policy      print the preset's policy file and exit\n"
"  -h, --help         this help\n"
"\n"
"Exit status: 0 done (also when nothing needed changing); 1 something\n"
"requested could not be done (fixed feature, failed and rolled-back\n"
"writes, no underlay);\n"
"2 bad policy or usage; 3 not found; 4 permission denied; 5 other.\n"
"\n"
"Examples:\n"
"  vxlantune apply --preset calico-incident --dry-run\n"
"  vxlantune apply --config /etc/vxlantune/vxlantune.conf --json\n",
		policy_opts_help);
}

int cmd_apply(int argc, char **argv)
{
	struct policy_opts po = {0};
	bool dry = false, json = false, all = false, show = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:njh", apply_opts, NULL)) != -1) {
		switch (c) {
		case 'c': po.config = optarg; break;
		case 'p': po.preset = optarg; break;
		case 'n': dry = true; break;
		case 'j': json = true; break;
		case 'A': all = true; break;
		case 'S': show = true; break;
		case 'h': apply_usage(stdout); return EXIT_DONE;
		default: return cli_usage("apply", "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage("apply", "unexpected argument '%s'", argv[optind]);
	if (show) {
		const char *text = vxt_preset_text(po.preset);
		if (!text)
			return cli_usage("apply", "--show-policy needs --preset NAME (%s)", cli_preset_names());
		fputs(text, stdout);
		return EXIT_DONE;
	}
	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0)
		return EXIT_SYSTEM;
	struct vxt_policy *p = NULL;
	int ret = policy_opts_load(ctx, &po, "apply", &p);
	if (ret == EXIT_DONE) {
		struct vxt_report *r = NULL;
		int rc = vxt_policy_apply(ctx, p, dry ? VXT_DRY_RUN : 0, &r);
		if (rc < 0) {
			ret = cli_fail(ctx, rc);
		} else {
			ret = report_emit(r, json, all);
		}
		vxt_report_unref(r);
	}
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
	return ret;
}

static const struct option snap_opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"preset", required_argument, NULL, 'p'},
	{"output", required_argument, NULL, 'o'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

int cmd_snapshot(int argc, char **argv)
{
	struct policy_opts po = {0};
	const char *outfile = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:o:h", snap_opts, NULL)) != -1) {
		switch (c) {
		case 'c': po.config = optarg; break;
		case 'p': po.preset = optarg; break;
		case 'o': outfile = optarg; break;
		case 'h':
			printf("Usage: vxlantune snapshot -o FILE [--config FILE | --preset NAME]\n"
			       "\n"
			       "Save the current state of every offload feature and sysctl the policy\n"
			       "touches, as JSON ('-o -' for standard output).  'vxlantune restore FILE'\n"
			       "puts it back.  Take one before the first apply.\n\n%s", policy_opts_help);
			return EXIT_DONE;
		default: return cli_usage("snapshot", "invalid option");
		}
	}
	if (!outfile || !*outfile)
		return cli_usage("snapshot", "%s -o FILE (or -o - for standard output)",
		                 outfile ? "an empty name is no file: give" : "missing");
	if (optind < argc)
		return cli_usage("snapshot", "unexpected argument '%s'", argv[optind]);
	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0)
		return EXIT_SYSTEM;
	struct vxt_policy *p = NULL;
	int ret = policy_opts_load(ctx, &po, "snapshot", &p);
	char *text = NULL;
	if (ret == EXIT_DONE) {
		int rc = vxt_snapshot_take(ctx, p, &text);
		if (rc < 0)
			ret = cli_fail(ctx, rc);
	}
	if (text) {
		if (!strcmp(outfile, "-")) {
			puts(text);
		} else {
			/* Never a half snapshot, never through a planted file:
			 * written next to FILE and renamed (root-only, 0600). */
			size_t len = strlen(text);
			text[len] = '\n';
			int rc = vxt_file_write_atomic(ctx, outfile, text, len + 1, 0600);
			text[len] = '\0';
			if (rc < 0)
				ret = cli_fail(ctx, rc);
			else
				fprintf(stderr, "vxlantune: snapshot written to %s\n", outfile);
		}
		free(text);
	}
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
	return ret;
}

static const struct option restore_opts[] = {
	{"dry-run", no_argument, NULL, 'n'},
	{"json", no_argument, NULL, 'j'},
	{"all-entries", no_argument, NULL, 'A'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

/* Snapshots are JSON of a few kilobytes; 16 MiB is far beyond any node. */
#define SNAPSHOT_FILE_MAX (16u << 20)

/* Standard input, read to the end (at most max bytes). */
static int read_stdin(size_t max, char **text, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
		n += got;
		if (n > max) {
			free(buf);
			return -E2BIG;
		}
		if (n == cap - 1) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	bool dry = false, json = false, all = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "njh", restore_opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry = true; break;
		case 'j': json = true; break;
		case 'A': all = true; break;
		case 'h':
			puts("Usage: vxlantune restore FILE [--dry-run] [--json] [--all-entries]\n"
			     "\n"
			     "Put back the state saved by 'vxlantune snapshot' ('-' reads standard\n"
			     "input).  The file is checked completely first: a malformed snapshot\n"
			     "changes nothing.  Interfaces that no longer exist are reported 'gone'.\n"
			     "\n"
			     "Exit status as for apply.");
			return EXIT_DONE;
		default: return cli_usage("restore", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("restore", "expected exactly one snapshot FILE");
	const char *path = argv[optind];
	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0)
		return EXIT_SYSTEM;
	char *text = NULL;
	size_t len = 0;
	int rd = strcmp(path, "-") ? vxt_file_read(ctx, path, SNAPSHOT_FILE_MAX, 0, &text, &len)
	                           : read_stdin(SNAPSHOT_FILE_MAX, &text, &len);
	if (rd < 0) {
		if (*vxt_ctx_errmsg(ctx))
			cli_error("restore: %s", vxt_ctx_errmsg(ctx));
		else
			cli_error("%s: cannot read the snapshot: %s", path, strerror(-rd));
		vxt_ctx_unref(ctx);
		return rd == -E2BIG || rd == -EISDIR || rd == -EINVAL ? EXIT_USAGE : cli_exit_for(rd);
	}
	if (strlen(text) != len) {
		cli_error("%s: NUL byte at offset %zu: not a vxlantune snapshot", path, strlen(text));
		free(text);
		vxt_ctx_unref(ctx);
		return EXIT_USAGE;
	}
	struct vxt_report *r = NULL;
	int ret, rc = vxt_snapshot_restore(ctx, text, dry ? VXT_DRY_RUN : 0, &r);
	if (rc < 0) {
		cli_error("%s: %s", path, vxt_ctx_errmsg(ctx));
		ret = cli_exit_for(rc);
	} else {
		ret = report_emit(r, json, all);
	}
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
	free(text);
	return ret;
}
