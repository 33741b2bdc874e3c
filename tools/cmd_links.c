/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune links: the links of this network namespace with kind, state,
 * MTU, addresses and VXLAN details. */
#include "config.h"

#include <fnmatch.h>
#include <getopt.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: vxlantune links [--json] [PATTERN...]\n"
		"\n"
		"List the network interfaces of this network namespace: index, name,\n"
		"kind (veth, vxlan, bridge, macvlan, bond, vlan, ...; '-' for physical\n"
		"NICs and loopback), operational state, carrier, MTU, master and lower\n"
		"device, every IPv4/IPv6 address with prefix and scope, and for VXLAN\n"
		"devices the VNI, UDP destination port, local address, parent device\n"
		"(dev), remote or group, learning, outer UDP checksums and the underlay\n"
		"family.  Read-only; needs no privilege.\n"
		"\n"
		"PATTERN is an interface name or an fnmatch(3) glob ('cali*',\n"
		"'vxlan.*'); without one, every interface is listed.\n"
		"\n"
		"Options:\n"
		"  -j, --json   print a JSON object {\"links\": [...]} instead of text\n"
		"  -h, --help   this help\n"
		"\n"
		"Examples:\n"
		"  vxlantune links\n"
		"  vxlantune links 'vxlan*' eth0\n"
		"  vxlantune links --json | jq '.links[] | select(.kind == \"vxlan\")'\n"
		"\n"
		"Exit status:\n"
		"  0  listed (also when no interface matched a PATTERN)\n"
		"  2  usage error\n"
		"  5  the kernel could not be asked (netlink error)\n");
}

static const char *family_name(int f)
{
	return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : "unspec";
}

static bool wanted(const char *name, char **pats, int npats)
{
	if (npats == 0)
		return true;
	for (int i = 0; i < npats; i++)
		if (fnmatch(pats[i], name, 0) == 0)
			return true;
	return false;
}

static const char *name_of(const struct vxt_link_list *l, int ifindex)
{
	int i = vxt_link_list_find_index(l, ifindex);
	return i >= 0 ? vxt_link_name(l, (unsigned int)i) : NULL;
}

static json_object *link_json(const struct vxt_link_list *l, unsigned int i)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ifindex", json_object_new_int(vxt_link_ifindex(l, i)));
	json_object_object_add(o, "name", json_object_new_string(vxt_link_name(l, i)));
	json_object_object_add(o, "kind", json_object_new_string(vxt_link_kind(l, i)));
	json_object_object_add(o, "operstate", json_object_new_string(vxt_link_operstate(l, i)));
	json_object_object_add(o, "admin_up", json_object_new_boolean(vxt_link_admin_up(l, i)));
	json_object_object_add(o, "carrier", json_object_new_boolean(vxt_link_carrier(l, i)));
	json_object_object_add(o, "mtu", json_object_new_int64(vxt_link_mtu(l, i)));
	int master = vxt_link_master(l, i), lower = vxt_link_link(l, i);
	json_object_object_add(o, "master", master > 0 && name_of(l, master) ?
	                       json_object_new_string(name_of(l, master)) : NULL);
	json_object_object_add(o, "link_ifindex", lower > 0 ? json_object_new_int(lower) : NULL);
	json_object_object_add(o, "link_netnsid", vxt_link_link_netnsid(l, i) >= 0 ?
	                       json_object_new_int(vxt_link_link_netnsid(l, i)) : NULL);
	json_object *addrs = json_object_new_array();
	for (unsigned int j = 0; j < vxt_link_addr_count(l, i); j++) {
		json_object *a = json_object_new_object();
		json_object_object_add(a, "family", json_object_new_string(family_name(vxt_link_addr_family(l, i, j))));
		json_object_object_add(a, "address", json_object_new_string(vxt_link_addr(l, i, j)));
		json_object_object_add(a, "prefixlen", json_object_new_int(vxt_link_addr_prefixlen(l, i, j)));
		json_object_object_add(a, "scope", json_object_new_string(vxt_link_addr_scope(l, i, j)));
		json_object_array_add(addrs, a);
	}
	json_object_object_add(o, "addresses", addrs);
	if (vxt_link_is_vxlan(l, i)) {
		json_object *v = json_object_new_object();
		const char *loc = vxt_link_vxlan_local(l, i), *rem = vxt_link_vxlan_remote(l, i);
		int dev = vxt_link_vxlan_link(l, i);
		json_object_object_add(v, "vni", json_object_new_int(vxt_link_vxlan_vni(l, i)));
		json_object_object_add(v, "dstport", json_object_new_int(vxt_link_vxlan_dstport(l, i)));
		json_object_object_add(v, "local", *loc ? json_object_new_string(loc) : NULL);
		json_object_object_add(v, "remote", *rem ? json_object_new_string(rem) : NULL);
		json_object_object_add(v, "link_ifindex", dev > 0 ? json_object_new_int(dev) : NULL);
		json_object_object_add(v, "link", dev > 0 && vxt_link_link_netnsid(l, i) < 0 && name_of(l, dev) ?
		                       json_object_new_string(name_of(l, dev)) : NULL);
		json_object_object_add(v, "learning", json_object_new_boolean(vxt_link_vxlan_learning(l, i)));
		json_object_object_add(v, "udpcsum", json_object_new_boolean(vxt_link_vxlan_udpcsum(l, i)));
		json_object_object_add(v, "family", json_object_new_string(family_name(vxt_link_vxlan_family(l, i))));
		json_object_object_add(o, "vxlan", v);
	}
	return o;
}

