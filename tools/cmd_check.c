/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune check: local findings, active probes to peers, a verdict;
 * text for a person, JSON for programs, a textfile-collector file for
 * Prometheus.  Schema and codes: doc/check.md. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_CONFIG SYSCONFDIR "/vxlantune/vxlantune.conf"
#define CHECK_UNKNOWN 3 /* the check could not run (monitoring plugins' UNKNOWN) */

static void usage(FILE *out)
{
	fprintf(out,
"Usage: vxlantune check [--config FILE | --preset NAME] [--vxlan NAME]...\n"
"                       [--underlay-method SPEC] [--peer IP]... [--tcp-port N]\n"
"                       [--udp-port N | --dns SERVER[:PORT]] [--responder-port N |\n"
"                       --no-responder] [--bulk-size BYTES] [--timeout MS]\n"
"                       [--json] [--prometheus FILE] [--all]\n"
"\n"
"Is this node's VXLAN overlay healthy, and if not, why?  Looks at the local\n"
"state (VXLAN devices, underlay, MTU, tunnel address and parent, ip_forward,\n"
"offloads and sysctls against the policy), reads the kernel's drop counters\n"
"(Udp/Tcp InCsumErrors, Udp RcvbufErrors, TcpExt IPReversePathFilter),\n"
"probes each peer, reads the counters again and gives a verdict.\n"
"\n"
"Peers run a vxlantune responder ('vxlantune responder', or 'watch\n"
"--responder'): then --peer ADDR alone probes it on port %d with ICMP echo,\n"
"TCP connect, UDP echo, a UDP test of each direction alone, a bulk TCP flow\n"
"each way (--bulk-size, default 1 MiB; a flow that stalls after the\n"
"handshake points at tunnel segmentation offload), plain TCP to the peer's\n"
"underlay, and an ICMP echo as large as the VXLAN MTU with DF set; and it\n"
"reads the peer's checksum-error counters before and after.  Checksum\n"
"errors are counted where bad packets arrive, so this localizes the fault:\n"
"which direction breaks, so which node's transmit path (VXLAN device or\n"
"underlay) to fix -- this node, the peer, or both -- and a change already\n"
"in effect here is never recommended.  Without a responder (or with\n"
"--tcp-port/--udp-port, which probe any other service instead) the check\n"
"says what it cannot know.  Verdicts:\n"
"  healthy            every probe passes, every local check passes\n"
"  overlay-data-path  ICMP passes, TCP/UDP fail: suspect checksum/segmentation\n"
"                     offloads, rp_filter or MTU (InCsumErrors as evidence)\n"
"  segmentation       small packets pass, a bulk flow stalls\n"
"  mtu                small probes pass, the large one fails\n"
"  unreachable        nothing passes: routing, underlay or policy\n"
"  local-errors / warnings / partial / incomplete   see the findings\n"
"Everything is read in the current network namespace, counters included:\n"
"run it on the node whose health you want (a DaemonSet with hostNetwork), and\n"
"probe pods on other nodes.  Bad checksums are counted by the receiver, so\n"
"the node whose ingress drops the replies shows the InCsumErrors delta.\n"
"\n"
"Policy (optional; without one the offload/sysctl comparisons are skipped):\n"
"  -c, --config FILE  a policy file (default " DEFAULT_CONFIG " if it exists)\n"
"  -p, --preset NAME  calico-incident or checksum\n"
"\n"
"Options:\n"
"  --vxlan NAME          VXLAN device to check (repeatable); default: the\n"
"                        policy's, else vxlan.calico vxlan-v6.calico flannel.1\n"
"                        cilium_vxlan (whichever exist)\n"
"  --underlay-method SPEC  as 'vxlantune underlay --method'; default: the\n"
"                        policy's, else default-route\n"
"  --peer IP             numeric address to probe (repeatable), e.g. a pod on\n"
"                        another node\n"
"  --tcp-port N          TCP connect to each peer on port N (no responder)\n"
"  --udp-port N          UDP echo to each peer on port N (no responder)\n"
"  --responder-port N    the peers' responder port (default %d)\n"
"  --no-responder        do not look for responders\n"
"  --bulk-size BYTES     bytes of each bulk flow (default 1048576, at most\n"
"                        16777216; 0: none)\n"
"  --dns SERVER[:PORT]   a DNS query to SERVER (e.g. the cluster DNS);\n"
"                        [IPv6]:PORT for IPv6\n"
"  --timeout MS          per probe (default 1000; a bulk flow may pause\n"
"                        that long and take 3 x MS in all); every peer's\n"
"                        probes run at once (at most 64 in flight): a check\n"
"                        takes about MS when nothing answers, at most about\n"
"                        6 x MS\n"
"  --json                the result as JSON (schema \"vxlantune-check/2\",\n"
"                        see below)\n"
"  --prometheus FILE     also write the result for node_exporter's textfile\n"
"                        collector, atomically (a new file, then rename;\n"
"                        nothing planted in the directory is followed); when\n"
"                        the check cannot run, FILE says so\n"
"                        (vxlantune_check_success 0)\n"
"  --all                 list passed checks too\n"
"  --watch-state FILE    the state 'vxlantune watch' keeps (default\n"
"                        " WATCH_STATE_DEFAULT " when it exists): every\n"
"                        device the watcher backs off from (something keeps\n"
"                        changing it back) is a watch-backoff warning\n"
"  -h, --help            this help\n"
"\n"
"JSON (schema \"vxlantune-check/2\", the same from Python's CheckResult.to_dict()\n"
"and Ansible's health_info): verdict, status, summary, remedies, evidence,\n"
"findings (each with structured remedies: node, peer, kind, device, key,\n"
"value), probes, counters; durations in microseconds (*_us).\n"
"Finding codes, metrics and this schema in detail: doc/check.md.\n"
"\n"
"Prometheus: vxlantune_check_success (1 ran, 0 could not run),\n"
"vxlantune_check_status{check,object} (0 ok, 1 warning, 2 error),\n"
"vxlantune_check_verdict{verdict} (the exit status), vxlantune_probe_success\n"
"{peer,probe}, vxlantune_probe_rtt_seconds{peer,probe},\n"
"vxlantune_udp_in_csum_errors_total, vxlantune_udp_rcvbuf_errors_total,\n"
"vxlantune_ip_reverse_path_filter_drops_total, vxlantune_check_duration_seconds,\n"
"vxlantune_check_timestamp_seconds.\n"
"\n"
"Exit status, as monitoring plugins (Nagios, Icinga, Sensu) read it:\n"
"  0 OK        healthy\n"
"  1 WARNING   warnings only\n"
"  2 CRITICAL  any other verdict (the overlay or this node is broken)\n"
"  3 UNKNOWN   the check could not run: usage error, bad policy or underlay\n"
"              method, no permission, probes that could not be sent, or the\n"
"              --prometheus file could not be written (stderr says which)\n"
"\n"
"Examples:\n"
"  vxlantune check --peer 203.0.113.1          # its responder on port %d\n"
"  vxlantune check --peer 203.0.113.2 --tcp-port 8080 --udp-port 5353\n"
"  vxlantune check --preset calico-incident --prometheus \\\n"
"      /var/lib/node_exporter/textfile/vxlantune.prom\n",
		VXT_RESPONDER_PORT, VXT_RESPONDER_PORT, VXT_RESPONDER_PORT);
}

