/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sysctl: every test runs in a fresh network namespace with real devices
 * and checks /proc/sys with a separate process (grep/cat), never through
 * the library it tests. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nstest.h"
#include "vxlantune.h"

/* rp_filter of OBJ as `cat` reads it, or -1. */
static int cat_rp(const char *obj)
{
	char *out = nstest_capture("cat '/proc/sys/net/ipv4/conf/%s/rp_filter' 2>/dev/null", obj);
	int v = out[0] ? atoi(out) : -1;
	free(out);
	return v;
}

/* Every interface's rp_filter via one grep: "path:value" lines.  Returns
 * the number of files and how many read `want`. */
static unsigned int grep_rp(const char *glob, int want, unsigned int *matching)
{
	char *out = nstest_capture("grep -H . /proc/sys/net/ipv4/conf/%s/rp_filter", glob);
	unsigned int n = 0, m = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strrchr(line, ':');
		ck_assert_ptr_nonnull(colon);
		n++;
		m += atoi(colon + 1) == want;
	}
	free(out);
	*matching = m;
	return n;
}

static struct vxt_sysctl_req *req1(const char *key, const char *value, ...)
{
	struct vxt_sysctl_req *req = NULL;
	ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
	const char *ifs[16];
	unsigned int n = 0;
	va_list ap;
	va_start(ap, value);
	for (const char *s; (s = va_arg(ap, const char *)) && n < 15;)
		ifs[n++] = s;
	va_end(ap);
	ifs[n] = NULL;
	ck_assert_int_eq(vxt_sysctl_req_add(req, key, value, n ? ifs : NULL), 0);
	return req;
}

/* Idempotent: running req again changes nothing (n files, all
 * unchanged).  Frees req and ctx. */
static void second_run_unchanged(struct vxt_ctx *ctx, struct vxt_sysctl_req *req, unsigned int n)
{
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count(r), n);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), n);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}

/* Acceptance 1: 500 cali* veths with mixed rp_filter, vxlan.calico, all=2. */
START_TEST(calico_node_to_zero)
{
	nstest_enter();
	nstest_veths("cali", 250);
	nstest_sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789");
	nstest_sh("i=0; for f in /proc/sys/net/ipv4/conf/cali*/rp_filter; do "
	          "echo $((i %% 3)) > $f; i=$((i + 1)); done");
	nstest_sh("echo 1 > /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter");
	nstest_sh("echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter; "
	          "echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "cali*", "vxlan.calico", "all",
	                                  "default", NULL);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), 503);
	/* 500 cali: a third already 0; plus vxlan.calico, all, default. */
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 167);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 336);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	unsigned int i = nstest_find_entry(r, "vxlan.calico", NULL);
	ck_assert_str_eq(vxt_report_key(r, i), "net/ipv4/conf/vxlan.calico/rp_filter");
	ck_assert_str_eq(vxt_report_before(r, i), "1");
	ck_assert_str_eq(vxt_report_after(r, i), "0");
	ck_assert_str_eq(vxt_report_via(r, i), "rp_filter");
	i = nstest_find_entry(r, "all", NULL);
	ck_assert_str_eq(vxt_report_before(r, i), "2");
	ck_assert_int_eq(vxt_report_area(r, i), VXT_AREA_SYSCTL);
	/* Independently, with grep and cat. */
	unsigned int zero, n = grep_rp("cali*", 0, &zero);
	ck_assert_uint_eq(n, 500);
	ck_assert_uint_eq(zero, 500);
	ck_assert_int_eq(cat_rp("all"), 0);
	ck_assert_int_eq(cat_rp("default"), 0);
	ck_assert_int_eq(cat_rp("vxlan.calico"), 0);
	char *bad = nstest_capture("grep -L '^0$' /proc/sys/net/ipv4/conf/cali*/rp_filter | wc -l");
	ck_assert_int_eq(atoi(bad), 0);
	free(bad);
	/* show: effective 0 everywhere it was asked. */
	struct vxt_sysctl_list *l = NULL;
	const char *sels[] = {"cali*", "vxlan.calico", "all", "default", NULL};
	ck_assert_int_eq(vxt_sysctl_show(ctx, NULL, sels, 0, &l), 0);
	ck_assert_uint_eq(vxt_sysctl_list_count(l), 503);
	for (unsigned int j = 0; j < vxt_sysctl_list_count(l); j++) {
		ck_assert_str_eq(vxt_sysctl_list_value(l, j), "0");
		ck_assert_str_eq(vxt_sysctl_list_effective(l, j), "0");
	}
	ck_assert_str_eq(vxt_sysctl_list_object(l, 0), "all");
	ck_assert_str_eq(vxt_sysctl_list_object(l, 1), "default");
	ck_assert_str_eq(vxt_sysctl_list_object(l, 2), "cali0a");
	ck_assert_str_eq(vxt_sysctl_list_object(l, 4), "cali1a"); /* natural order */
	vxt_sysctl_list_unref(l);
	vxt_report_unref(r);
	second_run_unchanged(ctx, req, 503);
}
END_TEST

