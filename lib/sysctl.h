/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal declarations of the sysctl area.  Not installed.
 *
 *   sysctl_key.c    what a request means: key grammar, value checks, the
 *                   kernel's effective-value rules, IPv4 devconf indices,
 *                   interface selectors (names, globs, all, default)
 *   sysctl_read.c   the one read path (/proc/sys files); show, rp_filter
 *   sysctl_plan.c   requests; plan -> execute -> rollback; set; render
 *   sysctl_write.c  the two write backends: /proc/sys files, and rtnetlink
 *                   (IFLA_INET_CONF) for per-interface IPv4 values when
 *                   /proc/sys is read-only */
#ifndef VXT_SYSCTL_H
#define VXT_SYSCTL_H

#include <dirent.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

/* Bounds: keys and values the caller gives, paths we build, values we read.
 * The longest conf path is "net/ipv6/conf/" + 15-byte name + "/" + key. */
#define VXT_SK_INPUT_MAX 255
#define VXT_SK_PATH_MAX 256
#define VXT_SK_NAME_MAX 64
#define VXT_SK_VALUE_MAX 1024

enum { VXT_SK_PLAIN = 0, VXT_SK_CONF = 1 };

/* How the kernel combines conf/all/KEY and conf/IF/KEY (inetdevice.h). */
enum { VXT_EFF_OWN = 0, VXT_EFF_MAX = 1, VXT_EFF_OR = 2 };

/* ---- sysctl_key.c: keys and values -------------------------------------- */
struct vxt_sysctl_key {
	int kind;
	char family[5];                 /* SK_CONF: "ipv4" or "ipv6" */
	char name[VXT_SK_NAME_MAX];     /* SK_CONF: "rp_filter" */
	char sel[VXT_SK_INPUT_MAX + 1]; /* SK_CONF in full form: its interface
	                                   selector ("" for short keys) */
	char path[VXT_SK_PATH_MAX];     /* SK_PLAIN: path under /proc/sys */
	char shortname[VXT_SK_INPUT_MAX + 1]; /* "rp_filter", "ipv6.forwarding",
	                                   or the plain key in dotted form */
};
/* Syntax of key, and the net.* rule.  Sets the context's message. */
int vxt_sysctl_key_parse(struct vxt_ctx *ctx, const char *key, unsigned int flags,
                         struct vxt_sysctl_key *k);
/* The key of "KEY = VALUE" into buf, *value where the value starts.
 * 0 or -EINVAL (no '=', an empty side, a key of len bytes or more). */
int vxt_sysctl_assignment(const char *assignment, char *buf, size_t len, const char **value);
/* The key names a readable value on this kernel (-ENOENT with a "did you
 * mean" otherwise).  sysfd: an open /proc/sys directory. */
int vxt_sysctl_key_exists(struct vxt_ctx *ctx, int sysfd, const struct vxt_sysctl_key *k);
/* Path under /proc/sys, and the full key as sysctl.d spells it (slash form
 * when the interface name has a dot), for object obj (ignored for plain
 * keys).  -ENAMETOOLONG if buf is too small. */
int vxt_sysctl_key_path(const struct vxt_sysctl_key *k, const char *obj, char *buf, size_t len);
int vxt_sysctl_key_display(const struct vxt_sysctl_key *k, const char *obj, char *buf,
                           size_t len);
int vxt_sysctl_key_rule(const struct vxt_sysctl_key *k); /* VXT_EFF_* */
/* The IPV4_DEVCONF_* index of an IPv4 conf key ("rp_filter" -> 8), -1 when
 * it has none this build knows (then it cannot be written over rtnetlink). */
int vxt_devconf_index(const char *name);
/* Validate value for k and normalize it into norm ("what" names the item
 * in messages).  0 or -EINVAL/-ERANGE. */
int vxt_sysctl_value_check(struct vxt_ctx *ctx, const struct vxt_sysctl_key *k,
                           const char *what, const char *value, char *norm, size_t len);
/* Collapse whitespace runs to one space, trim. */
void vxt_sysctl_value_norm(const char *in, char *out, size_t len);
/* Equal as sysctl values: same text, or the same integer. */
bool vxt_sysctl_value_equal(const char *a, const char *b);
/* Combine all and own by rule; out gets "" if either is not an integer. */
void vxt_sysctl_value_effective(int rule, const char *all, const char *own, char *out,
                                size_t len);

/* ---- sysctl_key.c: interface selection ---------------------------------- */
/* Interfaces of one family: the entries of /proc/sys/net/FAMILY/conf minus
 * all and default (exactly the objects that have the files), each checked
 * with vxt_ifname_valid(), in natural order (strverscmp: cali2 < cali10). */
struct vxt_iflist {
	struct dirent **ents; /* scandir(3)'s */
	unsigned int n;
};
int vxt_iflist_read(struct vxt_ctx *ctx, int sysfd, const char *family, struct vxt_iflist *l);
void vxt_iflist_free(struct vxt_iflist *l);
/* A selector is "all", "default", a valid name, or a glob without '/'. */
int vxt_sel_check(struct vxt_ctx *ctx, const char *sel);
/* The objects sels select from l: all and default first (all_first) or
 * last, interfaces in list order, each once.  Names point into l or sels.
 * need_exist: a named interface must exist (-ENODEV); otherwise it is
 * taken as given (render).  *globbed: a glob was among sels. */
