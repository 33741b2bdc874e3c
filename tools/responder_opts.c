/* The responder as `vxlantune responder` and `watch --responder` start it:
 * the addresses to listen on (default: every address, IPv4 and IPv6) and
 * the port. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int responder_open(struct vxt_ctx *ctx, const char *const *addrs, unsigned int naddrs,
                   unsigned int port, const char *method, struct vxt_responder **out)
{
	/* The underlay is reported to probers; not finding one is no error. */
	struct vxt_underlay *u = NULL;
	char ul[64] = "", ua[64] = "";
	if (vxt_underlay_detect(ctx, method ? method : "default-route", 0, &u) == 0) {
		snprintf(ul, sizeof(ul), "%s", vxt_underlay_ifname(u));
		snprintf(ua, sizeof(ua), "%s", vxt_underlay_address(u));
	}
	vxt_underlay_unref(u);
	struct vxt_responder *r = NULL;
	int rc = vxt_responder_new(ctx, port, &r);
	if (rc < 0)
		return cli_fail(ctx, rc);
	for (unsigned int i = 0; i < naddrs && rc >= 0; i++)
		rc = vxt_responder_listen(r, addrs[i]);
	if (rc >= 0 && !naddrs) {
		/* Every address: IPv4, and IPv6 where the kernel has it. */
		rc = vxt_responder_listen(r, "0.0.0.0");
		/* IPv6 off in this kernel: IPv4 only. */
		if (rc >= 0)
			(void)vxt_responder_listen(r, "::");
	}
	if (rc >= 0)
		rc = vxt_responder_set_underlay(r, ul, ua);
	if (rc < 0) {
		int ret = cli_fail(ctx, rc);
		vxt_responder_unref(r);
		return ret;
	}
	*out = r;
	printf("responder: answering on port %u (%s", vxt_responder_port(r),
	       naddrs ? addrs[0] : "every address");
	for (unsigned int i = 1; i < naddrs; i++)
		printf(", %s", addrs[i]);
	printf("), underlay %s %s\n", ul[0] ? ul : "unknown", ua);
	return EXIT_DONE;
}

const char *responder_opts_help =
"The responder answers vxlantune check's probes from other nodes on TCP and\n"
"UDP port " VXT_STR(VXT_RESPONDER_PORT) " (protocol VXT1, doc/responder.md): TCP connect, UDP echo,\n"
"one-way UDP tests, bulk transfers up to 16 MiB, and this node's checksum-\n"
"error counters (Udp/Tcp InCsumErrors, InErrors from /proc/net/snmp) and\n"
"underlay name.  It changes nothing on the node.  Limits: 64 connections (4\n"
"per client address), 50 requests/s per client address, idle connections\n"
"closed after 5 s; a malformed request is dropped and logged once per\n"
"client.  Firewall: allow the port from the other nodes' overlay and\n"
"underlay addresses only, e.g. nft add rule inet filter input ip saddr\n"
"10.0.0.0/8 meta l4proto { tcp, udp } th dport " VXT_STR(VXT_RESPONDER_PORT) " accept.\n";
