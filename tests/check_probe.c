/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Active probes against a real peer: the test's own network namespace
 * (client, va 198.51.100.1 / 2001:db8::1) joined by a veth pair to a second
 * namespace (peer, vb 198.51.100.2 / 2001:db8::2) where labsrv serves HTTP
 * on TCP 8080 and echo/DNS on UDP 5353.  The peer namespace belongs to a
 * child process that dies with the test (PR_SET_PDEATHSIG), so nothing is
 * left behind even when a test fails half-way. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nstest.h"
#include "vxlantune.h"

#define PEER4 "198.51.100.2"
#define PEER6 "2001:db8::2"
#define TCP_PORT 8080
#define UDP_PORT 5353

/* Until linkwatch has run (asynchronous, up to a second later under load)
 * a veth that just got its carrier still has the noop qdisc and drops what
 * it is given: wait until the kernel says the link is operationally up. */
#define WAIT_UP(dev)                                                                \
	"for i in $(seq 100); do ip -o link show " dev " | grep -q 'state UP' && break;" \
	" sleep 0.02; done; ip -o link show " dev " | grep -q 'state UP'"

static pid_t peer_pid = -1;
static struct vxt_ctx *ctx;

static const char *labsrv_path(void)
{
	static char path[4096];
	const char *env = getenv("LABSRV");
	if (env && *env)
		return env;
	const char *b = getenv("top_builddir");
	snprintf(path, sizeof(path), "%s/tests/lab/labsrv", b && *b ? b : ".");
	return path;
}

/* Start the peer: a child in a new network namespace, vb moved into it,
 * peer_cmds (shell, run inside it) applied, then labsrv exec'd there.
 * client_cmds run in the test's namespace before the peer starts. */
static void peer_start(const char *peer_cmds, const char *client_cmds)
{
	int ready[2], go[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(90);
		char c = 'n';
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(91);
		char cmd[2048];
		snprintf(cmd, sizeof(cmd),
		         "set -e; ip link set lo up; ip link set vb up;"
		         "ip addr add " PEER4 "/24 dev vb; ip addr add " PEER6 "/64 dev vb nodad;"
		         "%s\n" WAIT_UP("vb"), peer_cmds ? peer_cmds : "");
		if (system(cmd) != 0)
			_exit(92);
		dup2(ready[1], STDOUT_FILENO);
		execl(labsrv_path(), "labsrv", "serve", "--tcp", "8080", "--udp", "5353",
		      (char *)NULL);
		_exit(93);
	}
	close(ready[1]);
	close(go[0]);
	peer_pid = pid;
	char c = 0;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	nstest_sh("ip link add va type veth peer name vb netns %d", (int)pid);
	nstest_sh("ip addr add 198.51.100.1/24 dev va && ip addr add 2001:db8::1/64 dev va nodad"
	          " && ip link set va up");
	if (client_cmds)
		nstest_sh("%s", client_cmds);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	close(go[1]);
	char line[64] = "";
	ssize_t n = read(ready[0], line, sizeof(line) - 1);
	close(ready[0]);
	ck_assert_msg(n > 0 && !strncmp(line, "labsrv: ready", 13),
	              "peer did not start (labsrv at %s)", labsrv_path());
	nstest_sh(WAIT_UP("va"));
}

static void setup(void)
{
	nstest_enter();
	ctx = nstest_ctx();
}

static void teardown(void)
{
	if (peer_pid > 0) {
		kill(peer_pid, SIGTERM);
		waitpid(peer_pid, NULL, 0);
		peer_pid = -1;
	}
	ctx = vxt_ctx_unref(ctx);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define ck_assert_outcome(p, want)                                                   \
	ck_assert_msg(vxt_probe_outcome(p) == (want), "%s: outcome %s, want %s",     \
	              vxt_probe_detail(p), vxt_probe_outcome_name(vxt_probe_outcome(p)), \
	              vxt_probe_outcome_name(want))

static void assert_ok(struct vxt_probe *p, int timeout_ms)
{
	ck_assert_outcome(p, VXT_PROBE_OK);
	ck_assert(vxt_probe_ok(p));
	ck_assert_int_eq(vxt_probe_errno(p), 0);
	ck_assert_int_gt(vxt_probe_rtt_us(p), 0);
	ck_assert_int_lt(vxt_probe_rtt_us(p), (long long)timeout_ms * 1000);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), ": ok in "));
}

/* ---- answered probes ---------------------------------------------------- */