/* The watcher's state: an explicit file must be there, the default one
 * only counts when a watcher runs (it removes it when it stops). */
static int load_watch_state(struct vxt_ctx *ctx, struct vxt_check_opts *o, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int rc = vxt_file_read(ctx, path ? path : WATCH_STATE_DEFAULT, 1u << 20, 0, &text, &len);
	if (rc == -ENOENT && !path)
		return EXIT_DONE;
	if (rc < 0)
		return cli_fail(ctx, rc);
	rc = vxt_check_opts_set_watch_state(o, text);
	free(text);
	if (rc < 0) {
		cli_error("out of memory");
		return EXIT_SYSTEM;
	}
	return EXIT_DONE;
}

static const struct option opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"preset", required_argument, NULL, 'p'},
	{"vxlan", required_argument, NULL, 'x'},
	{"underlay-method", required_argument, NULL, 'm'},
	{"peer", required_argument, NULL, 'P'},
	{"tcp-port", required_argument, NULL, 'T'},
	{"udp-port", required_argument, NULL, 'U'},
	{"dns", required_argument, NULL, 'D'},
	{"timeout", required_argument, NULL, 't'},
	{"responder-port", required_argument, NULL, 'R'},
	{"no-responder", no_argument, NULL, 'N'},
	{"bulk-size", required_argument, NULL, 'B'},
	{"json", no_argument, NULL, 'j'},
	{"prometheus", required_argument, NULL, 'M'},
	{"all", no_argument, NULL, 'a'},
	{"watch-state", required_argument, NULL, 'W'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static json_object *jstr(const char *s) { return json_object_new_string(s ? s : ""); }

static json_object *counter_json(const char *name, long long b, long long a)
{
	json_object *j = json_object_new_object();
	json_object_object_add(j, "name", jstr(name));
	json_object_object_add(j, "before", b >= 0 ? json_object_new_int64(b) : NULL);
	json_object_object_add(j, "after", a >= 0 ? json_object_new_int64(a) : NULL);
	json_object_object_add(j, "delta", a >= 0 && b >= 0 ? json_object_new_int64(a - b) : NULL);
	return j;
}

static json_object *remedy_json(const struct vxt_remedy *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "node", jstr(vxt_node_name(vxt_remedy_node(r))));
	json_object_object_add(o, "peer", *vxt_remedy_peer(r) ? jstr(vxt_remedy_peer(r)) : NULL);
	json_object_object_add(o, "kind", jstr(vxt_remedy_kind_name(vxt_remedy_kind(r))));
	json_object_object_add(o, "device", jstr(vxt_remedy_device(r)));
	json_object_object_add(o, "key", jstr(vxt_remedy_key(r)));
	json_object_object_add(o, "value", jstr(vxt_remedy_value(r)));
	return o;
}