static void link_text(const struct vxt_link_list *l, unsigned int i)
{
	const char *kind = vxt_link_kind(l, i);
	int master = vxt_link_master(l, i), lower = vxt_link_link(l, i);
	printf("%d: %s  kind %s  state %s  carrier %s  mtu %u", vxt_link_ifindex(l, i), vxt_link_name(l, i),
	       *kind ? kind : "-", vxt_link_operstate(l, i), vxt_link_carrier(l, i) ? "yes" : "no",
	       vxt_link_mtu(l, i));
	if (!vxt_link_admin_up(l, i))
		printf("  (admin down)");
	if (master > 0)
		printf("  master %s", name_of(l, master) ? name_of(l, master) : "?");
	if (lower > 0 && !vxt_link_is_vxlan(l, i)) {
		if (vxt_link_link_netnsid(l, i) >= 0)
			printf("  link if%d (nsid %d)", lower, vxt_link_link_netnsid(l, i));
		else
			printf("  link %s", name_of(l, lower) ? name_of(l, lower) : "?");
	}
	putchar('\n');
	for (unsigned int j = 0; j < vxt_link_addr_count(l, i); j++)
		printf("    %s %s/%d scope %s\n", family_name(vxt_link_addr_family(l, i, j)),
		       vxt_link_addr(l, i, j), vxt_link_addr_prefixlen(l, i, j), vxt_link_addr_scope(l, i, j));
	if (vxt_link_is_vxlan(l, i)) {
		const char *loc = vxt_link_vxlan_local(l, i), *rem = vxt_link_vxlan_remote(l, i);
		int dev = vxt_link_vxlan_link(l, i);
		printf("    vxlan vni %d dstport %d local %s remote %s dev ", vxt_link_vxlan_vni(l, i),
		       vxt_link_vxlan_dstport(l, i), *loc ? loc : "-", *rem ? rem : "-");
		if (dev <= 0)
			printf("-");
		else if (vxt_link_link_netnsid(l, i) >= 0)
			printf("if%d (nsid %d)", dev, vxt_link_link_netnsid(l, i));
		else
			printf("%s", name_of(l, dev) ? name_of(l, dev) : "?");
		printf(" learning %s udpcsum %s underlay %s\n", vxt_link_vxlan_learning(l, i) ? "on" : "off",
		       vxt_link_vxlan_udpcsum(l, i) ? "on" : "off",
		       vxt_link_vxlan_family(l, i) == AF_INET6 ? "IPv6" : "IPv4");
	}
}

int cmd_links(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': help(stdout); return EXIT_DONE;
		default: return cli_usage("links", "bad option");
		}
	}
	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0)
		return EXIT_SYSTEM;
	struct vxt_link_list *l = NULL;
	int rc = vxt_links_get(ctx, &l);
	if (rc < 0) {
		rc = cli_fail(ctx, rc);
		vxt_ctx_unref(ctx);
		return rc;
	}
	json_object *arr = json ? json_object_new_array() : NULL;
	for (unsigned int i = 0; i < vxt_link_list_count(l); i++) {
		if (!wanted(vxt_link_name(l, i), argv + optind, argc - optind))
			continue;
		if (json)
			json_object_array_add(arr, link_json(l, i));
		else
			link_text(l, i);
	}
	if (json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "links", arr);
		cli_print_json(o);
	}
	vxt_link_list_unref(l);
	vxt_ctx_unref(ctx);
	return EXIT_DONE;
}
