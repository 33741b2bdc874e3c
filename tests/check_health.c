/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The health check in namespaces of its own: a node-like setup (veth
 * underlay with a default route, vxlan.calico on it) for the local
 * findings, checked against ip/ethtool/proc; and the verdict's patterns
 * made real with nftables on loopback (drop TCP: ICMP passes, TCP fails;
 * drop large packets: MTU; an unrouted peer: nothing passes). */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nstest.h"
#include "vxlantune.h"

static struct vxt_ctx *ctx;
static struct vxt_check_opts *opts;

static void setup(void)
{
	ctx = nstest_ctx();
	ck_assert_int_eq(vxt_check_opts_new(&opts), 0);
}

static void teardown(void)
{
	vxt_check_opts_unref(opts);
	vxt_ctx_unref(ctx);
}

/* A node: u1 198.51.100.1/24 (peer end u1p up, so u1 has carrier), a
 * default route via an absent router, vxlan.calico (MTU 1450) on u1 whose
 * MTU is then set to umtu (the kernel refuses a VXLAN MTU above its
 * parent's at creation, not later), ip_forward on. */
static void make_node(unsigned int umtu)
{
	nstest_enter();
	nstest_sh("ip link add u1 type veth peer name u1p && ip link set u1p up && "
	          "ip addr add 198.51.100.1/24 dev u1 && ip link set u1 up && "
	          "ip route add default via 198.51.100.254 dev u1 && "
	          "ip link add vxlan.calico mtu 1450 type vxlan id 4096 local 198.51.100.1 dev u1 "
	          "dstport 4789 nolearning && ip addr add 203.0.113.1/32 dev vxlan.calico && "
	          "ip link set vxlan.calico up && ip link set u1 mtu %u && "
	          "echo 1 > /proc/sys/net/ipv4/ip_forward", umtu);
}

static struct vxt_check *run(void)
{
	struct vxt_check *c = NULL;
	int rc = vxt_check_run(ctx, opts, &c);
	ck_assert_msg(rc == 0, "check failed: %d %s", rc, vxt_ctx_errmsg(ctx));
	return c;
}

/* Severity of the finding (code, object), or -1 when there is none. */
static int sev(const struct vxt_check *c, const char *code, const char *object)
{
	int s = -1;
	for (unsigned int i = 0; i < vxt_check_finding_count(c); i++)
		if (!strcmp(vxt_check_finding_code(c, i), code) &&
		    (!object || !strcmp(vxt_check_finding_object(c, i), object)) &&
		    vxt_check_finding_severity(c, i) > s)
			s = vxt_check_finding_severity(c, i);
	return s;
}

/* "[DEVICE ]KEY=VALUE[; ...]": the structured remedies of the first
 * failed finding with code, as plain text for comparisons. */
static const char *remedy(const struct vxt_check *c, const char *code)
{
	static char buf[512];
	buf[0] = '\0';
	for (unsigned int i = 0; i < vxt_check_finding_count(c); i++) {
		if (strcmp(vxt_check_finding_code(c, i), code) ||
		    vxt_check_finding_severity(c, i) < VXT_SEVERITY_WARNING)
			continue;
		for (unsigned int j = 0; j < vxt_check_finding_remedy_count(c, i); j++) {
			const struct vxt_remedy *r = vxt_check_finding_remedy(c, i, j);
			size_t n = strlen(buf);
			snprintf(buf + n, sizeof(buf) - n, "%s%s%s%s=%s", n ? "; " : "",
			         vxt_remedy_device(r), *vxt_remedy_device(r) ? " " : "",
			         vxt_remedy_key(r), vxt_remedy_value(r));
			ck_assert_int_eq(vxt_remedy_node(r), VXT_NODE_THIS);
		}
		break;
	}
	return buf;
}

