/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The health check's probes run at once (lib/probe_batch.c): peers whose
 * every probe times out cost about one timeout, not peers x probes x
 * timeout; the results keep their order and meaning; at most
 * VXT_PROBES_IN_FLIGHT (64) are in flight, so a larger batch takes more
 * rounds.  The lab: one namespace whose default route leads to a gateway
 * with a static neighbour entry, on a veth whose other end (no address)
 * drops every frame: nothing ever answers and nothing fails early. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "nstest.h"
#include "vxlantune.h"

#define TIMEOUT_MS 300

static void blackhole_lab(void)
{
	nstest_enter();
	nstest_sh("ip link add eth0 type veth peer name eth0p && ip link set eth0 up && ip link set eth0p up"
	          " && ip addr add 198.51.100.10/24 dev eth0 && ip route add default via 198.51.100.1"
	          " && ip neigh add 198.51.100.1 lladdr 02:00:5e:00:53:01 dev eth0 nud permanent");
}

static long long run(unsigned int npeers, bool responder, struct vxt_check **out)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_check_opts *o;
	ck_assert_int_eq(vxt_check_opts_new(&o), 0);
	for (unsigned int i = 0; i < npeers; i++) {
		char peer[32];
		snprintf(peer, sizeof(peer), "203.0.113.%u", i + 1);
		ck_assert_int_eq(vxt_check_opts_add_peer(o, peer), 0);
	}
	if (!responder) {
		ck_assert_int_eq(vxt_check_opts_set_tcp_port(o, 8080), 0);
		ck_assert_int_eq(vxt_check_opts_set_udp_port(o, 7), 0);
	}
	ck_assert_int_eq(vxt_check_opts_set_timeout(o, TIMEOUT_MS), 0);
	ck_assert_int_eq(vxt_check_run(ctx, o, out), 0);
	vxt_check_opts_unref(o);
	vxt_ctx_unref(ctx);
	return vxt_check_duration_us(*out) / 1000;
}

/* Every probe of every peer timed out, in the order the check promises
 * (per peer: icmp, tcp, udp, large), peer by peer. */
static void all_timed_out(const struct vxt_check *c, unsigned int npeers)
{
	static const int kinds[] = {VXT_PROBE_ICMP, VXT_PROBE_TCP, VXT_PROBE_UDP, VXT_PROBE_LARGE};
	ck_assert_uint_eq(vxt_check_probe_count(c), 4 * npeers);
	for (unsigned int i = 0; i < vxt_check_probe_count(c); i++) {
		const struct vxt_probe *p = vxt_check_probe(c, i);
		char peer[32];
		snprintf(peer, sizeof(peer), "203.0.113.%u", i / 4 + 1);
		ck_assert_str_eq(vxt_probe_peer(p), peer);
		ck_assert_int_eq(vxt_probe_kind(p), kinds[i % 4]);
		ck_assert_msg(vxt_probe_outcome(p) == VXT_PROBE_TIMEOUT, "%s", vxt_probe_detail(p));
	}
	ck_assert_int_eq(vxt_check_verdict(c), VXT_VERDICT_UNREACHABLE);
}

/* 10 peers x 4 probes, 300 ms each: 12 s one after another.  Allowed: a
 * quarter of that (about one timeout is expected; the margin is for a
 * loaded machine, not a tuned threshold). */
START_TEST(failing_peers_cost_one_timeout)
{
	blackhole_lab();
	struct vxt_check *c;
	long long ms = run(10, false, &c);
	all_timed_out(c, 10);
	ck_assert_msg(ms < 10 * 4 * TIMEOUT_MS / 4, "10 failing peers took %lld ms", ms);
	ck_assert_msg(ms >= TIMEOUT_MS, "%lld ms: shorter than one probe's deadline", ms);
	vxt_check_unref(c);
}
END_TEST

/* 20 peers x 4 = 80 probes, more than 64 in flight: two rounds at least
 * (a lower bound: every probe waits its whole deadline), still far from
 * 80 x 300 ms. */
START_TEST(in_flight_is_capped)
{
	blackhole_lab();
	struct vxt_check *c;
	long long ms = run(20, false, &c);
	all_timed_out(c, 20);
	ck_assert_msg(ms >= 2 * TIMEOUT_MS - 20, "80 probes in %lld ms: more than 64 in flight", ms);
	ck_assert_msg(ms < 20 * 4 * TIMEOUT_MS / 4, "20 failing peers took %lld ms", ms);
	vxt_check_unref(c);
}
END_TEST

/* The default (responder) mode: the counters query of a dead peer and its
 * probes wait at the same time too. */
START_TEST(responder_mode_concurrent)
{
	blackhole_lab();
	struct vxt_check *c;
	long long ms = run(5, true, &c);
	ck_assert_uint_ge(vxt_check_probe_count(c), 5 * 3); /* icmp, connect, large */
	for (unsigned int i = 0; i < vxt_check_probe_count(c); i++)
		ck_assert_int_eq(vxt_probe_outcome(vxt_check_probe(c, i)), VXT_PROBE_TIMEOUT);
	ck_assert_msg(ms < 5 * 4 * TIMEOUT_MS / 4, "5 dead peers took %lld ms", ms);
	vxt_check_unref(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check_concurrent");
	TCase *tc = tcase_create("probes");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, failing_peers_cost_one_timeout);
	tcase_add_test(tc, in_flight_is_capped);
	tcase_add_test(tc, responder_mode_concurrent);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
