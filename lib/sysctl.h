/* Internal declarations of the sysctl area (lib/sysctl*.c).  Not installed. */
#ifndef VXT_SYSCTL_H
#define VXT_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A parsed key. */
struct vxt_skey {
	int kind;
	char family[5];                /* SK_CONF: "ipv4" or "ipv6" */
	char name[VXT_SK_NAME_MAX];    /* SK_CONF: "rp_filter" */
	char sel[VXT_SK_INPUT_MAX + 1];/* SK_CONF in full form: its interface
	                                  selector ("" for short keys) */
	char path[VXT_SK_PATH_MAX];    /* SK_PLAIN: path under /proc/sys */
	char shortname[VXT_SK_INPUT_MAX + 1]; /* "rp_filter", "ipv6.forwarding",
	                                  or the plain key in dotted form */
};

/* ---- sysctl_key.c ------------------------------------------------------ */
/* Syntax of key, and the net.* rule.  Sets the context's message. */
int vxt_skey_parse(struct vxt_ctx *ctx, const char *key, unsigned int flags,
                   struct vxt_skey *k);
/* The key names a readable value on this kernel (-ENOENT with a
 * "did you mean" otherwise).  sysfd: an open /proc/sys directory. */
int vxt_skey_exists(struct vxt_ctx *ctx, int sysfd, const struct vxt_skey *k);
/* Path under /proc/sys and the full key as sysctl.d spells it (slash form
 * when the interface name has a dot) for object obj (ignored for plain
 * keys).  -ENAMETOOLONG if a buffer is too small. */
int vxt_skey_path(const struct vxt_skey *k, const char *obj, char *buf, size_t len);
int vxt_skey_display(const struct vxt_skey *k, const char *obj, char *buf, size_t len);
int vxt_skey_effective_rule(const struct vxt_skey *k);
/* Validate and normalize a value for key k into norm.  Returns 1 when the
 * key is a known integer key (its value canonical, stored verbatim by the
 * kernel), 0 otherwise. */
int vxt_svalue_check(struct vxt_ctx *ctx, const struct vxt_skey *k, const char *what,
                     const char *value, char *norm, size_t len);
/* Collapse whitespace runs to one space, trim. */
void vxt_svalue_norm(const char *in, char *out, size_t len);
/* Equal as sysctl values: same text, or the same integer. */
bool vxt_svalue_equal(const char *a, const char *b);
/* Combine all and own by rule; out gets "" if either is not an integer. */
void vxt_svalue_effective(int rule, const char *all, const char *own, char *out, size_t len);

/* ---- sysctl_iface.c ---------------------------------------------------- */
/* Interfaces of one family: the entries of /proc/sys/net/FAMILY/conf minus
 * "all" and "default", each checked with vxt_ifname_valid(), sorted in
 * natural order (strverscmp). */
struct vxt_iflist {
	char **names;
	unsigned int n, cap;
};
int vxt_iflist_read(struct vxt_ctx *ctx, int sysfd, const char *family,
                    struct vxt_iflist *l);
void vxt_iflist_free(struct vxt_iflist *l);
/* Check selectors: "all", "default", a valid name, or a glob without '/'. */
int vxt_sel_check(struct vxt_ctx *ctx, const char *sel);
bool vxt_sel_is_glob(const char *sel);

/* Objects selected by sels for one conf key, in the order given by
 * `order`.  Names point into the iflist or the selectors (borrowed). */
enum { VXT_ORDER_IFACES_FIRST = 0, VXT_ORDER_ALL_FIRST = 1 };
struct vxt_objs {
	const char **v;
	unsigned int n, cap;
	bool globbed; /* a glob was among the selectors */
};
/* need_exist: a named interface must exist (-ENODEV); otherwise it is
 * taken as given (render). */
int vxt_sel_resolve(struct vxt_ctx *ctx, const char *const *sels, unsigned int nsels,
                    const struct vxt_iflist *l, bool need_exist, int order,
                    struct vxt_objs *out);
void vxt_objs_free(struct vxt_objs *o);

