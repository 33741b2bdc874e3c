/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Policies: parsing (every error names line and key), presets, apply,
 * snapshot/restore and the watcher, on real devices in a private namespace,
 * checked with ethtool -k and /proc/sys. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstest.h"
#include "vxlantune.h"


/* ---- parsing ------------------------------------------------------------ */

static const struct {
	const char *text, *msg;
} bad_configs[] = {
	{"[bogus]\nx = 1\n", "policy:2: [bogus] x: unknown section [bogus]"},
	{"[underlay]\nfeatures = rx\n", "policy:2: [underlay] features: 'rx' needs 'on' or 'off' after it"},
	{"[underlay]\nfeatures = rx maybe\n", "policy:2: [underlay] features: 'rx' needs 'on' or 'off'"},
	{"[vxlan]\ncolour = red\n", "policy:2: [vxlan] colour: unknown key (interfaces, features)"},
	{"[underlay]\nmethodd = first-found\n", "policy:2: [underlay] methodd: unknown key"},
	{"[sysctl cali*]\nrp_filter\n", "policy:2: syntax error"},
	{"\n\n[vxlan]\nfeatures = gro off\n[interface a/b]\nfeatures = gro off\n",
	 "policy:6: [interface a/b] features: invalid interface selector"},
	{"[interface cali*]\nmtu = 1450\n", "policy:2: [interface cali*] mtu: unknown key (features)"},
	{"[vxlan]\ninterfaces = ../../etc\nfeatures = gro off\n", "policy:2: [vxlan] interfaces: invalid interface list"},
	{"# nothing\n", "policy: the policy sets nothing"},
	{"[sysctl ../x]\nrp_filter = 0\n", "policy:2: [sysctl ../x] rp_filter: invalid interface selector '../x'"},
	{"[vxlan\nfeatures = gro off\n", "policy:1: syntax error"},
	{"[vxlan]\nfeatures = gro off gro off gro off gro off gro off gro off gro off gro off gro off gro off"
	 " gro off gro off gro off gro off gro off gro off gro off gro off gro off gro off gro off gro off gro off"
	 " gro off gro off tx off\n", "policy:2: line longer than 198 characters"},
};

START_TEST(parse_errors)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p = NULL;
	ck_assert_int_eq(vxt_policy_load_string(ctx, bad_configs[_i].text, &p), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), bad_configs[_i].msg), "config %d: got '%s', want '%s'",
	              _i, vxt_ctx_errmsg(ctx), bad_configs[_i].msg);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Feature rules that contradict each other for one interface are refused
 * at load, naming both lines; rules that cannot meet are fine. */
static const struct {
	const char *text, *msg; /* msg NULL: accepted */
} conflicts[] = {
	{"[interface cali*]\nfeatures = gro off\n\n[interface cali1]\nfeatures = gro on\n",
	 "policy:5: [interface cali1] 'gro on' conflicts with policy:2: [interface cali*] 'gro off': "
	 "interface 'cali1' would get two values"},
	{"[interface cali?]\nfeatures = gro off\n[interface ?ali*]\nfeatures = generic-receive-offload on\n",
	 "policy:4: [interface ?ali*] 'generic-receive-offload on' conflicts with policy:2: "
	 "[interface cali?] 'gro off': an interface both select would get two values"},
	{"[vxlan]\ninterfaces = vxlan.calico\nfeatures = tx off\n[interface vxlan*]\nfeatures = tx-checksum-ip-generic on\n",
	 "policy:5: [interface vxlan*] 'tx-checksum-ip-generic on' conflicts with policy:3: [vxlan] 'tx off'"},
	{"[interface a* b*]\nfeatures = gro off\n[interface *x]\nfeatures = gro on\n",
	 "policy:4: [interface *x] 'gro on' conflicts with policy:2: [interface a*] 'gro off'"},
	{"[interface cali*]\nfeatures = gro off\nfeatures = gro on\n",
	 "policy:3: [interface cali*] 'gro on' conflicts with policy:2: [interface cali*] 'gro off'"},
	{"[interface eth*]\nfeatures = gro off\n[interface cali*]\nfeatures = gro on\n", NULL},
	{"[interface cali?]\nfeatures = gro off\n[interface cali??]\nfeatures = gro on\n", NULL},
	{"[vxlan]\nfeatures = tx off tx-checksum-ip-generic on\n", NULL},
	{"[interface cali*]\nfeatures = gro off\n[interface cali1]\nfeatures = gro off tso on\n", NULL},
	{"[underlay]\nmethod = default-route\nfeatures = gro off\n[interface eth*]\nfeatures = gro on\n", NULL},
	{"[interface cali?]\nfeatures = gro off\n[interface cali10]\nfeatures = gro on\n", NULL},
};

