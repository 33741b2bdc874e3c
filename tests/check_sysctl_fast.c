/* Sysctl fast paths: current values from one RTM_GETNETCONF dump, the
 * fallbacks when it cannot be had, and writes on two threads.  Every test
 * runs in a fresh network namespace with real devices and checks
 * /proc/sys with separate processes (grep, cat), never through the
 * library it tests. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nstest.h"
#include "vxlantune.h"

/* ---- helpers ----------------------------------------------------------- */

/* What the library's debug log said during the last call. */
static struct seen {
	int hits, files;      /* "N current values from the dump, M from files"; -1: none */
	int nc_loaded;        /* RTM_GETNETCONF dump done */
	int nc_failed;        /* ... and failed */
	int link_loaded;      /* RTM_GETLINK dump done */
	int batched, threads; /* "N files in batches, on up to T threads"; 0: none */
} seen;
/* Run once when the library says "files planned" (before any file is
 * read or written), if set. */
static void (*on_planned)(void);
/* Run once when the first batch of files is about to start (the first
 * file was written already), if set. */
static void (*on_batch)(void);

static void logfn(struct vxt_ctx *ctx, int prio, const char *file, int line, const char *fn,
                  const char *format, va_list args)
{
	(void)ctx; (void)prio; (void)file; (void)line; (void)fn;
	char msg[512];
	vsnprintf(msg, sizeof(msg), format, args);
	unsigned int a, b;
	if (sscanf(msg, "sysctl show: %u values from the dump, %u from files", &a, &b) == 2 ||
	    sscanf(msg, "sysctl: %u current values from the dump, %u from files", &a, &b) == 2 ||
	    sscanf(msg, "sysctl: %u current values from RTM_GETNETCONF, %u from files", &a,
	           &b) == 2) {
		seen.hits = (int)a;
		seen.files = (int)b;
	}
	if (strstr(msg, "IPv4 netconf entries from one RTM_GETNETCONF dump"))
		seen.nc_loaded++;
	if (strstr(msg, "RTM_GETNETCONF dump failed"))
		seen.nc_failed++;
	if (strstr(msg, "from one RTM_GETLINK dump"))
		seen.link_loaded++;
	if (sscanf(msg, "sysctl: %u files in batches, on up to %u threads", &a, &b) == 2) {
		seen.batched = (int)a;
		seen.threads = (int)b;
	}
	if (strstr(msg, "files planned") && on_planned) {
		void (*f)(void) = on_planned;
		on_planned = NULL;
		f();
	}
	if (strstr(msg, "a batch of") && on_batch) {
		void (*f)(void) = on_batch;
		on_batch = NULL;
		f();
	}
}

static void reset_seen(void)
{
	seen = (struct seen){.hits = -1, .files = -1};
}

static struct vxt_ctx *new_ctx(void)
{
	struct vxt_ctx *ctx = NULL;
	ck_assert_int_eq(vxt_ctx_new(&ctx), 0);
	vxt_ctx_set_log_fn(ctx, logfn);
	vxt_ctx_set_log_priority(ctx, 7);
	reset_seen();
	return ctx;
}

/* Add KEY=VALUE on the NULL-terminated selectors. */
static void add(struct vxt_sysctl_req *req, const char *key, const char *value, ...)
{
	const char *ifs[16];
	unsigned int n = 0;
	va_list ap;
	va_start(ap, value);
	for (const char *s; (s = va_arg(ap, const char *)) && n < 15;)
		ifs[n++] = s;
	va_end(ap);
	ifs[n] = NULL;
	ck_assert_int_eq(vxt_sysctl_req_add(req, key, value, n ? ifs : NULL), 0);
}

static struct vxt_sysctl_req *new_req(void)
{
	struct vxt_sysctl_req *req = NULL;
	ck_assert_int_eq(vxt_sysctl_req_new(&req), 0);
	return req;
}

