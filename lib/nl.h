/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netlink helpers shared by lib/ (internal). */
#ifndef VXT_NL_H
#define VXT_NL_H

#include <linux/netlink.h>
#include <stdint.h>
#include <netlink/handlers.h>

struct vxt_ctx;

/* Outcome of one request: the kernel's errno (<= 0) and its extack text. */
struct vxt_nl_status {
	int error;
	char extack[256];
};

/* nl_cb_err() callback filling a struct vxt_nl_status. */
int vxt_nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg);
/* Ask the kernel for extended acks (and capped echoes). */
int vxt_nl_enable_ext_ack(struct nl_sock *sk);
/* The context's rtnetlink socket, opened on first use. */
int vxt_route_sock(struct vxt_ctx *ctx, struct nl_sock **out);

#endif
