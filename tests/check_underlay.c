/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links and underlay detection, on real devices in a namespace of each
 * test's own.  Expected values come from `ip` (ip -d link, ip route get),
 * not from the library. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nstest.h"
#include "vxlantune.h"

/* The node: eth0 (default route, metric 100), eth1 (192.0.2.0/24,
 * second default, metric 200), a bridge with a veth port and a macvlan on
 * top (stand-ins for bond and VLAN), a docker0-like bridge, cali* veths,
 * VXLAN devices with and without `dev`, IPv4 and IPv6.  NICs are veths
 * whose peers stay in this namespace.  Creation order fixes the ifindex
 * order, which Calico's first-found depends on. */
static const char topo[] =
	"link set lo up\n"
	"link add eth0 type veth peer name eth0p\n"
	"link add eth1 type veth peer name eth1p\n"
	"link set eth0 up\nlink set eth0p up\nlink set eth1 up\nlink set eth1p up\n"
	"addr add 198.51.100.10/24 dev eth0\n"
	"addr add 2001:db8:100::10/64 dev eth0 nodad\n"
	"addr add 192.0.2.10/24 dev eth1\n"
	"addr add 2001:db8:2::10/64 dev eth1 nodad\n"
	"route add default via 198.51.100.1 dev eth0 metric 100\n"
	"route add default via 192.0.2.1 dev eth1 metric 200\n"
	"route add default via 2001:db8:100::1 dev eth0 metric 100\n"
	"route add default via 2001:db8:2::1 dev eth1 metric 200\n"
	"link add br0 type bridge forward_delay 0\nlink set br0 up\n"
	"link add brport type veth peer name brpeer\n"
	"link set brport master br0\nlink set brport up\nlink set brpeer up\n"
	"link add mv0 link br0 type macvlan mode bridge\nlink set mv0 up\n"
	"addr add 203.0.113.10/25 dev mv0\n"
	"link add docker0 type bridge\n"
	"addr add 203.0.113.130/26 dev docker0\n"
	"link add cali0a1b2c3 type veth peer name cali0a1b2c3p\nlink set cali0a1b2c3 up\n"
	"addr add 203.0.113.66/32 dev cali0a1b2c3\n"
	"link add vxlan.calico type vxlan id 4096 dstport 4789 local 198.51.100.10 dev eth0 nolearning\n"
	"link set vxlan.calico up\n"
	"addr add 203.0.113.100/32 dev vxlan.calico\n"
	"link add flannel.1 type vxlan id 1 dstport 8472 local 192.0.2.10 nolearning\n"
	"link add vx.remote type vxlan id 7 dstport 4789 remote 203.0.113.50\n"
	"link add vx.bare type vxlan id 8 dstport 4789\n"
	"link add vxlan-v6.calico type vxlan id 4097 dstport 4789 local 2001:db8:100::10 dev eth0 udp6zerocsumtx\n";

static void setup_node(void)
{
	nstest_enter();
	/* Every test has its own file: tests run in parallel processes. */
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "/tmp/.vxt-topo-%d", (int)getpid()), 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(topo, f);
	fclose(f);
	nstest_sh("ip -batch %s", path);
	unlink(path);
	free(path);
}

/* First word after `key` on the one-line output of a command. */
static char *field_after(const char *out, const char *key)
{
	const char *p = strstr(out, key);
	if (!p)
		return NULL;
	p += strlen(key);
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, " \n");
	return strndup(p, n);
}

/* `ip route get DEST` as the kernel answers it: device and source. */
static void ip_route_get(const char *dest, char **dev, char **src)
{
	char *out = nstest_capture("ip route get %s", dest);
	*dev = field_after(out, " dev ");
	*src = field_after(out, " src ");
	ck_assert_msg(*dev && *src, "cannot parse 'ip route get %s': %s", dest, out);
	free(out);
}

/* ---- links ------------------------------------------------------------- */

/* NULL when every link's operstate matches `ip -o link`, else a message. */
static const char *state_differs(const struct vxt_link_list *l)
{
	static char msg[128];
	for (unsigned int i = 0; i < vxt_link_list_count(l); i++) {
		char *out = nstest_capture("ip -o link show dev '%s'", vxt_link_name(l, i));
		char *state = field_after(out, " state ");
		bool same = state && !strcmp(state, vxt_link_operstate(l, i));
		if (!same)
			snprintf(msg, sizeof(msg), "%s: ip says %s, we say %s", vxt_link_name(l, i),
			         state ? state : "?", vxt_link_operstate(l, i));
		free(state);
		free(out);
		if (!same)
			return msg;
	}
	return NULL;
}