START_TEST(opts_validation)
{
	ck_assert_int_eq(vxt_check_opts_add_peer(opts, "kubernetes.default"), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_add_peer(opts, ""), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_add_peer(opts, NULL), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_add_peer(opts, "203.0.113.2"), 0);
	ck_assert_int_eq(vxt_check_opts_add_peer(opts, "2001:db8::2"), 0);
	ck_assert_int_eq(vxt_check_opts_set_timeout(opts, 0), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_timeout(opts, 600001), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_timeout(opts, 250), 0);
	ck_assert_int_eq(vxt_check_opts_set_tcp_port(opts, 65536), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_udp_port(opts, 70000), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_dns(opts, "dns.example", 53), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_dns(opts, "192.0.2.53", 0), 0);
	ck_assert_int_eq(vxt_check_opts_set_large_size(opts, 20), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_large_size(opts, 0), 0);
	const char *bad[] = {"a/b", NULL};
	ck_assert_int_eq(vxt_check_opts_set_vxlan(opts, bad), -EINVAL);
	ck_assert_int_eq(vxt_check_opts_set_underlay_method(opts, "first-found"), 0);
	ck_assert_str_eq(vxt_severity_name(VXT_SEVERITY_WARNING), "warning");
	ck_assert_str_eq(vxt_severity_name(9), "unknown");
	ck_assert_str_eq(vxt_verdict_name(VXT_VERDICT_DATA_PATH), "overlay-data-path");
	ck_assert_str_eq(vxt_verdict_name(-1), "unknown");
	/* NULL objects: accessors do not crash */
	ck_assert_uint_eq(vxt_check_finding_count(NULL), 0);
	ck_assert_ptr_null(vxt_check_finding_code(NULL, 0));
	ck_assert_int_eq(vxt_check_status(NULL), -1);
	ck_assert_ptr_null(vxt_check_unref(NULL));
}
END_TEST

START_TEST(bad_method_is_einval)
{
	nstest_enter();
	vxt_check_opts_set_underlay_method(opts, "interface=(");
	struct vxt_check *c = NULL;
	ck_assert_int_eq(vxt_check_run(ctx, opts, &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert(strlen(vxt_ctx_errmsg(ctx)) > 0);
}
END_TEST

START_TEST(empty_namespace)
{
	nstest_enter(); /* no VXLAN, no underlay */
	/* a new namespace copies ip_forward from the host's on some kernels */
	nstest_sh("echo 0 > /proc/sys/net/ipv4/ip_forward");
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "vxlan-present", NULL), VXT_SEVERITY_ERROR);
	ck_assert_int_eq(sev(c, "underlay-detected", NULL), VXT_SEVERITY_WARNING);
	ck_assert_int_eq(sev(c, "ip-forward", NULL), VXT_SEVERITY_ERROR);
	ck_assert_str_eq(remedy(c, "ip-forward"), "net.ipv4.ip_forward=1");
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_LOCAL);
	ck_assert_int_eq(vxt_check_status(c), 2);
	ck_assert_uint_eq(vxt_check_probe_count(c), 0);
	vxt_check_unref(c);
}
END_TEST

START_TEST(healthy_node)
{
	make_node(1500);
	struct vxt_check *c = run();
	const char *ok[] = {"vxlan-present", "vxlan-up", "underlay-detected", "underlay-up",
	                    "vxlan-mtu", "vxlan-local", "vxlan-parent", "ip-forward",
	                    "udp-csum-errors", NULL};
	for (int i = 0; ok[i]; i++)
		ck_assert_msg(sev(c, ok[i], NULL) == VXT_SEVERITY_OK, "%s: severity %d", ok[i],
		              sev(c, ok[i], NULL));
	ck_assert_str_eq(vxt_check_underlay(c), "u1");
	ck_assert_int_eq(sev(c, "offload-state", "vxlan.calico"), VXT_SEVERITY_INFO);
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_HEALTHY);
	ck_assert_int_eq(vxt_check_status(c), 0);
	ck_assert(strstr(vxt_check_summary(c), "healthy") != NULL);
	ck_assert_uint_eq(vxt_check_counter_count(c), 6);
	ck_assert_str_eq(vxt_check_counter_name(c, 0), "Udp:InCsumErrors");
	/* the counter as the kernel prints it, read independently */
	char *want = nstest_capture("awk '$1 == \"Udp:\" && h { print $8; exit } $1 == \"Udp:\" { h = 1 }' "
	                            "/proc/net/snmp");
	ck_assert_int_eq(vxt_check_counter_after(c, 0), atoll(want));
	free(want);
	ck_assert(vxt_check_duration_us(c) > 0);
	vxt_check_unref(c);
}
END_TEST

