/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Seed capture for the fuzzers: send one netlink request and write every
 * datagram of the kernel's answer, verbatim, to OUTDIR/PREFIX-N.  Run it in
 * a throwaway network namespace (fuzz/capture-seeds.sh does).
 *
 *   capture OUTDIR PREFIX strset
 *   capture OUTDIR PREFIX features IFNAME compact|verbose
 *   capture OUTDIR PREFIX features-dump compact|verbose
 *   capture OUTDIR PREFIX getlink|getaddr|getroute4|getroute6
 *   capture OUTDIR PREFIX routeget ADDR
 *   capture OUTDIR PREFIX monitor SECONDS      (RTNLGRP_LINK events)
 *
 * Not part of the library or the tests: a tool to refresh fuzz/corpus. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

static const char *outdir, *prefix;
static int nfiles;

static void save(const unsigned char *buf, int len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s-%d", outdir, prefix, nfiles++);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, (size_t)len, f) != (size_t)len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Receive datagrams until DONE/ERROR (or, for a non-dump request, the
 * first answer), saving each. */
static void receive(struct nl_sock *sk, int dump)
{
	for (;;) {
		struct sockaddr_nl nla;
		unsigned char *buf = NULL;
		int n = nl_recv(sk, &nla, &buf, NULL);
		if (n <= 0) {
			fprintf(stderr, "nl_recv: %s\n", nl_geterror(n));
			exit(1);
		}
		save(buf, n);
		int end = !dump;
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		for (int left = n; nlmsg_ok(h, left); h = nlmsg_next(h, &left))
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				end = 1;
		free(buf);
		if (end)
			return;
	}
}

static struct nl_msg *ethtool_req(int family, uint8_t cmd, int flags, const char *ifname,
                                  uint32_t hflags)
{
	struct nl_msg *msg = nlmsg_alloc();
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, ETHTOOL_GENL_VERSION);
	struct nlattr *hdr = nla_nest_start(msg, ETHTOOL_A_FEATURES_HEADER);
	if (ifname)
		nla_put_string(msg, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	nla_put_u32(msg, ETHTOOL_A_HEADER_FLAGS, hflags);
	nla_nest_end(msg, hdr);
	return msg;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: capture OUTDIR PREFIX WHAT [ARGS]\n");
		return 2;
	}
	outdir = argv[1];
	prefix = argv[2];
	const char *what = argv[3];
	struct nl_sock *sk = nl_socket_alloc();
	nl_socket_disable_auto_ack(sk);
	nl_socket_set_msg_buf_size(sk, 65536);

	if (!strcmp(what, "strset") || !strncmp(what, "features", 8)) {
		genl_connect(sk);
		int family = genl_ctrl_resolve(sk, ETHTOOL_GENL_NAME);
		if (family < 0) {
			fprintf(stderr, "no ethtool family\n");
			return 1;
		}
		struct nl_msg *msg;
		int dump = 0;
		if (!strcmp(what, "strset")) {
			msg = ethtool_req(family, ETHTOOL_MSG_STRSET_GET, 0, NULL, 0);
			struct nlattr *sets = nla_nest_start(msg, ETHTOOL_A_STRSET_STRINGSETS);
			struct nlattr *set = nla_nest_start(msg, ETHTOOL_A_STRINGSETS_STRINGSET);
			nla_put_u32(msg, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
			nla_nest_end(msg, set);
			nla_nest_end(msg, sets);
		} else {
			dump = !strcmp(what, "features-dump");
			const char *mode = argv[dump ? 4 : 5];
			uint32_t hflags = !strcmp(mode, "compact") ? ETHTOOL_FLAG_COMPACT_BITSETS : 0;
			msg = ethtool_req(family, ETHTOOL_MSG_FEATURES_GET, dump ? NLM_F_DUMP : 0,
			                  dump ? NULL : argv[4], hflags);
		}
		nl_send_auto(sk, msg);
		nlmsg_free(msg);
		receive(sk, dump);
		return 0;
	}

	nl_connect(sk, NETLINK_ROUTE);
	if (!strcmp(what, "monitor")) {
		nl_socket_add_membership(sk, RTNLGRP_LINK);
		time_t end = time(NULL) + atoi(argv[4]);
		struct pollfd pfd = {.fd = nl_socket_get_fd(sk), .events = POLLIN};
		while (time(NULL) < end) {
			if (poll(&pfd, 1, 200) <= 0)
				continue;
			struct sockaddr_nl nla;
			unsigned char *buf = NULL;
			int n = nl_recv(sk, &nla, &buf, NULL);
			if (n > 0)
				save(buf, n);
			free(buf);
		}
		return 0;
	}
	if (!strcmp(what, "routeget")) {
		unsigned char dst[16];
		int fam = strchr(argv[4], ':') ? AF_INET6 : AF_INET;
		inet_pton(fam, argv[4], dst);
		int len = fam == AF_INET ? 4 : 16;
		struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST);
		struct rtmsg rtm = {.rtm_family = (unsigned char)fam, .rtm_dst_len = (unsigned char)(len * 8)};
		nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO);
		nla_put(msg, RTA_DST, len, dst);
		nl_send_auto(sk, msg);
		nlmsg_free(msg);
		receive(sk, 0);
		return 0;
	}
	if (!strcmp(what, "getlink")) {
		struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
		nl_send_simple(sk, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi));
	} else if (!strcmp(what, "getaddr")) {
		struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC};
		nl_send_simple(sk, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	} else if (!strcmp(what, "getroute4") || !strcmp(what, "getroute6")) {
		struct rtmsg rtm = {.rtm_family = what[8] == '4' ? AF_INET : AF_INET6};
		nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
	} else {
		fprintf(stderr, "unknown request %s\n", what);
		return 2;
	}
	receive(sk, 1);
	return 0;
}