START_TEST(feature_conflicts)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p = NULL;
	int rc = vxt_policy_load_string(ctx, conflicts[_i].text, &p);
	if (conflicts[_i].msg) {
		ck_assert_int_eq(rc, -EINVAL);
		ck_assert_ptr_null(p);
		ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), conflicts[_i].msg), "case %d: got '%s', want '%s'",
		              _i, vxt_ctx_errmsg(ctx), conflicts[_i].msg);
	} else {
		ck_assert_msg(rc == 0, "case %d refused: %s", _i, vxt_ctx_errmsg(ctx));
		vxt_policy_unref(p);
	}
	vxt_ctx_unref(ctx);
}
END_TEST

/* Built in code: vxt_policy_check refuses the same (no file:line then). */
START_TEST(feature_conflicts_built)
{
	nstest_enter();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_new(&p), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "cali*", "gro", false), 0);
	ck_assert_int_eq(vxt_policy_check(ctx, p), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "cali7", "rx-gro", true), 0);
	ck_assert_int_eq(vxt_policy_check(ctx, p), -EINVAL);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), "policy: [interface cali7] 'rx-gro on' conflicts with "
	                                           "policy: [interface cali*] 'gro off'"),
	              "got '%s'", vxt_ctx_errmsg(ctx));
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_policy_apply(ctx, p, VXT_DRY_RUN, &r), -EINVAL);
	ck_assert_ptr_null(r);
	vxt_policy_unref(p);
	/* Bracket expressions (section names cannot hold ']': builders only). */
	ck_assert_int_eq(vxt_policy_new(&p), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "eth[0-4]", "gro", false), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "eth[5-9]", "gro", true), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "eth[!0-9]*", "gro", true), 0);
	ck_assert_msg(vxt_policy_check(ctx, p) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_int_eq(vxt_policy_add_feature(p, "eth[3-6]", "gro", true), 0);
	ck_assert_int_eq(vxt_policy_check(ctx, p), -EINVAL);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), "[interface eth[3-6]] 'gro on' conflicts with "
	                                           "policy: [interface eth[0-4]] 'gro off'"),
	              "got '%s'", vxt_ctx_errmsg(ctx));
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(parse_good_and_presets)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_load_string(ctx,
		"[underlay]\nmethod = interface=eth.*\nfeatures = rx off, tx off\n"
		"[vxlan]\ninterfaces = vxlan.calico flannel.1\nfeatures = gro off\n"
		"[interface cali* eth1]\nfeatures = gso off\n"
		"[sysctl all default vxlan]\nrp_filter = 0\n[sysctl]\nnet.ipv4.ip_forward = 1\n", &p), 0);
	ck_assert_str_eq(vxt_policy_underlay_method(p), "interface=eth.*");
	ck_assert_uint_eq(vxt_policy_vxlan_count(p), 2);
	ck_assert_str_eq(vxt_policy_vxlan(p, 1), "flannel.1");
	ck_assert_uint_eq(vxt_policy_feature_rule_count(p), 4);
	ck_assert_str_eq(vxt_policy_feature_rule_selector(p, 2), "cali*");
	ck_assert_uint_eq(vxt_policy_sysctl_rule_count(p), 4);
	vxt_policy_unref(p);
	ck_assert_uint_eq(vxt_preset_count(), 2);
	for (unsigned int i = 0; i < vxt_preset_count(); i++) {
		ck_assert_int_eq(vxt_policy_preset(ctx, vxt_preset_name(i), &p), 0);
		vxt_policy_unref(p);
	}
	ck_assert_ptr_null(vxt_preset_name(vxt_preset_count()));
	ck_assert_int_eq(vxt_policy_preset(ctx, "nope", &p), -EINVAL);
	ck_assert_str_eq(vxt_ctx_errmsg(ctx), "unknown preset 'nope' (calico-incident, checksum)");
	ck_assert_int_eq(vxt_policy_load_file(ctx, "/nonexistent/vxlantune.conf", &p), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "/nonexistent/vxlantune.conf"));
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(builders_validate)
{
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_new(&p), 0);
	ck_assert_uint_eq(vxt_policy_vxlan_count(p), 4);
	ck_assert_int_eq(vxt_policy_add_feature(p, "a/b", "gro", false), -EINVAL);
	ck_assert_int_eq(vxt_policy_add_feature(p, "all", "gro", false), -EINVAL);
	ck_assert_int_eq(vxt_policy_add_feature(p, "vxlan", "", false), -EINVAL);
	ck_assert_int_eq(vxt_policy_add_feature(p, "vxlan", "gro", false), 0);
	ck_assert_int_eq(vxt_policy_add_sysctl(p, "rp_filter", "0", "../x"), -EINVAL);
	ck_assert_int_eq(vxt_policy_add_sysctl(p, "rp_filter", "0", "cali*"), 0);
	const char *none[] = {NULL};
	ck_assert_int_eq(vxt_policy_set_vxlan_interfaces(p, none), 0);
	ck_assert_uint_eq(vxt_policy_vxlan_count(p), 0);
	ck_assert_int_eq(vxt_policy_set_underlay_method(p, ""), -EINVAL);
	vxt_policy_unref(p);
}
END_TEST