/* Effective rp_filter = max(all, iface) for every combination. */
START_TEST(effective_combinations)
{
	nstest_enter();
	nstest_veths("eff", 1);
	struct vxt_ctx *ctx = nstest_ctx();
	const char *sels[] = {"eff0a", NULL};
	for (int a = 0; a <= 2; a++)
		for (int f = 0; f <= 2; f++) {
			nstest_sh("echo %d > /proc/sys/net/ipv4/conf/all/rp_filter; "
			          "echo %d > /proc/sys/net/ipv4/conf/eff0a/rp_filter", a, f);
			int conf = -1, eff = -1;
			ck_assert_int_eq(vxt_sysctl_rp_filter(ctx, "eff0a", &conf, &eff), 0);
			ck_assert_int_eq(conf, f);
			ck_assert_int_eq(eff, a > f ? a : f);
			struct vxt_sysctl_list *l = NULL;
			ck_assert_int_eq(vxt_sysctl_show(ctx, NULL, sels, 0, &l), 0);
			ck_assert_uint_eq(vxt_sysctl_list_count(l), 1);
			char want[16];
			snprintf(want, sizeof(want), "%d", a > f ? a : f);
			ck_assert_str_eq(vxt_sysctl_list_effective(l, 0), want);
			snprintf(want, sizeof(want), "%d", f);
			ck_assert_str_eq(vxt_sysctl_list_value(l, 0), want);
			vxt_sysctl_list_unref(l);
		}
	ck_assert_int_eq(vxt_sysctl_rp_filter(ctx, "nosuch0", NULL, NULL), -ENODEV);
	ck_assert_int_eq(vxt_sysctl_rp_filter(ctx, "../all", NULL, NULL), -EINVAL);
	ck_assert_int_eq(vxt_sysctl_rp_filter(ctx, "eff*", NULL, NULL), -EINVAL);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Dotted names in every spelling; the report uses slash form for them. */
START_TEST(dotted_names)
{
	nstest_enter();
	nstest_sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789");
	nstest_sh("ip link add a.b.c type veth peer name d.e");
	struct vxt_ctx *ctx = nstest_ctx();
	static const struct {
		const char *key, *obj;
		int value;
	} cases[] = {
		{"net.ipv4.conf.vxlan.calico.rp_filter", "vxlan.calico", 2},
		{"net/ipv4/conf/vxlan.calico/rp_filter", "vxlan.calico", 1},
		{"net.ipv4.conf.a.b.c.rp_filter", "a.b.c", 2},
		{"net/ipv4/conf/d.e/rp_filter", "d.e", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char v[4];
		snprintf(v, sizeof(v), "%d", cases[i].value);
		struct vxt_sysctl_req *req = req1(cases[i].key, v, NULL);
		struct vxt_report *r = NULL;
		ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s: %s", cases[i].key,
		              vxt_ctx_errmsg(ctx));
		ck_assert_uint_eq(vxt_report_count(r), 1);
		ck_assert_str_eq(vxt_report_object(r, 0), cases[i].obj);
		char want[64];
		snprintf(want, sizeof(want), "net/ipv4/conf/%s/rp_filter", cases[i].obj);
		ck_assert_str_eq(vxt_report_key(r, 0), want);
		ck_assert_int_eq(cat_rp(cases[i].obj), cases[i].value);
		vxt_report_unref(r);
		vxt_sysctl_req_unref(req);
	}
	/* A glob with a dot matches the dotted name. */
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "vxlan.*", "*.c", NULL);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count(r), 2);
	ck_assert_int_eq(cat_rp("vxlan.calico"), 0);
	ck_assert_int_eq(cat_rp("a.b.c"), 0);
	ck_assert_int_eq(cat_rp("d.e"), 1);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Acceptance 2: traversal and malformed input refused, nothing written,
 * even the valid items of the same request. */
static const struct {
	const char *key, *iface; /* iface NULL: the key has its own object */
	int err;
} bad_items[] = {
	{"rp_filter", "../../kernel", -EINVAL},
	{"rp_filter", "a/b", -EINVAL},
	{"rp_filter", "..", -EINVAL},
	{"rp_filter", ".", -EINVAL},
	{"rp_filter", "cali*/../x", -EINVAL},
	{"rp_filter", "sixteen_bytes_xx", -EINVAL},
	{"rp_filter", "nosuch0", -ENODEV},
	{"net/ipv4/conf/../../kernel/rp_filter", NULL, -EINVAL},
	{"net.ipv4.conf.../../kernel.rp_filter", NULL, -EINVAL},
	{"net/ipv4/../../kernel/pid_max", NULL, -EINVAL},
	{"/proc/sys/net/ipv4/ip_forward", NULL, -EINVAL},
	{"net..ipv4.ip_forward", NULL, -EINVAL},
	{"NET.IPV4.IP_FORWARD", NULL, -EINVAL},
	{"kernel.pid_max", NULL, -EPERM},
	{"kernel/core_pattern", NULL, -EPERM},
	{"rp_filter", NULL, -EINVAL},            /* needs interfaces */
	{"net.ipv4.conf.rp_filter", NULL, -EINVAL},
	{"net.ipv4.ip_forwardx", NULL, -ENOENT},
	{"rp_filer", "all", -ENOENT},
	{"net.ipv4.conf", NULL, -ENOENT},        /* a directory */
	{"ipv6.rp_filter", "all", -ENOENT},
};