START_TEST(links_match_ip)
{
	setup_node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_link_list *l = NULL;
	/* Operational state settles asynchronously (linkwatch, bridge
	 * carrier): retake the snapshot until it agrees with a fresh `ip`. */
	const char *differs = NULL;
	for (int tries = 0; tries < 30; tries++) {
		vxt_link_list_unref(l);
		ck_assert_int_eq(vxt_links_get(ctx, &l), 0);
		differs = state_differs(l);
		if (!differs)
			break;
		usleep(100000);
	}
	ck_assert_msg(!differs, "%s", differs);

	char *n = nstest_capture("ip -o link show | wc -l");
	ck_assert_uint_eq(vxt_link_list_count(l), (unsigned int)atoi(n));
	free(n);
	for (unsigned int i = 1; i < vxt_link_list_count(l); i++)
		ck_assert_int_lt(vxt_link_ifindex(l, i - 1), vxt_link_ifindex(l, i));

	/* Index, MTU, state and kind of every link agree with ip. */
	for (unsigned int i = 0; i < vxt_link_list_count(l); i++) {
		const char *name = vxt_link_name(l, i);
		char *out = nstest_capture("ip -d -o link show dev '%s'", name);
		ck_assert_int_eq(atoi(out), vxt_link_ifindex(l, i));
		char *mtu = field_after(out, " mtu ");
		ck_assert_uint_eq((unsigned int)atoi(mtu), vxt_link_mtu(l, i));
		if (*vxt_link_kind(l, i)) {
			char want[48];
			snprintf(want, sizeof(want), "    %s ", vxt_link_kind(l, i));
			ck_assert_msg(strstr(out, want), "%s: kind %s not in %s", name, vxt_link_kind(l, i), out);
		}
		ck_assert_int_eq(vxt_link_list_find(l, name), (int)i);
		ck_assert_int_eq(vxt_link_list_find_index(l, vxt_link_ifindex(l, i)), (int)i);
		free(mtu);
		free(out);
	}
	ck_assert_int_eq(vxt_link_list_find(l, "nosuchdev"), -ENOENT);

	/* Addresses of eth0 against `ip -o addr`. */
	int e0 = vxt_link_list_find(l, "eth0");
	ck_assert_int_ge(e0, 0);
	ck_assert_str_eq(vxt_link_kind(l, e0), "veth");
	ck_assert(vxt_link_carrier(l, e0));
	ck_assert(vxt_link_admin_up(l, e0));
	ck_assert_int_eq(vxt_link_link(l, e0), vxt_link_ifindex(l, vxt_link_list_find(l, "eth0p")));
	char *cnt = nstest_capture("ip -o addr show dev eth0 | wc -l");
	ck_assert_uint_eq(vxt_link_addr_count(l, e0), (unsigned int)atoi(cnt));
	free(cnt);
	bool v4 = false, v6 = false;
	for (unsigned int j = 0; j < vxt_link_addr_count(l, e0); j++) {
		char *line = nstest_capture("ip -o addr show dev eth0 | grep -c ' %s/%d scope %s'",
		                            vxt_link_addr(l, e0, j), vxt_link_addr_prefixlen(l, e0, j),
		                            vxt_link_addr_scope(l, e0, j));
		ck_assert_msg(atoi(line) == 1, "%s/%d not in ip addr", vxt_link_addr(l, e0, j),
		              vxt_link_addr_prefixlen(l, e0, j));
		free(line);
		if (!strcmp(vxt_link_addr(l, e0, j), "198.51.100.10")) {
			v4 = true;
			ck_assert_int_eq(vxt_link_addr_family(l, e0, j), AF_INET);
			ck_assert_int_eq(vxt_link_addr_prefixlen(l, e0, j), 24);
			ck_assert_str_eq(vxt_link_addr_scope(l, e0, j), "global");
		}
		if (!strcmp(vxt_link_addr(l, e0, j), "2001:db8:100::10")) {
			v6 = true;
			ck_assert_int_eq(vxt_link_addr_family(l, e0, j), AF_INET6);
			ck_assert_int_eq(vxt_link_addr_prefixlen(l, e0, j), 64);
		}
	}
	ck_assert(v4 && v6);

	/* Bridge port and macvlan lower device. */
	int bp = vxt_link_list_find(l, "brport"), br = vxt_link_list_find(l, "br0");
	int mv = vxt_link_list_find(l, "mv0");
	ck_assert_int_eq(vxt_link_master(l, bp), vxt_link_ifindex(l, br));
	ck_assert_str_eq(vxt_link_kind(l, br), "bridge");
	ck_assert_str_eq(vxt_link_kind(l, mv), "macvlan");
	ck_assert_int_eq(vxt_link_link(l, mv), vxt_link_ifindex(l, br));
	ck_assert(!vxt_link_is_vxlan(l, mv));
	ck_assert_int_eq(vxt_link_vxlan_vni(l, mv), -1);
	int d0 = vxt_link_list_find(l, "docker0");
	ck_assert(!vxt_link_admin_up(l, d0));
	ck_assert_str_eq(vxt_link_operstate(l, d0), "DOWN");

	/* Out of range is safe. */
	ck_assert_ptr_null(vxt_link_name(l, 9999));
	ck_assert_ptr_null(vxt_link_addr(l, e0, 9999));
	ck_assert_int_eq(vxt_link_ifindex(NULL, 0), -1);
	ck_assert_ptr_null(vxt_link_vxlan_local(l, 9999));
	ck_assert_str_eq(vxt_link_vxlan_local(l, e0), "");
	ck_assert_int_eq(vxt_link_vxlan_family(l, e0), AF_UNSPEC);
	vxt_link_list_unref(l);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(links_vxlan_details)
{
	setup_node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_link_list *l = NULL;
	ck_assert_int_eq(vxt_links_get(ctx, &l), 0);
	int eth0 = vxt_link_ifindex(l, vxt_link_list_find(l, "eth0"));

	int v = vxt_link_list_find(l, "vxlan.calico");
	ck_assert_int_ge(v, 0);
	char *out = nstest_capture("ip -d -o link show dev vxlan.calico");
	ck_assert_ptr_nonnull(strstr(out, "vxlan id 4096 "));
	ck_assert_ptr_nonnull(strstr(out, "local 198.51.100.10 dev eth0"));
	ck_assert_ptr_nonnull(strstr(out, "dstport 4789"));
	ck_assert_ptr_nonnull(strstr(out, "nolearning"));
	free(out);
	ck_assert(vxt_link_is_vxlan(l, v));
	ck_assert_str_eq(vxt_link_kind(l, v), "vxlan");
	ck_assert_int_eq(vxt_link_vxlan_vni(l, v), 4096);
	ck_assert_int_eq(vxt_link_vxlan_dstport(l, v), 4789);
	ck_assert_str_eq(vxt_link_vxlan_local(l, v), "198.51.100.10");
	ck_assert_str_eq(vxt_link_vxlan_remote(l, v), "");
	ck_assert_int_eq(vxt_link_vxlan_link(l, v), eth0);
	ck_assert(!vxt_link_vxlan_learning(l, v));
	ck_assert(vxt_link_vxlan_udpcsum(l, v));
	ck_assert_int_eq(vxt_link_vxlan_family(l, v), AF_INET);
	ck_assert_int_eq(vxt_link_link_netnsid(l, v), -1);

	int f = vxt_link_list_find(l, "flannel.1");
	ck_assert_int_eq(vxt_link_vxlan_vni(l, f), 1);
	ck_assert_int_eq(vxt_link_vxlan_dstport(l, f), 8472);
	ck_assert_int_eq(vxt_link_vxlan_link(l, f), 0);

	int r = vxt_link_list_find(l, "vx.remote");
	out = nstest_capture("ip -d -o link show dev vx.remote");
	ck_assert_ptr_nonnull(strstr(out, "remote 203.0.113.50"));
	ck_assert_ptr_nonnull(strstr(out, " learning") ? strstr(out, " learning") : strstr(out, "ageing"));
	free(out);
	ck_assert_str_eq(vxt_link_vxlan_remote(l, r), "203.0.113.50");
	ck_assert(vxt_link_vxlan_learning(l, r));

	int v6 = vxt_link_list_find(l, "vxlan-v6.calico");
	out = nstest_capture("ip -d -o link show dev vxlan-v6.calico");
	ck_assert_ptr_nonnull(strstr(out, "udp6zerocsumtx"));
	ck_assert_ptr_null(strstr(out, "noudp6zerocsumtx"));
	free(out);
	ck_assert_int_eq(vxt_link_vxlan_family(l, v6), AF_INET6);
	ck_assert_str_eq(vxt_link_vxlan_local(l, v6), "2001:db8:100::10");
	ck_assert(!vxt_link_vxlan_udpcsum(l, v6));
	vxt_link_list_unref(l);
	vxt_ctx_unref(ctx);
}
END_TEST

/* ---- each method in the node namespace ------------------------------ */

static const struct {
	const char *method;
	int family;
	int rc;
	const char *ifname;  /* expected interface */
	const char *address; /* expected address */
	const char *why;     /* substring of the explanation or error */
} cases[] = {
	{"default-route", AF_UNSPEC, 0, "eth0", "198.51.100.10", "metric 100 (lowest of 2)"},
	{NULL, AF_UNSPEC, 0, "eth0", "198.51.100.10", "default-route: IPv4 default via 198.51.100.1"},
	{"", AF_INET, 0, "eth0", "198.51.100.10", "default-route"},
	{"default-route", AF_INET6, 0, "eth0", "2001:db8:100::10", "IPv6 default via 2001:db8:100::1 dev eth0"},
	/* Calico walks interfaces from the highest ifindex: mv0 comes last. */
	{"first-found", AF_UNSPEC, 0, "mv0", "203.0.113.10", "highest ifindex first"},
	{"first-found", AF_INET6, 0, "eth1", "2001:db8:2::10", "default skip list"},
	{"interface=eth0", AF_INET, 0, "eth0", "198.51.100.10", "eth0 matches 'eth0'"},
	{"interface=^eth1$", AF_UNSPEC, 0, "eth1", "192.0.2.10", "matches '^eth1$'"},
	/* Unanchored like Go's MatchString: "eth" matches eth0p, eth1, ... */
	{"interface=eth", AF_INET, 0, "eth1", "192.0.2.10", "eth1 matches 'eth'"},
	{"interface=nomatch , ^eth0$", AF_INET, 0, "eth0", "198.51.100.10", "'^eth0$'"},
	{"interface=^docker0$", AF_INET, 0, "docker0", "203.0.113.130", "docker0 matches"},
	{"interface=^br0$", AF_INET, -ENOENT, NULL, NULL, "matching without one: br0"},
	{"interface=^nomatch$", AF_INET, -ENOENT, NULL, NULL, "no interface name matches"},
	/* No skip list with interface=: cali* is fair game. */
	{"interface=\\d", AF_INET, 0, "cali0a1b2c3", "203.0.113.66", "'\\d'"},
	{"skip-interface=mv.*", AF_INET, 0, "eth1", "192.0.2.10", "skip list"},
	{"skip-interface=^mv0$,^eth1$", AF_INET, 0, "eth0", "198.51.100.10", "skip list"},
	{"cidr=198.51.100.0/24", AF_UNSPEC, 0, "eth0", "198.51.100.10", "inside 198.51.100.0/24"},
	{"cidr=192.0.2.0/26,198.51.100.0/24", AF_INET, 0, "eth1", "192.0.2.10", "inside 192.0.2.0/26"},
	{"cidr=192.0.2.7/24", AF_INET, 0, "eth1", "192.0.2.10", "inside 192.0.2.7/24"},
	{"cidr=2001:db8:100::/48", AF_INET6, 0, "eth0", "2001:db8:100::10", "inside 2001:db8:100::/48"},
	{"cidr=2001:db8:100::/48", AF_UNSPEC, 0, "eth0", "2001:db8:100::10", "inside"},
	{"cidr=192.0.2.128/25", AF_INET, -ENOENT, NULL, NULL, "no global IPv4 address inside"},
	{"can-reach=192.0.2.50", AF_UNSPEC, 0, "eth1", "192.0.2.10", "ip route get 192.0.2.50"},
	{"can-reach=203.0.113.250", AF_INET, 0, "eth0", "198.51.100.10", "via 198.51.100.1 dev eth0"},
	{"can-reach=203.0.113.20", AF_INET, 0, "mv0", "203.0.113.10", "dev mv0"},
	{"can-reach=2001:db8:2::50", AF_UNSPEC, 0, "eth1", "2001:db8:2::10", "dev eth1"},
	{"can-reach=[2001:db8:ffff::1]", AF_INET6, 0, "eth0", "2001:db8:100::10", "via 2001:db8:100::1 dev eth0"},
	{"can-reach=192.0.2.10", AF_INET, 0, "eth1", "192.0.2.10", "local address of eth1"},
	{"can-reach=192.0.2.50", AF_INET6, -EINVAL, NULL, NULL, "IPv4 address but IPv6"},
	{"address=192.0.2.10", AF_UNSPEC, 0, "eth1", "192.0.2.10", "eth1 holds 192.0.2.10/24"},
	{"address=203.0.113.10", AF_INET, 0, "mv0", "203.0.113.10", "mv0 holds"},
	{"address=2001:db8:2::10", AF_INET6, 0, "eth1", "2001:db8:2::10", "eth1 holds"},
	{"address=192.0.2.99", AF_UNSPEC, -ENOENT, NULL, NULL, "192.0.2.10 on eth1"},
	{"address=2001:db8:2::10", AF_INET, -EINVAL, NULL, NULL, "IPv6 address but IPv4"},
	/* The three ways to a VXLAN parent. */
	{"vxlan=vxlan.calico", AF_UNSPEC, 0, "eth0", "198.51.100.10", "link attribute names eth0"},
	{"vxlan=flannel.1", AF_UNSPEC, 0, "eth1", "192.0.2.10", "eth1 holds its local address 192.0.2.10"},
	{"vxlan=vx.remote", AF_UNSPEC, 0, "mv0", "203.0.113.10", "routes its remote 203.0.113.50"},
	{"vxlan=vxlan-v6.calico", AF_UNSPEC, 0, "eth0", "2001:db8:100::10", "dev eth0"},
	{"vxlan=vx.bare", AF_UNSPEC, -ENOENT, NULL, NULL, "no link attribute"},
	{"vxlan=vx.missing", AF_UNSPEC, -ENODEV, NULL, NULL, "no interface named 'vx.missing'"},
	{"vxlan=eth0", AF_UNSPEC, -EINVAL, NULL, NULL, "veth device, not VXLAN"},
	{"vxlan=vxlan.calico", AF_INET6, -EINVAL, NULL, NULL, "IPv4 tunnel"},
};

START_TEST(method_picks)
{
	setup_node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	const char *m = cases[_i].method;
	int rc = vxt_underlay_detect(ctx, m, cases[_i].family, &u);
	ck_assert_msg(rc == cases[_i].rc, "%s: rc %d want %d (%s)", m, rc, cases[_i].rc, vxt_ctx_errmsg(ctx));
	if (rc == 0) {
		ck_assert_str_eq(vxt_underlay_ifname(u), cases[_i].ifname);
		ck_assert_str_eq(vxt_underlay_address(u), cases[_i].address);
		ck_assert_msg(strstr(vxt_underlay_explanation(u), cases[_i].why), "%s: '%s' lacks '%s'", m,
		              vxt_underlay_explanation(u), cases[_i].why);
		/* Independent: the kernel's view of the chosen interface. */
		char *out = nstest_capture("ip -o addr show dev '%s' | grep -c ' %s/%d '", vxt_underlay_ifname(u),
		                           vxt_underlay_address(u), vxt_underlay_prefixlen(u));
		ck_assert_msg(atoi(out) == 1, "%s: ip addr has no %s/%d on %s", m, vxt_underlay_address(u),
		              vxt_underlay_prefixlen(u), vxt_underlay_ifname(u));
		free(out);
		out = nstest_capture("ip -o link show dev '%s'", vxt_underlay_ifname(u));
		ck_assert_int_eq(atoi(out), vxt_underlay_ifindex(u));
		free(out);
		ck_assert_int_eq(vxt_underlay_family(u), strchr(cases[_i].address, ':') ? AF_INET6 : AF_INET);
		ck_assert_uint_eq(vxt_underlay_mtu(u), 1500);
		ck_assert_ptr_nonnull(vxt_underlay_method(u));
		ck_assert_str_eq(vxt_ctx_errmsg(ctx), "");
	} else {
		ck_assert_ptr_null(u);
		ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), cases[_i].why), "%s: '%s' lacks '%s'", m,
		              vxt_ctx_errmsg(ctx), cases[_i].why);
	}
	vxt_underlay_unref(u);
	vxt_ctx_unref(ctx);
}
END_TEST

