/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The internal sysctl plan API (lib/sysctl.h) that a whole-policy apply
 * builds on: plan, execute, roll back.  Built from the sysctl sources
 * themselves (the shared library hides them).  Every test runs in a fresh
 * network namespace with real devices and checks /proc/sys with cat/grep. */
#include "config.h"

#include <check.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "nstest.h"
#include "sysctl.h"

/* ctx.c closes the ethtool socket, which these tests never open (the
 * ethtool sources are not linked in). */
void vxt_ethtool_close(struct vxt_ctx *ctx)
{
	(void)ctx;
}

static char *rp_all(void)
{
	return nstest_capture("cd /proc/sys/net/ipv4/conf && grep -H . */rp_filter");
}

static struct vxt_sysctl_req *request(const char *value)
{
	struct vxt_sysctl_req *req = NULL;
	const char *sels[] = {"pl*", "all", "default", NULL}, *one[] = {"pl1a", NULL};
	ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
	ck_assert_int_eq(vxt_sysctl_req_add(req, "rp_filter", value, sels), 0);
	ck_assert_int_eq(vxt_sysctl_req_add(req, "arp_ignore", "2", one), 0);
	return req;
}

/* Execute changes what differs; rollback puts every written file back
 * (newest first) and reports it; files that were already right are not
 * touched by either. */
START_TEST(execute_then_rollback)
{
	nstest_enter();
	nstest_veths("pl", 3);
	nstest_sh("cd /proc/sys/net/ipv4/conf && echo 1 > all/rp_filter && echo 2 > default/rp_filter "
	          "&& echo 0 > pl0a/rp_filter && echo 1 > pl0b/rp_filter && echo 2 > pl1a/rp_filter "
	          "&& echo 0 > pl1b/rp_filter && echo 1 > pl2a/rp_filter && echo 2 > pl2b/rp_filter");
	char *before = rp_all(), *ai = nstest_capture("cat /proc/sys/net/ipv4/conf/pl1a/arp_ignore");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = request("1");
	struct vxt_sysctl_plan p;
	ck_assert_msg(vxt_sysctl_plan_build(ctx, req, 0, VXT_PLAN_SET, &p) == 0, "%s",
	              vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(p.n, 9);
	ck_assert(!p.proc_readonly);
	/* Planning reads and writes nothing. */
	char *planned = rp_all();
	ck_assert_str_eq(planned, before);
	free(planned);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_plan_execute(ctx, &p, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count(r), 9);
	/* pl0b, pl2a, all already 1; default 2 -> 1 forces nothing here. */
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 3);
	vxt_report_unref(r);
	char *mid = nstest_capture("cd /proc/sys/net/ipv4/conf && grep -L -x 1 pl*/rp_filter "
	                           "all/rp_filter default/rp_filter | wc -l");
	ck_assert_int_eq(atoi(mid), 0);
	free(mid);
	ck_assert_int_eq(nstest_sh_rc("grep -qx 2 /proc/sys/net/ipv4/conf/pl1a/arp_ignore"), 0);
	ck_assert_int_eq(vxt_sysctl_plan_rollback(ctx, &p, &r), 0);
	/* Written: pl0a pl1a pl1b pl2b default (rp_filter) and arp_ignore. */
	ck_assert_uint_eq(vxt_report_count(r), 6);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 6);
	ck_assert_str_eq(vxt_report_object(r, 0), "pl1a"); /* newest first */
	ck_assert_str_eq(vxt_report_key(r, 0), "net.ipv4.conf.pl1a.arp_ignore");
	ck_assert_str_eq(vxt_report_object(r, 1), "default");
	ck_assert_str_eq(vxt_report_before(r, 1), "1");
	ck_assert_str_eq(vxt_report_after(r, 1), "2");
	vxt_report_unref(r);
	char *after = rp_all(), *ai2 = nstest_capture("cat /proc/sys/net/ipv4/conf/pl1a/arp_ignore");
	ck_assert_str_eq(after, before);
	ck_assert_str_eq(ai2, ai);
	/* A second rollback has nothing left to do. */
	ck_assert_int_eq(vxt_sysctl_plan_rollback(ctx, &p, &r), 0);
	ck_assert_uint_eq(vxt_report_count(r), 0);
	vxt_report_unref(r);
	free(before);
	free(after);
	free(ai);
	free(ai2);
	vxt_sysctl_plan_free(&p);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Under a read-only /proc/sys (a mount namespace of the child's own): the
 * plan picks rtnetlink for interfaces and refuses all/default before
 * anything is written; executed and rolled back over rtnetlink.  Returns
 * the step that failed, 0 if none. */
static int readonly_child(void)
{
	if (unshare(CLONE_NEWNS) || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) ||
	    mount("/proc/sys", "/proc/sys", "none", MS_BIND, NULL) ||
	    mount("none", "/proc/sys", "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL))
		return 1;
	struct vxt_ctx *ctx = NULL;
	if (vxt_ctx_new(&ctx))
		return 2;
	struct vxt_sysctl_req *req = request("1");
	struct vxt_sysctl_plan p;
	if (vxt_sysctl_plan_build(ctx, req, 0, VXT_PLAN_SET, &p) != -EROFS ||
	    !strstr(vxt_ctx_errmsg(ctx), "not links"))
		return 3;
	vxt_sysctl_plan_free(&p);
	vxt_sysctl_req_unref(req);
	req = NULL;
	const char *sels[] = {"pl*", NULL};
	if (vxt_sysctl_req_new(&req) || vxt_sysctl_req_add(req, "rp_filter", "2", sels))
		return 4;
	if (vxt_sysctl_plan_build(ctx, req, 0, VXT_PLAN_SET, &p) || !p.proc_readonly || p.n != 6)
		return 5;
	for (unsigned int i = 0; i < p.n; i++)
		if (p.t[i].backend != VXT_SYSCTL_BY_NETLINK)
			return 6;
	struct vxt_report *r = NULL;
	if (vxt_sysctl_plan_execute(ctx, &p, 0, &r) || vxt_report_count(r) != 6 || vxt_report_unmet(r))
		return 7;
	vxt_report_unref(r);
	char *two = nstest_capture("grep -l -x 2 /proc/sys/net/ipv4/conf/pl*/rp_filter | wc -l");
	int n = atoi(two);
	free(two);
	if (n != 6)
		return 8;
	if (vxt_sysctl_plan_rollback(ctx, &p, &r) || vxt_report_count(r) != 5)
		return 9; /* pl1a was 2 already */
	vxt_report_unref(r);
	vxt_sysctl_plan_free(&p);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
	return 0;
}

static char *ro_before; /* a global: the child holds it too, reachably */

START_TEST(readonly_over_rtnetlink)
{
	nstest_enter();
	nstest_veths("pl", 3);
	nstest_sh("cd /proc/sys/net/ipv4/conf && echo 0 > pl0a/rp_filter && echo 1 > pl0b/rp_filter "
	          "&& echo 2 > pl1a/rp_filter && echo 0 > pl1b/rp_filter && echo 1 > pl2a/rp_filter "
	          "&& echo 0 > pl2b/rp_filter");
	ro_before = rp_all();
	nstest_in_child(readonly_child, "read-only");
	/* Read here, in this process's read-write view. */
	char *after = rp_all();
	ck_assert_str_eq(after, ro_before);
	free(ro_before);
	free(after);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysctl_plan");
	TCase *tc = tcase_create("plan");
	tcase_add_test(tc, execute_then_rollback);
	tcase_add_test(tc, readonly_over_rtnetlink);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