START_TEST(mtu_too_large)
{
	make_node(1400);
	nstest_sh("ip -o link show vxlan.calico | grep -q 'mtu 1450 ' && "
	          "ip -o link show u1 | grep -q 'mtu 1400 '");
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "vxlan-mtu", "vxlan.calico"), VXT_SEVERITY_ERROR);
	ck_assert_str_eq(remedy(c, "vxlan-mtu"), "vxlan.calico mtu=1350");
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_LOCAL);
	vxt_check_unref(c);
	/* the remedy works: apply it, check again */
	nstest_sh("ip link set vxlan.calico mtu 1350");
	c = run();
	ck_assert_int_eq(sev(c, "vxlan-mtu", "vxlan.calico"), VXT_SEVERITY_OK);
	vxt_check_unref(c);
}
END_TEST

START_TEST(vxlan_down_and_underlay_without_carrier)
{
	make_node(1500);
	nstest_sh("ip link set vxlan.calico down && ip link set u1p down");
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "vxlan-up", "vxlan.calico"), VXT_SEVERITY_ERROR);
	ck_assert_str_eq(remedy(c, "vxlan-up"), "vxlan.calico up=1");
	ck_assert_int_eq(sev(c, "underlay-up", "u1"), VXT_SEVERITY_ERROR);
	ck_assert_int_eq(vxt_check_status(c), 2);
	vxt_check_unref(c);
}
END_TEST

START_TEST(named_vxlan_missing)
{
	make_node(1500);
	const char *names[] = {"flannel.1", NULL};
	vxt_check_opts_set_vxlan(opts, names);
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "vxlan-present", "flannel.1"), VXT_SEVERITY_ERROR);
	vxt_check_unref(c);
	/* a device that is not VXLAN */
	const char *veth[] = {"u1p", NULL};
	vxt_check_opts_set_vxlan(opts, veth);
	c = run();
	ck_assert_int_eq(sev(c, "vxlan-present", "u1p"), VXT_SEVERITY_ERROR);
	vxt_check_unref(c);
}
END_TEST

START_TEST(local_and_parent_elsewhere)
{
	make_node(1500);
	/* the tunnel moves to u3 while the default route stays on u1 */
	nstest_sh("ip link add u3 type veth peer name u3p && ip link set u3p up && "
	          "ip addr add 192.0.2.1/24 dev u3 && ip link set u3 up && "
	          "ip link del vxlan.calico && "
	          "ip link add vxlan.calico mtu 1450 type vxlan id 4096 local 192.0.2.1 dev u3 dstport 4789");
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "vxlan-local", "vxlan.calico"), VXT_SEVERITY_WARNING);
	ck_assert_int_eq(sev(c, "vxlan-parent", "vxlan.calico"), VXT_SEVERITY_WARNING);
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_LOCAL); /* vxlan is down too */
	vxt_check_unref(c);
	/* asking with the CNI's own method agrees again */
	vxt_check_opts_set_underlay_method(opts, "vxlan=vxlan.calico");
	nstest_sh("ip link set vxlan.calico up");
	c = run();
	ck_assert_int_eq(sev(c, "vxlan-local", "vxlan.calico"), VXT_SEVERITY_OK);
	ck_assert_int_eq(sev(c, "vxlan-parent", "vxlan.calico"), VXT_SEVERITY_OK);
	ck_assert_str_eq(vxt_check_underlay(c), "u3");
	vxt_check_unref(c);
}
END_TEST

START_TEST(offloads_against_policy)
{
	make_node(1500);
	struct vxt_policy *p = NULL;
	ck_assert_int_eq(vxt_policy_preset(ctx, "checksum", &p), 0);
	vxt_check_opts_set_policy(opts, p);
	vxt_policy_unref(p); /* the options hold their own reference */
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-checksum-ip-generic", NULL), 1);
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "offloads", "vxlan.calico"), VXT_SEVERITY_WARNING);
	ck_assert_str_eq(remedy(c, "offloads"), "preset=checksum");
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_WARNINGS);
	ck_assert_int_eq(vxt_check_status(c), 1);
	/* the dry run behind it changed nothing */
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-checksum-ip-generic", NULL), 1);
	vxt_check_unref(c);
	nstest_sh("ethtool -K vxlan.calico tx-checksum-ip-generic off");
	c = run();
	ck_assert_int_eq(sev(c, "offloads", "vxlan.calico"), VXT_SEVERITY_OK);
	ck_assert_int_eq(vxt_check_status(c), 0);
	vxt_check_unref(c);
}
END_TEST

