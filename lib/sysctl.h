/* Internal declarations of the sysctl area (lib/sysctl*.c).  Not installed. */
#ifndef VXT_SYSCTL_H
#define VXT_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

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
/* Sort l->names in the natural order vxt_iflist_read() gives. */
void vxt_iflist_sort(struct vxt_iflist *l);
/* Check selectors: "all", "default", a valid name, or a glob without '/'. */
int vxt_sel_check(struct vxt_ctx *ctx, const char *sel);

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

/* ---- sysctl_netconf.c -------------------------------------------------- */
/* Current values of the IPv4 conf keys that netconf messages carry, for
 * every interface, "all" and "default", from one RTM_GETNETCONF dump (see
 * sysctl_netconf.c). */
#define VXT_NC_NKEYS 6
struct vxt_snc_ent;
struct vxt_snc {
	struct vxt_snc_ent *e;        /* sorted by name */
	unsigned int n, cap;
	int state;                    /* 0: not read yet, 1: read, < 0: failed */
	unsigned int hits, misses;
};
/* Index of a conf key in netconf messages ("rp_filter"), -1 if none. */
int vxt_netconf_key(const char *family, const char *name);
/* Dump once (later calls return the first outcome).  A failure sets no
 * context error: the caller reads the files instead. */
int vxt_snc_load(struct vxt_ctx *ctx, struct vxt_snc *nc);
/* Value of key on obj (an interface, "all" or "default") as /proc/sys
 * prints it; -ENOENT when the dump does not have it. */
int vxt_snc_value(struct vxt_snc *nc, const char *obj, int key, char *buf, size_t len);
void vxt_snc_free(struct vxt_snc *nc);
/* The interfaces of a loaded dump as a list like vxt_iflist_read() gives
 * (all and default left out).  0 or -ENOMEM. */
int vxt_snc_iflist(const struct vxt_snc *nc, struct vxt_iflist *l);
/* Whether one dump over `links` interfaces is cheaper than `reads` reads. */
bool vxt_snc_worth(unsigned int reads, unsigned int links);
/* Whether the dump pays for `targets` files of netconf keys over `links`
 * interfaces even if every one of them gets written. */
bool vxt_snc_pays_for_writes(unsigned int targets, unsigned int links);

/* ---- sysctl_req.c ------------------------------------------------------ */
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

/* One file to write (or render). */
struct vxt_starget {
	char object[16];      /* interface, "all", "default", "" */
	const char *via;      /* the key as the caller wrote it (borrowed) */
	/* Strings in the plan's arena (a big apply has thousands of targets:
	 * fixed-size buffers would be megabytes to fault in and clear). */
	const char *path;     /* under /proc/sys */
	const char *key;      /* the full key as sysctl.d spells it */
	const char *value;    /* normalized requested value */
	int rule;             /* VXT_EFF_* */
	bool is_iface;        /* object is a real interface (may be "gone") */
	bool added_default;   /* render: default added for a glob */
	bool skip;            /* duplicate of an earlier target */
	bool verbatim;        /* the kernel stores a valid write as written */
	int devconf;          /* IPv4 conf key: IPV4_DEVCONF_* - 1, else -1 */
	int netconf;          /* IPv4 key in netconf messages: its index
	                         (vxt_netconf_key), else -1 */
	unsigned int item;    /* index of the request item it comes from */
	int dir;              /* -1: path is under /proc/sys; 0/1: path + reloff
	                         is under the ipv4/ipv6 conf directory */
	unsigned int reloff;
};
struct vxt_splan {
	struct vxt_starget *t;
	unsigned int n, cap;
	char **chunks;        /* the string arena: 64 KB chunks */
	unsigned int nchunks, chunkcap;
	char *cur;            /* free space in the last chunk: cur[0..left) */
	size_t left;
	struct vxt_iflist lists[2]; /* ipv4, ipv6; read on first need */
	bool listed[2];
	int sysfd;
	int conffd[2];        /* net/ipv4/conf, net/ipv6/conf; -1 until needed */
	/* IPv4 netconf values, read at most once per plan: while planning
	 * when they also give the interface list (see vxt_splan_iflist),
	 * else when applying if they pay. */
	struct vxt_snc nc;
};
enum { VXT_PLAN_SET = 0, VXT_PLAN_RENDER = 1 };
/* Validate req and resolve it into files.  Everything is checked before
 * the caller writes anything.  Free with vxt_splan_free even on failure. */