static json_object *to_json(const struct vxt_check *c)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", jstr("vxlantune-check/2"));
	json_object_object_add(o, "verdict", jstr(vxt_verdict_name(vxt_check_verdict(c))));
	json_object_object_add(o, "status", json_object_new_int(vxt_check_status(c)));
	json_object_object_add(o, "status_name", jstr(vxt_check_status_name(vxt_check_status(c))));
	json_object_object_add(o, "summary", jstr(vxt_check_summary(c)));
	json_object *rs = json_object_new_array();
	for (unsigned int i = 0; i < vxt_check_remedy_count(c); i++)
		json_object_array_add(rs, remedy_json(vxt_check_remedy(c, i)));
	json_object_object_add(o, "remedies", rs);
	json_object *ev = json_object_new_array();
	for (unsigned int i = 0; i < vxt_check_evidence_count(c); i++)
		json_object_array_add(ev, jstr(vxt_check_evidence(c, i)));
	json_object_object_add(o, "evidence", ev);
	const char *u = vxt_check_underlay(c);
	json_object_object_add(o, "underlay", u && *u ? jstr(u) : NULL);
	json_object_object_add(o, "duration_us", json_object_new_int64(vxt_check_duration_us(c)));
	json_object *fs = json_object_new_array();
	for (unsigned int i = 0; i < vxt_check_finding_count(c); i++) {
		json_object *f = json_object_new_object();
		json_object_object_add(f, "code", jstr(vxt_check_finding_code(c, i)));
		json_object_object_add(f, "severity", jstr(vxt_severity_name(vxt_check_finding_severity(c, i))));
		json_object_object_add(f, "object", jstr(vxt_check_finding_object(c, i)));
		json_object_object_add(f, "message", jstr(vxt_check_finding_message(c, i)));
		json_object *fr = json_object_new_array();
		for (unsigned int j = 0; j < vxt_check_finding_remedy_count(c, i); j++)
			json_object_array_add(fr, remedy_json(vxt_check_finding_remedy(c, i, j)));
		json_object_object_add(f, "remedies", fr);
		json_object_array_add(fs, f);
	}
	json_object_object_add(o, "findings", fs);
	json_object *ps = json_object_new_array();
	for (unsigned int i = 0; i < vxt_check_probe_count(c); i++) {
		const struct vxt_probe *p = vxt_check_probe(c, i);
		json_object *j = json_object_new_object();
		json_object_object_add(j, "kind", jstr(vxt_probe_kind_name(vxt_probe_kind(p))));
		json_object_object_add(j, "peer", jstr(vxt_probe_peer(p)));
		json_object_object_add(j, "port", json_object_new_int((int)vxt_probe_port(p)));
		json_object_object_add(j, "size", json_object_new_int((int)vxt_probe_size(p)));
		json_object_object_add(j, "outcome", jstr(vxt_probe_outcome_name(vxt_probe_outcome(p))));
		json_object_object_add(j, "ok", json_object_new_boolean(vxt_probe_ok(p)));
		long long rtt = vxt_probe_rtt_us(p);
		json_object_object_add(j, "rtt_us", rtt >= 0 ? json_object_new_int64(rtt) : NULL);
		json_object_object_add(j, "method", jstr(vxt_probe_method(p)));
		json_object_object_add(j, "errno", json_object_new_int(vxt_probe_errno(p)));
		json_object_object_add(j, "rcode", json_object_new_int(vxt_probe_rcode(p)));
		json_object_object_add(j, "mtu", json_object_new_int((int)vxt_probe_mtu(p)));
		json_object_object_add(j, "reporter", jstr(vxt_probe_reporter(p)));
		json_object_object_add(j, "detail", jstr(vxt_probe_detail(p)));
		json_object_object_add(j, "path", jstr(vxt_check_probe_underlay(c, i) ? "underlay" : "overlay"));
		json_object_object_add(j, "bytes", json_object_new_int64((int64_t)vxt_probe_bytes(p)));
		json_object_array_add(ps, j);
	}
	json_object_object_add(o, "probes", ps);
	json_object *cs = json_object_new_array();
	for (unsigned int i = 0; i < vxt_check_counter_count(c); i++)
		json_object_array_add(cs, counter_json(vxt_check_counter_name(c, i),
		                                       vxt_check_counter_before(c, i),
		                                       vxt_check_counter_after(c, i)));
	json_object_object_add(o, "counters", cs);
	json_object *pl = json_object_new_array();
	for (unsigned int k = 0; k < vxt_check_peer_count(c); k++) {
		json_object *j = json_object_new_object(), *pc = json_object_new_array();
		const char *ul = vxt_check_peer_underlay(c, k);
		json_object_object_add(j, "peer", jstr(vxt_check_peer_address(c, k)));
		json_object_object_add(j, "responder", json_object_new_boolean(vxt_check_peer_responder(c, k)));
		json_object_object_add(j, "underlay", *ul ? jstr(ul) : NULL);
		json_object_object_add(j, "out", jstr(vxt_path_state_name(vxt_check_peer_out(c, k))));
		json_object_object_add(j, "in", jstr(vxt_path_state_name(vxt_check_peer_in(c, k))));
		json_object_object_add(j, "fault", jstr(vxt_fault_name(vxt_check_peer_fault(c, k))));
		json_object_object_add(j, "explanation", jstr(vxt_check_peer_explanation(c, k)));
		for (unsigned int i = 0; vxt_check_peer_responder(c, k) && i < vxt_check_counter_count(c); i++)
			json_object_array_add(pc, counter_json(vxt_check_counter_name(c, i),
			                                       vxt_check_peer_counter_before(c, k, i),
			                                       vxt_check_peer_counter_after(c, k, i)));
		json_object_object_add(j, "counters", pc);
		json_object_array_add(pl, j);
	}
	json_object_object_add(o, "localization", pl);
	return o;
}

