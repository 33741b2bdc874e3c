/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune diagnose: find the smallest change that makes every probe to
 * the peers pass, keep it, undo everything else (lib/diagnose.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Exit codes, as monitoring plugins order them (man page, --help). */
enum { DIAG_HEALTHY = 0, DIAG_FIXED = 1, DIAG_NO_FIX = 2, DIAG_UNKNOWN = 3 };

static void usage(FILE *out)
{
	fprintf(out,
"Usage: vxlantune diagnose --peer ADDR [--peer ADDR]... [--dry-run] [--json]\n"
"                          [--write-policy FILE] [--timeout MS] [--vxlan NAME]...\n"
"                          [--underlay-method SPEC] [--responder-port N]\n"
"                          [--bulk-size BYTES]\n"
"\n"
"Find the smallest change to this node's offloads and rp_filter that makes\n"
"every probe to the peers pass (the probes of 'vxlantune check', through the\n"
"peers' responders where they run one), keep it, and put everything else\n"
"back exactly as it was.\n"
"\n"
"  1. Snapshot every feature and sysctl any candidate touches.\n"
"  2. Probe.  Healthy: change nothing, exit 0.\n"
"  3. Try, each alone, the candidates the check's remedies for this node\n"
"     point at; then all candidates at once: when even that fails, no local\n"
"     change suffices (the peer's transmit path is at fault when its\n"
"     counters say so: run the fleet diagnosis, Ansible role\n"
"     vxlantune.node.diagnose); the node is restored.  Else each candidate\n"
"     alone, cheapest first, then the smallest combination (delta debugging).\n"
"  Every trial starts from the snapshot and ends with one probe round.\n"
"\n"
"Candidates, cheapest first (data-path cost measured by\n"
"bench/bench_datapath.sh; rp-filter-loose only where rp_filter is strict):\n");
	for (unsigned int i = 0; i < vxt_candidate_count(); i++)
		fprintf(out, "  %-17s %s\n", vxt_candidate_name(i), vxt_candidate_description(i));
	fprintf(out,
"\n"
"Options:\n"
"  --peer ADDR           a peer's overlay address (numeric; repeatable; required)\n"
"  -n, --dry-run         probe once and print the plan; change nothing\n"
"  --json                the report as JSON\n"
"  --write-policy FILE   the chosen change as a policy file (for 'watch -c FILE'\n"
"                        and the Ansible role), written atomically\n"
"  --timeout MS          per probe (default 1000); a trial takes one probe round\n"
"  --vxlan NAME          the VXLAN devices (default: the default VXLAN class)\n"
"  --underlay-method SPEC  how to find the underlay (default default-route)\n"
"  --responder-port N    the peers' responder port (default %d)\n"
"  --bulk-size BYTES     bytes of each bulk probe (default 1 MiB)\n"
"  -h, --help            this text\n"
"\n"
"SIGINT and SIGTERM stop it after the current probe; the node is restored\n"
"before it exits (128 + the signal).  Any error restores the node too.\n"
"\n"
"Exit status: 0 healthy as found (nothing changed), 1 fixed (the change is\n"
"applied; the report names it), 2 no local change suffices (restored), 3\n"
"could not run (usage, permission, error: restored), 130/143 signal.\n"
"\n"
"Example:\n"
"  vxlantune diagnose --peer 203.0.113.1 --write-policy /etc/vxlantune/vxlantune.conf\n",
	        VXT_RESPONDER_PORT);
}

static const struct option opts[] = {
	{"peer", required_argument, NULL, 'P'},
	{"dry-run", no_argument, NULL, 'n'},
	{"json", no_argument, NULL, 'j'},
	{"write-policy", required_argument, NULL, 'w'},
	{"timeout", required_argument, NULL, 't'},
	{"vxlan", required_argument, NULL, 'x'},
	{"underlay-method", required_argument, NULL, 'm'},
	{"responder-port", required_argument, NULL, 'R'},
	{"bulk-size", required_argument, NULL, 'B'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static struct vxt_diagnose *running;
static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
	vxt_diagnose_cancel(running);
}

static void install_handlers(void)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: wake the probe */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* mkstemp in the target's directory, write, fsync, rename, fsync the
 * directory: a reader (watch, Ansible) never sees half a policy. */
static int write_policy(const char *path, const char *text)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    snprintf(tmp, sizeof(tmp), "%s/.vxlantune-policy.XXXXXX", dirname(dir)) >= (int)sizeof(tmp)) {
		cli_error("%s: path too long", path);
		return DIAG_UNKNOWN;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		cli_error("%s: cannot create a temporary file in %s: %s", path, dir, strerror(errno));
		return DIAG_UNKNOWN;
	}
	size_t len = strlen(text);
	bool ok = fchmod(fd, 0644) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	int err = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		unlink(tmp);
		cli_error("%s: cannot write the policy: %s", path, strerror(err));
		return DIAG_UNKNOWN;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return DIAG_HEALTHY;
}