START_TEST(effective_rp_filter)
{
	make_node(1500);
	struct vxt_policy *p = NULL;
	ck_assert_int_eq(vxt_policy_load_string(ctx, "[sysctl vxlan]\nrp_filter = 0\n", &p), 0);
	vxt_check_opts_set_policy(opts, p);
	vxt_policy_unref(p);
	/* the interface's own value is right, but all=1 wins: max(all, iface) */
	nstest_sh("echo 0 > /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter && "
	          "echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter");
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "rp-filter", "vxlan.calico"), VXT_SEVERITY_WARNING);
	ck_assert_str_eq(remedy(c, "rp-filter"), "all rp_filter=0; vxlan.calico rp_filter=0");
	vxt_check_unref(c);
	nstest_sh("echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter");
	c = run();
	ck_assert_int_eq(sev(c, "rp-filter", "vxlan.calico"), VXT_SEVERITY_OK);
	vxt_check_unref(c);
}
END_TEST

START_TEST(strict_rp_filter_asymmetric_route)
{
	make_node(1500);
	/* the peer's block is routed via the underlay, not the overlay */
	nstest_sh("ip route add 203.0.113.0/26 via 198.51.100.2 dev u1 && "
	          "echo 1 > /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter");
	vxt_check_opts_add_peer(opts, "203.0.113.2");
	vxt_check_opts_set_timeout(opts, 100);
	struct vxt_check *c = run();
	ck_assert_int_eq(sev(c, "rp-filter", "vxlan.calico"), VXT_SEVERITY_ERROR);
	vxt_check_unref(c);
}
END_TEST

/* A listening TCP socket on 127.0.0.1 (the kernel completes handshakes
 * without accept()).  Returns its port. */
static int tcp_listener(int *fd)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(*fd, 0);
	ck_assert_int_eq(bind(*fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(*fd, 16), 0);
	ck_assert_int_eq(getsockname(*fd, (struct sockaddr *)&sa, &len), 0);
	return ntohs(sa.sin_port);
}

static const char *outcome(const struct vxt_check *c, int kind)
{
	for (unsigned int i = 0; i < vxt_check_probe_count(c); i++)
		if (vxt_probe_kind(vxt_check_probe(c, i)) == kind)
			return vxt_probe_outcome_name(vxt_probe_outcome(vxt_check_probe(c, i)));
	return "none";
}

START_TEST(verdict_patterns)
{
	make_node(1500);
	int fd, port = tcp_listener(&fd);
	vxt_check_opts_add_peer(opts, "127.0.0.1");
	vxt_check_opts_set_tcp_port(opts, (unsigned int)port);
	vxt_check_opts_set_large_size(opts, 1400);
	vxt_check_opts_set_timeout(opts, 300);

	struct vxt_check *c = run();
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_HEALTHY);
	ck_assert_uint_eq(vxt_check_probe_count(c), 3);
	ck_assert_str_eq(outcome(c, VXT_PROBE_TCP), "ok");
	vxt_check_unref(c);

	/* TCP dropped, ICMP passes: the data-path pattern */
	nstest_sh("nft add table inet vxtt && "
	          "nft add chain inet vxtt in '{ type filter hook input priority 0; }' && "
	          "nft add rule inet vxtt in tcp dport %d drop", port);
	c = run();
	ck_assert_str_eq(outcome(c, VXT_PROBE_ICMP), "ok");
	ck_assert_str_eq(outcome(c, VXT_PROBE_TCP), "timeout");
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_DATA_PATH);
	ck_assert_int_eq(vxt_check_status(c), 2);
	ck_assert(strstr(vxt_check_summary(c), "ICMP passes but TCP/UDP fail") != NULL);
	ck_assert(strstr(vxt_check_summary(c), "offloads") != NULL);
	ck_assert_uint_gt(vxt_check_remedy_count(c), 0);
	vxt_check_unref(c);

	/* large packets dropped: MTU */
	nstest_sh("nft flush chain inet vxtt in && nft add rule inet vxtt in meta length gt 1000 drop");
	c = run();
	ck_assert_str_eq(outcome(c, VXT_PROBE_LARGE), "timeout");
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_MTU);
	vxt_check_unref(c);

	/* everything dropped: nothing passes */
	nstest_sh("nft flush chain inet vxtt in && nft add rule inet vxtt in drop");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = run();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_UNREACHABLE);
	/* three probes of 300 ms each, at once: one deadline, not much more
	 * (each waits its own whole deadline, so never less) */
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(s >= 0.28 && s < 2.0, "took %.2f s", s);
	vxt_check_unref(c);
	close(fd);
}
END_TEST