/* ---- a node: underlay eth0 with the default route, vxlan.calico on it,
 * cali* veths, flannel.1, a management NIC eth1 ------------------------ */
static void node(void)
{
	nstest_enter();
	nstest_sh("ip link add eth0 type veth peer name eth0p && ip link add eth1 type veth peer name eth1p"
	          " && ip link set eth0 up && ip link set eth0p up && ip link set eth1 up && ip link set eth1p up"
	          " && ip addr add 198.51.100.10/24 dev eth0 && ip addr add 203.0.113.10/24 dev eth1"
	          " && ip route add default via 198.51.100.1 dev eth0");
	nstest_sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 local 198.51.100.10"
	          " && ip link set vxlan.calico up"
	          " && ip link add flannel.1 type vxlan id 1 dstport 8472 dev eth0"
	          " && ip link add cali1a type veth peer name cali1b && ip link add cali2a type veth peer name cali2b");
	/* Mixed rp_filter, like a node Calico set up. */
	nstest_sh("for f in all default eth0 eth1 vxlan.calico cali1a cali2b; do"
	          " echo 1 > /proc/sys/net/ipv4/conf/$f/rp_filter; done; echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter");
}

static int proc_int(const char *path)
{
	char *s = nstest_read_file(path);
	ck_assert_msg(s != NULL, "cannot read %s", path);
	int v = atoi(s);
	free(s);
	return v;
}

static const char *offload_groups[] = {"rx-checksumming", "tx-checksumming", "tcp-segmentation-offload",
                                       "generic-segmentation-offload", "generic-receive-offload"};

static void assert_all_off(const char *ifname)
{
	for (size_t i = 0; i < sizeof(offload_groups) / sizeof(offload_groups[0]); i++)
		ck_assert_msg(nstest_ethtool(ifname, offload_groups[i], NULL) == 0, "%s: %s still on",
		              ifname, offload_groups[i]);
}