START_TEST(refused_nothing_written)
{
	nstest_enter();
	nstest_veths("ok", 1);
	nstest_sh("echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter; "
	          "echo 0 > /proc/sys/net/ipv4/conf/ok0a/rp_filter");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = NULL;
	ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
	const char *all[] = {"all", "ok0a", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "rp_filter", "2", all), 0);
	const char *one[] = {bad_items[_i].iface, NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, bad_items[_i].key, "1",
	                                    bad_items[_i].iface ? one : NULL), 0);
	struct vxt_report *r = (struct vxt_report *)1;
	int rc = vxt_sysctl_set(ctx, req, 0, &r);
	ck_assert_msg(rc == bad_items[_i].err, "%s on %s: got %d want %d (%s)", bad_items[_i].key,
	              bad_items[_i].iface, rc, bad_items[_i].err, vxt_ctx_errmsg(ctx));
	ck_assert_ptr_null(r);
	ck_assert_str_ne(vxt_ctx_errmsg(ctx), "");
	ck_assert_int_eq(vxt_sysctl_req_check(ctx, req, 0), bad_items[_i].err);
	ck_assert_int_eq(cat_rp("all"), 0);
	ck_assert_int_eq(cat_rp("ok0a"), 0);
	/* Nothing appeared outside net either. */
	ck_assert_int_eq(nstest_sh_rc("test ! -e /proc/sys/kernel/rp_filter"), 0);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(values_checked)
{
	nstest_enter();
	struct vxt_ctx *ctx = nstest_ctx();
	static const struct {
		const char *key, *value;
		int err;
	} cases[] = {
		{"rp_filter", "3", -ERANGE},   {"rp_filter", "-1", -ERANGE},
		{"rp_filter", "loose", -ERANGE}, {"rp_filter", "1\n2", -EINVAL},
		{"net.ipv4.ip_forward", "2", -ERANGE}, {"rp_filter", " ", -EINVAL},
		{"rp_filter", " 2 ", 0},       {"rp_filter", "02", 0},
	};
	const char *all[] = {"all", NULL};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vxt_sysctl_req *req = NULL;
		ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
		ck_assert_int_eq(vxt_sysctl_req_add(req, cases[i].key, cases[i].value,
		                                    strchr(cases[i].key, '.') ? NULL : all), 0);
		int rc = vxt_sysctl_req_check(ctx, req, 0);
		ck_assert_msg(rc == cases[i].err, "%s=%s: %d (%s)", cases[i].key, cases[i].value,
		              rc, vxt_ctx_errmsg(ctx));
		vxt_sysctl_req_unref(req);
	}
	/* Two values for one file clash; the same value twice is fine. */
	nstest_veths("c", 2);
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "c*", NULL);
	const char *one[] = {"c1a", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "rp_filter", "0", one), 0);
	ck_assert_int_eq(vxt_sysctl_req_check(ctx, req, 0), 0);
	ck_assert_int_eq(vxt_sysctl_req_add(req, "net.ipv4.conf.c1a.rp_filter", "1", NULL), 0);
	ck_assert_int_eq(vxt_sysctl_req_check(ctx, req, 0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "conflicting"));
	vxt_sysctl_req_unref(req);
	/* Assignments. */
	ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
	ck_assert_int_eq(vxt_sysctl_req_add_assignment(req, "net.ipv4.ip_forward = 1", NULL), 0);
	ck_assert_int_eq(vxt_sysctl_req_add_assignment(req, "noequals", NULL), -EINVAL);
	ck_assert_int_eq(vxt_sysctl_req_add_assignment(req, "=1", NULL), -EINVAL);
	ck_assert_int_eq(vxt_sysctl_req_add_assignment(req, "a=", NULL), -EINVAL);
	ck_assert_uint_eq(vxt_sysctl_req_count(req), 1);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_str_eq(vxt_report_object(r, 0), "");
	ck_assert_str_eq(vxt_report_key(r, 0), "net.ipv4.ip_forward");
	char *v = nstest_capture("cat /proc/sys/net/ipv4/ip_forward");
	ck_assert_int_eq(atoi(v), 1);
	free(v);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(dry_run_writes_nothing)
{
	nstest_enter();
	nstest_veths("d", 3);
	nstest_sh("for f in /proc/sys/net/ipv4/conf/d[0-9]*/rp_filter; do echo 2 > $f; done");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "1", "d*", NULL);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, VXT_DRY_RUN, &r), 0);
	ck_assert(vxt_report_dry_run(r));
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 6);
	ck_assert_str_eq(vxt_report_before(r, 0), "2");
	ck_assert_str_eq(vxt_report_after(r, 0), "1");
	unsigned int two;
	ck_assert_uint_eq(grep_rp("d[0-9]*", 2, &two), 6);
	ck_assert_uint_eq(two, 6);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* uid 0 without CAP_NET_ADMIN may still write (the netns root owns the
 * files); a non-root uid without CAP_NET_ADMIN may not.  The privilege is
 * dropped in a child process, so that the suite also runs unforked
 * (CK_FORK=no under valgrind).  Returns the step that failed, 0 if none. */