static void print_text(const struct vxt_check *c, bool all)
{
	char cmd[400];
	printf("VERDICT: %s (%s)\n", vxt_check_status_name(vxt_check_status(c)),
	       vxt_verdict_name(vxt_check_verdict(c)));
	printf("  %s\n", vxt_check_summary(c));
	for (unsigned int i = 0; i < vxt_check_remedy_count(c); i++) {
		remedy_format(vxt_check_remedy(c, i), cmd, sizeof(cmd));
		printf("  try: %s\n", cmd);
	}
	/* The evidence starts with one line per probe, listed below anyway. */
	unsigned int np = vxt_check_probe_count(c), ne = vxt_check_evidence_count(c);
	for (unsigned int i = np; i < ne; i++)
		printf("  evidence: %s\n", vxt_check_evidence(c, i));

	unsigned int n = vxt_check_finding_count(c), shown = 0;
	unsigned int nok = n - vxt_check_finding_count_severity(c, VXT_SEVERITY_INFO);
	printf("\nFINDINGS (%u problem%s, %u passed)\n",
	       vxt_check_finding_count_severity(c, VXT_SEVERITY_WARNING),
	       vxt_check_finding_count_severity(c, VXT_SEVERITY_WARNING) == 1 ? "" : "s", nok);
	/* Worst first, then in check order. */
	for (int sev = VXT_SEVERITY_ERROR; sev >= VXT_SEVERITY_OK; sev--) {
		if (sev == VXT_SEVERITY_OK && !all)
			break;
		for (unsigned int i = 0; i < n; i++) {
			if (vxt_check_finding_severity(c, i) != sev)
				continue;
			char tag[16];
			snprintf(tag, sizeof(tag), "%s", vxt_severity_name(sev));
			for (char *t = tag; *t; t++)
				*t = (char)(*t - 32 * (*t >= 'a' && *t <= 'z'));
			printf("  %-7s %-17s %s\n", tag, vxt_check_finding_code(c, i),
			       vxt_check_finding_message(c, i));
			for (unsigned int j = 0; j < vxt_check_finding_remedy_count(c, i); j++) {
				remedy_format(vxt_check_finding_remedy(c, i, j), cmd, sizeof(cmd));
				printf("  %-7s %-17s fix: %s\n", "", "", cmd);
			}
			shown++;
		}
	}
	if (!shown)
		printf("  (none; --all lists the passed checks)\n");
	unsigned int npeer = vxt_check_peer_count(c);
	if (npeer) {
		printf("\nLOCALIZATION\n");
		for (unsigned int k = 0; k < npeer; k++)
			printf("  %s\n", vxt_check_peer_explanation(c, k));
		check_print_matrix(c);
	}
	if (np) {
		printf("\nPROBES\n");
		for (unsigned int i = 0; i < np; i++) {
			const struct vxt_probe *p = vxt_check_probe(c, i);
			char target[96], rtt[32] = "-";
			const char *peer = vxt_probe_peer(p);
			bool v6 = strchr(peer, ':') != NULL;
			if (vxt_probe_port(p))
				snprintf(target, sizeof(target), v6 ? "[%s]:%u" : "%s:%u", peer, vxt_probe_port(p));
			else if (vxt_probe_kind(p) == VXT_PROBE_LARGE)
				snprintf(target, sizeof(target), "%s (%u B, DF)", peer, vxt_probe_size(p));
			if (vxt_check_probe_underlay(c, i))
				snprintf(target + strlen(target), sizeof(target) - strlen(target), " underlay");
			else
				snprintf(target, sizeof(target), "%s", peer);
			if (vxt_probe_rtt_us(p) >= 0)
				snprintf(rtt, sizeof(rtt), "%.3f ms", (double)vxt_probe_rtt_us(p) / 1000.0);
			printf("  %-8s %-34s %-12s %s\n", vxt_probe_kind_name(vxt_probe_kind(p)), target,
			       vxt_probe_outcome_name(vxt_probe_outcome(p)), rtt);
		}
	}
}

