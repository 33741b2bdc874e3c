/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Core: context lifetime, name validation, reports (no networking). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vxlantune.h"

START_TEST(ctx_ref_unref)
{
	struct vxt_ctx *ctx = NULL;
	ck_assert_int_eq(vxt_ctx_new(&ctx), 0);
	ck_assert_ptr_eq(vxt_ctx_ref(ctx), ctx);
	ck_assert_ptr_null(vxt_ctx_unref(ctx));
	ck_assert_str_eq(vxt_ctx_errmsg(ctx), "");
	ck_assert_ptr_null(vxt_ctx_unref(ctx));
	ck_assert_ptr_null(vxt_ctx_unref(NULL));
}
END_TEST

/* Objects the caller creates: a second reference keeps them alive after
 * the first unref (ASan/valgrind runs catch a premature free); NULL is
 * accepted everywhere. */
START_TEST(refcounts)
{
	struct vxt_feature_req *fr = NULL;
	ck_assert_int_eq(vxt_feature_req_new(&fr), 0);
	ck_assert_ptr_eq(vxt_feature_req_ref(fr), fr);
	ck_assert_ptr_null(vxt_feature_req_unref(fr));
	ck_assert_int_eq(vxt_feature_req_add(fr, "gro", false), 0);
	ck_assert_uint_eq(vxt_feature_req_count(fr), 1);
	ck_assert_ptr_null(vxt_feature_req_unref(fr));

	struct vxt_sysctl_req *sr = NULL;
	ck_assert_int_eq(vxt_sysctl_req_new(&sr), 0);
	ck_assert_ptr_eq(vxt_sysctl_req_ref(sr), sr);
	ck_assert_ptr_null(vxt_sysctl_req_unref(sr));
	ck_assert_int_eq(vxt_sysctl_req_add(sr, "net.ipv4.ip_forward", "1", NULL), 0);
	ck_assert_uint_eq(vxt_sysctl_req_count(sr), 1);
	ck_assert_ptr_null(vxt_sysctl_req_unref(sr));

	struct vxt_check_opts *o = NULL;
	struct vxt_policy *p = NULL;
	ck_assert_int_eq(vxt_check_opts_new(&o), 0);
	ck_assert_int_eq(vxt_policy_new(&p), 0);
	ck_assert_int_eq(vxt_check_opts_set_policy(o, p), 0);
	ck_assert_ptr_null(vxt_policy_unref(p)); /* the options hold their own reference */
	ck_assert_ptr_eq(vxt_check_opts_ref(o), o);
	ck_assert_ptr_null(vxt_check_opts_unref(o));
	ck_assert_int_eq(vxt_check_opts_add_peer(o, "192.0.2.1"), 0);
	ck_assert_ptr_null(vxt_check_opts_unref(o));

	ck_assert_ptr_null(vxt_feature_req_ref(NULL));
	ck_assert_ptr_null(vxt_sysctl_req_ref(NULL));
	ck_assert_ptr_null(vxt_check_opts_ref(NULL));
	ck_assert_ptr_null(vxt_features_list_ref(NULL));
	ck_assert_ptr_null(vxt_sysctl_list_ref(NULL));
	ck_assert_ptr_null(vxt_features_list_unref(NULL));
	ck_assert_ptr_null(vxt_sysctl_list_unref(NULL));
	ck_assert_ptr_null(vxt_check_opts_unref(NULL));
}
END_TEST

START_TEST(ctx_backend)
{
	struct vxt_ctx *ctx = NULL;
	ck_assert_int_eq(vxt_ctx_new(&ctx), 0);
	ck_assert_int_eq(vxt_ctx_get_backend(ctx), VXT_BACKEND_AUTO);
	ck_assert_int_eq(vxt_ctx_set_backend(ctx, VXT_BACKEND_IOCTL), 0);
	ck_assert_int_eq(vxt_ctx_get_backend(ctx), VXT_BACKEND_IOCTL);
	ck_assert_int_eq(vxt_ctx_set_backend(ctx, 7), -EINVAL);
	ck_assert_int_eq(vxt_ctx_set_backend(ctx, -1), -EINVAL);
	vxt_ctx_unref(ctx);
}
END_TEST

