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
/* Send a dump request (msg, consumed) on sk and walk the answer in
 * libnl's receive buffer rather than through nl_recvmsgs, which copies
 * every message into an nl_msg of its own (a third of the cost of a
 * 2,000-link dump): fn(h, arg) for each message of `type` (a negative
 * return stops with that error), then batch(arg), if given, after each
 * datagram.  Returns 0, -errno, or -EINTR when the kernel flagged the dump
 * as interrupted (the caller retries). */
struct nl_msg;
int vxt_nl_dump_walk(struct nl_sock *sk, struct nl_msg *msg, uint16_t type,
                     int (*fn)(struct nlmsghdr *h, void *arg), void (*batch)(void *arg), void *arg);
/* A fresh rtnetlink socket for dumps, in the caller's current network
 * namespace, set up for vxt_nl_dump_walk().  Returns 0 or -errno. */
int vxt_nl_dump_sock(struct nl_sock **out);
/* The context's rtnetlink socket, opened on first use. */
int vxt_route_sock(struct vxt_ctx *ctx, struct nl_sock **out);

#endif
