/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal declarations shared by the files of lib/.  Not installed. */
#ifndef VXT_INTERNAL_H
#define VXT_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

/* Every function declared in the public header is exported; everything
 * else stays hidden (-fvisibility=hidden), and the version script adds the
 * VXLANTUNE_1.0 node. */
#pragma GCC visibility push(default)
#include "vxlantune.h"
#pragma GCC visibility pop

struct nl_sock;

/* Feature-name string set of the running kernel (ETH_SS_FEATURES).
 * names[i] is the name of bit i, or NULL for an unused bit. */
struct vxt_strset {
	int refcount;
	unsigned int count;
	char **names;
	/* The named bits of a bitset of index_nbits bits, shared by every
	 * features object of that size (vxt_features_index). */
	unsigned int *index, index_nbits, index_count;
};

struct vxt_ctx {
	int refcount;
	vxt_log_fn log_fn;
	int log_priority;
	void *userdata;
	char errmsg[1024];
	char extack[256]; /* the kernel's extended ack of the last request */

	int backend_req; /* what the caller asked for */
	int backend;     /* what is in use (AUTO until decided) */

	/* ethtool generic netlink, opened on first use */
	struct nl_sock *genl;
	int ethtool_family;
	struct vxt_strset *feature_names; /* cached after the first read */

	/* rtnetlink socket, opened on first use (links, underlay, watch) */
	struct nl_sock *route;

	int ioctl_fd; /* AF_INET datagram socket for SIOCETHTOOL, -1 if closed */
};

/* ---- logging and errors (ctx.c) -------------------------------------- */
void vxt_log(struct vxt_ctx *ctx, int prio, const char *file, int line,
             const char *fn, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
#define vxt_dbg(ctx, ...)                                                    \
	do {                                                                 \
		if ((ctx)->log_priority >= LOG_DEBUG)                        \
			vxt_log(ctx, LOG_DEBUG, __FILE__, __LINE__, __func__,\
			        __VA_ARGS__);                                \
	} while (0)
#define vxt_warn(ctx, ...)                                                   \
	do {                                                                 \
		if ((ctx)->log_priority >= LOG_WARNING)                      \
			vxt_log(ctx, LOG_WARNING, __FILE__, __LINE__, __func__, \
			        __VA_ARGS__);                                \
	} while (0)
#define vxt_info(ctx, ...)                                                   \
	do {                                                                 \
		if ((ctx)->log_priority >= LOG_INFO)                         \
			vxt_log(ctx, LOG_INFO, __FILE__, __LINE__, __func__, \
			        __VA_ARGS__);                                \
	} while (0)

/* Record a failure: sets the context's message and returns -abs(err). */
int vxt_fail(struct vxt_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Put "PREFIX: " before the current message (or strerror(err) when there
 * is none); returns -abs(err). */
int vxt_fail_prefix(struct vxt_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Clear the message at the start of a public call. */
void vxt_clear_error(struct vxt_ctx *ctx);
/* Hint for an errno in the context of an operation, e.g. "needs
 * CAP_NET_ADMIN (run as root)" for EPERM; NULL if none is known. */
const char *vxt_errno_hint(int err);

/* ---- reports (report.c) ---------------------------------------------- */
int vxt_report_new_internal(bool dry_run, struct vxt_report **out);
/* Copy strings; NULL is stored as "". */
int vxt_report_add(struct vxt_report *r, int area, const char *object,
                   const char *key, const char *before, const char *after,
                   const char *requested, const char *via, int status,
                   int error);
/* Change entry i's status (and its after value, unless NULL). */
int vxt_report_set_status(struct vxt_report *r, unsigned int i, int status, const char *after);
/* Move every entry of src to the end of dst (src becomes empty). */
int vxt_report_append(struct vxt_report *dst, struct vxt_report *src);
/* Add part's counts (per status, unmet) to dst without its entries, and
 * empty part for reuse: a run over thousands of interfaces keeps one
 * interface's entries at a time.  Returns 0. */
int vxt_report_fold(struct vxt_report *dst, struct vxt_report *part);

/* ---- sockets owned by the context ------------------------------------- */
void vxt_ethtool_close(struct vxt_ctx *ctx); /* ethtool_nl.c */
int vxt_ethtool_sock(struct vxt_ctx *ctx);   /* ethtool_nl.c; -ENOENT: no family */
void vxt_route_close(struct vxt_ctx *ctx);   /* nl.c */

/* ---- netlink helpers (nl.c) ------------------------------------------ */
/* Map a libnl NLE_* code (positive or negative) to a negative errno. */
int vxt_nl_errno(int nlerr);

/* ---- small utilities (util.c) ---------------------------------------- */
/* True when s is an fnmatch(3) pattern rather than a plain name. */
bool vxt_is_glob(const char *s);
/* strdup that tolerates NULL (returns NULL for NULL). */
char *vxt_strdup0(const char *s);
/* Grow *v (elements of size sz) so that it holds at least want elements. */
int vxt_grow(void **v, unsigned int *cap, unsigned int want, size_t sz);
/* Damerau-free Levenshtein distance, capped at limit+1. */
unsigned int vxt_edit_distance(const char *a, const char *b, unsigned int limit);

/* ---- untrusted bytes (escape.c) --------------------------------------- */
bool vxt_utf8_valid(const char *s, size_t len);
/* Escape in (style: enum vxt_escape_style) into out, snprintf-like: returns
 * the full length; never cuts an escape or a character in half. */
size_t vxt_escape_buf(const char *in, char *out, size_t size, int style);
/* Defines vxt_NAME_ref() and vxt_NAME_unref() for struct vxt_NAME, which
 * has an int refcount (1 when created).  Both take NULL; unref returns
 * NULL and calls destroy(obj) when the last reference goes. */
#define VXT_DEFINE_REFCOUNT(name, destroy)                                   \
	struct vxt_##name *vxt_##name##_ref(struct vxt_##name *obj)          \
	{                                                                    \
		if (obj)                                                     \
			obj->refcount++;                                     \
		return obj;                                                  \
	}                                                                    \
	struct vxt_##name *vxt_##name##_unref(struct vxt_##name *obj)        \
	{                                                                    \
		if (obj && --obj->refcount <= 0)                             \
			destroy(obj);                                        \
		return NULL;                                                 \
	}

/* 0 if a sysctl.d line "key = ..." reads back as key (sysctld_key.c),
 * else -EINVAL naming object (the interface) and why. */
int vxt_sysctld_key_check(struct vxt_ctx *ctx, const char *key, const char *object);

/* -ENODEV and a message for a named interface without a conf entry: no
 * such interface, or IPv6 off on it (MTU < 1280) (sysctl_absent.c). */
int vxt_sysctl_absent(struct vxt_ctx *ctx, const char *name);

#define VXT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