START_TEST(icmp_raw_v4_v6)
{
	peer_start(NULL, NULL);
	/* A new namespace allows no ping sockets (ping_group_range "1 0"): the
	 * probe falls back to a raw socket. */
	char *range = nstest_read_file("/proc/sys/net/ipv4/ping_group_range");
	ck_assert_ptr_nonnull(range);
	ck_assert_msg(!strncmp(range, "1\t0", 3), "ping_group_range %s", range);
	free(range);
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_icmp(ctx, PEER4, 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_str_eq(vxt_probe_method(p), "raw");
	ck_assert_int_eq(vxt_probe_kind(p), VXT_PROBE_ICMP);
	ck_assert_str_eq(vxt_probe_peer(p), PEER4);
	ck_assert_uint_eq(vxt_probe_size(p), 84);
	ck_assert_uint_eq(vxt_probe_port(p), 0);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_icmp(ctx, "2001:0db8:0::2", 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_str_eq(vxt_probe_method(p), "raw");
	ck_assert_str_eq(vxt_probe_peer(p), PEER6);
	ck_assert_uint_eq(vxt_probe_size(p), 104);
	vxt_probe_unref(p);
}
END_TEST

START_TEST(icmp_ping_socket_v4_v6)
{
	peer_start(NULL, "echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range");
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_icmp(ctx, PEER4, 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_str_eq(vxt_probe_method(p), "ping-socket");
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_icmp(ctx, PEER6, 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_str_eq(vxt_probe_method(p), "ping-socket");
	vxt_probe_unref(p);
}
END_TEST

START_TEST(icmp_no_privilege)
{
	/* Neither a ping socket (gid not in ping_group_range) nor CAP_NET_RAW:
	 * a result that says EPERM, not a failed call and not a hang. */
	nstest_cap_effective(CAP_NET_RAW, false);
	struct vxt_probe *p = NULL;
	int r = vxt_probe_icmp(ctx, PEER4, 300, &p);
	nstest_cap_effective(CAP_NET_RAW, true);
	ck_assert_int_eq(r, 0);
	ck_assert_outcome(p, VXT_PROBE_ERROR);
	ck_assert_int_eq(vxt_probe_errno(p), EPERM);
	ck_assert_str_eq(vxt_probe_method(p), "none");
	vxt_probe_unref(p);
}
END_TEST

START_TEST(tcp_ok_v4_v6)
{
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_tcp(ctx, PEER4, TCP_PORT, 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_uint_eq(vxt_probe_port(p), TCP_PORT);
	ck_assert_str_eq(vxt_probe_method(p), "tcp");
	ck_assert_str_eq(vxt_probe_kind_name(vxt_probe_kind(p)), "tcp");
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_tcp(ctx, PEER6, TCP_PORT, 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), "[2001:db8::2]:8080"));
	vxt_probe_unref(p);
}
END_TEST

/* A flow whose segments with data are dropped on the way (the handshake's
 * and pure ACKs are 60 bytes at most): "stalled", not "timeout". */
START_TEST(bulk_stall)
{
	peer_start("nft add table inet vxtb && nft add chain inet vxtb in "
	           "'{ type filter hook input priority 0; }' && "
	           "nft add rule inet vxtb in tcp dport 8080 meta length gt 60 drop", NULL);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_bulk(ctx, PEER4, TCP_PORT, true, 65536, 300, &p), 0);
	long long ms = now_ms() - t0;
	ck_assert_str_eq(vxt_probe_outcome_name(vxt_probe_outcome(p)), "stalled");
	ck_assert_uint_lt(vxt_probe_bytes(p), 65536);
	ck_assert_uint_eq(vxt_probe_size(p), 65536);
	ck_assert_msg(ms >= 300 && ms < 3500, "took %lld ms", ms);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), "stalled after the handshake"));
	vxt_probe_unref(p);
	/* not a responder: labsrv answers the request line and closes */
	ck_assert_int_eq(vxt_probe_bulk(ctx, PEER4, TCP_PORT, false, 1000, 1000, &p), 0);
	ck_assert_str_eq(vxt_probe_outcome_name(vxt_probe_outcome(p)), "refused");
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_bulk(ctx, PEER4, TCP_PORT, true, 0, 1000, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_bulk(ctx, PEER4, TCP_PORT, true, VXT_RESPONDER_MAX_BULK + 1, 1000, &p), -EINVAL);
}
END_TEST