/* default-route and can-reach agree with `ip route get`. */
static const char *const dests[] = {
	"192.0.2.50", "203.0.113.250", "198.51.100.77", "203.0.113.20", "2001:db8:2::50", "2001:db8:ffff::1",
};

START_TEST(can_reach_agrees_with_ip_route_get)
{
	setup_node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	char method[128], *dev, *src;
	snprintf(method, sizeof(method), "can-reach=%s", dests[_i]);
	ck_assert_msg(vxt_underlay_detect(ctx, method, AF_UNSPEC, &u) == 0, "%s", vxt_ctx_errmsg(ctx));
	ip_route_get(dests[_i], &dev, &src);
	ck_assert_str_eq(vxt_underlay_ifname(u), dev);
	ck_assert_str_eq(vxt_underlay_address(u), src);
	free(dev);
	free(src);
	vxt_underlay_unref(u);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(default_route_agrees_with_ip_route_get)
{
	setup_node();
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	char *dev, *src;
	/* Addresses no connected route covers: the default route decides. */
	ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", AF_INET, &u), 0);
	ip_route_get("203.0.113.250", &dev, &src);
	ck_assert_str_eq(vxt_underlay_ifname(u), dev);
	ck_assert_str_eq(vxt_underlay_address(u), src);
	free(dev);
	free(src);
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", AF_INET6, &u), 0);
	ip_route_get("2001:db8:ffff::1", &dev, &src);
	ck_assert_str_eq(vxt_underlay_ifname(u), dev);
	ck_assert_str_eq(vxt_underlay_address(u), src);
	free(dev);
	free(src);
	u = vxt_underlay_unref(u);

	/* Swap the metrics: the answer follows the kernel's. */
	nstest_sh("ip route del default via 198.51.100.1 dev eth0 metric 100 && "
	          "ip route add default via 198.51.100.1 dev eth0 metric 300");
	ck_assert_int_eq(vxt_underlay_detect(ctx, NULL, AF_INET, &u), 0);
	ip_route_get("203.0.113.250", &dev, &src);
	ck_assert_str_eq(dev, "eth1");
	ck_assert_str_eq(vxt_underlay_ifname(u), dev);
	ck_assert_str_eq(vxt_underlay_address(u), src);
	ck_assert_ptr_nonnull(strstr(vxt_underlay_explanation(u), "metric 200"));
	free(dev);
	free(src);
	vxt_underlay_unref(u);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(default_route_tie)
{
	setup_node();
	nstest_sh("ip link add eth2 type veth peer name eth2p && ip link set eth2 up && ip link set eth2p up && "
	          "ip addr add 198.51.100.20/24 dev eth2 && "
	          "ip route append default via 198.51.100.2 dev eth2 metric 100");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", AF_INET, &u), -ENOTUNIQ);
	ck_assert_ptr_null(u);
	const char *msg = vxt_ctx_errmsg(ctx);
	ck_assert_msg(strstr(msg, "share the lowest metric 100") && strstr(msg, "via 198.51.100.1 dev eth0") &&
	              strstr(msg, "via 198.51.100.2 dev eth2"), "%s", msg);
	/* IPv6 is still unambiguous. */
	ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", AF_INET6, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "eth0");
	vxt_underlay_unref(u);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(no_default_route)
{
	nstest_enter();
	nstest_sh("ip link add eth0 type veth peer name eth0p && ip link set eth0 up && "
	          "ip addr add 192.0.2.10/24 dev eth0");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	ck_assert_int_eq(vxt_underlay_detect(ctx, NULL, AF_UNSPEC, &u), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "no IPv4 or IPv6 default route"));
	/* first-found lists what it skipped and why. */
	nstest_sh("ip link add cali1 type veth peer name cali1p && ip link add veth9 type veth peer name veth9p && "
	          "ip addr add 192.0.2.11/24 dev cali1 && ip link set eth0 down && ip addr flush dev eth0");
	ck_assert_int_eq(vxt_underlay_detect(ctx, "first-found", AF_INET, &u), -ENOENT);
	const char *msg = vxt_ctx_errmsg(ctx);
	ck_assert_msg(strstr(msg, "lo (^lo)") && strstr(msg, "cali1 (^cali.*)") &&
	              strstr(msg, "veth9 (^veth.*)") && strstr(msg, "without a global IPv4 address: eth0"),
	              "%s", msg);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(ipv6_only)
{
	nstest_enter();
	nstest_sh("ip link add eth0 type veth peer name eth0p && ip link set eth0 up && ip link set eth0p up && "
	          "ip addr add 2001:db8:1::10/64 dev eth0 nodad && "
	          "ip -6 route add default via 2001:db8:1::1 dev eth0 metric 1024 && "
	          "ip link add vxlan-v6.calico type vxlan id 4097 dstport 4789 local 2001:db8:1::10");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	char *dev, *src;
	/* No family given: no IPv4 default route, so IPv6. */
	ck_assert_msg(vxt_underlay_detect(ctx, NULL, AF_UNSPEC, &u) == 0, "%s", vxt_ctx_errmsg(ctx));
	ip_route_get("2001:db8:ffff::1", &dev, &src);
	ck_assert_str_eq(vxt_underlay_ifname(u), dev);
	ck_assert_str_eq(vxt_underlay_address(u), src);
	ck_assert_int_eq(vxt_underlay_family(u), AF_INET6);
	ck_assert_int_eq(vxt_underlay_prefixlen(u), 64);
	free(dev);
	free(src);
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", AF_INET6, &u), 0);
	ck_assert_str_eq(vxt_underlay_address(u), "2001:db8:1::10");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "first-found", AF_UNSPEC, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "eth0");
	ck_assert_str_eq(vxt_underlay_address(u), "2001:db8:1::10");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "vxlan=vxlan-v6.calico", AF_INET6, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "eth0");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "default-route", AF_INET, &u), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "no IPv4 default route"));
	/* Link-local addresses never count. */
	ck_assert_int_eq(vxt_underlay_detect(ctx, "first-found", AF_INET, &u), -ENOENT);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(dotted_names)
{
	nstest_enter();
	/* A veth named like a VLAN sub-interface, and names that are close
	 * to, but not, Calico's skip patterns (their dots are literal). */
	nstest_sh("ip link add bond0.100 type veth peer name bond0.100p && ip link set bond0.100 up && "
	          "ip addr add 192.0.2.10/24 dev bond0.100 && "
	          "ip link add vxlanXcalico type veth peer name vxlanXcalicop && "
	          "ip addr add 198.51.100.10/24 dev vxlanXcalico && "
	          "ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev bond0.100 && "
	          "ip addr add 203.0.113.1/32 dev vxlan.calico");
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = NULL;
	ck_assert_int_eq(vxt_underlay_detect(ctx, "interface=^bond0\\.100$", AF_INET, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "bond0.100");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "first-found", AF_INET, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "vxlanXcalico");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "skip-interface=^vxlan.calico", AF_INET, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "bond0.100");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "vxlan=vxlan.calico", AF_UNSPEC, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "bond0.100");
	ck_assert_str_eq(vxt_underlay_address(u), "192.0.2.10");
	u = vxt_underlay_unref(u);
	ck_assert_int_eq(vxt_underlay_detect(ctx, "address=192.0.2.10", AF_INET, &u), 0);
	ck_assert_str_eq(vxt_underlay_ifname(u), "bond0.100");
	vxt_underlay_unref(u);
	vxt_ctx_unref(ctx);
}
END_TEST