/* The textfile, replaced atomically (vxt_file_write_atomic: a temporary
 * made exclusively next to FILE, renamed over it): the collector never
 * reads half a file, and nothing planted in the directory is followed. */
static int write_textfile(struct vxt_ctx *ctx, const char *path, const char *text)
{
	int rc = vxt_file_write_atomic(ctx, path, text, strlen(text), 0644);
	if (rc < 0) {
		cli_error("%s: cannot write the Prometheus file (%s)", path, vxt_ctx_errmsg(ctx));
		return cli_exit_for(rc);
	}
	return EXIT_DONE;
}

static int write_prometheus(struct vxt_ctx *ctx, const struct vxt_check *c, const char *path)
{
	char *text = NULL;
	int rc = vxt_check_prometheus(c, &text);
	if (rc < 0) {
		cli_error("cannot format the Prometheus text: %s", strerror(-rc));
		return EXIT_SYSTEM;
	}
	rc = write_textfile(ctx, path, text);
	free(text);
	return rc;
}

/* The check did not run: say so instead of leaving the last result to
 * look current.  The names are those of vxt_check_prometheus(). */
static int write_prometheus_failed(struct vxt_ctx *ctx, const char *path)
{
	char text[1024];
	snprintf(text, sizeof(text),
	         "# HELP vxlantune_check_success 1 if the check ran, 0 if it could not (bad policy, no permission: see the log).\n"
	         "# TYPE vxlantune_check_success gauge\n"
	         "vxlantune_check_success 0\n"
	         "# HELP vxlantune_check_timestamp_seconds When the check finished (Unix time): tells a stale file.\n"
	         "# TYPE vxlantune_check_timestamp_seconds gauge\n"
	         "vxlantune_check_timestamp_seconds %lld\n",
	         (long long)time(NULL));
	return write_textfile(ctx, path, text);
}