int vxt_splan_build(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                    unsigned int flags, int mode, struct vxt_splan *p);
void vxt_splan_free(struct vxt_splan *p);
/* Carry out a plan built with VXT_PLAN_SET (vxt_sysctl_set() is build +
 * this): the report of every file, or -errno with the context's message
 * (privilege errors before anything was written, out of memory).  The
 * plan may be built well before, e.g. to validate a policy before its
 * features are applied; interfaces gone since are reported "gone". */
int vxt_splan_apply(struct vxt_ctx *ctx, struct vxt_splan *p, unsigned int flags,
                    struct vxt_report **report);
/* Directory and relative path to open for t.  Opening relative to the
 * conf directory walks 2 components instead of 5; each /proc/sys component
 * is a locked dcache lookup, so this is most of the cost of a big apply. */
int vxt_splan_open(struct vxt_splan *p, const struct vxt_starget *t, int flags);
/* Open the conf directory of dir (0: ipv4, 1: ipv6) now, so that
 * vxt_splan_open() changes nothing in p for targets under it and can run
 * on several threads at once.  0 or -errno. */
int vxt_splan_prepare(struct vxt_splan *p, int dir);
/* The list for a family, read once.  with_nc: the caller will want the
 * current values of IPv4 netconf keys on (potentially) every interface;
 * then one RTM_GETNETCONF dump into p->nc gives both the list and those
 * values, and the directory is not read (see sysctl_netconf.c). */
int vxt_splan_iflist(struct vxt_ctx *ctx, struct vxt_splan *p, const char *family,
                     bool with_nc, const struct vxt_iflist **out);

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

/* ---- sysctl_write.c ---------------------------------------------------- */
/* The outcome of one planned file: what its report entry will say. */
struct vxt_sres {
	int status;        /* VXT_STATUS_* */
	int err;           /* errno of a failure (status FAILED) */
	bool known;        /* before came from a dump, before any I/O */
	bool done;         /* status is set */
	bool wrote;        /* a write reached the kernel */
	bool readonly;     /* err is a privilege error and the file's mode
	                      has no write bit */
	bool nomem;
	char *before, *after; /* into inl[] or malloc'd (heap[]) */
	bool heap[2];
	char inl[2][24];
};
/* Set before (0) or after (1); false when out of memory. */
bool vxt_sres_set(struct vxt_sres *s, int which, const char *v);
void vxt_sres_free(struct vxt_sres *s);
/* Everything the I/O of a set needs; read-only while files are done. */
struct vxt_sio {
	struct vxt_splan *p;
	const bool *force;    /* per target: write even if equal */
	bool dry;
	struct vxt_sres *res; /* per target */
};
/* Open, read (unless known), write if different (unless dry), re-read
 * unless the key is stored verbatim, close; into w->res[i].  Touches
 * nothing but w->res[i] (and the kernel), so distinct targets may run on
 * distinct threads once vxt_splan_prepare() opened their directory. */
void vxt_sio_one(const struct vxt_sio *w, unsigned int i);
/* Targets idx[0..n-1], on two threads when there are at least
 * VXT_SIO_THREADS_MIN of them and two CPUs to run them; returns after all
 * are done.  The caller keeps order between batches. */
#define VXT_SIO_THREADS_MIN 64
void vxt_sio_many(const struct vxt_sio *w, const unsigned int *idx, unsigned int n,
                  unsigned int *threads);
/* fn(arg, from, to) over [0, n) in chunks, on this thread and (n >= min
 * and two usable CPUs) one more, joined before returning; fn must touch
 * only what belongs to its range.  Returns the number of threads used. */
unsigned int vxt_par_for(unsigned int n, unsigned int min,
                         void (*fn)(void *arg, unsigned int from, unsigned int to), void *arg);
/* Start fn(arg) on a helper thread with every signal blocked, if two CPUs
 * are usable; false if not started (then do the work on this thread).
 * The caller joins it before returning to its own caller. */
bool vxt_helper_start(pthread_t *th, void *(*fn)(void *), void *arg);

#endif
