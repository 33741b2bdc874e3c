/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: reference counting, logging, error messages and
 * the lazily opened kernel sockets every other area borrows. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "internal.h"

int vxt_ctx_new(struct vxt_ctx **out)
{
	struct vxt_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->log_priority = LOG_ERR;
	ctx->ioctl_fd = -1;
	ctx->ethtool_family = -1;
	*out = ctx;
	return 0;
}

static void ctx_destroy(struct vxt_ctx *ctx)
{
	vxt_ethtool_close(ctx);
	vxt_route_close(ctx);
	if (ctx->ioctl_fd >= 0)
		close(ctx->ioctl_fd);
	free(ctx);
}

VXT_DEFINE_REFCOUNT(ctx, ctx_destroy)

void vxt_ctx_set_log_fn(struct vxt_ctx *ctx, vxt_log_fn fn)
{
	ctx->log_fn = fn;
}

void vxt_ctx_set_log_priority(struct vxt_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

int vxt_ctx_get_log_priority(const struct vxt_ctx *ctx)
{
	return ctx->log_priority;
}

void vxt_ctx_set_userdata(struct vxt_ctx *ctx, void *userdata)
{
	ctx->userdata = userdata;
}

void *vxt_ctx_get_userdata(const struct vxt_ctx *ctx)
{
	return ctx->userdata;
}

const char *vxt_ctx_errmsg(const struct vxt_ctx *ctx)
{
	return ctx->errmsg;
}

int vxt_ctx_set_backend(struct vxt_ctx *ctx, int backend)
{
	if (backend < VXT_BACKEND_AUTO || backend > VXT_BACKEND_IOCTL)
		return -EINVAL;
	ctx->backend_req = backend;
	ctx->backend = backend == VXT_BACKEND_AUTO ? VXT_BACKEND_AUTO : backend;
	return 0;
}

int vxt_ctx_get_backend(const struct vxt_ctx *ctx)
{
	return ctx->backend;
}

const char *vxt_version(void)
{
	return PACKAGE_VERSION;
}

void vxt_log(struct vxt_ctx *ctx, int prio, const char *file, int line,
             const char *fn, const char *fmt, ...)
{
	if (!ctx->log_fn)
		return;
	va_list ap;
	va_start(ap, fmt);
	ctx->log_fn(ctx, prio, file, line, fn, fmt, ap);
	va_end(ap);
}

void vxt_clear_error(struct vxt_ctx *ctx)
{
	ctx->errmsg[0] = '\0';
}

int vxt_fail(struct vxt_ctx *ctx, int err, const char *fmt, ...)
{
	/* Messages quote untrusted input (names, file contents): escaped here,
	 * once, for every caller and every binding. */
	char raw[sizeof(ctx->errmsg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	vxt_escape_buf(raw, ctx->errmsg, sizeof(ctx->errmsg), VXT_ESCAPE_TEXT);
	if (ctx->log_priority >= LOG_DEBUG)
		vxt_log(ctx, LOG_DEBUG, __FILE__, __LINE__, __func__, "%s", ctx->errmsg);
	return err > 0 ? -err : (err ? err : -EIO);
}

int vxt_fail_prefix(struct vxt_ctx *ctx, int err, const char *fmt, ...)
{
	char old[sizeof(ctx->errmsg)], prefix[256];
	snprintf(old, sizeof(old), "%s", ctx->errmsg[0] ? ctx->errmsg : strerror(err < 0 ? -err : err));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return vxt_fail(ctx, err, "%s: %s", prefix, old);
}

const char *vxt_errno_hint(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
	case EACCES:
		return "needs CAP_NET_ADMIN (run as root)";
	case ENODEV:
		return "no such interface";
	case EOPNOTSUPP:
		return "not supported by this kernel or driver";
	case EROFS:
		return "/proc/sys is read-only here (in a container, mount it writable)";
	default:
		return NULL;
	}
}
