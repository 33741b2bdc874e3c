/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Offload features on real devices in a private network namespace, checked
 * against `ethtool -k`.  Every test runs twice: over ethtool netlink and
 * over the legacy ioctl fallback (loop index 0 / 1). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nstest.h"
#include "vxlantune.h"

static const int backends[] = {VXT_BACKEND_NETLINK, VXT_BACKEND_IOCTL};
#define BACKEND_LOOPS 2

static struct vxt_ctx *ctx_for(int loop)
{
	struct vxt_ctx *ctx = nstest_ctx();
	ck_assert_int_eq(vxt_ctx_set_backend(ctx, backends[loop]), 0);
	return ctx;
}

/* Two veths and a vxlan on top of one, like a node's underlay + overlay. */
static void topology(void)
{
	nstest_enter();
	nstest_sh("ip link add veth0 type veth peer name veth1");
	nstest_sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev veth0");
	nstest_sh("ip link set veth0 up && ip link set veth1 up && ip link set vxlan.calico up");
}

static struct vxt_feature_req *req_of(const char *words)
{
	struct vxt_feature_req *req;
	ck_assert_int_eq(vxt_feature_req_new(&req), 0);
	char *copy = strdup(words), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *v = strtok_r(NULL, " ", &save);
		ck_assert_ptr_nonnull(v);
		ck_assert_int_eq(vxt_feature_req_add(req, w, !strcmp(v, "on")), 0);
	}
	free(copy);
	return req;
}

static int set_words(struct vxt_ctx *ctx, const char *ifname, const char *words,
                     unsigned int flags, struct vxt_report **r)
{
	struct vxt_feature_req *req = req_of(words);
	int rc = vxt_features_set(ctx, ifname, req, flags, r);
	vxt_feature_req_unref(req);
	return rc;
}

/* Aliases and the ethtool -k group line that summarises their members. */
static const struct {
	const char *alias, *group;
} aliases[] = {
	{"rx", "rx-checksumming"},
	{"tx", "tx-checksumming"},
	{"sg", "scatter-gather"},
	{"tso", "tcp-segmentation-offload"},
	{"gso", "generic-segmentation-offload"},
	{"gro", "generic-receive-offload"},
};

/* ethtool -k shows a one-member legacy group under the group's name. */
static const char *ethtool_label(const char *kernel_name)
{
	static const char *const map[][2] = {
		{"rx-checksum", "rx-checksumming"},
		{"tx-generic-segmentation", "generic-segmentation-offload"},
		{"rx-gro", "generic-receive-offload"},
		{"rx-lro", "large-receive-offload"},
		{"rx-vlan-hw-parse", "rx-vlan-offload"},
		{"tx-vlan-hw-insert", "tx-vlan-offload"},
		{"rx-ntuple-filter", "ntuple-filters"},
		{"rx-hashing", "receive-hashing"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], kernel_name))
			return map[i][1];
	return kernel_name;
}

START_TEST(read_matches_ethtool)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_features *f;
	ck_assert_int_eq(vxt_features_get(ctx, "vxlan.calico", &f), 0);
	ck_assert_str_eq(vxt_features_ifname(f), "vxlan.calico");
	ck_assert_uint_gt(vxt_features_count(f), 40);
	for (unsigned int i = 0; i < vxt_features_count(f); i++) {
		bool fixed;
		int st = nstest_ethtool("vxlan.calico", ethtool_label(vxt_features_name(f, i)), &fixed);
		ck_assert_msg(st >= 0, "%s not shown by ethtool", vxt_features_name(f, i));
		ck_assert_msg(st == vxt_features_active(f, i), "%s: ethtool %d, us %d",
		              vxt_features_name(f, i), st, vxt_features_active(f, i));
		ck_assert_msg(fixed == !vxt_features_changeable(f, i), "%s fixed mismatch",
		              vxt_features_name(f, i));
	}
	ck_assert_int_ge(vxt_features_find(f, "rx-gro"), 0);
	ck_assert_int_eq(vxt_features_find(f, "no-such-feature"), -ENOENT);
	ck_assert_int_eq(vxt_ctx_get_backend(ctx), backends[_i]);
	vxt_features_unref(f);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(read_by_index)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	char *out = nstest_capture("ip -o link show veth0 | cut -d: -f1");
	int idx = atoi(out);
	free(out);
	struct vxt_features *f;
	ck_assert_int_eq(vxt_features_get_index(ctx, idx, &f), 0);
	ck_assert_str_eq(vxt_features_ifname(f), "veth0");
	ck_assert_int_eq(vxt_features_ifindex(f), idx);
	vxt_features_unref(f);
	ck_assert_int_eq(vxt_features_get_index(ctx, 99999, &f), -ENODEV);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Each alias off, then on again, on the veth (all changeable there). */