/* ---- sysctl_req.c ------------------------------------------------------ */
struct vxt_sysctl_item {
	char *key, *value;
	char **ifaces;
	unsigned int nifaces;
};
struct vxt_sysctl_req {
	struct vxt_sysctl_item *v;
	unsigned int n, cap;
};

/* One file to write (or render). */
struct vxt_starget {
	char object[16];      /* interface, "all", "default", "" */
	const char *via;      /* the key as the caller wrote it (borrowed) */
	char path[VXT_SK_PATH_MAX];
	char key[VXT_SK_PATH_MAX];
	char value[VXT_SK_INPUT_MAX + 1]; /* normalized requested value */
	int rule;             /* VXT_EFF_* */
	bool is_iface;        /* object is a real interface (may be "gone") */
	bool added_default;   /* render: default added for a glob */
	bool skip;            /* duplicate of an earlier target */
	bool verbatim;        /* the kernel stores a valid write as written */
	int devconf;          /* IPv4 conf key: IPV4_DEVCONF_* - 1, else -1 */
	int dir;              /* -1: path is under /proc/sys; 0/1: path + reloff
	                         is under the ipv4/ipv6 conf directory */
	unsigned int reloff;
};
struct vxt_splan {
	struct vxt_starget *t;
	unsigned int n, cap;
	struct vxt_iflist lists[2]; /* ipv4, ipv6; read on first need */
	bool listed[2];
	int sysfd;
	int conffd[2];        /* net/ipv4/conf, net/ipv6/conf; -1 until needed */
};
enum { VXT_PLAN_SET = 0, VXT_PLAN_RENDER = 1 };
/* Validate req and resolve it into files.  Everything is checked before
 * the caller writes anything.  Free with vxt_splan_free even on failure. */
int vxt_splan_build(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                    unsigned int flags, int mode, struct vxt_splan *p);
void vxt_splan_free(struct vxt_splan *p);
/* Directory and relative path to open for t.  Opening relative to the
 * conf directory walks 2 components instead of 5; each /proc/sys component
 * is a locked dcache lookup, so this is most of the cost of a big apply. */
int vxt_splan_open(struct vxt_splan *p, const struct vxt_starget *t, int flags);
/* The list for a family, read once. */
int vxt_splan_iflist(struct vxt_ctx *ctx, struct vxt_splan *p, const char *family,
                     const struct vxt_iflist **out);

/* ---- sysctl_io.c ------------------------------------------------------- */
/* Open /proc/sys as a directory (O_PATH). */
int vxt_proc_sys_open(struct vxt_ctx *ctx);
/* Read a whole value from fd (from offset 0), normalized. */
int vxt_proc_pread(int fd, char *buf, size_t len);
/* openat + read + close. */
int vxt_proc_read(int sysfd, const char *path, char *buf, size_t len);

/* ---- sysctl_dump.c ----------------------------------------------------- */
/* IPv4 conf values of every interface from one RTM_GETLINK dump, so that
 * /proc/sys files are opened only to write (see sysctl_dump.c). */
struct vxt_sdump_link;
struct vxt_sdump {
	struct vxt_sdump_link *links; /* sorted by name */
	int32_t *conf;                /* every link's values, back to back */
	unsigned int n, cap, nconf, ccap;
	int state;                    /* 0: not read yet, 1: read, < 0: failed */
	unsigned int hits, misses;    /* lookups answered / left to the files */
};
/* IPV4_DEVCONF_* - 1 for a conf key name ("rp_filter" -> 7), -1 if none. */
int vxt_devconf_index(const char *name);
/* Dump once (later calls return the first outcome).  A failure sets no
 * context error: the caller reads the files instead. */
int vxt_sdump_load(struct vxt_ctx *ctx, struct vxt_sdump *d);
/* Value of index idx on ifname as /proc/sys prints it; -ENOENT when the
 * dump does not have it (not loaded, failed, no such link, short array). */
int vxt_sdump_value(struct vxt_sdump *d, const char *ifname, int idx, char *buf, size_t len);
void vxt_sdump_free(struct vxt_sdump *d);
/* Whether one dump of `links` interfaces is cheaper than `reads` file
 * reads (opens that the dump would save). */
bool vxt_sdump_worth(unsigned int reads, unsigned int links);

#endif