static struct vxt_report *apply(struct vxt_ctx *ctx, const char *preset, unsigned int flags)
{
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_preset(ctx, preset, &p), 0);
	struct vxt_report *r = NULL;
	int rc = vxt_policy_apply(ctx, p, flags, &r);
	ck_assert_msg(rc == 0, "apply %s: %s", preset, vxt_ctx_errmsg(ctx));
	vxt_policy_unref(p);
	return r;
}

START_TEST(preset_calico_incident)
{
	node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_report *r = apply(ctx, "calico-incident", 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	ck_assert_uint_gt(vxt_report_count_status(r, VXT_STATUS_CHANGED), 10);
	vxt_report_unref(r);
	assert_all_off("eth0");
	assert_all_off("vxlan.calico");
	ck_assert_int_eq(nstest_ethtool("eth1", "tx-checksumming", NULL), 1); /* not the underlay */
	ck_assert_int_eq(nstest_ethtool("flannel.1", "tx-checksumming", NULL), 1);
	const char *ifs[] = {"all", "default", "eth0", "eth1", "vxlan.calico", "flannel.1", "cali1a", "cali2b", "lo"};
	for (size_t i = 0; i < sizeof(ifs) / sizeof(ifs[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", ifs[i]);
		ck_assert_msg(proc_int(path) == 0, "%s not 0", path);
	}
	/* Second run: nothing to do. */
	r = apply(ctx, "calico-incident", 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_SIDE_EFFECT), 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

/* The default VXLAN class is what a new policy's "vxlan" selector means. */
START_TEST(default_vxlan_class)
{
	struct vxt_policy *p = NULL;
	ck_assert_int_eq(vxt_policy_new(&p), 0);
	ck_assert_uint_eq(vxt_vxlan_default_count(), 4);
	ck_assert_uint_eq(vxt_policy_vxlan_count(p), vxt_vxlan_default_count());
	for (unsigned int i = 0; i < vxt_vxlan_default_count(); i++)
		ck_assert_str_eq(vxt_policy_vxlan(p, i), vxt_vxlan_default(i));
	ck_assert_str_eq(vxt_vxlan_default(0), "vxlan.calico");
	ck_assert_ptr_null(vxt_vxlan_default(vxt_vxlan_default_count()));
	vxt_policy_unref(p);
}
END_TEST

/* Named interfaces that do not exist: skipped by default (devices a CNI
 * creates later), refused up front with VXT_POLICY_NAMES_EXIST. */
START_TEST(names_must_exist)
{
	node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p = NULL, *s = NULL;
	ck_assert_int_eq(vxt_policy_new(&p), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "vxlan", "gro", false), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "nope0", "gro", false), 0);
	ck_assert_int_eq(vxt_policy_add_feature(p, "cali*", "gro", false), 0);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_policy_apply(ctx, p, VXT_POLICY_NAMES_EXIST, &r), -ENODEV);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), "no interface 'nope0'"), "%s", vxt_ctx_errmsg(ctx));
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "generic-receive-offload", NULL), 1);
	ck_assert_int_eq(vxt_policy_apply(ctx, p, 0, &r), 0);
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "generic-receive-offload", NULL), 0);
	for (unsigned int i = 0; i < vxt_report_count(r); i++)
		ck_assert_str_ne(vxt_report_object(r, i), "nope0");
	vxt_report_unref(r);
	/* Sysctl selectors too; all, default and globs are not names. */
	ck_assert_int_eq(vxt_policy_new(&s), 0);
	ck_assert_int_eq(vxt_policy_add_sysctl(s, "rp_filter", "2", "all"), 0);
	ck_assert_int_eq(vxt_policy_add_sysctl(s, "rp_filter", "2", "cali*"), 0);
	ck_assert_int_eq(vxt_policy_apply(ctx, s, VXT_POLICY_NAMES_EXIST | VXT_DRY_RUN, &r), 0);
	vxt_report_unref(r);
	ck_assert_int_eq(vxt_policy_add_sysctl(s, "rp_filter", "2", "nope1"), 0);
	ck_assert_int_eq(vxt_policy_apply(ctx, s, VXT_POLICY_NAMES_EXIST, &r), -ENODEV);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), "no interface 'nope1'"), "%s", vxt_ctx_errmsg(ctx));
	ck_assert_int_eq(proc_int("/proc/sys/net/ipv4/conf/all/rp_filter"), 2);
	ck_assert_int_eq(proc_int("/proc/sys/net/ipv4/conf/cali1a/rp_filter"), 1);
	vxt_policy_unref(s);
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(preset_checksum)
{
	node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_report *r = apply(ctx, "checksum", 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	vxt_report_unref(r);
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-checksum-ip-generic", NULL), 0);
	ck_assert_int_eq(nstest_ethtool("flannel.1", "tx-checksum-ip-generic", NULL), 0);
	ck_assert_int_eq(nstest_ethtool("eth0", "tx-checksum-ip-generic", NULL), 1);
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "generic-receive-offload", NULL), 1);
	ck_assert_int_eq(proc_int("/proc/sys/net/ipv4/conf/all/rp_filter"), 2);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(dry_run_changes_nothing)
{
	node();
	char *before = nstest_capture("for d in eth0 vxlan.calico; do ethtool -k $d; done; "
	                              "cat /proc/sys/net/ipv4/conf/*/rp_filter");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_report *r = apply(ctx, "calico-incident", VXT_DRY_RUN);
	ck_assert(vxt_report_dry_run(r));
	ck_assert_uint_gt(vxt_report_count_status(r, VXT_STATUS_CHANGED), 10);
	vxt_report_unref(r);
	char *after = nstest_capture("for d in eth0 vxlan.calico; do ethtool -k $d; done; "
	                             "cat /proc/sys/net/ipv4/conf/*/rp_filter");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(bad_policy_applies_nothing)
{
	node();
	char *before = nstest_capture("ethtool -k vxlan.calico; cat /proc/sys/net/ipv4/conf/*/rp_filter");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p;
	/* The first rule is fine; the sysctl value is out of range. */
	ck_assert_int_eq(vxt_policy_load_string(ctx, "[vxlan]\nfeatures = gro off\n"
	                                        "[sysctl all]\nrp_filter = 7\n", &p), 0);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_policy_apply(ctx, p, 0, &r), -ERANGE);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "rp_filter"));
	vxt_policy_unref(p);
	/* An unknown feature word. */
	ck_assert_int_eq(vxt_policy_load_string(ctx, "[sysctl all]\nrp_filter = 0\n"
	                                        "[vxlan]\nfeatures = grox off\n", &p), 0);
	ck_assert_int_eq(vxt_policy_apply(ctx, p, 0, &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "did you mean 'gro'"));
	vxt_policy_unref(p);
	char *after = nstest_capture("ethtool -k vxlan.calico; cat /proc/sys/net/ipv4/conf/*/rp_filter");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(snapshot_apply_restore)
{
	node();
	const char *state_cmd = "for d in eth0 eth1 vxlan.calico flannel.1 cali1a; do ethtool -k $d; done;"
	                        " grep . /proc/sys/net/ipv4/conf/*/rp_filter";
	char *orig = nstest_capture("%s", state_cmd);
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_preset(ctx, "calico-incident", &p), 0);
	char *snap = NULL;
	ck_assert_int_eq(vxt_snapshot_take(ctx, p, &snap), 0);
	ck_assert_ptr_nonnull(strstr(snap, "\"vxlan.calico\""));
	ck_assert_ptr_nonnull(strstr(snap, "rp_filter"));
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_policy_apply(ctx, p, 0, &r), 0);
	vxt_report_unref(r);
	char *mid = nstest_capture("%s", state_cmd);
	ck_assert_str_ne(orig, mid);
	/* Dry run first: nothing moves. */
	ck_assert_int_eq(vxt_snapshot_restore(ctx, snap, VXT_DRY_RUN, &r), 0);
	ck_assert_uint_gt(vxt_report_count_status(r, VXT_STATUS_CHANGED), 10);
	vxt_report_unref(r);
	char *still = nstest_capture("%s", state_cmd);
	ck_assert_str_eq(mid, still);
	ck_assert_int_eq(vxt_snapshot_restore(ctx, snap, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	vxt_report_unref(r);
	char *back = nstest_capture("%s", state_cmd);
	ck_assert_str_eq(orig, back);
	free(orig);
	free(mid);
	free(still);
	free(back);
	free(snap);
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
}
END_TEST

static const char *bad_snapshots[] = {
	"",
	"not json",
	"[]",
	"{\"format\": \"other\", \"version\": 1, \"features\": {}, \"sysctl\": {}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 2, \"features\": {}, \"sysctl\": {}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": [], \"sysctl\": {}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {\"../x\": {}}, \"sysctl\": {}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {\"eth0\": {\"rx-checksum\": \"maybe\"}}, \"sysctl\": {}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {\"eth0\": {\"rx-checksum\": \"off\", \"nosuchfeat\": \"off\"}}, \"sysctl\": {}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {\"eth0\": {\"rx-checksum\": \"off\"}}, \"sysctl\": {\"net.ipv4.conf.all.rp_filter\": \"9\"}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {}, \"sysctl\": {\"kernel.hostname\": \"x\"}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {\"eth0\": {\"rx-checksum\": \"off\"}}, \"sysctl\": {\"net.ipv4.conf.all.rp_filter\": 1}}",
	"{\"format\": \"vxlantune-snapshot\", \"version\": 1, \"features\": {\"eth0\": {\"rx-checksum\": \"off\"",
};

START_TEST(restore_rejects_bad_snapshots)
{
	node();
	char *before = nstest_capture("ethtool -k eth0; grep . /proc/sys/net/ipv4/conf/*/rp_filter");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_report *r = NULL;
	int rc = vxt_snapshot_restore(ctx, bad_snapshots[_i], 0, &r);
	ck_assert_msg(rc < 0, "snapshot %d accepted", _i);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), "snapshot"), "message: %s", vxt_ctx_errmsg(ctx));
	char *after = nstest_capture("ethtool -k eth0; grep . /proc/sys/net/ipv4/conf/*/rp_filter");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Every area shares the context's sockets: interleaved calls must each see
 * their own answers (a route lookup once left its ACK behind for the next
 * dump to trip over). */
