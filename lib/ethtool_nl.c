/* ethtool over generic netlink (kernel >= 5.7 for FEATURES_*): string
 * sets, FEATURES_GET (one device or a dump of all), batched FEATURES_SET.
 * Every attribute is length-checked before use. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "internal.h"
#include "nl.h"

/* Open the generic netlink socket and resolve the "ethtool" family once.
 * -ENOENT when the family does not exist (kernel < 5.6). */
int vxt_ethtool_sock(struct vxt_ctx *ctx)
{
	if (ctx->genl)
		return 0;
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	int rc = genl_connect(sk);
	if (rc < 0) {
		nl_socket_free(sk);
		return vxt_nl_errno(rc);
	}
	int family = genl_ctrl_resolve(sk, ETHTOOL_GENL_NAME);
	if (family < 0) {
		nl_socket_free(sk);
		return -ENOENT;
	}
	vxt_nl_enable_ext_ack(sk);
	/* Room for the acks of a whole batch of FEATURES_SET requests. */
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	ctx->genl = sk;
	ctx->ethtool_family = family;
	return 0;
}

void vxt_ethtool_close(struct vxt_ctx *ctx)
{
	if (ctx->genl) {
		nl_socket_free(ctx->genl);
		ctx->genl = NULL;
	}
}