/* "tcp timeout, udp timeout" for the probes that failed, "all ok" else. */
static void probe_line(const struct vxt_check *c, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (unsigned int i = 0; c && i < vxt_check_probe_count(c) && len < size; i++) {
		const struct vxt_probe *p = vxt_check_probe(c, i);
		if (vxt_probe_ok(p) || vxt_check_probe_underlay(c, i))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s %s", len ? ", " : "",
		                        vxt_probe_kind_name(vxt_probe_kind(p)),
		                        vxt_probe_outcome_name(vxt_probe_outcome(p)));
	}
	if (!buf[0])
		snprintf(buf, size, "every probe passed");
}

static const char *plan_reason(const struct vxt_diagnose *d, const char *name)
{
	unsigned int ev = vxt_check_candidates(vxt_diagnose_baseline(d), VXT_NODE_THIS, NULL);
	int k = vxt_candidate_find(name);
	return k >= 0 && (ev & (1u << k)) ? "evidence" : "cost order";
}

static void print_text(const struct vxt_diagnose *d, bool dry_run)
{
	const struct vxt_check *b = vxt_diagnose_baseline(d);
	printf("DIAGNOSE: %s\n  %s\n", vxt_diagnose_outcome_name(vxt_diagnose_outcome(d)), vxt_diagnose_summary(d));
	if (b)
		printf("\nBEFORE: %s (%s)\n  %s\n", vxt_check_status_name(vxt_check_status(b)),
		       vxt_verdict_name(vxt_check_verdict(b)), vxt_check_summary(b));
	if (vxt_diagnose_plan_count(d) && (dry_run || vxt_diagnose_trial_count(d))) {
		printf("\nPLAN (each trial starts from the snapshot)\n");
		for (unsigned int i = 0; i < vxt_diagnose_plan_count(d); i++) {
			const char *n = vxt_diagnose_plan(d, i);
			unsigned int k = (unsigned int)vxt_candidate_find(n);
			printf("  %u. %-17s %-10s %s\n", i + 1, n, plan_reason(d, n), vxt_candidate_description(k));
			if (vxt_candidate_underlay_words(k))
				printf("       underlay: %s\n", vxt_candidate_underlay_words(k));
			if (vxt_candidate_vxlan_words(k))
				printf("       vxlan:    %s\n", vxt_candidate_vxlan_words(k));
			if (vxt_candidate_rp_filter(k))
				printf("       rp_filter = %s on the VXLAN devices and all\n", vxt_candidate_rp_filter(k));
		}
	}
	if (vxt_diagnose_trial_count(d)) {
		printf("\nTRIALS\n");
		for (unsigned int t = 0; t < vxt_diagnose_trial_count(d); t++) {
			char line[512];
			const struct vxt_check *c = vxt_diagnose_trial_check(d, t);
			probe_line(c, line, sizeof(line));
			printf("  %2u %-40s %-4s %6.2f s  %s (%s)\n", t + 1, vxt_diagnose_trial_set(d, t),
			       vxt_diagnose_trial_passed(d, t) ? "pass" : "FAIL",
			       (double)vxt_diagnose_trial_duration_us(d, t) / 1e6, line,
			       vxt_verdict_name(vxt_check_verdict(c)));
		}
	}
	if (vxt_diagnose_outcome(d) == VXT_DIAGNOSE_FIXED) {
		char *text = NULL;
		if (vxt_diagnose_policy_text(d, &text) == 0)
			printf("\nPOLICY (--write-policy FILE writes it)\n%s", text);
		free(text);
	}
	printf("\nTOTAL: %.2f s\n", (double)vxt_diagnose_duration_us(d) / 1e6);
}