START_TEST(shared_sockets_interleave)
{
	node();
	struct vxt_ctx *ctx = nstest_ctx();
	for (int i = 0; i < 3; i++) {
		struct vxt_underlay *u = NULL;
		ck_assert_int_eq(vxt_underlay_detect(ctx, "can-reach=198.51.100.50", 0, &u), 0);
		ck_assert_str_eq(vxt_underlay_ifname(u), "eth0");
		vxt_underlay_unref(u);
		struct vxt_link_list *l = NULL;
		ck_assert_msg(vxt_links_get(ctx, &l) == 0, "links: %s", vxt_ctx_errmsg(ctx));
		ck_assert_int_ge(vxt_link_list_find(l, "vxlan.calico"), 0);
		vxt_link_list_unref(l);
		ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", 0, &u), 0);
		vxt_underlay_unref(u);
		struct vxt_features *f = NULL;
		ck_assert_int_eq(vxt_features_get(ctx, "eth0", &f), 0);
		vxt_features_unref(f);
		ck_assert_int_eq(vxt_underlay_detect(ctx, "vxlan=vxlan.calico", 0, &u), 0);
		ck_assert_str_eq(vxt_underlay_ifname(u), "eth0");
		vxt_underlay_unref(u);
	}
	vxt_ctx_unref(ctx);
}
END_TEST