static int privilege_child(void)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "1", "all", "default", NULL);
	struct vxt_report *r = NULL;
	nstest_drop_net_admin();
	if (vxt_sysctl_set(ctx, req, 0, &r) != 0 || cat_rp("all") != 1)
		return 1;
	vxt_report_unref(r);
	nstest_sh("echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter");
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 2;
	r = (struct vxt_report *)1;
	if (vxt_sysctl_set(ctx, req, 0, &r) != -EPERM || r)
		return 3;
	const char *msg = vxt_ctx_errmsg(ctx);
	if (!strstr(msg, "/proc/sys/net/ipv4/conf/all/rp_filter") ||
	    !strstr(msg, "CAP_NET_ADMIN") || !strstr(msg, "cannot write"))
		return 4;
	if (cat_rp("all") != 0)
		return 5;
	/* A dry run finds the same refusal (it checks what it would write);
	 * reading needs no privilege. */
	if (vxt_sysctl_set(ctx, req, VXT_DRY_RUN, &r) != -EPERM || r)
		return 6;
	struct vxt_sysctl_list *l = NULL;
	if (vxt_sysctl_show(ctx, NULL, NULL, 0, &l) != 0)
		return 7;
	vxt_sysctl_list_unref(l);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
	return 0;
}

START_TEST(privilege)
{
	nstest_enter();
	nstest_sh("echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter");
	nstest_in_child(privilege_child, "privilege");
	ck_assert_int_eq(cat_rp("all"), 0);
}
END_TEST

/* An interface deleted between planning and writing is "gone": it is
 * deleted when the first file is opened for writing.  In a child, which
 * the hook stays with.  Returns the step that failed, 0 if none. */
static int vanished_child(void)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "2", "gone*", NULL);
	struct vxt_report *r = NULL;
	/* Under valgrind there is no hook: the same set, every file written. */
	unsigned int gone = nstest_before_first_write_open("ip link del gone5a") ? 2 : 0;
	if (vxt_sysctl_set(ctx, req, 0, &r) != 0)
		return 1;
	if (vxt_report_count(r) != 20 || vxt_report_count_status(r, VXT_STATUS_GONE) != gone ||
	    vxt_report_count_status(r, VXT_STATUS_CHANGED) != 20 - gone || vxt_report_unmet(r))
		return 2;
	if (gone && (vxt_report_status(r, nstest_find_entry(r, "gone5a", NULL)) != VXT_STATUS_GONE ||
	             vxt_report_status(r, nstest_find_entry(r, "gone5b", NULL)) != VXT_STATUS_GONE))
		return 3;
	if (!gone)
		nstest_sh("ip link del gone5a"); /* for the checks after the child */
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
	return 0;
}

START_TEST(vanished_is_gone)
{
	nstest_enter();
	nstest_veths("gone", 10);
	nstest_sh("for f in /proc/sys/net/ipv4/conf/gone*/rp_filter; do echo 1 > $f; done");
	nstest_in_child(vanished_child, "vanished");
	ck_assert_int_eq(nstest_sh_rc("test -e /proc/sys/net/ipv4/conf/gone5a"), 1);
	ck_assert_int_eq(cat_rp("gone4a"), 2);
	ck_assert_int_eq(cat_rp("gone9b"), 2);
}
END_TEST

/* A new default must not reach an interface that already had its value.
 * The kernel copies default onto interfaces whose value was never written
 * (and that were created before default was first written: a new device
 * copies default's "written" bits too). */
START_TEST(default_does_not_leak)
{
	nstest_enter();
	nstest_veths("inh", 1); /* before any write to default */
	int v = cat_rp("inh0a"), d = (v + 1) % 3;
	char vs[4], ds[4];
	snprintf(vs, sizeof(vs), "%d", v);
	snprintf(ds, sizeof(ds), "%d", d);
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", vs, "inh0a", NULL);
	const char *dd[] = {"default", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "rp_filter", ds, dd), 0);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_int_eq(cat_rp("default"), d);
	ck_assert_int_eq(cat_rp("inh0a"), v);
	ck_assert_int_eq(cat_rp("inh0b"), d); /* not asked for: inherits */
	ck_assert_int_eq(vxt_report_status(r, nstest_find_entry(r, "inh0a", NULL)), VXT_STATUS_UNCHANGED);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Acceptance 3: the drop-in reproduces the state in a fresh namespace. */