/* Returns the check's status, or a CLI exit code with *ran false when the
 * check could not run (or only --help was asked). */
static int check_main(int argc, char **argv, bool *ran)
{
	struct policy_opts po = {0};
	const char *prom = NULL, *vx[33] = {0}, *method = NULL, *dns = NULL, *watch_state = NULL;
	const char *peers[65] = {0};
	unsigned int nvx = 0, npeers = 0;
	long tcp = 0, udp = 0, timeout = 1000, rport = VXT_RESPONDER_PORT, bulk = 1 << 20;
	bool json = false, all = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': po.config = optarg; break;
		case 'p': po.preset = optarg; break;
		case 'x':
			if (nvx >= 32)
				return cli_usage("check", "at most 32 --vxlan devices");
			if (vxt_ifname_valid(optarg) < 0)
				return cli_usage("check", "--vxlan '%s': not a valid interface name", optarg);
			vx[nvx++] = optarg;
			break;
		case 'm': method = optarg; break;
		case 'P':
			if (npeers >= 64)
				return cli_usage("check", "at most 64 --peer addresses");
			peers[npeers++] = optarg;
			break;
		case 'T':
			if (!cli_parse_long(optarg, 1, 65535, &tcp))
				return cli_usage("check", "--tcp-port '%s': give a port 1..65535", optarg);
			break;
		case 'U':
			if (!cli_parse_long(optarg, 1, 65535, &udp))
				return cli_usage("check", "--udp-port '%s': give a port 1..65535", optarg);
			break;
		case 'D': dns = optarg; break;
		case 't':
			if (!cli_parse_long(optarg, 1, 600000, &timeout))
				return cli_usage("check", "--timeout '%s': give milliseconds 1..600000", optarg);
			break;
		case 'R':
			if (!cli_parse_long(optarg, 1, 65535, &rport))
				return cli_usage("check", "--responder-port '%s': give a port 1..65535", optarg);
			break;
		case 'N': rport = 0; break;
		case 'B':
			if (!cli_parse_long(optarg, 0, VXT_RESPONDER_MAX_BULK, &bulk))
				return cli_usage("check", "--bulk-size '%s': give bytes 0..%u", optarg,
				                 VXT_RESPONDER_MAX_BULK);
			break;
		case 'j': json = true; break;
		case 'M':
			if (!*optarg)
				return cli_usage("check", "--prometheus '': give a file name");
			prom = optarg;
			break;
		case 'a': all = true; break;
		case 'W': watch_state = optarg; break;
		case 'h': usage(stdout); return EXIT_DONE;
		default: return cli_usage("check", "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage("check", "unexpected argument '%s'", argv[optind]);
	if (udp && dns)
		return cli_usage("check", "use --udp-port or --dns, not both");
	if ((tcp || udp) && !npeers)
		return cli_usage("check", "--tcp-port and --udp-port need --peer IP");

	struct vxt_check_opts *o = NULL;
	int ret = cli_probe_opts("check", peers, npeers, timeout, rport, bulk, vx, method, &o);
	if (ret != EXIT_DONE)
		return ret;
	if (dns && vxt_check_opts_set_dns_spec(o, dns) < 0) {
		vxt_check_opts_unref(o);
		return cli_usage("check", "--dns '%s': give SERVER, SERVER:PORT or [SERVER]:PORT "
		                          "with a numeric address", dns);
	}
	vxt_check_opts_set_tcp_port(o, (unsigned int)tcp);
	vxt_check_opts_set_udp_port(o, (unsigned int)udp);

	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0) {
		vxt_check_opts_unref(o);
		return EXIT_SYSTEM;
	}
	struct vxt_policy *p = NULL;
	/* The policy is optional here: only an explicit one, or the default
	 * file when it exists. */
	if (po.config || po.preset || access(DEFAULT_CONFIG, R_OK) == 0)
		ret = policy_opts_load(ctx, &po, "check", &p);
	struct vxt_check *chk = NULL;
	if (ret == EXIT_DONE)
		ret = load_watch_state(ctx, o, watch_state);
	if (ret == EXIT_DONE) {
		vxt_check_opts_set_policy(o, p);
		int rc = vxt_check_run(ctx, o, &chk);
		if (rc < 0) {
			ret = cli_fail(ctx, rc);
		} else {
			if (json)
				cli_print_json(to_json(chk));
			else
				print_text(chk, all);
			ret = vxt_check_status(chk);
			*ran = true;
			/* A failed write is never hidden behind a verdict: the
			 * monitoring would go on reading the old file (UNKNOWN). */
			if (prom && write_prometheus(ctx, chk, prom) != EXIT_DONE)
				ret = CHECK_UNKNOWN;
		}
	}
	if (prom && !chk) {
		int w = write_prometheus_failed(ctx, prom);
		if (w != EXIT_DONE)
			ret = w;
	}
	vxt_check_unref(chk);
	vxt_policy_unref(p);
	vxt_check_opts_unref(o);
	vxt_ctx_unref(ctx);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	bool ran = false;
	int ret = check_main(argc, argv, &ran);
	/* Monitoring-plugin convention: whatever kept the check from running
	 * (usage, policy, permission, system) is UNKNOWN. */
	return ran || ret == EXIT_DONE ? ret : CHECK_UNKNOWN;
}