static json_object *check_json(const struct vxt_check *c)
{
	json_object *j = json_object_new_object();
	json_object_object_add(j, "status", json_object_new_string(vxt_check_status_name(vxt_check_status(c))));
	json_object_object_add(j, "verdict", json_object_new_string(vxt_verdict_name(vxt_check_verdict(c))));
	json_object_object_add(j, "summary", json_object_new_string(vxt_check_summary(c)));
	json_object *probes = json_object_new_array();
	for (unsigned int i = 0; i < vxt_check_probe_count(c); i++) {
		const struct vxt_probe *p = vxt_check_probe(c, i);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(vxt_probe_kind_name(vxt_probe_kind(p))));
		json_object_object_add(o, "peer", json_object_new_string(vxt_probe_peer(p)));
		json_object_object_add(o, "underlay", json_object_new_boolean(vxt_check_probe_underlay(c, i)));
		json_object_object_add(o, "outcome", json_object_new_string(vxt_probe_outcome_name(vxt_probe_outcome(p))));
		json_object_array_add(probes, o);
	}
	json_object_object_add(j, "probes", probes);
	json_object *peers = json_object_new_array();
	for (unsigned int k = 0; k < vxt_check_peer_count(c); k++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "address", json_object_new_string(vxt_check_peer_address(c, k)));
		json_object_object_add(o, "responder", json_object_new_boolean(vxt_check_peer_responder(c, k)));
		json_object_object_add(o, "out", json_object_new_string(vxt_path_state_name(vxt_check_peer_out(c, k))));
		json_object_object_add(o, "in", json_object_new_string(vxt_path_state_name(vxt_check_peer_in(c, k))));
		json_object_object_add(o, "fault", json_object_new_string(vxt_fault_name(vxt_check_peer_fault(c, k))));
		json_object_array_add(peers, o);
	}
	json_object_object_add(j, "peers", peers);
	return j;
}

static json_object *to_json(const struct vxt_diagnose *d)
{
	json_object *j = json_object_new_object();
	json_object_object_add(j, "outcome", json_object_new_string(vxt_diagnose_outcome_name(vxt_diagnose_outcome(d))));
	json_object_object_add(j, "summary", json_object_new_string(vxt_diagnose_summary(d)));
	json_object_object_add(j, "duration_ms", json_object_new_int64(vxt_diagnose_duration_us(d) / 1000));
	if (vxt_diagnose_baseline(d))
		json_object_object_add(j, "before", check_json(vxt_diagnose_baseline(d)));
	json_object *plan = json_object_new_array();
	for (unsigned int i = 0; i < vxt_diagnose_plan_count(d); i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "candidate", json_object_new_string(vxt_diagnose_plan(d, i)));
		json_object_object_add(o, "reason", json_object_new_string(plan_reason(d, vxt_diagnose_plan(d, i))));
		json_object_array_add(plan, o);
	}
	json_object_object_add(j, "plan", plan);
	json_object *trials = json_object_new_array();
	for (unsigned int t = 0; t < vxt_diagnose_trial_count(d); t++) {
		json_object *o = json_object_new_object(), *set = json_object_new_array();
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", vxt_diagnose_trial_set(d, t));
		for (char *save = NULL, *w = strtok_r(buf, "+", &save); w; w = strtok_r(NULL, "+", &save))
			json_object_array_add(set, json_object_new_string(w));
		json_object_object_add(o, "set", set);
		json_object_object_add(o, "passed", json_object_new_boolean(vxt_diagnose_trial_passed(d, t)));
		json_object_object_add(o, "duration_ms", json_object_new_int64(vxt_diagnose_trial_duration_us(d, t) / 1000));
		json_object_object_add(o, "check", check_json(vxt_diagnose_trial_check(d, t)));
		json_object_array_add(trials, o);
	}
	json_object_object_add(j, "trials", trials);
	json_object *fix = json_object_new_array();
	for (unsigned int i = 0; i < vxt_diagnose_fix_count(d); i++)
		json_object_array_add(fix, json_object_new_string(vxt_diagnose_fix(d, i)));
	json_object_object_add(j, "fix", fix);
	char *text = NULL;
	if (vxt_diagnose_outcome(d) == VXT_DIAGNOSE_FIXED && vxt_diagnose_policy_text(d, &text) == 0)
		json_object_object_add(j, "policy", json_object_new_string(text));
	free(text);
	return j;
}