/* ---- watch -------------------------------------------------------------- */

/* Handle notifications until ifname's offloads are off (or 2 s pass). */
static void wait_applied(struct vxt_watch *w, const char *ifname)
{
	for (int tries = 0; tries < 40; tries++) {
		struct vxt_report *r = NULL;
		ck_assert_int_ge(vxt_watch_run(w, 50, &r), 0);
		vxt_report_unref(r);
		if (nstest_ethtool(ifname, "generic-receive-offload", NULL) == 0 &&
		    nstest_ethtool(ifname, "tx-checksumming", NULL) == 0)
			return;
	}
	ck_abort_msg("%s: offloads not re-applied", ifname);
}

START_TEST(watch_recreate_100)
{
	node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_preset(ctx, "calico-incident", &p), 0);
	struct vxt_watch *w;
	ck_assert_int_eq(vxt_watch_new(ctx, p, 0, &w), 0);
	ck_assert_int_ge(vxt_watch_fd(w), 0);
	ck_assert_str_eq(vxt_watch_underlay(w), "eth0");
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_watch_resync(w, &r), 0);
	vxt_report_unref(r);
	assert_all_off("vxlan.calico");
	for (int i = 0; i < 100; i++) {
		nstest_sh("ip link del vxlan.calico && echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter"
		          " && ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0"
		          " && echo 0 > /proc/sys/net/ipv4/conf/default/rp_filter");
		ck_assert_int_eq(nstest_ethtool("vxlan.calico", "generic-receive-offload", NULL), 1);
		wait_applied(w, "vxlan.calico");
		assert_all_off("vxlan.calico");
		/* Created while default was 1: the watcher set it to 0. */
		ck_assert_int_eq(proc_int("/proc/sys/net/ipv4/conf/vxlan.calico/rp_filter"), 0);
	}
	/* Someone turns GRO back on by hand: put right again. */
	nstest_sh("ethtool -K vxlan.calico gro on");
	wait_applied(w, "vxlan.calico");
	ck_assert_uint_eq(vxt_watch_resyncs(w), 1);
	vxt_watch_unref(w);
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
}
END_TEST