START_TEST(render_reproduces)
{
	nstest_enter();
	const char *mk = "ip link add vxlan.calico type vxlan id 4096 dstport 4789 && "
	                 "ip link add cali1 type veth peer name cali2 && "
	                 "ip link add eth9 type veth peer name eth8";
	nstest_sh("%s", mk);
	nstest_sh("for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 1 > $f; done");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "cali*", "vxlan.calico", "all",
	                                  "default", NULL);
	ck_assert_int_eq(vxt_sysctl_req_add(req, "net.ipv4.ip_forward", "1", NULL), 0);
	const char *eth[] = {"eth9", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "rp_filter", "2", eth), 0);
	char *text = NULL;
	ck_assert_msg(vxt_sysctl_render(ctx, req, VXT_SYSCTL_FORMAT_SYSCTL_D, 0, &text) == 0,
	              "%s", vxt_ctx_errmsg(ctx));
	ck_assert_ptr_nonnull(strstr(text, "net/ipv4/conf/vxlan.calico/rp_filter = 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "net.ipv4.conf.default.rp_filter = 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "net.ipv4.conf.cali2.rp_filter = 0\n"));
	ck_assert_ptr_null(strstr(text, "vxlan.calico.rp_filter"));
	char path[] = "/tmp/vxt-sysctl-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	vxt_report_unref(r);
	/* The files the drop-in speaks about (eth8 and lo are not in it). */
	const char *files = "cd /proc/sys/net/ipv4 && grep -H . conf/all/rp_filter "
	                    "conf/default/rp_filter conf/cali1/rp_filter conf/cali2/rp_filter "
	                    "conf/vxlan.calico/rp_filter conf/eth9/rp_filter ip_forward";
	char *before = nstest_capture("%s", files);
	ck_assert_ptr_nonnull(strstr(before, "conf/eth9/rp_filter:2\n"));
	/* A fresh namespace, the same devices, the drop-in. */
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	nstest_sh("ip link set lo up");
	nstest_sh("%s", mk);
	nstest_sh("sysctl -q -p %s", path);
	char *after = nstest_capture("%s", files);
	unlink(path);
	ck_assert_str_eq(before, after);
	/* New interfaces inherit from default. */
	nstest_sh("ip link add cali3 type veth peer name cali4");
	ck_assert_int_eq(cat_rp("cali3"), 0);
	free(before);
	free(after);
	free(text);
	/* Kubespray cannot express the dotted name: a comment says so. */
	ck_assert_int_eq(vxt_sysctl_render(ctx, req, VXT_SYSCTL_FORMAT_KUBESPRAY, 0, &text), 0);
	ck_assert_ptr_nonnull(strstr(text, "additional_sysctl:\n"));
	ck_assert_ptr_nonnull(strstr(text, "  - name: net.ipv4.conf.all.rp_filter\n    value: 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "  - name: net.ipv4.conf.eth9.rp_filter\n    value: 2\n"));
	ck_assert_ptr_nonnull(strstr(text, "# not expressible here: net/ipv4/conf/vxlan.calico/rp_filter"));
	ck_assert_ptr_nonnull(strstr(text, "cannot express it in dotted form"));
	free(text);
	ck_assert_int_eq(vxt_sysctl_render(ctx, req, 7, 0, &text), -EINVAL);
	vxt_sysctl_req_unref(req);
	/* A glob alone brings its default along, after all, before names. */
	req = req1("rp_filter", "0", "cali*", "all", NULL);
	ck_assert_int_eq(vxt_sysctl_render(ctx, req, VXT_SYSCTL_FORMAT_SYSCTL_D, 0, &text), 0);
	ck_assert_ptr_nonnull(strstr(text, "net.ipv4.conf.all.rp_filter = 0\n"
	                                   "net.ipv4.conf.default.rp_filter = 0\n"
	                                   "net.ipv4.conf.cali1.rp_filter = 0\n"
	                                   "net.ipv4.conf.cali2.rp_filter = 0\n"
	                                   "net.ipv4.conf.cali3.rp_filter = 0\n"));
	free(text);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(show_plain_and_ipv6)
{
	nstest_enter();
	nstest_veths("s", 1);
	struct vxt_ctx *ctx = nstest_ctx();
	const char *keys[] = {"net.ipv4.ip_forward", "ipv6.disable_ipv6", "net/ipv4/conf/s0a/rp_filter", NULL};
	const char *sels[] = {"s0b", NULL};
	struct vxt_sysctl_list *l = NULL;
	ck_assert_msg(vxt_sysctl_show(ctx, keys, sels, 0, &l) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_sysctl_list_count(l), 3);
	ck_assert_str_eq(vxt_sysctl_list_object(l, 0), "");
	ck_assert_str_eq(vxt_sysctl_list_key(l, 0), "net.ipv4.ip_forward");
	ck_assert_str_eq(vxt_sysctl_list_key(l, 1), "net.ipv6.conf.s0b.disable_ipv6");
	ck_assert_str_eq(vxt_sysctl_list_name(l, 1), "ipv6.disable_ipv6");
	ck_assert_str_eq(vxt_sysctl_list_object(l, 2), "s0a");
	ck_assert_ptr_null(vxt_sysctl_list_key(l, 3));
	vxt_sysctl_list_unref(l);
	ck_assert_int_eq(vxt_sysctl_show(ctx, NULL, (const char *[]){"nosuch", NULL}, 0, &l), -ENODEV);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(vxt_sysctl_show(ctx, (const char *[]){"kernel.ostype", NULL}, NULL, 0, &l), -EPERM);
	/* Default: rp_filter on all, default, every interface (lo too). */
	ck_assert_int_eq(vxt_sysctl_show(ctx, NULL, NULL, 0, &l), 0);
	ck_assert_uint_eq(vxt_sysctl_list_count(l), 5);
	vxt_sysctl_list_unref(l);
	ck_assert_uint_eq(vxt_sysctl_list_count(NULL), 0);
	ck_assert_ptr_null(vxt_sysctl_list_unref(NULL));
	vxt_ctx_unref(ctx);
}
END_TEST

/* ---- many interfaces, every key ------------------------------------------ */

/* Writable IPv4 conf keys and values to spread over the interfaces: every
 * key gets values that differ from its neighbours' in the IPV4_DEVCONF
 * order, so that an index off by one cannot agree with /proc. */
static const struct {
	const char *key;
	int vals[3];
} varied[] = {
	{"rp_filter", {2, 1, 0}},
	{"arp_ignore", {8, 3, 1}},
	{"arp_announce", {2, 1, 0}},
	{"medium_id", {-1, 7, 42}},
	{"accept_local", {1, 0, 1}},
	{"log_martians", {1, 1, 0}},
	{"proxy_arp", {1, 0, 0}},
	{"arp_filter", {1, 0, 1}},
	{"src_valid_mark", {1, 1, 0}},
	{"route_localnet", {0, 1, 1}},
	{"igmpv2_unsolicited_report_interval", {1234, 5, 99999}},
	{"force_igmp_version", {3, 2, 0}},
};

static void spread_values(const char *prefix)
{
	/* One shell for everything: 50 interfaces x 12 keys. */
	char *cmd = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&cmd, &len);
	ck_assert_ptr_nonnull(f);
	fprintf(f, "cd /proc/sys/net/ipv4/conf && i=0 && for d in %s*; do ", prefix);
	for (size_t k = 0; k < sizeof(varied) / sizeof(varied[0]); k++)
		fprintf(f, "case $(((i + %zu) %% 3)) in 0) v=%d;; 1) v=%d;; *) v=%d;; esac; "
		        "echo $v > $d/%s; ", k, varied[k].vals[0], varied[k].vals[1],
		        varied[k].vals[2], varied[k].key);
	fprintf(f, "i=$((i + 1)); done");
	fclose(f);
	nstest_sh("%s", cmd);
	free(cmd);
}

/* show and a dry-run set agree with /proc (read by grep) for every IPv4
 * conf key of the running kernel, varied over 51 interfaces, all and
 * default. */
START_TEST(show_agrees_with_proc)
{
	nstest_enter();
	nstest_veths("dv", 25); /* 50 interfaces */
	nstest_sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789");
	spread_values("dv");
	nstest_sh("echo 1 > /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter; "
	          "echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter");
	/* Every key of the running kernel's conf directory. */
	char *names = nstest_capture("ls /proc/sys/net/ipv4/conf/all");
	const char *keys[64];
	unsigned int nkeys = 0;
	for (char *k = strtok(names, "\n"); k && nkeys < 63; k = strtok(NULL, "\n"))
		keys[nkeys++] = k;
	keys[nkeys] = NULL;
	ck_assert_uint_ge(nkeys, 30);
	struct vxt_ctx *ctx = nstest_ctx();
	const char *sels[] = {"dv*", "vxlan.calico", "all", "default", NULL};
	struct vxt_sysctl_list *l = NULL;
	ck_assert_msg(vxt_sysctl_show(ctx, keys, sels, 0, &l) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_sysctl_list_count(l), nkeys * 53);
	for (unsigned int k = 0; k < nkeys; k++) {
		char *out = nstest_grep_key("ipv4", keys[k]);
		for (unsigned int i = k * 53; i < (k + 1) * 53; i++) {
			ck_assert_str_eq(vxt_sysctl_list_name(l, i), keys[k]);
			const char *obj = vxt_sysctl_list_object(l, i);
			ck_assert_msg(!strcmp(vxt_sysctl_list_value(l, i), nstest_grep_value(out, obj, keys[k])),
			              "%s on %s: library %s, /proc %s", keys[k], obj,
			              vxt_sysctl_list_value(l, i), nstest_grep_value(out, obj, keys[k]));
		}
		free(out);
	}
	/* Effective values still combine with all: max(2, own) = 2. */
	unsigned int nrp = 0;
	for (unsigned int i = 0; i < vxt_sysctl_list_count(l); i++) {
		if (strcmp(vxt_sysctl_list_name(l, i), "rp_filter"))
			continue;
		ck_assert_str_eq(vxt_sysctl_list_effective(l, i), "2");
		nrp++;
	}
	ck_assert_uint_eq(nrp, 53);
	vxt_sysctl_list_unref(l);
	/* The values really vary (the comparison above means something). */
	char *v = nstest_capture("cat /proc/sys/net/ipv4/conf/dv*/medium_id | sort -u | wc -l");
	ck_assert_int_eq(atoi(v), 3);
	free(v);
	/* A dry run's "before" is what grep reads, all and default too. */
	struct vxt_sysctl_req *req = NULL;
	ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
	for (size_t k = 0; k < sizeof(varied) / sizeof(varied[0]); k++)
		ck_assert_int_eq(vxt_sysctl_req_add(req, varied[k].key, "1", sels), 0);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, VXT_DRY_RUN, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), sizeof(varied) / sizeof(varied[0]) * 53);
	for (unsigned int i = 0; i < vxt_report_count(r); i++) {
		const char *key = vxt_report_via(r, i), *obj = vxt_report_object(r, i);
		char *out = nstest_grep_key("ipv4", key);
		ck_assert_msg(!strcmp(vxt_report_before(r, i), nstest_grep_value(out, obj, key)),
		              "dry run %s on %s: before %s, /proc %s", key, obj,
		              vxt_report_before(r, i), nstest_grep_value(out, obj, key));
		free(out);
	}
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	ck_assert_int_eq(cat_rp("all"), 2); /* nothing written */
	free(names);
	vxt_ctx_unref(ctx);
}
END_TEST