struct vxt_objs {
	const char **v;
	unsigned int n;
	bool globbed;
};
int vxt_sel_resolve(struct vxt_ctx *ctx, const char *const *sels, unsigned int nsels,
                    const struct vxt_iflist *l, bool need_exist, bool all_first,
                    struct vxt_objs *out);
void vxt_objs_free(struct vxt_objs *o);

/* ---- sysctl_read.c: the one read path ----------------------------------- */
/* /proc/sys as a directory (O_PATH); paths below are relative to it. */
int vxt_proc_sys_open(struct vxt_ctx *ctx);
/* Whole value from an open file (from offset 0), normalized. */
int vxt_proc_pread(int fd, char *buf, size_t len);
/* openat + read + close.  0 or -errno. */
int vxt_proc_read(int sysfd, const char *path, char *buf, size_t len);

/* ---- sysctl_plan.c: requests and plans ---------------------------------- */
struct vxt_sysctl_item {
	char *key, *value;
	char **ifaces;
	unsigned int nifaces;
};
struct vxt_sysctl_req {
	int refcount;
	struct vxt_sysctl_item *v;
	unsigned int n, cap;
};

/* How a target gets written (sysctl_write.c). */
enum { VXT_SYSCTL_BY_PROC = 0, VXT_SYSCTL_BY_NETLINK = 1 };

/* One file of the plan. */
struct vxt_sysctl_target {
	char object[IFNAMSIZ]; /* interface, "all", "default", "" (plain keys) */
	char *path;            /* under /proc/sys */
	char *key;             /* the full key as sysctl.d spells it */
	const char *value;     /* normalized requested value (the plan's) */
	const char *via;       /* the key as the caller wrote it (the request's) */
	unsigned int item;     /* index of the request item */
	int devconf;           /* IPv4 conf key on an interface: IPV4_DEVCONF_*; else -1 */
	int backend;           /* VXT_SYSCTL_BY_* */
	bool is_iface;         /* a real interface (may be "gone" by execute) */
	bool added_default;    /* render: default added for a glob */
	bool skip;             /* duplicate of an earlier target */
	bool force;            /* write even if equal (see mark_forced) */
	/* Filled by execute: */
	char *before, *after;
	int status, err;       /* VXT_STATUS_*, errno of a failure */
	bool written;          /* a write reached the kernel */
};

/* A whole request resolved into files.
 *
 * The internal plan API, for callers that combine the sysctl part with
 * other changes into one plan (policy apply):
 *   1. vxt_sysctl_plan_build(VXT_PLAN_SET): validate every item, resolve
 *      every selector against the live interfaces, pick the write backend
 *      of every target and check that each write can succeed (read-only
 *      keys, read-only /proc/sys without an rtnetlink path, privilege).
 *      Nothing is read or written yet; on failure nothing has changed.
 *   2. vxt_sysctl_plan_execute(): per target, read the current value
 *      (recorded as `before`), write what differs, read back; the report.
 *      Interfaces gone since step 1 are reported "gone".
 *   3. on a later failure, vxt_sysctl_plan_rollback(): write every
 *      target's recorded `before` back, newest first, and report that.
 * The request must outlive the plan (targets borrow its key strings). */
struct vxt_sysctl_plan {
	struct vxt_sysctl_target *t;
	unsigned int n, cap;
	char **values;               /* normalized value per request item */
	unsigned int nitems;
	struct vxt_iflist lists[2];  /* ipv4, ipv6; read on first need */
	bool listed[2];
	int sysfd;
	bool proc_readonly;          /* /proc/sys is mounted read-only here */
	struct nl_sock *nl;          /* rtnetlink, opened by the first such write */
};
enum { VXT_PLAN_SET = 0, VXT_PLAN_RENDER = 1 };
/* Free with vxt_sysctl_plan_free() even on failure. */
int vxt_sysctl_plan_build(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                          unsigned int flags, int mode, struct vxt_sysctl_plan *p);
/* flags: VXT_DRY_RUN reads and reports, writes nothing.  Returns 0 and
 * the report, or -errno (privilege refused before the first write, out of
 * memory) with nothing written. */
int vxt_sysctl_plan_execute(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p, unsigned int flags,
                            struct vxt_report **report);
/* Undo what execute wrote.  *report (may be NULL) gets one entry per file
 * put back.  0, or -errno when some file could not be put back (the report
 * says which). */
int vxt_sysctl_plan_rollback(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p,
                             struct vxt_report **report);
void vxt_sysctl_plan_free(struct vxt_sysctl_plan *p);

/* ---- sysctl_write.c: write backends -------------------------------------- */
/* One interface, as features have netlink and ioctl: write value to t.
 * fd is t's file, open for reading (and for writing when the backend is
 * /proc/sys).  0 or -errno (-ENODEV/-ENOENT: the interface is gone). */
struct vxt_sysctl_writer {
	const char *name;
	int (*write)(struct vxt_sysctl_plan *p, const struct vxt_sysctl_target *t, int fd,
	             const char *value);
};
extern const struct vxt_sysctl_writer vxt_sysctl_writers[2]; /* by VXT_SYSCTL_BY_* */
/* /proc/sys/net is mounted read-only in this mount namespace. */
bool vxt_proc_sys_readonly(void);
/* CAP_NET_ADMIN is in this thread's effective set. */
bool vxt_has_net_admin(void);
/* Why t cannot be written over rtnetlink (a sentence for a message), or
 * NULL when it can. */
const char *vxt_sysctl_netlink_refusal(const struct vxt_sysctl_key *k, const char *obj);

#endif