/* Files under conf/GLOB/KEY that do not read exactly VALUE. */
static int not_reading(const char *glob, const char *key, const char *value)
{
	char *out = nstest_capture("grep -L -x '%s' /proc/sys/net/ipv4/conf/%s/%s | wc -l", value,
	                           glob, key);
	int n = atoi(out);
	free(out);
	return n;
}

static int count_lines(const char *cmd)
{
	char *out = nstest_capture("%s | wc -l", cmd);
	int n = atoi(out);
	free(out);
	return n;
}

static unsigned int find_entry(const struct vxt_report *r, const char *object, const char *key)
{
	for (unsigned int i = 0; i < vxt_report_count(r); i++)
		if (!strcmp(vxt_report_object(r, i), object) && strstr(vxt_report_key(r, i), key))
			return i;
	ck_abort_msg("no report entry for %s %s", object, key);
	return 0;
}

static int cpus(void)
{
	cpu_set_t set;
	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	return CPU_COUNT(&set);
}

/* The keys netconf messages carry (mc_forwarding is read-only: always 0). */
static const char *const nc_keys[] = {"forwarding", "rp_filter", "mc_forwarding", "proxy_arp",
                                      "ignore_routes_with_linkdown", "bc_forwarding", NULL};
enum { NKEYS = 6 };

/* ---- netconf agrees with /proc ----------------------------------------- */

/* 61 interfaces (30 veth pairs and vxlan.calico), each netconf key varied
 * over them with a different period, and all/default with values of their
 * own: show and a dry-run set report exactly what grep reads. */