static int exit_for(int outcome)
{
	switch (outcome) {
	case VXT_DIAGNOSE_HEALTHY:
	case VXT_DIAGNOSE_PLANNED: return DIAG_HEALTHY;
	case VXT_DIAGNOSE_FIXED: return DIAG_FIXED;
	case VXT_DIAGNOSE_NO_FIX: return DIAG_NO_FIX;
	default: return DIAG_UNKNOWN;
	}
}

int cmd_diagnose(int argc, char **argv)
{
	const char *peers[65] = {0}, *vx[33] = {0}, *method = NULL, *policy_file = NULL;
	unsigned int npeers = 0, nvx = 0;
	long timeout = 1000, rport = VXT_RESPONDER_PORT, bulk = 1 << 20;
	bool json = false, dry_run = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			if (npeers >= 64)
				return cli_usage("diagnose", "at most 64 --peer addresses"), DIAG_UNKNOWN;
			peers[npeers++] = optarg;
			break;
		case 'n': dry_run = true; break;
		case 'j': json = true; break;
		case 'w': policy_file = optarg; break;
		case 't':
			if (!cli_parse_long(optarg, 1, 600000, &timeout))
				return cli_usage("diagnose", "--timeout '%s': give milliseconds 1..600000", optarg), DIAG_UNKNOWN;
			break;
		case 'x':
			if (nvx >= 32 || vxt_ifname_valid(optarg) < 0)
				return cli_usage("diagnose", "--vxlan '%s': not a valid interface name (at most 32)", optarg),
				       DIAG_UNKNOWN;
			vx[nvx++] = optarg;
			break;
		case 'm': method = optarg; break;
		case 'R':
			if (!cli_parse_port(optarg, &rport))
				return cli_usage("diagnose", "--responder-port '%s': give a port 1..65535", optarg), DIAG_UNKNOWN;
			break;
		case 'B':
			if (!cli_parse_long(optarg, 0, VXT_RESPONDER_MAX_BULK, &bulk))
				return cli_usage("diagnose", "--bulk-size '%s': give bytes 0..%u", optarg, VXT_RESPONDER_MAX_BULK),
				       DIAG_UNKNOWN;
			break;
		case 'h': usage(stdout); return DIAG_HEALTHY;
		default: return cli_usage("diagnose", "invalid option"), DIAG_UNKNOWN;
		}
	}
	if (optind < argc)
		return cli_usage("diagnose", "unexpected argument '%s'", argv[optind]), DIAG_UNKNOWN;
	if (!npeers)
		return cli_usage("diagnose", "give at least one --peer ADDR (a peer's overlay address)"), DIAG_UNKNOWN;

	struct vxt_check_opts *o = NULL;
	if (cli_probe_opts("diagnose", peers, npeers, timeout, rport, bulk, vx, method, &o) != EXIT_DONE)
		return DIAG_UNKNOWN;
	int ret = DIAG_HEALTHY;
	struct vxt_ctx *ctx = NULL;
	struct vxt_diagnose *d = NULL;
	if (ret == DIAG_HEALTHY && (cli_ctx_new(&ctx) < 0 || vxt_diagnose_new(ctx, &d) < 0))
		ret = DIAG_UNKNOWN;
	if (ret == DIAG_HEALTHY) {
		running = d;
		install_handlers();
		int rc = vxt_diagnose_run(d, o, dry_run ? VXT_DRY_RUN : 0);
		running = NULL;
		if (rc < 0 && rc != -ECANCELED && !vxt_diagnose_baseline(d))
			cli_fail(ctx, rc);
		if (json)
			cli_print_json(to_json(d));
		else
			print_text(d, dry_run);
		ret = exit_for(vxt_diagnose_outcome(d));
		if (rc < 0 && rc != -ECANCELED)
			cli_error("%s", vxt_diagnose_summary(d));
		if (ret == DIAG_FIXED && policy_file) {
			char *text = NULL;
			if (vxt_diagnose_policy_text(d, &text) < 0 || write_policy(policy_file, text) != DIAG_HEALTHY)
				ret = DIAG_UNKNOWN;
			free(text);
		}
		if (caught)
			ret = 128 + caught;
	}
	vxt_diagnose_unref(d);
	vxt_check_opts_unref(o);
	vxt_ctx_unref(ctx);
	return ret;
}