/* 2,000 links created while the watcher is not reading: the kernel drops
 * notifications (ENOBUFS) and the watcher re-applies everything. */
START_TEST(watch_overrun_resync)
{
	nstest_enter();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_policy *p;
	ck_assert_int_eq(vxt_policy_load_string(ctx, "[interface ov*]\nfeatures = gso off\n", &p), 0);
	struct vxt_watch *w;
	ck_assert_int_eq(vxt_watch_new(ctx, p, 0, &w), 0);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_watch_resync(w, &r), 0);
	vxt_report_unref(r);
	nstest_veths("ov", 1000);
	ck_assert_int_eq(vxt_watch_dispatch(w, &r), 0);
	ck_assert_uint_eq(vxt_watch_resyncs(w), 2); /* start + overrun */
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 2000);
	vxt_report_unref(r);
	char *on = nstest_capture("for i in $(seq 0 999); do for s in a b; do ethtool -k ov$i$s; done; done"
	                          " | grep -c '^generic-segmentation-offload: on' || true");
	ck_assert_int_eq(atoi(on), 0);
	free(on);
	vxt_watch_unref(w);
	vxt_policy_unref(p);
	vxt_ctx_unref(ctx);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("parse");
	tcase_add_loop_test(tc, parse_errors, 0, sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_test(tc, parse_good_and_presets);
	tcase_add_test(tc, builders_validate);
	tcase_add_test(tc, default_vxlan_class);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_loop_test(tc, feature_conflicts, 0, sizeof(conflicts) / sizeof(conflicts[0]));
	tcase_add_test(tc, feature_conflicts_built);
	tcase_add_test(tc, preset_calico_incident);
	tcase_add_test(tc, preset_checksum);
	tcase_add_test(tc, names_must_exist);
	tcase_add_test(tc, dry_run_changes_nothing);
	tcase_add_test(tc, bad_policy_applies_nothing);
	tcase_add_test(tc, snapshot_apply_restore);
	tcase_add_test(tc, shared_sockets_interleave);
	tcase_add_loop_test(tc, restore_rejects_bad_snapshots, 0, sizeof(bad_snapshots) / sizeof(bad_snapshots[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("watch");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, watch_recreate_100);
	tcase_add_test(tc, watch_overrun_resync);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
