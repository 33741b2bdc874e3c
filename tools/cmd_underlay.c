/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune underlay: which interface and address carry the overlay, and
 * why (Calico/Flannel autodetection methods, or the default route). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: vxlantune underlay [--method SPEC] [-4|-6] [--json | --ifname]\n"
		"\n"
		"Find the underlay: the interface and address that carry VXLAN traffic,\n"
		"chosen the way your CNI chooses it, and say which method and step\n"
		"chose it.  Read-only; nothing is sent on the network.\n"
		"\n"
		"Methods (SPEC; Calico's IP_AUTODETECTION_METHOD syntax where Calico has\n"
		"the method, so you can paste the value calico-node uses):\n"
		"  default-route           the default route with the lowest metric (main\n"
		"                          table); equal metrics on two interfaces are an\n"
		"                          error.  The default here, as in the script this\n"
		"                          tool replaces (Calico's own default is first-found)\n"
		"  first-found             Calico's default: first global address, interfaces\n"
		"                          in Calico's order (highest ifindex first), skipping\n"
		"                          docker*, cbr*, dummy*, virbr*, lxcbr*, veth*, lo*,\n"
		"                          cali*, tunl*, flannel*, kube-ipvs*, cni*,\n"
		"                          vxlan.calico*, vxlan-v6.calico*, wireguard.cali*,\n"
		"                          wg-v6.cali*, nodelocaldns*\n"
		"  interface=RE[,RE]       first global address on an interface whose name\n"
		"                          matches a regex (POSIX extended, unanchored like\n"
		"                          Calico's; use ^eth0$ for an exact name)\n"
		"  skip-interface=RE[,RE]  first-found, also skipping names matching a regex\n"
		"  cidr=CIDR[,CIDR]        first address inside one of the CIDRs\n"
		"  can-reach=DEST          the route to DEST (address or host name): its\n"
		"                          device and source address, as 'ip route get DEST'\n"
		"                          (Flannel's --iface-can-reach)\n"
		"  address=IP              the interface holding IP (Calico's\n"
		"                          kubernetes-internal-ip: pass status.hostIP)\n"
		"  vxlan=NAME              the parent of VXLAN device NAME: its 'dev', else\n"
		"                          the holder of its local address, else the route\n"
		"                          to its remote\n"
		"\n"
		"Options:\n"
		"  -m, --method SPEC  the method (default: default-route)\n"
		"  -4                 IPv4 only\n"
		"  -6                 IPv6 only (without -4/-6: IPv4, else IPv6)\n"
		"  -j, --json         print a JSON object\n"
		"  -n, --ifname       print only the interface name (for scripts)\n"
		"  -h, --help         this help\n"
		"\n"
		"Examples:\n"
		"  vxlantune underlay\n"
		"  vxlantune underlay --method can-reach=192.0.2.50\n"
		"  vxlantune underlay --method 'interface=^eth[0-9]+$,^bond0$' -4\n"
		"  vxlantune underlay --method vxlan=vxlan.calico --json\n"
		"  vxlantune underlay -6 --method address=2001:db8::10\n"
		"  ethtool -K \"$(vxlantune underlay --ifname)\" tx off\n"
		"\n"
		"Exit status:\n"
		"  0  found; printed on stdout\n"
		"  2  malformed method or bad option (the message names the problem)\n"
		"  3  nothing matched (the message lists each candidate and why it was\n"
		"     rejected), no such VXLAN device, or two default routes tie\n"
		"  4  permission denied\n"
		"  5  other system error\n");
}

int cmd_underlay(int argc, char **argv)
{
	static const struct option opts[] = {
		{"method", required_argument, NULL, 'm'},
		{"json", no_argument, NULL, 'j'},
		{"ifname", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *method = NULL;
	bool json = false, name_only = false;
	int family = AF_UNSPEC, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:46jnh", opts, NULL)) != -1) {
		switch (c) {
		case 'm': method = optarg; break;
		case '4':
		case '6': {
			int f = c == '4' ? AF_INET : AF_INET6;
			if (family != AF_UNSPEC && family != f)
				return cli_usage("underlay", "-4 and -6 exclude each other");
			family = f;
			break;
		}
		case 'j': json = true; break;
		case 'n': name_only = true; break;
		case 'h': help(stdout); return EXIT_DONE;
		default: return cli_usage("underlay", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage("underlay", "unexpected argument '%s' (the method goes after --method)", argv[optind]);
	if (json && name_only)
		return cli_usage("underlay", "--json and --ifname exclude each other");

	struct vxt_ctx *ctx;
	if (cli_ctx_new(&ctx) < 0)
		return EXIT_SYSTEM;
	struct vxt_underlay *u = NULL;
	int rc = vxt_underlay_detect(ctx, method, family, &u);
	if (rc < 0) {
		int ex = cli_fail(ctx, rc);
		if (rc == -ENOTUNIQ)
			ex = EXIT_NOTFOUND;
		vxt_ctx_unref(ctx);
		return ex;
	}
	if (json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "ifname", json_object_new_string(vxt_underlay_ifname(u)));
		json_object_object_add(o, "ifindex", json_object_new_int(vxt_underlay_ifindex(u)));
		json_object_object_add(o, "kind", json_object_new_string(vxt_underlay_kind(u)));
		json_object_object_add(o, "address", json_object_new_string(vxt_underlay_address(u)));
		json_object_object_add(o, "prefixlen", json_object_new_int(vxt_underlay_prefixlen(u)));
		json_object_object_add(o, "family", json_object_new_string(
			vxt_underlay_family(u) == AF_INET6 ? "inet6" : "inet"));
		json_object_object_add(o, "mtu", json_object_new_int64(vxt_underlay_mtu(u)));
		json_object_object_add(o, "method", json_object_new_string(vxt_underlay_method(u)));
		json_object_object_add(o, "explanation", json_object_new_string(vxt_underlay_explanation(u)));
		cli_print_json(o);
	} else if (name_only) {
		printf("%s\n", vxt_underlay_ifname(u));
	} else {
		printf("%s %s/%d (%s, ifindex %d, mtu %u)\n", vxt_underlay_ifname(u), vxt_underlay_address(u),
		       vxt_underlay_prefixlen(u), vxt_underlay_family(u) == AF_INET6 ? "IPv6" : "IPv4",
		       vxt_underlay_ifindex(u), vxt_underlay_mtu(u));
		printf("why: %s\n", vxt_underlay_explanation(u));
	}
	vxt_underlay_unref(u);
	vxt_ctx_unref(ctx);
	return EXIT_DONE;
}