/* set on a nearly converged node changes only what differs; the report's
 * before values are the kernel's. */
START_TEST(set_converged)
{
	nstest_enter();
	nstest_veths("cv", 100); /* 200 interfaces: past the sample */
	nstest_sh("cd /proc/sys/net/ipv4/conf && for d in cv*; do echo 0 > $d/rp_filter; "
	          "echo 1 > $d/arp_ignore; done");
	/* A few that differ, scattered after the sample. */
	nstest_sh("cd /proc/sys/net/ipv4/conf && echo 2 > cv77a/rp_filter && "
	          "echo 1 > cv90b/rp_filter && echo 5 > cv99a/arp_ignore");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "cv*", NULL);
	const char *cv[] = {"cv*", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "arp_ignore", "1", cv), 0);
	/* Dry run first: nothing written. */
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, VXT_DRY_RUN, &r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 3);
	ck_assert_int_eq(cat_rp("cv77a"), 2);
	vxt_report_unref(r);
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count(r), 400);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 3);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 397);
	unsigned int i = nstest_find_entry(r, "cv77a", NULL);
	ck_assert_str_eq(vxt_report_before(r, i), "2");
	ck_assert_str_eq(vxt_report_after(r, i), "0");
	ck_assert_int_eq(vxt_report_status(r, i), VXT_STATUS_CHANGED);
	vxt_report_unref(r);
	unsigned int zero;
	ck_assert_uint_eq(grep_rp("cv*", 0, &zero), 200);
	ck_assert_uint_eq(zero, 200);
	char *out = nstest_grep_key("ipv4", "arp_ignore");
	ck_assert_str_eq(nstest_grep_value(out, "cv99a", "arp_ignore"), "1");
	free(out);
	/* Every file differs. */
	nstest_sh("for f in /proc/sys/net/ipv4/conf/cv*/rp_filter; do echo 2 > $f; done");
	vxt_sysctl_req_unref(req);
	req = req1("rp_filter", "1", "cv*", NULL);
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 200);
	ck_assert_str_eq(vxt_report_before(r, 0), "2");
	ck_assert_uint_eq(grep_rp("cv*", 1, &zero), 200);
	ck_assert_uint_eq(zero, 200);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* IPv6 keys over many interfaces, alone and mixed with IPv4 keys. */
