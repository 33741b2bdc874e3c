/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netlink plumbing shared by every area: libnl error mapping, the kernel's
 * errno and extended-ack text captured from NLMSG_ERROR, and the lazily
 * opened rtnetlink socket. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "internal.h"
#include "nl.h"

int vxt_nl_errno(int nlerr)
{
	if (nlerr < 0)
		nlerr = -nlerr;
	switch (nlerr) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NODEV: return -ENODEV;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_BUSY: return -EBUSY;
	case NLE_NOACCESS: return -EACCES;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_DUMP_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_MSG_TRUNC: case NLE_MSG_TOOSHORT: case NLE_MSG_OVERFLOW:
	case NLE_PARSE_ERR: case NLE_SEQ_MISMATCH: case NLE_MSGTYPE_NOSUPPORT:
		return -EPROTO;
	default: return -EIO;
	}
}

/* NLMSG_ERROR callback: keep the kernel's own errno (libnl would turn it
 * into an NLE_* code) and the extended-ack message, length-checked. */
int vxt_nl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct vxt_nl_status *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);

	st->error = err->error;
	st->extack[0] = '\0';
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err) || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	/* TLVs follow the echoed request: only its header when capped. */
	size_t off = NLMSG_HDRLEN + sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The echoed request must fit in what arrived; align in size_t
		 * so that a bogus length cannot wrap the offset backwards. */
		size_t echoed = err->msg.nlmsg_len;
		if (echoed < sizeof(struct nlmsghdr) || echoed > nlh->nlmsg_len - off + sizeof(struct nlmsghdr))
			return NL_STOP;
		off += ((echoed + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1)) - sizeof(struct nlmsghdr);
	}
	while (off + sizeof(struct nlattr) <= nlh->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < sizeof(*a) || off + a->nla_len > nlh->nlmsg_len)
			break;
		size_t plen = a->nla_len - sizeof(*a);
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && plen > 0) {
			const char *txt = (const char *)a + sizeof(*a);
			size_t n = strnlen(txt, plen);
			if (n >= sizeof(st->extack))
				n = sizeof(st->extack) - 1;
			memcpy(st->extack, txt, n);
			st->extack[n] = '\0';
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return NL_STOP;
}

int vxt_nl_enable_ext_ack(struct nl_sock *sk)
{
	int one = 1;
	/* Best effort: without it we just lose the kernel's explanation. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;
}

int vxt_route_sock(struct vxt_ctx *ctx, struct nl_sock **out)
{
	if (!ctx->route) {
		struct nl_sock *sk = nl_socket_alloc();
		if (!sk)
			return vxt_fail(ctx, ENOMEM, "out of memory opening rtnetlink");
		int rc = nl_connect(sk, NETLINK_ROUTE);
		if (rc < 0) {
			nl_socket_free(sk);
			return vxt_fail(ctx, vxt_nl_errno(rc), "opening rtnetlink: %s", nl_geterror(rc));
		}
		vxt_nl_enable_ext_ack(sk);
		ctx->route = sk;
	}
	*out = ctx->route;
	return 0;
}

void vxt_route_close(struct vxt_ctx *ctx)
{
	if (ctx->route) {
		nl_socket_free(ctx->route);
		ctx->route = NULL;
	}
}