START_TEST(netconf_agrees_with_proc)
{
	nstest_enter();
	/* default first: interfaces created after it start from it. */
	nstest_sh("cd /proc/sys/net/ipv4/conf && echo 1 > default/proxy_arp && "
	          "echo 1 > default/bc_forwarding && echo 2 > default/rp_filter");
	nstest_veths("nc", 30);
	nstest_sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789");
	/* all/forwarding rewrites every interface: before the spread. */
	nstest_sh("cd /proc/sys/net/ipv4/conf && echo 1 > all/forwarding && "
	          "echo 2 > all/rp_filter && echo 1 > all/ignore_routes_with_linkdown && "
	          "echo 0 > default/forwarding && echo 1 > default/ignore_routes_with_linkdown");
	nstest_sh("cd /proc/sys/net/ipv4/conf && i=0 && for d in nc* vxlan.calico; do "
	          "echo $((i %% 3)) > $d/rp_filter; echo $(((i / 2) %% 2)) > $d/forwarding; "
	          "echo $(((i + 1) %% 2)) > $d/proxy_arp; "
	          "echo $(((i / 3) %% 2)) > $d/ignore_routes_with_linkdown; "
	          "echo $(((i / 5) %% 2)) > $d/bc_forwarding; i=$((i + 1)); done");
	/* The values really vary (so that agreement means something). */
	ck_assert_int_eq(count_lines("cat /proc/sys/net/ipv4/conf/nc*/rp_filter | sort -u"), 3);
	for (unsigned int k = 0; nc_keys[k]; k++) {
		if (!strcmp(nc_keys[k], "mc_forwarding"))
			continue;
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "cat /proc/sys/net/ipv4/conf/nc*/%s | sort -u", nc_keys[k]);
		ck_assert_int_ge(count_lines(cmd), 2);
	}
	struct vxt_ctx *ctx = new_ctx();
	const char *sels[] = {"nc*", "vxlan.calico", "all", "default", NULL};
	struct vxt_sysctl_list *l = NULL;
	ck_assert_msg(vxt_sysctl_show(ctx, (const char *const *)nc_keys, sels, 0, &l) == 0, "%s",
	              vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_sysctl_list_count(l), NKEYS * 63);
	ck_assert_int_eq(seen.nc_loaded, 1);
	ck_assert_int_eq(seen.link_loaded, 0); /* netconf keys need no link dump */
	/* Interfaces from the dump; show reads all and default itself. */
	ck_assert_int_eq(seen.hits, NKEYS * 61);
	ck_assert_int_eq(seen.files, NKEYS * 2);
	for (unsigned int k = 0; k < NKEYS; k++) {
		char *out = nstest_grep_key("ipv4", nc_keys[k]);
		for (unsigned int i = k * 63; i < (k + 1) * 63; i++) {
			const char *obj = vxt_sysctl_list_object(l, i);
			ck_assert_str_eq(vxt_sysctl_list_name(l, i), nc_keys[k]);
			ck_assert_msg(!strcmp(vxt_sysctl_list_value(l, i), nstest_grep_value(out, obj, nc_keys[k])),
			              "show %s on %s: library %s, /proc %s", nc_keys[k], obj,
			              vxt_sysctl_list_value(l, i), nstest_grep_value(out, obj, nc_keys[k]));
		}
		free(out);
	}
	/* rp_filter effective = max(all = 2, own) = 2 everywhere. */
	for (unsigned int i = 63; i < 2 * 63; i++)
		ck_assert_str_eq(vxt_sysctl_list_effective(l, i), "2");
	vxt_sysctl_list_unref(l);

	/* A dry run takes every current value, all and default included,
	 * from the dump: its "before" is what grep reads. */
	struct vxt_sysctl_req *req = new_req();
	for (unsigned int k = 0; nc_keys[k]; k++)
		add(req, nc_keys[k], "0", "nc*", "vxlan.calico", "all", "default", NULL);
	struct vxt_report *r = NULL;
	reset_seen();
	ck_assert_msg(vxt_sysctl_set(ctx, req, VXT_DRY_RUN, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), NKEYS * 63);
	ck_assert_int_eq(seen.hits, NKEYS * 63);
	ck_assert_int_eq(seen.files, 0);
	for (unsigned int k = 0; k < NKEYS; k++) {
		char *out = nstest_grep_key("ipv4", nc_keys[k]);
		unsigned int n = 0;
		for (unsigned int i = 0; i < vxt_report_count(r); i++) {
			if (strcmp(vxt_report_via(r, i), nc_keys[k]))
				continue;
			const char *obj = vxt_report_object(r, i);
			ck_assert_msg(!strcmp(vxt_report_before(r, i), nstest_grep_value(out, obj, nc_keys[k])),
			              "set %s on %s: before %s, /proc %s", nc_keys[k], obj,
			              vxt_report_before(r, i), nstest_grep_value(out, obj, nc_keys[k]));
			n++;
		}
		ck_assert_uint_eq(n, 63);
		free(out);
	}
	ck_assert_str_eq(vxt_report_before(r, find_entry(r, "all", "rp_filter")), "2");
	ck_assert_str_eq(vxt_report_before(r, find_entry(r, "default", "proxy_arp")), "1");
	vxt_report_unref(r);
	/* Nothing was written. */
	ck_assert_int_eq(not_reading("all", "rp_filter", "2"), 0);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* ---- writes on two threads ---------------------------------------------- */

/* 600 interfaces, two keys (one netconf, one not), mixed values: every
 * file ends right, the report accounts for every one, the batches ran on
 * two threads where there are two CPUs. */