START_TEST(udp_ok_v4_v6)
{
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_udp(ctx, PEER4, UDP_PORT, 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_str_eq(vxt_probe_method(p), "udp");
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_udp(ctx, PEER6, UDP_PORT, 1000, &p), 0);
	assert_ok(p, 1000);
	vxt_probe_unref(p);
}
END_TEST

START_TEST(dns_ok_v4_v6)
{
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_dns(ctx, PEER4, UDP_PORT, "kubernetes.default.svc.cluster.local.",
	                               1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_int_eq(vxt_probe_rcode(p), 0);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), ", rcode 0"));
	ck_assert_int_eq(vxt_probe_kind(p), VXT_PROBE_DNS);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_dns(ctx, PEER6, UDP_PORT, "example.org", 1000, &p), 0);
	assert_ok(p, 1000);
	ck_assert_int_eq(vxt_probe_rcode(p), 0);
	vxt_probe_unref(p);
	/* The echo probe's datagram is not a DNS answer: a DNS probe against a
	 * plain echo would time out, not pass. */
}
END_TEST

/* ---- refused ------------------------------------------------------------ */

START_TEST(refused_tcp_udp_dns)
{
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_tcp(ctx, PEER4, 9, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_REFUSED);
	ck_assert_int_eq(vxt_probe_errno(p), ECONNREFUSED);
	ck_assert_int_eq(vxt_probe_rtt_us(p), -1);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_tcp(ctx, PEER6, 9, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_REFUSED);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_udp(ctx, PEER4, 9, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_REFUSED);
	ck_assert_str_eq(vxt_probe_reporter(p), PEER4);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_udp(ctx, PEER6, 9, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_REFUSED);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_dns(ctx, PEER4, 0, "example.org", 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_REFUSED);
	ck_assert_uint_eq(vxt_probe_port(p), 53);
	ck_assert_int_eq(vxt_probe_rcode(p), -1);
	vxt_probe_unref(p);
	/* Refusals come back at once, not at the timeout. */
	ck_assert_int_lt(now_ms() - t0, 500);
}
END_TEST

/* ---- timeouts ----------------------------------------------------------- */

#define DROP_RULES                                                                  \
	"nft add table inet t && "                                                  \
	"nft add chain inet t in '{ type filter hook input priority 0; }' && "      \
	"nft add rule inet t in tcp dport 81 drop && "                             \
	"nft add rule inet t in udp dport 82 drop;"

static void assert_timeout(struct vxt_probe *p, long long started, int timeout_ms)
{
	long long took = now_ms() - started;
	ck_assert_outcome(p, VXT_PROBE_TIMEOUT);
	ck_assert_int_eq(vxt_probe_errno(p), ETIMEDOUT);
	ck_assert_int_eq(vxt_probe_rtt_us(p), -1);
	ck_assert_msg(took >= timeout_ms - 5 && took < 2 * timeout_ms,
	              "%s took %lld ms (timeout %d)", vxt_probe_detail(p), took, timeout_ms);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), "no answer within"));
}