static const struct {
	const char *name;
	int want;
} ifnames[] = {
	{"eth0", 0}, {"vxlan.calico", 0}, {"cali1234567890a", 0}, {"a", 0},
	{"flannel.1", 0}, {"vxlan-v6.calico", 0},
	{"", -EINVAL}, {".", -EINVAL}, {"..", -EINVAL}, {"a/b", -EINVAL},
	{"../../kernel", -EINVAL}, {"eth 0", -EINVAL}, {"eth0:1", -EINVAL},
	{"cali1234567890ab", -EINVAL}, {"tab\there", -EINVAL}, {"nl\n", -EINVAL},
};

START_TEST(ifname_valid)
{
	ck_assert_msg(vxt_ifname_valid(ifnames[_i].name) == ifnames[_i].want,
	              "'%s': got %d want %d", ifnames[_i].name,
	              vxt_ifname_valid(ifnames[_i].name), ifnames[_i].want);
}
END_TEST

START_TEST(ifname_null)
{
	ck_assert_int_eq(vxt_ifname_valid(NULL), -EINVAL);
}
END_TEST

static const struct {
	const char *name;
	bool pattern;
} patterns[] = {
	{"cali*", true}, {"eth[01]", true}, {"veth?", true}, {"*", true},
	{"eth0", false}, {"vxlan.calico", false}, {"all", false}, {"", false}, {NULL, false},
};

START_TEST(name_is_pattern)
{
	ck_assert_msg(vxt_name_is_pattern(patterns[_i].name) == patterns[_i].pattern, "'%s'",
	              patterns[_i].name ? patterns[_i].name : "(null)");
}
END_TEST

START_TEST(status_names)
{
	ck_assert_str_eq(vxt_status_name(VXT_STATUS_UNCHANGED), "unchanged");
	ck_assert_str_eq(vxt_status_name(VXT_STATUS_CHANGED), "changed");
	ck_assert_str_eq(vxt_status_name(VXT_STATUS_FIXED), "fixed");
	ck_assert_str_eq(vxt_status_name(VXT_STATUS_SIDE_EFFECT), "side-effect");
	ck_assert_str_eq(vxt_status_name(VXT_STATUS_GONE), "gone");
	ck_assert_str_eq(vxt_status_name(VXT_STATUS_FAILED), "failed");
	ck_assert_str_eq(vxt_status_name(99), "unknown");
	ck_assert_str_eq(vxt_status_name(-1), "unknown");
}
END_TEST

START_TEST(report_null_safe)
{
	ck_assert_uint_eq(vxt_report_count(NULL), 0);
	ck_assert_ptr_null(vxt_report_key(NULL, 0));
	ck_assert_int_eq(vxt_report_status(NULL, 3), -1);
	ck_assert_uint_eq(vxt_report_unmet(NULL), 0);
	ck_assert_ptr_null(vxt_report_unref(NULL));
}
END_TEST

START_TEST(version)
{
	ck_assert_str_eq(vxt_version(), PACKAGE_VERSION);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("ctx");
	tcase_add_test(tc, ctx_ref_unref);
	tcase_add_test(tc, ctx_backend);
	tcase_add_test(tc, refcounts);
	tcase_add_test(tc, version);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_loop_test(tc, ifname_valid, 0, sizeof(ifnames) / sizeof(ifnames[0]));
	tcase_add_test(tc, ifname_null);
	tcase_add_loop_test(tc, name_is_pattern, 0, sizeof(patterns) / sizeof(patterns[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("report");
	tcase_add_test(tc, status_names);
	tcase_add_test(tc, report_null_safe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(core_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