/* The VXLAN's link lives in another namespace: the link attribute cannot
 * be used, and the message says why. */
START_TEST(vxlan_link_other_netns)
{
	nstest_enter();
	char ns[64], path[128];
	snprintf(ns, sizeof(ns), "vxt-chk-%d", (int)getpid());
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	nstest_sh("ip link add eth0 type veth peer name eth0p && ip link set eth0 up && "
	          "ip addr add 192.0.2.10/24 dev eth0 && "
	          "ip link add vxt0 type vxlan id 5 dstport 4789 dev eth0 local 192.0.2.10 && "
	          "ip netns add %s && ip link set vxt0 netns %s", ns, ns);
	/* Hold the namespace we leave: when a namespace dies, the kernel
	 * deletes the VXLAN devices whose underlay lives in it. */
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(home, 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	int rc = setns(fd, CLONE_NEWNET);
	close(fd);
	/* Remove the name at once: this process keeps the namespace alive. */
	nstest_sh("ip netns del %s", ns);
	ck_assert_int_eq(rc, 0);

	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_link_list *l = NULL;
	ck_assert_int_eq(vxt_links_get(ctx, &l), 0);
	int v = vxt_link_list_find(l, "vxt0");
	ck_assert_int_ge(v, 0);
	ck_assert_int_ge(vxt_link_link_netnsid(l, v), 0);
	vxt_link_list_unref(l);
	struct vxt_underlay *u = NULL;
	ck_assert_int_eq(vxt_underlay_detect(ctx, "vxlan=vxt0", AF_UNSPEC, &u), -ENOENT);
	const char *msg = vxt_ctx_errmsg(ctx);
	ck_assert_msg(strstr(msg, "in another network namespace") &&
	              strstr(msg, "no interface holds its local address 192.0.2.10") &&
	              strstr(msg, "no remote or group"), "%s", msg);
	vxt_ctx_unref(ctx);
	close(home);
}
END_TEST

/* ---- malformed methods ------------------------------------------------ */

static const struct {
	const char *method;
	const char *why;
} bad[] = {
	{"bogus", "unknown underlay method 'bogus'"},
	{"first-fond", "did you mean 'first-found'"},
	{"can-rech=192.0.2.1", "did you mean 'can-reach=DEST'"},
	{"first-found=eth0", "takes no argument"},
	{"default-route=eth0", "takes no argument"},
	{"interface", "needs an argument: interface=RE[,RE]"},
	{"interface=", "empty element #1"},
	{"interface=eth0,", "empty element #2"},
	{"interface=a,,b", "empty element #2"},
	{"interface=eth0, ,eth1", "empty element #2"},
	{"interface=(", "bad regular expression '('"},
	{"interface=eth[0-", "bad regular expression 'eth[0-'"},
	{"interface=a{2,1}", "bad regular expression"},
	{"skip-interface=*x", "bad regular expression"},
	{"interface=(a)\\1", "back-references"},
	{"interface=\\bfoo", "unsupported escape \\b"},
	{"interface=foo\\", "trailing backslash"},
	{"cidr=192.0.2.0", "missing '/PREFIXLEN'"},
	{"cidr=192.0.2.0/33", "prefix length 33 out of range 0-32"},
	{"cidr=2001:db8::/129", "prefix length 129 out of range 0-128"},
	{"cidr=192.0.2.0/-1", "'-1' is not a number"},
	{"cidr=192.0.2.0/", "'' is not a number"},
	{"cidr=192.0.2.0/2x", "'2x' is not a number"},
	{"cidr=300.0.2.0/24", "'300.0.2.0' is not an IPv4 or IPv6 address"},
	{"cidr=/24", "no valid address before '/'"},
	{"cidr=192.0.2.0/24,banana/8", "'banana' is not"},
	{"can-reach=", "needs a destination"},
	{"can-reach=a b", "bad can-reach destination 'a b'"},
	{"can-reach=-rf", "bad can-reach destination"},
	{"can-reach=$(reboot)", "bad can-reach destination"},
	{"address=192.0.2", "not an IPv4 or IPv6 address"},
	{"address=192.0.2.1/24", "without a prefix length"},
	{"address=", "not an IPv4 or IPv6 address"},
	{"vxlan=", "bad interface name ''"},
	{"vxlan=a/b", "bad interface name 'a/b'"},
	{"vxlan=0123456789abcdef", "bad interface name"},
	{"vxlan=..", "bad interface name"},
	{"kubernetes-internal-ip", "status.hostIP"},
	{"interface=eth0\n", "control character"},
	{"Interface=eth0", "unknown underlay method 'Interface'"},
};

START_TEST(malformed)
{
	struct vxt_ctx *ctx = nstest_ctx();
	struct vxt_underlay *u = (struct vxt_underlay *)1;
	ck_assert_msg(vxt_underlay_method_check(ctx, bad[_i].method) == -EINVAL, "'%s' accepted", bad[_i].method);
	ck_assert_msg(strstr(vxt_ctx_errmsg(ctx), bad[_i].why), "'%s': '%s' lacks '%s'", bad[_i].method,
	              vxt_ctx_errmsg(ctx), bad[_i].why);
	/* detect refuses before it looks at the system. */
	ck_assert_int_eq(vxt_underlay_detect(ctx, bad[_i].method, AF_UNSPEC, &u), -EINVAL);
	ck_assert_ptr_null(u);
	vxt_ctx_unref(ctx);
}
END_TEST

START_TEST(wellformed)
{
	static const char *const good[] = {
		NULL, "", "  default-route  ", "first-found", "interface=eth0", "interface=eth.*, ens[0-9]+",
		"interface=^(eth|ens)[[:digit:]]+$", "interface=[]a]", "skip-interface=^virbr", "cidr=192.0.2.0/24",
		"cidr=192.0.2.0/24 ,2001:db8::/32", "cidr=0.0.0.0/0", "can-reach=192.0.2.1",
		"can-reach=[2001:db8::1]", "can-reach=node-1.example.org", "address=2001:db8::10",
		"vxlan=vxlan.calico", "vxlan=flannel.1",
	};
	struct vxt_ctx *ctx = nstest_ctx();
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(vxt_underlay_method_check(ctx, good[i]) == 0, "'%s': %s", good[i] ? good[i] : "(null)",
		              vxt_ctx_errmsg(ctx));
	struct vxt_underlay *u = NULL;
	ck_assert_int_eq(vxt_underlay_detect(ctx, "first-found", 99, &u), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "family 99"));
	ck_assert_ptr_null(vxt_underlay_ifname(NULL));
	ck_assert_ptr_null(vxt_underlay_unref(NULL));
	ck_assert_ptr_null(vxt_link_list_unref(NULL));
	vxt_ctx_unref(ctx);
}
END_TEST

static Suite *underlay_suite(void)
{
	Suite *s = suite_create("underlay");
	TCase *tc = tcase_create("links");
	tcase_add_test(tc, links_match_ip);
	tcase_add_test(tc, links_vxlan_details);
	suite_add_tcase(s, tc);
	tc = tcase_create("methods");
	tcase_add_loop_test(tc, method_picks, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, can_reach_agrees_with_ip_route_get, 0, sizeof(dests) / sizeof(dests[0]));
	tcase_add_test(tc, default_route_agrees_with_ip_route_get);
	tcase_add_test(tc, default_route_tie);
	tcase_add_test(tc, no_default_route);
	tcase_add_test(tc, ipv6_only);
	tcase_add_test(tc, dotted_names);
	tcase_add_test(tc, vxlan_link_other_netns);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_loop_test(tc, malformed, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, wellformed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(underlay_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