START_TEST(peer_without_route)
{
	nstest_enter(); /* no route at all: the kernel says so at once */
	nstest_sh("echo 1 > /proc/sys/net/ipv4/ip_forward"); /* one local error only */
	vxt_check_opts_add_peer(opts, "192.0.2.99");
	vxt_check_opts_set_tcp_port(opts, 80);
	vxt_check_opts_set_udp_port(opts, 53);
	vxt_check_opts_set_timeout(opts, 500);
	struct vxt_check *c = run();
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_UNREACHABLE);
	ck_assert_uint_eq(vxt_check_probe_count(c), 4);
	/* the local errors (no VXLAN device here) come first */
	/* nothing to change for a missing device: no remedy, the text says */
	ck_assert_uint_eq(vxt_check_remedy_count(c), 0);
	ck_assert_ptr_null(vxt_check_remedy(c, 0));
	ck_assert(vxt_check_duration_us(c) < 2500000);
	vxt_check_unref(c);
}
END_TEST

START_TEST(prometheus_text)
{
	make_node(1400);
	int fd, port = tcp_listener(&fd);
	vxt_check_opts_add_peer(opts, "127.0.0.1");
	vxt_check_opts_set_tcp_port(opts, (unsigned int)port);
	struct vxt_check *c = run();
	char *text = NULL;
	ck_assert_int_eq(vxt_check_prometheus(c, &text), 0);
	ck_assert(strstr(text, "# HELP vxlantune_check_success ") == text);
	ck_assert(strstr(text, "\nvxlantune_check_success 1\n"));
	ck_assert(strstr(text, "\n# HELP vxlantune_check_status "));
	ck_assert(strstr(text, "# TYPE vxlantune_check_status gauge\n") != NULL);
	ck_assert(strstr(text, "vxlantune_check_status{check=\"vxlan-mtu\",object=\"vxlan.calico\"} 2\n"));
	ck_assert(strstr(text, "vxlantune_check_status{check=\"vxlan-up\",object=\"vxlan.calico\"} 0\n"));
	ck_assert(strstr(text, "vxlantune_check_verdict{verdict=\"local-errors\"} 2\n"));
	ck_assert(strstr(text, "vxlantune_probe_success{peer=\"127.0.0.1\",probe=\"tcp\"} 1\n"));
	ck_assert(strstr(text, "vxlantune_probe_rtt_seconds{peer=\"127.0.0.1\",probe=\"icmp\"} 0."));
	ck_assert(strstr(text, "# TYPE vxlantune_udp_in_csum_errors_total counter\n"));
	ck_assert(text[strlen(text) - 1] == '\n');
	/* every series once */
	char *dup = nstest_capture("printf '%%s' '%s' | grep -v '^#' | sed 's/ [^ ]*$//' | sort | uniq -d", text);
	ck_assert_str_eq(dup, "");
	free(dup);
	free(text);
	vxt_check_unref(c);
	close(fd);
}
END_TEST

static Suite *health_suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("health");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, opts_validation);
	tcase_add_test(tc, bad_method_is_einval);
	tcase_add_test(tc, empty_namespace);
	tcase_add_test(tc, healthy_node);
	tcase_add_test(tc, mtu_too_large);
	tcase_add_test(tc, vxlan_down_and_underlay_without_carrier);
	tcase_add_test(tc, named_vxlan_missing);
	tcase_add_test(tc, local_and_parent_elsewhere);
	tcase_add_test(tc, offloads_against_policy);
	tcase_add_test(tc, effective_rp_filter);
	tcase_add_test(tc, strict_rp_filter_asymmetric_route);
	tcase_add_test(tc, verdict_patterns);
	tcase_add_test(tc, peer_without_route);
	tcase_add_test(tc, prometheus_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(health_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