START_TEST(threads_write_every_file)
{
	nstest_enter();
	nstest_veths("tw", 300);
	nstest_sh("cd /proc/sys/net/ipv4/conf && i=0 && for d in tw*; do "
	          "echo $((i %% 3)) > $d/rp_filter; echo $((i %% 2)) > $d/arp_ignore; "
	          "i=$((i + 1)); done; echo 2 > all/rp_filter");
	int rp_zero = count_lines("grep -l -x 0 /proc/sys/net/ipv4/conf/tw*/rp_filter");
	int ai_one = count_lines("grep -l -x 1 /proc/sys/net/ipv4/conf/tw*/arp_ignore");
	int dflt_zero = count_lines("grep -l -x 0 /proc/sys/net/ipv4/conf/default/rp_filter");
	ck_assert_int_gt(rp_zero, 150);
	ck_assert_int_lt(rp_zero, 250);
	struct vxt_ctx *ctx = new_ctx();
	struct vxt_sysctl_req *req = new_req();
	add(req, "rp_filter", "0", "tw*", "all", "default", NULL);
	add(req, "arp_ignore", "1", "tw*", NULL);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), 1202);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED),
	                  (unsigned int)(rp_zero + ai_one + dflt_zero));
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_CHANGED) +
	                  vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 1202);
	ck_assert_int_ge(seen.batched, 500);
	ck_assert_int_eq(seen.threads, cpus() >= 2 ? 2 : 1);
	unsigned int i = find_entry(r, "all", "rp_filter");
	ck_assert_str_eq(vxt_report_before(r, i), "2");
	ck_assert_str_eq(vxt_report_after(r, i), "0");
	/* Report order is the plan's: interfaces, then all, then default. */
	ck_assert_str_eq(vxt_report_object(r, 0), "tw0a");
	ck_assert_str_eq(vxt_report_object(r, 600), "all");
	ck_assert_str_eq(vxt_report_object(r, 601), "default");
	ck_assert_str_eq(vxt_report_object(r, 602), "tw0a");
	vxt_report_unref(r);
	/* Every file, independently. */
	ck_assert_int_eq(count_lines("ls /proc/sys/net/ipv4/conf/tw*/rp_filter"), 600);
	ck_assert_int_eq(not_reading("tw*", "rp_filter", "0"), 0);
	ck_assert_int_eq(not_reading("tw*", "arp_ignore", "1"), 0);
	ck_assert_int_eq(not_reading("all", "rp_filter", "0"), 0);
	ck_assert_int_eq(not_reading("default", "rp_filter", "0"), 0);
	/* Idempotent. */
	ck_assert_int_eq(vxt_sysctl_set(ctx, req, 0, &r), 0);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 1202);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* The order rule holds with batches: 600 interfaces that never had their
 * rp_filter written get their current value explicitly (forced writes, on
 * two threads) before default changes, so the kernel does not copy the
 * new default onto them. */