START_TEST(ipv6_keys)
{
	nstest_enter();
	nstest_veths("six", 25);
	nstest_sh("i=0; for d in /proc/sys/net/ipv6/conf/six*; do echo $((i %% 3)) > $d/accept_ra; "
	          "i=$((i + 1)); done");
	struct vxt_ctx *ctx = nstest_ctx();
	const char *sels[] = {"six*", NULL};
	const char *keys6[] = {"ipv6.accept_ra", "ipv6.disable_ipv6", NULL};
	struct vxt_sysctl_list *l = NULL;
	ck_assert_msg(vxt_sysctl_show(ctx, keys6, sels, 0, &l) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_sysctl_list_count(l), 100);
	char *out6 = nstest_grep_key("ipv6", "accept_ra");
	for (unsigned int i = 0; i < 50; i++)
		ck_assert_str_eq(vxt_sysctl_list_value(l, i),
		                 nstest_grep_value(out6, vxt_sysctl_list_object(l, i), "accept_ra"));
	vxt_sysctl_list_unref(l);
	/* Mixed: key by key, each from its own family's files. */
	const char *mixed[] = {"rp_filter", "ipv6.accept_ra", NULL};
	ck_assert_int_eq(vxt_sysctl_show(ctx, mixed, sels, 0, &l), 0);
	ck_assert_uint_eq(vxt_sysctl_list_count(l), 100);
	ck_assert_str_eq(vxt_sysctl_list_name(l, 0), "rp_filter");
	ck_assert_str_eq(vxt_sysctl_list_name(l, 50), "ipv6.accept_ra");
	for (unsigned int i = 50; i < 100; i++)
		ck_assert_str_eq(vxt_sysctl_list_value(l, i),
		                 nstest_grep_value(out6, vxt_sysctl_list_object(l, i), "accept_ra"));
	vxt_sysctl_list_unref(l);
	free(out6);
	/* set of an IPv6 key over every interface. */
	struct vxt_sysctl_req *req = req1("ipv6.accept_ra", "2", "six*", NULL);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), 50);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	char *bad = nstest_capture("grep -L '^2$' /proc/sys/net/ipv6/conf/six*/accept_ra | wc -l");
	ck_assert_int_eq(atoi(bad), 0);
	free(bad);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* 600 interfaces, two keys, mixed values: every file ends right, the
 * report accounts for every one in plan order (per key interfaces, then
 * all, then default). */