START_TEST(alias_off_on)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i / 6);
	const char *alias = aliases[_i % 6].alias, *group = aliases[_i % 6].group;
	char words[64];
	struct vxt_report *r;

	snprintf(words, sizeof(words), "%s off", alias);
	ck_assert_int_eq(set_words(ctx, "veth0", words, 0, &r), 0);
	ck_assert_int_eq(nstest_ethtool("veth0", group, NULL), 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	ck_assert_str_eq(vxt_report_via(r, 0), alias);
	vxt_report_unref(r);

	snprintf(words, sizeof(words), "%s on", alias);
	ck_assert_int_eq(set_words(ctx, "veth0", words, 0, &r), 0);
	ck_assert_int_eq(nstest_ethtool("veth0", group, NULL), 1);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

/* The runbook's line, then again: the second run changes nothing. */
START_TEST(runbook_idempotent)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	const char *words = "rx off tx off tso off gso off gro off";
	struct vxt_report *r;
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", words, 0, &r), 0);
	ck_assert_uint_gt(vxt_report_count_status(r, VXT_STATUS_CHANGED), 4);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	ck_assert(!vxt_report_dry_run(r));
	vxt_report_unref(r);
	for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++) {
		if (!strcmp(aliases[a].alias, "sg"))
			continue;
		ck_assert_msg(nstest_ethtool("vxlan.calico", aliases[a].group, NULL) == 0,
		              "%s still on", aliases[a].group);
	}
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", words, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_SIDE_EFFECT), 0);
	ck_assert_uint_gt(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 4);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(dry_run_changes_nothing)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	char *before = nstest_capture("ethtool -k vxlan.calico");
	struct vxt_report *r;
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", "rx off gro off tx-udp_tnl-segmentation on",
	                           VXT_DRY_RUN, &r), 0);
	ck_assert(vxt_report_dry_run(r));
	unsigned int i = nstest_find_entry(r, NULL, "rx-checksum");
	ck_assert_int_eq(vxt_report_status(r, i), VXT_STATUS_CHANGED);
	ck_assert_str_eq(vxt_report_before(r, (unsigned int)i), "on");
	ck_assert_str_eq(vxt_report_after(r, (unsigned int)i), "off");
	i = nstest_find_entry(r, NULL, "tx-udp_tnl-segmentation");
	ck_assert_int_eq(vxt_report_status(r, i), VXT_STATUS_FIXED);
	ck_assert_uint_eq(vxt_report_unmet(r), 1);
	char *after = nstest_capture("ethtool -k vxlan.calico");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(fixed_feature_reported)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_report *r;
	bool fixed = false;
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-udp_tnl-segmentation", &fixed), 0);
	ck_assert(fixed);
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", "tx-udp_tnl-segmentation on", 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count(r), 1);
	ck_assert_int_eq(vxt_report_status(r, 0), VXT_STATUS_FIXED);
	ck_assert_str_eq(vxt_report_requested(r, 0), "on");
	ck_assert_str_eq(vxt_report_after(r, 0), "off");
	ck_assert_uint_eq(vxt_report_unmet(r), 1);
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-udp_tnl-segmentation", NULL), 0);
	vxt_report_unref(r);
	/* An alias with one changeable member is met, like ethtool's exit 0. */
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", "tx off", 0, &r), 0);
	vxt_report_unref(r);
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", "tx on", 0, &r), 0);
	ck_assert_uint_gt(vxt_report_count_status(r, VXT_STATUS_FIXED), 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Turning tx-checksum-ip-generic off on vxlan also clears TSO: reported. */
START_TEST(side_effects_reported)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_report *r;
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-tcp-segmentation", NULL), 1);
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", "tx-checksum-ip-generic off", 0, &r), 0);
	unsigned int i = nstest_find_entry(r, NULL, "tx-tcp-segmentation");
	ck_assert_int_eq(vxt_report_status(r, i), VXT_STATUS_SIDE_EFFECT);
	ck_assert_str_eq(vxt_report_after(r, (unsigned int)i), "off");
	ck_assert_str_eq(vxt_report_via(r, (unsigned int)i), "");
	ck_assert_int_eq(nstest_ethtool("vxlan.calico", "tx-tcp-segmentation", NULL), 0);
	i = nstest_find_entry(r, NULL, "tx-checksum-ip-generic");
	ck_assert_int_eq(vxt_report_status(r, i), VXT_STATUS_CHANGED);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(long_and_kernel_names)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_report *r;
	ck_assert_int_eq(set_words(ctx, "veth0", "generic-segmentation-offload off rx-checksum off", 0, &r), 0);
	ck_assert_int_eq(nstest_ethtool("veth0", "generic-segmentation-offload", NULL), 0);
	ck_assert_int_eq(nstest_ethtool("veth0", "rx-checksumming", NULL), 0);
	vxt_report_unref(r);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(unknown_feature_changes_nothing)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	char *before = nstest_capture("ethtool -k veth0");
	struct vxt_report *r = NULL;
	ck_assert_int_eq(set_words(ctx, "veth0", "rx off grox on", 0, &r), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), "unknown feature 'grox' (did you mean 'gro'?)"),
	              "message: %s", vxt_ctx_errmsg(ctx));
	char *after = nstest_capture("ethtool -k veth0");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	struct vxt_feature_req *req = req_of("bogusfeature on");
	ck_assert_int_eq(vxt_feature_req_check(ctx, req), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "'bogusfeature'"));
	vxt_feature_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(missing_and_invalid_device)
{
	topology();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_features *f = NULL;
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_features_get(ctx, "eth9", &f), -ENODEV);
	ck_assert_str_eq(vxt_ctx_errmsg(ctx), "no such interface 'eth9'");
	ck_assert_int_eq(set_words(ctx, "eth9", "gro off", 0, &r), -ENODEV);
	ck_assert_str_eq(vxt_ctx_errmsg(ctx), "no such interface 'eth9'");
	ck_assert_int_eq(vxt_features_get(ctx, "../../x", &f), -EINVAL);
	ck_assert_int_eq(set_words(ctx, "a/b", "gro off", 0, &r), -EINVAL);
	ck_assert_int_eq(vxt_features_get(ctx, "averyveryverylongname", &f), -EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_ptr_null(r);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(no_cap_net_admin)
{
	topology();
	char *before = nstest_capture("ethtool -k vxlan.calico");
	nstest_drop_net_admin();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_features *f;
	ck_assert_int_eq(vxt_features_get(ctx, "vxlan.calico", &f), 0); /* reading needs nothing */
	vxt_features_unref(f);
	struct vxt_report *r = NULL;
	ck_assert_int_eq(set_words(ctx, "vxlan.calico", "gro off", 0, &r), -EPERM);
	ck_assert_str_eq(vxt_ctx_errmsg(ctx),
	                 "vxlan.calico: changing features needs CAP_NET_ADMIN (run as root)");
	char *after = nstest_capture("ethtool -k vxlan.calico");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	vxt_ctx_unref(ctx);
}
END_TEST

/* 250 veth pairs: the dump returns every device, each matching ethtool. */
START_TEST(dump_500_devices)
{
	nstest_enter();
	nstest_veths("d", 250);
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_features_list *l;
	ck_assert_int_eq(vxt_features_get_all(ctx, &l), 0);
	ck_assert_uint_eq(vxt_features_list_count(l), 501); /* + lo */
	char *names = nstest_capture("ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1");
	unsigned int seen = 0;
	for (unsigned int i = 0; i < vxt_features_list_count(l); i++) {
		const char *n = vxt_features_ifname(vxt_features_list_get(l, i));
		char word[32];
		snprintf(word, sizeof(word), "%s\n", n);
		ck_assert_msg(strstr(names, word), "%s not a device", n);
		seen++;
	}
	ck_assert_uint_eq(seen, 501);
	free(names);
	vxt_features_list_unref(l);
	vxt_ctx_unref(ctx);
}
END_TEST

/* The streaming walk: each device once, in the kernel's order, with the
 * features ethtool shows; a callback that stops gets its value back, and
 * the context still works afterwards (the rest of the dump was drained). */
struct walk {
	unsigned int seen, stop_after;
	char names[4096];
	int d7b_tso; /* tcp-segmentation-offload of d7b as the walk saw it */
};

static int walk_one(struct vxt_features *f, void *arg)
{
	struct walk *w = arg;
	if (w->stop_after && w->seen == w->stop_after)
		return 42;
	w->seen++;
	if (strlen(w->names) + 20 < sizeof(w->names)) {
		strcat(w->names, vxt_features_ifname(f));
		strcat(w->names, "\n");
	}
	if (!strcmp(vxt_features_ifname(f), "d7b")) {
		int i = vxt_features_find(f, "tx-tcp-segmentation");
		ck_assert_int_ge(i, 0);
		w->d7b_tso = vxt_features_active(f, (unsigned int)i);
	}
	return 0;
}

START_TEST(foreach_walks_every_device)
{
	nstest_enter();
	nstest_veths("d", 100);
	nstest_sh("ethtool -K d7b tso off");
	struct vxt_ctx *ctx = ctx_for(_i);
	ck_assert_int_eq(vxt_features_foreach(ctx, NULL, NULL), -EINVAL);
	struct walk w = {.d7b_tso = -1};
	ck_assert_int_eq(vxt_features_foreach(ctx, walk_one, &w), 0);
	ck_assert_uint_eq(w.seen, 201); /* + lo */
	/* In ifindex order, as `ip link` lists them. */
	char *names = nstest_capture("ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1");
	ck_assert_str_eq(w.names, names);
	free(names);
	ck_assert_int_eq(w.d7b_tso, nstest_ethtool("d7b", "tx-tcp-segmentation", NULL));
	ck_assert_int_eq(w.d7b_tso, 0);

	struct walk stop = {.stop_after = 5};
	ck_assert_int_eq(vxt_features_foreach(ctx, walk_one, &stop), 42);
	ck_assert_uint_eq(stop.seen, 5);
	ck_assert_str_eq(vxt_ctx_errmsg(ctx), ""); /* the caller's value, not a failed read */
	/* The same socket answers the next request with its own reply. */
	struct vxt_features *f;
	ck_assert_int_eq(vxt_features_get(ctx, "d7b", &f), 0);
	ck_assert_str_eq(vxt_features_ifname(f), "d7b");
	vxt_features_unref(f);
	struct vxt_features_list *l;
	ck_assert_int_eq(vxt_features_get_all(ctx, &l), 0);
	ck_assert_uint_eq(vxt_features_list_count(l), 201);
	vxt_features_list_unref(l);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Globs: every cali* veth changed with one call; nothing else touched. */
START_TEST(glob_set)
{
	nstest_enter();
	nstest_veths("cali", 20);
	nstest_sh("ip link add eth0 type veth peer name eth1");
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_feature_req *req = req_of("tx off gso off");
	const char *globs[] = {"cali*", NULL};
	struct vxt_report *r;
	ck_assert_int_eq(vxt_features_set_glob(ctx, globs, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "cali%da", i);
		ck_assert_int_eq(nstest_ethtool(name, "tx-checksumming", NULL), 0);
		ck_assert_int_eq(nstest_ethtool(name, "generic-segmentation-offload", NULL), 0);
	}
	ck_assert_int_eq(nstest_ethtool("eth0", "tx-checksumming", NULL), 1);
	for (unsigned int i = 0; i < vxt_report_count(r); i++)
		ck_assert_msg(!strncmp(vxt_report_object(r, i), "cali", 4), "touched %s",
		              vxt_report_object(r, i));
	vxt_report_unref(r);
	ck_assert_int_eq(vxt_features_set_glob(ctx, globs, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED), 0);
	vxt_report_unref(r);
	vxt_feature_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(glob_without_privilege)
{
	nstest_enter();
	nstest_veths("cali", 3);
	nstest_drop_net_admin();
	struct vxt_ctx *ctx = ctx_for(_i);
	struct vxt_feature_req *req = req_of("gso off");
	const char *globs[] = {"cali*", NULL};
	struct vxt_report *r = NULL;
	ck_assert_int_eq(vxt_features_set_glob(ctx, globs, req, 0, &r), -EPERM);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "needs CAP_NET_ADMIN"));
	ck_assert_int_eq(nstest_ethtool("cali0a", "generic-segmentation-offload", NULL), 1);
	vxt_feature_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(request_validation)
{
	struct vxt_feature_req *req;
	ck_assert_int_eq(vxt_feature_req_new(&req), 0);
	ck_assert_int_eq(vxt_feature_req_add(req, "", true), -EINVAL);
	ck_assert_int_eq(vxt_feature_req_add(req, NULL, true), -EINVAL);
	ck_assert_int_eq(vxt_feature_req_add(req, "has space", true), -EINVAL);
	char big[200];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(vxt_feature_req_add(req, big, true), -EINVAL);
	ck_assert_uint_eq(vxt_feature_req_count(req), 0);
	ck_assert_int_eq(vxt_feature_req_add(req, "gro", false), 0);
	ck_assert_uint_eq(vxt_feature_req_count(req), 1);
	vxt_feature_req_unref(req);
	ck_assert_ptr_null(vxt_feature_req_unref(NULL));
}
END_TEST

/* AUTO picks netlink on these kernels. */
START_TEST(auto_backend_is_netlink)
{
	nstest_enter();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_features *f;
	ck_assert_int_eq(vxt_features_get(ctx, "lo", &f), 0);
	ck_assert_int_eq(vxt_ctx_get_backend(ctx), VXT_BACKEND_NETLINK);
	vxt_features_unref(f);
	vxt_ctx_unref(ctx);
}
END_TEST

/* The streamed set: one interface per part, in order, and a summary whose
 * counts are the whole report's (taken from a dry run of the same request
 * first); a callback that stops gets its value back. */
struct parts {
	unsigned int n, entries, stop_at;
	char last[32];
};

static int count_part(const struct vxt_report *part, void *arg)
{
	struct parts *p = arg;
	if (p->stop_at && p->n == p->stop_at)
		return 7;
	const char *obj = vxt_report_object(part, 0);
	for (unsigned int i = 0; i < vxt_report_count(part); i++)
		ck_assert_str_eq(vxt_report_object(part, i), obj);
	ck_assert_msg(strcmp(obj, p->last) != 0, "%s twice", obj);
	snprintf(p->last, sizeof(p->last), "%s", obj);
	p->n++;
	p->entries += vxt_report_count(part);
	return 0;
}

START_TEST(glob_set_each)
{
	nstest_enter();
	nstest_veths("cali", 20);
	nstest_sh("ip link add eth0 type veth peer name eth1");
	struct vxt_ctx *ctx = ctx_for(_i);
	/* sg on lo is [fixed]: one unmet request in the whole run. */
	struct vxt_feature_req *req = req_of("tx off gso off sg off");
	struct vxt_report *full, *sum;
	ck_assert_int_eq(vxt_features_set_glob(ctx, NULL, req, VXT_DRY_RUN, &full), 0);
	struct parts p = {0};
	ck_assert_int_eq(vxt_features_set_glob_each(ctx, NULL, req, VXT_DRY_RUN, count_part, &p, &sum), 0);
	ck_assert_uint_eq(p.n, 43); /* 40 cali, eth0, eth1, lo */
	ck_assert_uint_eq(vxt_report_count(sum), 0);
	ck_assert_uint_eq(p.entries, vxt_report_count(full));
	for (int st = VXT_STATUS_UNCHANGED; st <= VXT_STATUS_FAILED; st++)
		ck_assert_uint_eq(vxt_report_count_status(sum, st), vxt_report_count_status(full, st));
	ck_assert_uint_gt(vxt_report_count_status(sum, VXT_STATUS_CHANGED), 40);
	ck_assert_uint_eq(vxt_report_unmet(sum), 1);
	ck_assert_uint_eq(vxt_report_unmet(full), 1);
	ck_assert(vxt_report_dry_run(sum));
	vxt_report_unref(sum);
	vxt_report_unref(full);

	/* For real: ethtool sees it, and every entry handed out is counted. */
	p = (struct parts){0};
	ck_assert_int_eq(vxt_features_set_glob_each(ctx, NULL, req, 0, count_part, &p, &sum), 0);
	unsigned int counted = 0;
	for (int st = VXT_STATUS_UNCHANGED; st <= VXT_STATUS_FAILED; st++)
		counted += vxt_report_count_status(sum, st);
	ck_assert_uint_eq(counted, p.entries);
	ck_assert_uint_eq(vxt_report_unmet(sum), 1);
	ck_assert(!vxt_report_dry_run(sum));
	ck_assert_int_eq(nstest_ethtool("cali7b", "tx-checksumming", NULL), 0);
	ck_assert_int_eq(nstest_ethtool("eth1", "generic-segmentation-offload", NULL), 0);
	vxt_report_unref(sum);

	struct parts stop = {.stop_at = 3};
	sum = NULL;
	ck_assert_int_eq(vxt_features_set_glob_each(ctx, NULL, req, VXT_DRY_RUN, count_part, &stop, &sum), 7);
	ck_assert_ptr_null(sum);
	ck_assert_uint_eq(stop.n, 3);
	ck_assert_int_eq(vxt_features_set_glob_each(ctx, NULL, req, 0, NULL, NULL, &sum), -EINVAL);
	vxt_feature_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

static Suite *features_suite(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("read");
	tcase_add_loop_test(tc, read_matches_ethtool, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, read_by_index, 0, BACKEND_LOOPS);
	tcase_add_test(tc, auto_backend_is_netlink);
	tcase_add_test(tc, request_validation);
	suite_add_tcase(s, tc);

	tc = tcase_create("set");
	tcase_add_loop_test(tc, alias_off_on, 0, 6 * BACKEND_LOOPS);
	tcase_add_loop_test(tc, runbook_idempotent, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, dry_run_changes_nothing, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, fixed_feature_reported, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, side_effects_reported, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, long_and_kernel_names, 0, BACKEND_LOOPS);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, unknown_feature_changes_nothing, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, missing_and_invalid_device, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, no_cap_net_admin, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, glob_without_privilege, 0, BACKEND_LOOPS);
	suite_add_tcase(s, tc);

	tc = tcase_create("many");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, dump_500_devices, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, foreach_walks_every_device, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, glob_set, 0, BACKEND_LOOPS);
	tcase_add_loop_test(tc, glob_set_each, 0, BACKEND_LOOPS);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(features_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