START_TEST(threads_keep_default_order)
{
	nstest_enter();
	nstest_veths("to", 300); /* no rp_filter written: they follow default */
	char *d = nstest_capture("cat /proc/sys/net/ipv4/conf/default/rp_filter");
	int v = atoi(d);
	free(d);
	char vs[4], ds[4];
	snprintf(vs, sizeof(vs), "%d", v);
	snprintf(ds, sizeof(ds), "%d", (v + 1) % 3);
	struct vxt_ctx *ctx = new_ctx();
	struct vxt_sysctl_req *req = new_req();
	add(req, "rp_filter", vs, "to*", NULL);
	add(req, "rp_filter", ds, "default", NULL);
	struct vxt_report *r = NULL;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_uint_eq(vxt_report_count(r), 601);
	ck_assert_uint_eq(vxt_report_count_status(r, VXT_STATUS_UNCHANGED), 600);
	ck_assert_int_ge(seen.batched, 500);
	vxt_report_unref(r);
	ck_assert_int_eq(not_reading("to*", "rp_filter", vs), 0);
	ck_assert_int_eq(not_reading("default", "rp_filter", ds), 0);
	/* And default does reach a new interface. */
	nstest_sh("ip link add tonew type veth peer name tonewp");
	ck_assert_int_eq(not_reading("tonew", "rp_filter", ds), 0);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* Interfaces deleted while a set runs: 10 pairs after planning (before
 * any file is read or written), 10 pairs after the first write, before the
 * batch that holds them starts (their current values came from the dump:
 * the batch's writers find them gone), and 100 more by a background
 * `ip -batch` racing the writers. */
static char gone_batch[64], gone_done[64];

static void delete_planned(void)
{
	nstest_sh("for i in 0 1 2 3 4 5 6 7 8 9; do echo \"link del tg$((i * 19 + 1))a\"; done | "
	          "ip -batch -");
}

static void delete_batched(void)
{
	nstest_sh("(ip -force -batch %s; touch %s) >/dev/null 2>&1 &", gone_batch, gone_done);
	nstest_sh("for i in 0 1 2 3 4 5 6 7 8 9; do echo \"link del tg$((i * 19 + 2))b\"; done | "
	          "ip -batch -");
}

START_TEST(threads_gone_during_write)
{
	nstest_enter();
	nstest_veths("tg", 300);
	nstest_sh("for f in /proc/sys/net/ipv4/conf/tg*/rp_filter /proc/sys/net/ipv4/conf/all/rp_filter; "
	          "do echo 1 > $f; done");
	snprintf(gone_batch, sizeof(gone_batch), "/tmp/vxt-tg-%d.batch", (int)getpid());
	snprintf(gone_done, sizeof(gone_done), "/tmp/vxt-tg-%d.done", (int)getpid());
	/* From the end of the plan backwards: towards the writers. */
	nstest_sh("rm -f %s; for i in $(seq 299 -1 200); do echo \"link del tg${i}b\"; done >%s",
	          gone_done, gone_batch);
	struct vxt_ctx *ctx = new_ctx();
	struct vxt_sysctl_req *req = new_req();
	add(req, "rp_filter", "0", "tg*", "all", NULL);
	struct vxt_report *r = NULL;
	on_planned = delete_planned;
	on_batch = delete_batched;
	ck_assert_msg(vxt_sysctl_set(ctx, req, 0, &r) == 0, "%s", vxt_ctx_errmsg(ctx));
	ck_assert_ptr_null(on_planned); /* the hooks ran */
	ck_assert_ptr_null(on_batch);
	nstest_sh("for i in $(seq 200); do [ -e %s ] && break; sleep 0.05; done; [ -e %s ]",
	          gone_done, gone_done);
	nstest_sh("rm -f %s %s", gone_done, gone_batch);
	ck_assert_uint_eq(vxt_report_count(r), 601);
	unsigned int gone = vxt_report_count_status(r, VXT_STATUS_GONE);
	unsigned int changed = vxt_report_count_status(r, VXT_STATUS_CHANGED);
	ck_assert_uint_eq(gone + changed, 601);
	ck_assert_uint_ge(gone, 40);
	ck_assert_uint_le(gone, 240);
	ck_assert_uint_eq(vxt_report_unmet(r), 0);
	ck_assert_int_ge(seen.batched, 300);
	for (int i = 0; i < 10; i++) {
		for (int off = 1; off <= 2; off++) {
			char a[16], b[16];
			snprintf(a, sizeof(a), "tg%da", i * 19 + off);
			snprintf(b, sizeof(b), "tg%db", i * 19 + off);
			ck_assert_int_eq(vxt_report_status(r, find_entry(r, a, "rp_filter")),
			                 VXT_STATUS_GONE);
			ck_assert_int_eq(vxt_report_status(r, find_entry(r, b, "rp_filter")),
			                 VXT_STATUS_GONE);
		}
	}
	/* A gone entry's interface is really gone; every other file reads 0. */
	for (unsigned int i = 0; i < vxt_report_count(r); i++) {
		if (vxt_report_status(r, i) != VXT_STATUS_GONE)
			continue;
		char path[96];
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s", vxt_report_object(r, i));
		ck_assert_msg(access(path, F_OK) != 0, "%s reported gone but exists", path);
	}
	ck_assert_int_eq(count_lines("ls -d /proc/sys/net/ipv4/conf/tg*"), 600 - 40 - 200);
	ck_assert_int_eq(not_reading("tg*", "rp_filter", "0"), 0);
	ck_assert_int_eq(not_reading("all", "rp_filter", "0"), 0);
	vxt_report_unref(r);
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
}
END_TEST

/* ---- fallbacks ---------------------------------------------------------- */

/* Make syscall nr fail with EPERM when its argument argi (low 32 bits) is
 * val, for this process and its children (seccomp, as a restrictive
 * container profile would). */
static int deny(int nr, int argi, unsigned int val)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) +
		                                   (unsigned int)argi * sizeof(__u64)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, val, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static char *expect_rp; /* grep_key("rp_filter") before the child runs */

/* In a child: show and set rp_filter over 100 interfaces with `how`
 * denied.  Returns the step that failed, 0 if none. */
static int fallback_child(int how)
{
	if (how == 1 ? deny(SYS_ioctl, 1, SIOCGIFNAME) : deny(SYS_socket, 0, AF_NETLINK))
		return 1;
	struct vxt_ctx *ctx = new_ctx();
	const char *sels[] = {"fb*", NULL};
	const char *keys[] = {"rp_filter", "arp_ignore", NULL};
	struct vxt_sysctl_list *l = NULL;
	if (vxt_sysctl_show(ctx, keys, sels, 0, &l))
		return 2;
	if (vxt_sysctl_list_count(l) != 200 || !seen.nc_failed)
		return 3;
	/* ioctl denied: the link dump still answers; netlink denied: files. */
	if (how == 1 ? seen.hits != 200 || seen.link_loaded != 1 : seen.hits != -1)
		return 4;
	for (unsigned int i = 0; i < 100; i++)
		if (strcmp(vxt_sysctl_list_value(l, i),
		           nstest_grep_value(expect_rp, vxt_sysctl_list_object(l, i), "rp_filter")))
			return 5;
	vxt_sysctl_list_unref(l);
	struct vxt_sysctl_req *req = new_req();
	add(req, "rp_filter", "0", "fb*", "all", "default", NULL);
	struct vxt_report *r = NULL;
	reset_seen();
	if (vxt_sysctl_set(ctx, req, VXT_DRY_RUN, &r))
		return 6;
	for (unsigned int i = 0; i < 100; i++)
		if (strcmp(vxt_report_before(r, i),
		           nstest_grep_value(expect_rp, vxt_report_object(r, i), "rp_filter")))
			return 7;
	vxt_report_unref(r);
	reset_seen();
	if (vxt_sysctl_set(ctx, req, 0, &r) || vxt_report_count(r) != 102 || vxt_report_unmet(r)) {
		fprintf(stderr, "step 8: %s count %u unmet %u\n", vxt_ctx_errmsg(ctx),
		        vxt_report_count(r), vxt_report_unmet(r));
		return 8;
	}
	vxt_report_unref(r);
	/* Converged now: the sample asks for the dumps, which fail over. */
	reset_seen();
	if (vxt_sysctl_set(ctx, req, 0, &r) ||
	    vxt_report_count_status(r, VXT_STATUS_UNCHANGED) != 102)
		return 10;
	if (!seen.nc_failed || (how == 1 ? seen.hits != 100 : seen.hits != -1))
		return 11;
	if (vxt_report_count_status(r, VXT_STATUS_CHANGED) +
	    vxt_report_count_status(r, VXT_STATUS_UNCHANGED) != 102)
		return 9;
	vxt_sysctl_req_unref(req);
	vxt_ctx_unref(ctx);
	return 0;
}

/* _i 1: SIOCGIFNAME denied (netconf cannot name its entries: the
 * RTM_GETLINK dump takes over); _i 2: netlink sockets denied (both dumps
 * fail: the files).  Same results either way. */
START_TEST(fallback_without_netconf)
{
	nstest_enter();
	nstest_veths("fb", 50);
	nstest_sh("cd /proc/sys/net/ipv4/conf && i=0 && for d in fb*; do "
	          "echo $((i %% 3)) > $d/rp_filter; i=$((i + 1)); done; echo 1 > all/rp_filter");
	expect_rp = nstest_grep_key("ipv4", "rp_filter");
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fallback_child(_i));
	int st = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fallback %d: step %d failed", _i,
	              WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	free(expect_rp);
	ck_assert_int_eq(not_reading("fb*", "rp_filter", "0"), 0);
	ck_assert_int_eq(not_reading("all", "rp_filter", "0"), 0);
	ck_assert_int_eq(not_reading("default", "rp_filter", "0"), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sysctl_fast");
	TCase *tc = tcase_create("netconf");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, netconf_agrees_with_proc);
	tcase_add_loop_test(tc, fallback_without_netconf, 1, 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("threads");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, threads_write_every_file);
	tcase_add_test(tc, threads_keep_default_order);
	tcase_add_test(tc, threads_gone_during_write);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