START_TEST(timeout_dropped_by_nft)
{
	peer_start(DROP_RULES, NULL);
	/* Independent check that the peer really drops: the rule exists. */
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_tcp(ctx, PEER4, 81, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_udp(ctx, PEER6, 82, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_dns(ctx, PEER4, 82, "example.org", 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
}
END_TEST

START_TEST(timeout_black_hole)
{
	/* 192.0.2.0/24 is routed to the peer, which does not forward: it drops
	 * the packets silently (no ICMP while forwarding is off). */
	peer_start("echo 0 > /proc/sys/net/ipv4/ip_forward;", "ip route add 192.0.2.0/24 via " PEER4);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_icmp(ctx, "192.0.2.200", 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_tcp(ctx, "192.0.2.200", 80, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_large(ctx, "192.0.2.200", 1400, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
}
END_TEST

START_TEST(timeout_peer_does_not_exist)
{
	/* On-link but nobody owns it: ARP never resolves.  The probe must end
	 * at its own deadline, not the kernel's neighbour timeout (3 s). */
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_icmp(ctx, "198.51.100.99", 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_tcp(ctx, "2001:db8::99", 443, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_udp(ctx, "198.51.100.98", 53, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
}
END_TEST

/* ---- unreachable ---------------------------------------------------------- */

START_TEST(unreachable_no_route)
{
	/* No route at all in this namespace: immediate, clean "unreachable". */
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_icmp(ctx, "203.0.113.9", 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE);
	ck_assert_int_eq(vxt_probe_errno(p), ENETUNREACH);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_tcp(ctx, "2001:db8:ffff::9", 80, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_udp(ctx, "203.0.113.9", 53, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE);
	vxt_probe_unref(p);
	ck_assert_int_lt(now_ms() - t0, 200);
}
END_TEST

START_TEST(unreachable_reported_by_router)
{
	/* The peer forwards but has no route to 192.0.2.0/24: it answers with
	 * ICMP "network unreachable", which every probe reports as such.  The
	 * kernel sends only ~2 such errors per second to one host
	 * (icmp_ratelimit; later ones are dropped and a probe then times out):
	 * lift that limit on this "router". */
	peer_start("echo 1 > /proc/sys/net/ipv4/ip_forward;"
	           "echo 0 > /proc/sys/net/ipv4/icmp_ratelimit;",
	           "ip route add 192.0.2.0/24 via " PEER4);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_icmp(ctx, "192.0.2.7", 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE);
	ck_assert_str_eq(vxt_probe_reporter(p), PEER4);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), "reported by " PEER4));
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_tcp(ctx, "192.0.2.7", 80, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_udp(ctx, "192.0.2.7", 53, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE);
	ck_assert_str_eq(vxt_probe_reporter(p), PEER4);
	vxt_probe_unref(p);
	ck_assert_int_lt(now_ms() - t0, 500);
}
END_TEST

/* ---- large payload -------------------------------------------------------- */

START_TEST(large_mtu_black_hole)
{
	/* The peer's NIC takes 1400 bytes while ours sends 1500: veth drops
	 * the bigger frames on the floor, like an underlay that is smaller
	 * than the overlay assumes. */
	peer_start("ip link set vb mtu 1400;", NULL);
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_large(ctx, PEER4, 1400, 500, &p), 0);
	assert_ok(p, 500);
	ck_assert_uint_eq(vxt_probe_size(p), 1400);
	ck_assert_int_eq(vxt_probe_kind(p), VXT_PROBE_LARGE);
	vxt_probe_unref(p);
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_large(ctx, PEER4, 1500, 300, &p), 0);
	assert_timeout(p, t0, 300);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), "1500 bytes, DF"));
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_large(ctx, PEER6, 1400, 500, &p), 0);
	assert_ok(p, 500);
	vxt_probe_unref(p);
	t0 = now_ms();
	ck_assert_int_eq(vxt_probe_large(ctx, PEER6, 1500, 300, &p), 0);
	assert_timeout(p, t0, 300);
	vxt_probe_unref(p);
	/* Independent check: ping(8) with DF sees the same. */
	ck_assert_int_ne(nstest_sh_rc("ping -n -q -c1 -W1 -M do -s 1472 " PEER4 " >/dev/null 2>&1"), 0);
	ck_assert_int_eq(nstest_sh_rc("ping -n -q -c1 -W1 -M do -s 1372 " PEER4 " >/dev/null 2>&1"), 0);
}
END_TEST

START_TEST(large_passes_when_mtu_fits)
{
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	ck_assert_int_eq(vxt_probe_large(ctx, PEER4, 1500, 500, &p), 0);
	assert_ok(p, 500);
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_large(ctx, PEER6, 1500, 500, &p), 0);
	assert_ok(p, 500);
	vxt_probe_unref(p);
}
END_TEST

START_TEST(large_above_local_mtu)
{
	/* DF and bigger than our own interface: the kernel refuses to send,
	 * the probe says too-big and which MTU. */
	peer_start(NULL, NULL);
	struct vxt_probe *p = NULL;
	long long t0 = now_ms();
	ck_assert_int_eq(vxt_probe_large(ctx, PEER4, 1501, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_TOO_BIG);
	ck_assert_int_eq(vxt_probe_errno(p), EMSGSIZE);
	ck_assert_uint_eq(vxt_probe_mtu(p), 1500);
	ck_assert_ptr_nonnull(strstr(vxt_probe_detail(p), "MTU 1500"));
	vxt_probe_unref(p);
	ck_assert_int_eq(vxt_probe_large(ctx, PEER6, 1501, 1000, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_TOO_BIG);
	vxt_probe_unref(p);
	ck_assert_int_lt(now_ms() - t0, 200);
}
END_TEST

/* ---- argument checks (no network) ------------------------------------------ */

START_TEST(bad_arguments)
{
	struct vxt_probe *p = (struct vxt_probe *)&p;
	ck_assert_int_eq(vxt_probe_icmp(ctx, "example.com", 300, &p), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "'example.com' is not a numeric"));
	ck_assert_int_eq(vxt_probe_icmp(ctx, "", 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_icmp(ctx, NULL, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_icmp(ctx, "198.51.100.2", 0, &p), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "timeout 0 ms"));
	ck_assert_int_eq(vxt_probe_icmp(ctx, "198.51.100.2", -5, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_icmp(ctx, "198.51.100.2", 300, NULL), -EINVAL);
	ck_assert_int_eq(vxt_probe_tcp(ctx, "198.51.100.2", 0, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_tcp(ctx, "198.51.100.2", 65536, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_udp(ctx, "198.51.100.2", 0, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_large(ctx, "198.51.100.2", 20, 300, &p), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(vxt_probe_large(ctx, "198.51.100.2", 70000, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_large(ctx, "2001:db8::2", 60, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, "a..b", 300, &p), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "'a..b' is not a valid DNS name"));
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, "", 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, NULL, 300, &p), -EINVAL);
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, "bad name", 300, &p), -EINVAL);
	char label[80];
	memset(label, 'a', 64);
	strcpy(label + 64, ".org");
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, label, 300, &p), -EINVAL);
	memmove(label + 63, label + 64, strlen(label + 64) + 1); /* 63 a's.org */
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, label, 1, &p), 0);
	ck_assert_outcome(p, VXT_PROBE_UNREACHABLE); /* empty namespace: no route */
	vxt_probe_unref(p);
	/* 4 labels of 63: 4 * (1 + 63) + 1 = 257 bytes encoded, over 255. */
	char longname[300];
	size_t off = 0;
	for (int i = 0; i < 4; i++) {
		memset(longname + off, 'b', 63);
		off += 63;
		longname[off++] = '.';
	}
	longname[off - 1] = '\0';
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, longname, 300, &p), -EINVAL);
	/* 3 * 64 + (1 + 61) + 1 = 255: the longest name there is. */
	longname[3 * 64 + 61] = '\0';
	ck_assert_int_eq(vxt_probe_dns(ctx, "198.51.100.2", 0, longname, 1, &p), 0);
	vxt_probe_unref(p);
	ck_assert_ptr_null(vxt_probe_unref(NULL));
	ck_assert_int_eq(vxt_probe_outcome(NULL), VXT_PROBE_ERROR);
	ck_assert_int_eq(vxt_probe_rtt_us(NULL), -1);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_ICMP), "icmp");
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_TCP), "tcp");
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_UDP), "udp");
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_DNS), "dns");
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_LARGE), "large");
	ck_assert_str_eq(vxt_probe_kind_name(9), "unknown");
	ck_assert_str_eq(vxt_probe_kind_name(-1), "unknown");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_OK), "ok");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_TIMEOUT), "timeout");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_REFUSED), "refused");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_UNREACHABLE), "unreachable");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_TOO_BIG), "too-big");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_ERROR), "error");
	ck_assert_str_eq(vxt_probe_outcome_name(VXT_PROBE_STALLED), "stalled");
	ck_assert_str_eq(vxt_probe_outcome_name(7), "unknown");
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_BULK_OUT), "bulk-out");
	ck_assert_str_eq(vxt_probe_kind_name(VXT_PROBE_UDP_IN), "udp-in");
}
END_TEST

static Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("answered");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, icmp_raw_v4_v6);
	tcase_add_test(tc, icmp_ping_socket_v4_v6);
	tcase_add_test(tc, tcp_ok_v4_v6);
	tcase_add_test(tc, bulk_stall);
	tcase_add_test(tc, udp_ok_v4_v6);
	tcase_add_test(tc, dns_ok_v4_v6);
	tcase_add_test(tc, refused_tcp_udp_dns);
	tcase_add_test(tc, icmp_no_privilege);
	suite_add_tcase(s, tc);
	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, timeout_dropped_by_nft);
	tcase_add_test(tc, timeout_black_hole);
	tcase_add_test(tc, timeout_peer_does_not_exist);
	tcase_add_test(tc, unreachable_no_route);
	tcase_add_test(tc, unreachable_reported_by_router);
	suite_add_tcase(s, tc);
	tc = tcase_create("large");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, large_mtu_black_hole);
	tcase_add_test(tc, large_passes_when_mtu_fits);
	tcase_add_test(tc, large_above_local_mtu);
	suite_add_tcase(s, tc);
	tc = tcase_create("api");
	/* In an empty namespace of its own: nothing can leave the machine. */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(probe_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