START_TEST(big_set_order)
{
	nstest_enter();
	nstest_veths("tw", 300);
	nstest_sh("cd /proc/sys/net/ipv4/conf && i=0 && for d in tw*; do "
	          "echo $((i %% 3)) > $d/rp_filter; echo $((i %% 2)) > $d/arp_ignore; "
	          "i=$((i + 1)); done; echo 2 > all/rp_filter; echo 1 > default/rp_filter");
	char *n0 = nstest_capture("grep -l -x 0 /proc/sys/net/ipv4/conf/tw*/rp_filter | wc -l");
	char *n1 = nstest_capture("grep -l -x 1 /proc/sys/net/ipv4/conf/tw*/arp_ignore | wc -l");
	unsigned int same = (unsigned int)(atoi(n0) + atoi(n1));
	free(n0);
	free(n1);
	ck_assert_uint_gt(same, 400);
	ck_assert_uint_lt(same, 600);
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "tw*", "all", "default", NULL);
	const char *tw[] = {"tw*", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "arp_ignore", "1", tw), 0);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), 1202);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), same);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 1202 - same);
	ck_assert_str_eq(vxt_report_object(r, 0), "tw0a");
	ck_assert_str_eq(vxt_report_object(r, 600), "all");
	ck_assert_str_eq(vxt_report_before(r, 600), "2");
	ck_assert_str_eq(vxt_report_after(r, 600), "0");
	ck_assert_str_eq(vxt_report_object(r, 601), "default");
	ck_assert_str_eq(vxt_report_object(r, 602), "tw0a");
	ck_assert_str_eq(vxt_report_via(r, 602), "arp_ignore");
	vxt_report_unref(r);
	unsigned int ok;
	ck_assert_uint_eq(grep_rp("tw*", 0, &ok), 600);
	ck_assert_uint_eq(ok, 600);
	char *bad = nstest_capture("grep -L -x 1 /proc/sys/net/ipv4/conf/tw*/arp_ignore | wc -l");
	ck_assert_int_eq(atoi(bad), 0);
	free(bad);
	ck_assert_int_eq(cat_rp("all"), 0);
	ck_assert_int_eq(cat_rp("default"), 0);
	second_run_unchanged(ctx, req, 1202);
}
END_TEST

/* 600 interfaces that never had rp_filter written keep their value when
 * default changes in the same request: each is written explicitly first. */
START_TEST(forced_before_default)
{
	nstest_enter();
	nstest_veths("to", 300);
	int v = cat_rp("to0a");
	char vs[4], ds[4];
	snprintf(vs, sizeof(vs), "%d", v);
	snprintf(ds, sizeof(ds), "%d", (v + 1) % 3);
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", vs, "to*", NULL);
	const char *dd[] = {"default", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "rp_filter", ds, dd), 0);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), 601);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 600);
	vxt_report_unref(r);
	unsigned int ok;
	ck_assert_uint_eq(grep_rp("to*", v, &ok), 600);
	ck_assert_uint_eq(ok, 600);
	ck_assert_int_eq(cat_rp("default"), (v + 1) % 3);
	nstest_sh("ip link add tonew type veth peer name tonewp");
	ck_assert_int_eq(cat_rp("tonew"), (v + 1) % 3); /* default reaches new ones */
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* A key the kernel makes read-only (mode 0444) is refused before anything
 * changes, by set and by a dry run, naming the key and why. */
START_TEST(read_only_key)
{
	nstest_enter();
	nstest_veths("ro", 1);
	nstest_sh("echo 1 > /proc/sys/net/ipv4/conf/ro0a/rp_filter");
	ck_assert_int_eq(nstest_sh_rc("stat -c %%a /proc/sys/net/ipv4/conf/ro0a/mc_forwarding | "
	                              "grep -qx 444"), 0);
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_sysctl_req *req = req1("rp_filter", "0", "ro0a", NULL);
	const char *ro[] = {"ro0a", NULL};
	ck_assert_int_eq(vxt_sysctl_req_add(req, "mc_forwarding", "0", ro), 0);
	for (int dry = 0; dry <= 1; dry++) {
		struct vxt_report *r = (struct vxt_report *)1;
		ck_assert_int_eq(vxt_sysctl_set(ctx, req, dry ? VXT_DRY_RUN : 0, &r), -EPERM);
		ck_assert_ptr_null(r);
		ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "mc_forwarding"));
		ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "read-only"));
		ck_assert_int_eq(cat_rp("ro0a"), 1);
	}
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

static Suite *sysctl_suite(void)
{
	Suite *s = suite_create("sysctl");
	TCase *tc = tcase_create("set");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, calico_node_to_zero);
	tcase_add_test(tc, effective_combinations);
	tcase_add_test(tc, dotted_names);
	tcase_add_test(tc, dry_run_writes_nothing);
	tcase_add_test(tc, privilege);
	tcase_add_test(tc, vanished_is_gone);
	tcase_add_test(tc, default_does_not_leak);
	suite_add_tcase(s, tc);
	tc = tcase_create("validation");
	tcase_add_loop_test(tc, refused_nothing_written, 0, sizeof(bad_items) / sizeof(bad_items[0]));
	tcase_add_test(tc, values_checked);
	tcase_add_test(tc, show_plain_and_ipv6);
	suite_add_tcase(s, tc);
	tc = tcase_create("many");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, show_agrees_with_proc);
	tcase_add_test(tc, set_converged);
	tcase_add_test(tc, ipv6_keys);
	tcase_add_test(tc, big_set_order);
	tcase_add_test(tc, forced_before_default);
	tcase_add_test(tc, read_only_key);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_test(tc, render_reproduces);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sysctl_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
