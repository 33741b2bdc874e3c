/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvxlantune: keep VXLAN overlays healthy on Kubernetes nodes.
 *
 * The one public header.  Conventions (see ARCHITECTURE.md):
 *  - every symbol starts with vxt_, every type is opaque;
 *  - functions return int: >= 0 on success, -errno on failure
 *    (-ENODEV, -EPERM, -EINVAL, -EOPNOTSUPP, ...).  After a failure
 *    vxt_ctx_errmsg() holds a sentence naming the object, the operation and
 *    the fix;
 *  - results come back through out-parameters as reference-counted
 *    objects: every struct vxt_X has vxt_X_ref() and vxt_X_unref() (both
 *    accept NULL; unref returns NULL and frees at the last reference);
 *  - a collection is walked one way: vxt_X_count() and accessors that take
 *    an index i < count (out of range: NULL, -1 or 0 as documented);
 *  - strings returned by accessors are owned by the object they come from
 *    and live as long as it does;
 *  - one context per thread; nothing here prints, exits or reads the
 *    environment.
 */
#ifndef VXLANTUNE_H
#define VXLANTUNE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Context                                                               */
/* ===================================================================== */

struct vxt_ctx;

/* Create a context.  No socket is opened until one is needed.
 * Returns 0, or -ENOMEM. */
int vxt_ctx_new(struct vxt_ctx **ctx);
/* Take a reference; returns ctx. */
struct vxt_ctx *vxt_ctx_ref(struct vxt_ctx *ctx);
/* Drop a reference; frees at zero (closes sockets).  Returns NULL. */
struct vxt_ctx *vxt_ctx_unref(struct vxt_ctx *ctx);

/* Logging.  Priorities are syslog's (LOG_ERR=3 ... LOG_DEBUG=7); the
 * default priority is LOG_ERR and the default function discards messages
 * (the library never writes to stderr by itself). */
typedef void (*vxt_log_fn)(struct vxt_ctx *ctx, int priority, const char *file,
                           int line, const char *fn, const char *format,
                           va_list args);
void vxt_ctx_set_log_fn(struct vxt_ctx *ctx, vxt_log_fn fn);
void vxt_ctx_set_log_priority(struct vxt_ctx *ctx, int priority);
int vxt_ctx_get_log_priority(const struct vxt_ctx *ctx);
void vxt_ctx_set_userdata(struct vxt_ctx *ctx, void *userdata);
void *vxt_ctx_get_userdata(const struct vxt_ctx *ctx);

/* The message of the last failed call on this context: names the object and
 * the operation, carries the kernel's extended-ack text when there was one,
 * and says how to fix it where a fix is known.  Never NULL ("" when no
 * call failed yet).  Owned by ctx, valid until the next call on ctx. */
const char *vxt_ctx_errmsg(const struct vxt_ctx *ctx);

/* Which kernel interface feature calls use. */
enum vxt_backend {
	VXT_BACKEND_AUTO = 0,    /* ethtool netlink, legacy ioctl if missing */
	VXT_BACKEND_NETLINK = 1, /* ethtool netlink only */
	VXT_BACKEND_IOCTL = 2,   /* legacy SIOCETHTOOL only (kernels < 5.7) */
};
/* Force a backend (tests, old kernels).  Returns 0 or -EINVAL. */
int vxt_ctx_set_backend(struct vxt_ctx *ctx, int backend);
/* The backend in use after the first feature call: VXT_BACKEND_NETLINK or
 * VXT_BACKEND_IOCTL (VXT_BACKEND_AUTO before that). */
int vxt_ctx_get_backend(const struct vxt_ctx *ctx);

/* Library version string, e.g. "0.1.0". */
const char *vxt_version(void);

/* Validate an interface name as the kernel does (dev_valid_name): 1..15
 * bytes, no '/', ':' or whitespace (ASCII blanks and 0xa0), not "." or
 * "..".  Any other byte is valid: "caliü" is a name.  Returns 0 or
 * -EINVAL. */
int vxt_ifname_valid(const char *name);
/* True when name is an fnmatch(3) pattern ("cali*", "eth[01]") that calls
 * taking interface selectors match against the live interfaces; false for
 * a plain name (and NULL). */
bool vxt_name_is_pattern(const char *name);

/* ---- Files the tools write and read as root --------------------------- */

/* Replace path with data, atomically: a temporary made next to it with
 * O_CREAT|O_EXCL|O_NOFOLLOW (never an existing file, FIFO or symlink),
 * written, fsynced, renamed over path (a symlink at path is replaced, not
 * followed), the directory fsynced.  mode: the new file's permission bits
 * (e.g. 0644), whatever the umask.  On failure nothing is left behind and
 * the old file is unchanged.  "" is an error (-EINVAL), a directory
 * -EISDIR. */
int vxt_file_write_atomic(struct vxt_ctx *ctx, const char *path, const void *data,
                          size_t len, unsigned int mode);

enum vxt_file_flags {
	/* refuse (-EPERM) instead of warn when the file or a directory above
	 * it is writable by a user other than root or the caller (sshd's
	 * StrictModes; a world-writable sticky directory such as /tmp is
	 * accepted when the entry in it belongs to root or the caller) */
	VXT_FILE_STRICT_MODES = 1 << 0,
};
/* Read a whole regular file of at most max bytes into *text (malloc'd,
 * NUL-terminated; *len, if given, gets the length, which differs from
 * strlen() when the file holds NUL bytes).  Never opens what is not a
 * regular file: a directory (-EISDIR), a FIFO, device or socket (-EINVAL)
 * each get their own message; a larger file -E2BIG.  A file writable by
 * another user is logged as a warning (LOG_WARNING), or refused with
 * VXT_FILE_STRICT_MODES. */
int vxt_file_read(struct vxt_ctx *ctx, const char *path, size_t max, unsigned int flags,
                  char **text, size_t *len);

enum vxt_escape_style {
	/* for messages: control characters and bytes that are not UTF-8 as \xNN */
	VXT_ESCAPE_TEXT = 0,
	/* for JSON text: bytes that are not UTF-8 as \u00NN (the Latin-1
	 * character of the byte), so that the document is valid UTF-8 */
	VXT_ESCAPE_JSON = 1,
};
/* Escape untrusted text for showing it; *out is malloc'd.  Every message in
 * vxt_ctx_errmsg() is already escaped this way (VXT_ESCAPE_TEXT). */
int vxt_text_escape(const char *in, int style, char **out);

/* ===================================================================== */
/* Reports: the result of every mutating operation (and of dry runs)     */
/* ===================================================================== */

enum vxt_status {
	VXT_STATUS_UNCHANGED = 0, /* already as requested */
	VXT_STATUS_CHANGED = 1,   /* changed (dry run: would change) */
	VXT_STATUS_FIXED = 2,     /* requested, but the driver/kernel refuses */
	VXT_STATUS_SIDE_EFFECT = 3, /* changed though not requested */
	VXT_STATUS_GONE = 4,      /* the interface vanished meanwhile */
	VXT_STATUS_FAILED = 5,    /* failed; see vxt_report_error() */
	VXT_STATUS_ROLLED_BACK = 6, /* was changed, then put back (before = after
	                             * again) because another write of the same
	                             * apply failed: see the "failed" entries */
};

enum vxt_area {
	VXT_AREA_FEATURE = 0, /* an offload feature of an interface */
	VXT_AREA_SYSCTL = 1,  /* a /proc/sys value */
};

struct vxt_report;

struct vxt_report *vxt_report_ref(struct vxt_report *r);
struct vxt_report *vxt_report_unref(struct vxt_report *r);
/* True when the report describes a dry run (nothing was sent). */
bool vxt_report_dry_run(const struct vxt_report *r);
unsigned int vxt_report_count(const struct vxt_report *r);
/* Entry accessors; i < vxt_report_count().  Out-of-range i gives NULL/-1. */
int vxt_report_area(const struct vxt_report *r, unsigned int i);
const char *vxt_report_object(const struct vxt_report *r, unsigned int i); /* interface, or "" */
const char *vxt_report_key(const struct vxt_report *r, unsigned int i);    /* feature or sysctl key */
const char *vxt_report_before(const struct vxt_report *r, unsigned int i); /* "on"/"off"/value */
const char *vxt_report_after(const struct vxt_report *r, unsigned int i);
const char *vxt_report_requested(const struct vxt_report *r, unsigned int i); /* "" for side effects */
/* The word the caller used that selected this entry ("tx", "gro",
 * "rp_filter"); "" for side effects. */
const char *vxt_report_via(const struct vxt_report *r, unsigned int i);
int vxt_report_status(const struct vxt_report *r, unsigned int i);
/* errno (positive) of a VXT_STATUS_FAILED entry, 0 otherwise. */
int vxt_report_error(const struct vxt_report *r, unsigned int i);
/* Number of entries with the given status. */
unsigned int vxt_report_count_status(const struct vxt_report *r, int status);
/* Number of requests that were not met: a requested word none of whose
 * entries on an object ended at the requested value (ethtool's rule for
 * aliases: "tx on" is met if any tx-checksum-* took), or a failed or
 * rolled-back entry.
 * The CLI exits 1 when this is not zero. */
unsigned int vxt_report_unmet(const struct vxt_report *r);
/* "unchanged", "changed", "fixed", "side-effect", "gone", "failed",
 * "rolled-back". */
const char *vxt_status_name(int status);

/* ===================================================================== */
/* Offload features (ethtool -k / -K)                                    */
/* ===================================================================== */

struct vxt_features; /* the features of one interface */

/* Read the features of one interface by name (or by index with
 * vxt_features_get_index).  -ENODEV if there is no such interface,
 * -EINVAL for an invalid name. */
int vxt_features_get(struct vxt_ctx *ctx, const char *ifname, struct vxt_features **out);
int vxt_features_get_index(struct vxt_ctx *ctx, int ifindex, struct vxt_features **out);
struct vxt_features *vxt_features_ref(struct vxt_features *f);
struct vxt_features *vxt_features_unref(struct vxt_features *f);
const char *vxt_features_ifname(const struct vxt_features *f);
int vxt_features_ifindex(const struct vxt_features *f);
/* Features in kernel order; unnamed (unused) bits are left out. */
unsigned int vxt_features_count(const struct vxt_features *f);
const char *vxt_features_name(const struct vxt_features *f, unsigned int i);
bool vxt_features_active(const struct vxt_features *f, unsigned int i);
bool vxt_features_wanted(const struct vxt_features *f, unsigned int i);
/* Changeable = the driver can change it (in HW and not in NOCHANGE);
 * ethtool shows the others as [fixed]. */
bool vxt_features_changeable(const struct vxt_features *f, unsigned int i);
/* All features at once, for bindings that would otherwise make three calls
 * per feature: a string of vxt_features_count() characters, one per
 * feature in order, each '0' + (active | wanted << 1 | fixed << 2)
 * ("fixed" = not changeable).  Owned by f. */
const char *vxt_features_states(const struct vxt_features *f);
/* Index of a kernel feature name, or -ENOENT. */
int vxt_features_find(const struct vxt_features *f, const char *name);

/* Every interface's features. */
struct vxt_features_list;
int vxt_features_get_all(struct vxt_ctx *ctx, struct vxt_features_list **out);
struct vxt_features_list *vxt_features_list_ref(struct vxt_features_list *l);
struct vxt_features_list *vxt_features_list_unref(struct vxt_features_list *l);
unsigned int vxt_features_list_count(const struct vxt_features_list *l);
/* Borrowed: valid while the list lives. */
struct vxt_features *vxt_features_list_get(const struct vxt_features_list *l, unsigned int i);

/* A feature request: words as `ethtool -K` takes them.  A word is a kernel
 * feature name ("tx-checksum-ip-generic"), an ethtool long name
 * ("generic-receive-offload") or short alias ("gro"); aliases expand over
 * the names the running kernel reports, exactly as ethtool does. */
struct vxt_feature_req;
int vxt_feature_req_new(struct vxt_feature_req **out);
struct vxt_feature_req *vxt_feature_req_ref(struct vxt_feature_req *req);
struct vxt_feature_req *vxt_feature_req_unref(struct vxt_feature_req *req);
/* Add "word on|off".  -EINVAL for an empty or overlong word.  Unknown
 * words are reported when the request is resolved (set or plan). */
int vxt_feature_req_add(struct vxt_feature_req *req, const char *word, bool on);
unsigned int vxt_feature_req_count(const struct vxt_feature_req *req);

/* Resolve every word of req against the running kernel's feature names.
 * -EINVAL for an unknown word; vxt_ctx_errmsg() names it and suggests the
 * nearest known word ("unknown feature 'grox' (did you mean 'gro'?)"). */
int vxt_feature_req_check(struct vxt_ctx *ctx, const struct vxt_feature_req *req);

enum vxt_flags {
	VXT_DRY_RUN = 1 << 0, /* plan only: send nothing, report what would change */
};

/* Apply req to one interface and read back what the kernel kept.  The report has one entry per requested kernel feature (changed,
 * unchanged, fixed) plus side effects.  Nothing is sent when a word is
 * unknown (-EINVAL) or in a dry run.  -ENODEV, -EPERM (no CAP_NET_ADMIN). */
int vxt_features_set(struct vxt_ctx *ctx, const char *ifname,
                     const struct vxt_feature_req *req, unsigned int flags,
                     struct vxt_report **report);

/* Apply req to every interface whose name matches one of the fnmatch(3)
 * globs (NULL-terminated array; NULL or empty = every interface).  An interface
 * that vanishes meanwhile is reported "gone".  Per-interface failures are
 * entries with VXT_STATUS_FAILED; the call itself fails only when nothing
 * could be done (-EPERM, -EINVAL, ...).  Interfaces that match no
 * requested feature are skipped. */
int vxt_features_set_glob(struct vxt_ctx *ctx, const char *const *globs,
                          const struct vxt_feature_req *req, unsigned int flags,
                          struct vxt_report **report);

/* ===================================================================== */
/* Links and underlay detection                                          */
/* ===================================================================== */

/* ---- Links --------------------------------------------------------- */

/* A snapshot of every link of the context's network namespace with its
 * addresses.  Entries are sorted by ifindex.  The snapshot does not follow later
 * changes: take a new one when you need fresh state.  Reading needs no
 * privilege.  Returns 0, -ENOMEM, or the -errno of the failed read
 * (vxt_ctx_errmsg() says which).  Release with vxt_link_list_unref(). */
struct vxt_link_list;
int vxt_links_get(struct vxt_ctx *ctx, struct vxt_link_list **out);
struct vxt_link_list *vxt_link_list_ref(struct vxt_link_list *l);
struct vxt_link_list *vxt_link_list_unref(struct vxt_link_list *l);
unsigned int vxt_link_list_count(const struct vxt_link_list *l);
/* Position of a link by name or ifindex, or -ENOENT. */
int vxt_link_list_find(const struct vxt_link_list *l, const char *name);
int vxt_link_list_find_index(const struct vxt_link_list *l, int ifindex);

/* Link accessors; i < vxt_link_list_count().  Out of range (or NULL l):
 * NULL for strings, -1 for ints, 0/false for the rest.  Strings are owned
 * by the list. */
const char *vxt_link_name(const struct vxt_link_list *l, unsigned int i);
int vxt_link_ifindex(const struct vxt_link_list *l, unsigned int i);
/* IFLA_INFO_KIND: "veth", "vxlan", "bridge", "macvlan", "bond", "vlan",
 * "dummy", ...; "" for devices without one (physical NICs, loopback). */
const char *vxt_link_kind(const struct vxt_link_list *l, unsigned int i);
/* RFC 2863 operational state as `ip link` prints it: "UP", "DOWN",
 * "UNKNOWN", "LOWERLAYERDOWN", "DORMANT", "TESTING", "NOTPRESENT". */
const char *vxt_link_operstate(const struct vxt_link_list *l, unsigned int i);
bool vxt_link_admin_up(const struct vxt_link_list *l, unsigned int i); /* IFF_UP */
bool vxt_link_carrier(const struct vxt_link_list *l, unsigned int i);
unsigned int vxt_link_mtu(const struct vxt_link_list *l, unsigned int i);
/* ifindex of the master (bridge, bond), 0 if none. */
int vxt_link_master(const struct vxt_link_list *l, unsigned int i);
/* IFLA_LINK: the lower device (macvlan, vlan) or veth peer, 0 if none.
 * It may name a device in another namespace (vxt_link_link_netnsid). */
int vxt_link_link(const struct vxt_link_list *l, unsigned int i);
/* Namespace id of IFLA_LINK / the VXLAN link when it lives in another
 * network namespace, -1 when it is in this one. */
int vxt_link_link_netnsid(const struct vxt_link_list *l, unsigned int i);

/* Addresses of link i, in the kernel's dump order (IPv4 first; the
 * primary IPv4 address before its secondaries). */
unsigned int vxt_link_addr_count(const struct vxt_link_list *l, unsigned int i);
/* Numeric address without prefix ("192.0.2.10", "2001:db8::10"). */
const char *vxt_link_addr(const struct vxt_link_list *l, unsigned int i, unsigned int j);
int vxt_link_addr_prefixlen(const struct vxt_link_list *l, unsigned int i, unsigned int j);
int vxt_link_addr_family(const struct vxt_link_list *l, unsigned int i, unsigned int j); /* AF_INET/AF_INET6 */
/* "global", "site", "link", "host", "nowhere" or the number. */
const char *vxt_link_addr_scope(const struct vxt_link_list *l, unsigned int i, unsigned int j);
/* IFA_F_* flags (tentative, deprecated, secondary, ...). */
unsigned int vxt_link_addr_flags(const struct vxt_link_list *l, unsigned int i, unsigned int j);

/* VXLAN details; for other kinds vxt_link_is_vxlan() is false and the
 * others return -1 (ints), "" (strings), false, AF_UNSPEC (family). */
bool vxt_link_is_vxlan(const struct vxt_link_list *l, unsigned int i);
int vxt_link_vxlan_vni(const struct vxt_link_list *l, unsigned int i);
int vxt_link_vxlan_dstport(const struct vxt_link_list *l, unsigned int i); /* host order */
/* Source address of the tunnel (IFLA_VXLAN_LOCAL[6]), "" if unset. */
const char *vxt_link_vxlan_local(const struct vxt_link_list *l, unsigned int i);
/* Remote or multicast group (IFLA_VXLAN_GROUP[6]), "" if unset (Calico and
 * Flannel set neither: they program FDB entries per peer). */
const char *vxt_link_vxlan_remote(const struct vxt_link_list *l, unsigned int i);
/* Parent device (IFLA_VXLAN_LINK, `ip link add ... dev X`), 0 if unset. */
int vxt_link_vxlan_link(const struct vxt_link_list *l, unsigned int i);
bool vxt_link_vxlan_learning(const struct vxt_link_list *l, unsigned int i);
/* IPv4 outer UDP checksums (IFLA_VXLAN_UDP_CSUM); for IPv6 tunnels this is
 * true unless udp6zerocsumtx is set. */
bool vxt_link_vxlan_udpcsum(const struct vxt_link_list *l, unsigned int i);
/* Underlay family: AF_INET6 when local or remote is IPv6, else AF_INET
 * (the kernel's VXLAN_F_IPV6). */
int vxt_link_vxlan_family(const struct vxt_link_list *l, unsigned int i);

/* ---- Underlay detection -------------------------------------------- */

/* Pick the underlay interface and address like the CNI does.  method is
 * one of (Calico IP_AUTODETECTION_METHOD syntax where Calico has it):
 *   default-route          the default route with the lowest metric (main
 *                          table).  Equal metrics on different interfaces
 *                          are a tie: -ENOTUNIQ listing them.
 *   first-found            Calico's default: the first global-unicast
 *                          address, interfaces taken in Calico's order
 *                          (highest ifindex first), skipping ^docker.*,
 *                          ^cbr.*, ^dummy.*, ^virbr.*, ^lxcbr.*, ^veth.*,
 *                          ^lo, ^cali.*, ^tunl.*, ^flannel.*,
 *                          ^kube-ipvs.*, ^cni.*, ^vxlan\.calico.*,
 *                          ^vxlan-v6\.calico.*, ^wireguard\.cali.*,
 *                          ^wg-v6\.cali.*, ^nodelocaldns.*
 *   interface=RE[,RE]      as first-found over the interfaces whose name
 *                          matches one of the POSIX extended regexes
 *                          (unanchored, as Calico's Go regexps; no skip list)
 *   skip-interface=RE[,RE] first-found with these regexes added to the skip list
 *   cidr=CIDR[,CIDR]       first-found (no skip list) over addresses inside
 *                          one of the CIDRs
 *   can-reach=DEST         the kernel's route to DEST (an address, or a name
 *                          resolved with getaddrinfo): its output device
 *                          and source address.  Nothing is sent.
 *   address=IP             the interface holding IP (Calico's
 *                          kubernetes-internal-ip: pass the downward API's
 *                          status.hostIP)
 *   vxlan=NAME             the parent of VXLAN device NAME: its link
 *                          attribute, else the interface holding its local
 *                          address, else the route to its remote
 * Regexes are POSIX extended with RE2's \d \w \s (and \D \W \S)
 * translated; back-references and other letter escapes are refused, and
 * an empty list element is an error (Calico would match everything).
 * Commas may be surrounded by blanks.  NULL or "" means default-route (what
 * the incident's script did; Calico's own default is first-found).
 * family: AF_UNSPEC (IPv4, falling back to IPv6 when no IPv4 candidate
 * exists), AF_INET or AF_INET6.  Addresses count when they are global
 * unicast (not loopback, link-local, multicast or unspecified).
 * Returns 0 and *out, or:
 *   -EINVAL    malformed method (the message names the bad part: unknown
 *              method, bad regex, bad CIDR or prefix, bad address, bad
 *              interface name, a family that contradicts the argument) or
 *              vxlan=NAME names a device that is not VXLAN;
 *   -ENODEV    vxlan=NAME: no such device;
 *   -ENOENT    nothing matched; the message lists every candidate
 *              considered and why it was rejected;
 *   -ENOTUNIQ  default-route: several default routes share the lowest metric;
 *   other -errno from the netlink dumps.
 * Release the result with vxt_underlay_unref(). */
struct vxt_underlay;
int vxt_underlay_detect(struct vxt_ctx *ctx, const char *method, int family,
                        struct vxt_underlay **out);
/* Parse and validate a method without looking at the system: 0 or -EINVAL
 * with the same message vxt_underlay_detect() would give. */
int vxt_underlay_method_check(struct vxt_ctx *ctx, const char *method);
struct vxt_underlay *vxt_underlay_ref(struct vxt_underlay *u);
struct vxt_underlay *vxt_underlay_unref(struct vxt_underlay *u);
const char *vxt_underlay_ifname(const struct vxt_underlay *u);
int vxt_underlay_ifindex(const struct vxt_underlay *u);
/* The chosen address, numeric, without prefix; and its prefix length. */
const char *vxt_underlay_address(const struct vxt_underlay *u);
int vxt_underlay_prefixlen(const struct vxt_underlay *u);
int vxt_underlay_family(const struct vxt_underlay *u); /* AF_INET/AF_INET6 */
unsigned int vxt_underlay_mtu(const struct vxt_underlay *u);
const char *vxt_underlay_kind(const struct vxt_underlay *u); /* as vxt_link_kind */
/* The method that decided, normalised ("default-route", "cidr=..."). */
const char *vxt_underlay_method(const struct vxt_underlay *u);
/* One line: which method and which step chose it, e.g. "default-route:
 * IPv4 default via 198.51.100.1 dev eth0 metric 100 (lowest of 2)". */
const char *vxt_underlay_explanation(const struct vxt_underlay *u);

/* ===================================================================== */
/* Sysctl                                                                */
/* ===================================================================== */
/* Values under /proc/sys, read from the files.  Written to
 * the files, or, where /proc/sys is mounted read-only (a container that is
 * not privileged), per-interface IPv4 values over rtnetlink; all, default,
 * IPv6 and plain keys then cannot be set, and a request that needs them
 * fails before anything changes.  Two kinds of key:
 *  - plain keys, dotted or slash form: "net.ipv4.ip_forward",
 *    "net/ipv4/ip_forward".  Segments are [a-z0-9_]+; only net.* unless
 *    VXT_SYSCTL_ANY_KEY is given;
 *  - per-interface conf keys, net/ipv4/conf/<IF>/<KEY> and
 *    net/ipv6/conf/<IF>/<KEY>, written either in full
 *    ("net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.vxlan.calico.rp_filter"
 *    -- the key is the last segment, so dots in the interface name are
 *    fine here -- or "net/ipv4/conf/vxlan.calico/rp_filter") or short with
 *    the interfaces given separately: "rp_filter" (IPv4), "ipv4.rp_filter",
 *    "ipv6.disable_ipv6".
 * Interface selectors (NULL-terminated arrays of strings): "all",
 * "default", an interface name, or an fnmatch(3) glob ("cali*") matched
 * against the live interfaces of the current network namespace (never
 * against paths; "all" and "default" are matched only by name).  Every
 * interface name is checked with vxt_ifname_valid() before it goes into a
 * path.
 * Effective values: the kernel combines conf/all and conf/<IF> for some
 * IPv4 keys: max(all, IF) for rp_filter, arp_ignore, arp_announce; all OR
 * IF for accept_local, route_localnet, log_martians, proxy_arp.  For other
 * keys the effective value is the interface's own value; for IPv6 keys and
 * plain keys it is the value. */

enum vxt_sysctl_flags {
	/* allow keys outside net.* (kernel.*, vm.*, ...) */
	VXT_SYSCTL_ANY_KEY = 1 << 8,
};

/* ---- reading: vxlantune sysctl show ---------------------------------- */
struct vxt_sysctl_list;
/* Read keys (NULL or empty: {"rp_filter"}) for the selected interfaces.
 * ifaces: selectors; NULL or empty = "all", "default" and every interface.
 * Plain keys ignore ifaces.  Entries come key by key; per conf key: "all",
 * "default", then interfaces in natural order (cali2 before cali10).
 * -EINVAL for a malformed key, name or glob; -ENOENT for an unknown key;
 * -ENODEV for a named interface that does not exist; -EPERM for a key
 * outside net.* without VXT_SYSCTL_ANY_KEY. */
int vxt_sysctl_show(struct vxt_ctx *ctx, const char *const *keys,
                    const char *const *ifaces, unsigned int flags,
                    struct vxt_sysctl_list **out);
struct vxt_sysctl_list *vxt_sysctl_list_ref(struct vxt_sysctl_list *l);
struct vxt_sysctl_list *vxt_sysctl_list_unref(struct vxt_sysctl_list *l);
unsigned int vxt_sysctl_list_count(const struct vxt_sysctl_list *l);
/* Interface, "all", "default", or "" for plain keys. */
const char *vxt_sysctl_list_object(const struct vxt_sysctl_list *l, unsigned int i);
/* The full key as sysctl.d would spell it: dotted, or slash form when the
 * interface name contains a dot ("net/ipv4/conf/vxlan.calico/rp_filter"). */
const char *vxt_sysctl_list_key(const struct vxt_sysctl_list *l, unsigned int i);
/* The short name: "rp_filter" (IPv4), "ipv6.forwarding", or the full key
 * of a plain key. */
const char *vxt_sysctl_list_name(const struct vxt_sysctl_list *l, unsigned int i);
/* Value as the kernel prints it, whitespace runs collapsed to one space. */
const char *vxt_sysctl_list_value(const struct vxt_sysctl_list *l, unsigned int i);
/* What the kernel acts on (see above); for "default" what a new interface
 * would get; "" when the value could not be read. */
const char *vxt_sysctl_list_effective(const struct vxt_sysctl_list *l, unsigned int i);

/* Configured and effective rp_filter of one interface ("all" and "default"
 * allowed).  -ENODEV if there is no such interface, -EINVAL for a bad name. */
int vxt_sysctl_rp_filter(struct vxt_ctx *ctx, const char *ifname,
                         int *configured, int *effective);

/* ---- requests: vxlantune sysctl set / render ------------------------- */
struct vxt_sysctl_req;
int vxt_sysctl_req_new(struct vxt_sysctl_req **out);
struct vxt_sysctl_req *vxt_sysctl_req_ref(struct vxt_sysctl_req *req);
struct vxt_sysctl_req *vxt_sysctl_req_unref(struct vxt_sysctl_req *req);
/* Add "key = value".  A short conf key ("rp_filter") needs ifaces
 * (selectors, copied); plain keys and full conf keys must have none.
 * Only NULL, empty and overlong (> 255 bytes) strings are refused here
 * (-EINVAL); everything else is checked by vxt_sysctl_req_check(), which
 * set and render call first. */
int vxt_sysctl_req_add(struct vxt_sysctl_req *req, const char *key,
                       const char *value, const char *const *ifaces);
/* Same, from "KEY=VALUE" (spaces around '=' are allowed). */
int vxt_sysctl_req_add_assignment(struct vxt_sysctl_req *req, const char *assignment,
                                  const char *const *ifaces);
unsigned int vxt_sysctl_req_count(const struct vxt_sysctl_req *req);
/* Whether key (or "KEY=VALUE") is a short conf key that takes interface
 * selectors ("rp_filter", "ipv6.accept_ra": 1) or one that names its own
 * object (full conf keys, plain keys: 0); -EINVAL if it is malformed. */
int vxt_sysctl_key_takes_ifaces(const char *key);

/* Validate req without touching anything: key syntax, net.* (unless
 * VXT_SYSCTL_ANY_KEY), that the key exists, interface names and globs,
 * values (printable, one line; integer ranges where known, e.g. rp_filter
 * 0..2), that no file is given two different values, and that every
 * write can succeed here (as vxt_sysctl_set checks it).  Returns 0 or
 * -EINVAL/-ENOENT/-ENODEV/-EPERM/-EROFS with a message naming the item. */
int vxt_sysctl_req_check(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                         unsigned int flags);

/* Apply req (flags: VXT_DRY_RUN, VXT_SYSCTL_ANY_KEY).  The whole request
 * is validated, every glob resolved and every write checked first (values,
 * read-only keys, read-only /proc/sys, privilege: uid 0 or CAP_NET_ADMIN
 * in the network namespace): a request with any write that cannot succeed
 * changes nothing, also with VXT_DRY_RUN, which fails the same way.  Then
 * each file is read, written only if it differs, read back; the report
 * (area VXT_AREA_SYSCTL) has one entry per file: object =
 * interface/"all"/"default" or "" for plain keys, key = full key (as
 * vxt_sysctl_list_key), via = the key as the caller wrote it, status
 * changed/unchanged/fixed (the kernel kept another value)/gone (the
 * interface vanished after listing)/failed.  Per conf key, interfaces are
 * written before "all" and "default", so that a changed default cannot
 * reach an interface whose value was already right.
 * Values out of a known range give -ERANGE.  Writing conf/all/forwarding
 * (IPv4, IPv6) or ipv6 all/disable_ipv6 makes the kernel rewrite every
 * interface too: combine those with per-interface values knowingly.
 * -EPERM without privilege or for a read-only key, -EROFS for what cannot
 * be written while /proc/sys is read-only; the message names the key, the
 * reason and the fix. */
int vxt_sysctl_set(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                   unsigned int flags, struct vxt_report **report);

enum vxt_sysctl_format {
	VXT_SYSCTL_FORMAT_SYSCTL_D = 0,  /* /etc/sysctl.d drop-in */
	VXT_SYSCTL_FORMAT_KUBESPRAY = 1, /* Kubespray additional_sysctl (YAML) */
};
/* Render req as persistent configuration.  Globs expand to the interfaces
 * that match now, and each globbed conf key also gets its "default" key so
 * that interfaces created later inherit the value (unless req sets default
 * itself).  Named interfaces need not exist.  sysctl.d uses slash notation
 * for interface names with dots; Kubespray's list cannot express those and
 * they appear only as comments.  *text is malloc'd: free() it. */
int vxt_sysctl_render(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                      int format, unsigned int flags, char **text);

/* ===================================================================== */
/* Policy, apply, snapshot/restore, watch                                */
/* ===================================================================== */
/* A policy says which interfaces get which offload features and which
 * sysctls.  Interfaces are chosen by selectors: "underlay" (found with the
 * policy's underlay method, see vxt_underlay_detect), "vxlan" (the VXLAN
 * class: by default whichever of vxlan.calico, vxlan-v6.calico, flannel.1
 * and cilium_vxlan exist), an interface name or an fnmatch(3) glob, and for
 * sysctls also "all" and "default".  Policies come from a file (INI format,
 * documented in vxlantune(8) and examples/vxlantune.conf), a preset, or are
 * built with the functions below. */
struct vxt_policy;

/* The default VXLAN class, i < vxt_vxlan_default_count(); NULL out of
 * range.  Devices the CNIs create: vxlan.calico, vxlan-v6.calico,
 * flannel.1, cilium_vxlan. */
unsigned int vxt_vxlan_default_count(void);
const char *vxt_vxlan_default(unsigned int i);

/* An empty policy (VXLAN class = the default list, no underlay method). */
int vxt_policy_new(struct vxt_policy **out);
struct vxt_policy *vxt_policy_ref(struct vxt_policy *p);
struct vxt_policy *vxt_policy_unref(struct vxt_policy *p);
/* Load a policy file or text.  -EINVAL with a message naming the file, the
 * line, the section and the key; -ENOENT/-EACCES if the file cannot be
 * opened.  Nothing is checked against the kernel here (see
 * vxt_policy_check). */
int vxt_policy_load_file(struct vxt_ctx *ctx, const char *path, struct vxt_policy **out);
/* The same, read with vxt_file_read() (a regular file of at most 4 MiB);
 * flags: VXT_FILE_STRICT_MODES refuses a policy another user could change
 * (what `vxlantune watch` uses), else that is a warning.  Every line is
 * understood or an error: indented lines (which INI parsers take as the
 * continuation of the previous value), NUL bytes and lines over 198
 * characters are refused with FILE:LINE. */
int vxt_policy_load_file_flags(struct vxt_ctx *ctx, const char *path, unsigned int flags,
                               struct vxt_policy **out);
int vxt_policy_load_string(struct vxt_ctx *ctx, const char *text, struct vxt_policy **out);
/* Presets: "calico-incident" (the incident's fix: rx tx tso gso gro off on
 * the default-route underlay and vxlan.calico, rp_filter=0 on all, default
 * and every interface) and "checksum" (tx-checksum-ip-generic off on the
 * VXLAN devices).  -EINVAL for another name. */
int vxt_policy_preset(struct vxt_ctx *ctx, const char *name, struct vxt_policy **out);
/* The policy-file text of a preset (static), or NULL. */
const char *vxt_preset_text(const char *name);
/* The presets' names, i < vxt_preset_count(); NULL out of range. */
unsigned int vxt_preset_count(void);
const char *vxt_preset_name(unsigned int i);

/* Builders.  -EINVAL for a malformed argument, -ENOMEM. */
int vxt_policy_set_underlay_method(struct vxt_policy *p, const char *method);
const char *vxt_policy_underlay_method(const struct vxt_policy *p);
/* Replace the VXLAN class (NULL-terminated names/globs; empty = none). */
int vxt_policy_set_vxlan_interfaces(struct vxt_policy *p, const char *const *globs);
unsigned int vxt_policy_vxlan_count(const struct vxt_policy *p);
const char *vxt_policy_vxlan(const struct vxt_policy *p, unsigned int i);
/* "WORD on|off" (ethtool -K words) for the interfaces of a selector. */
int vxt_policy_add_feature(struct vxt_policy *p, const char *selector, const char *word, bool on);
/* KEY = VALUE; selector NULL for plain keys ("net.ipv4.ip_forward") and
 * full conf keys, else short conf keys ("rp_filter") for its interfaces. */
int vxt_policy_add_sysctl(struct vxt_policy *p, const char *key, const char *value,
                          const char *selector);
unsigned int vxt_policy_feature_rule_count(const struct vxt_policy *p);
const char *vxt_policy_feature_rule_selector(const struct vxt_policy *p, unsigned int i);
unsigned int vxt_policy_sysctl_rule_count(const struct vxt_policy *p);

/* Check the policy against the running kernel: underlay method syntax,
 * every feature word, and that no two feature rules give one feature of
 * an interface two values ("[interface cali*] gro off" and "[interface
 * cali1] gro on"; the underlay rules are compared once it is detected).
 * -EINVAL with a message naming the problem (both rules, by file:line).
 * Policy files are checked for such conflicts when they are loaded. */
int vxt_policy_check(struct vxt_ctx *ctx, const struct vxt_policy *p);

enum vxt_policy_flags {
	/* Selectors that are plain interface names must name an existing
	 * interface (-ENODEV naming it) instead of waiting for it to appear:
	 * for one-off runs, where a typo should fail rather than do nothing. */
	VXT_POLICY_NAMES_EXIST = 1 << 9,
};

/* Apply: one plan for the whole policy first -- the underlay detected,
 * every selector resolved against the live interfaces, every device's
 * features read and the words of all rules that select it merged (rules
 * that contradict each other are refused, see vxt_policy_check), every
 * sysctl file resolved and checked for writability (read-only keys such
 * as ipv4 mc_forwarding, read-only /proc/sys, CAP_NET_ADMIN), every
 * feature change checked for CAP_NET_ADMIN.  If any of it cannot be done
 * the call fails (-EPERM, -EROFS, -EINVAL ...) and nothing has changed; a
 * dry run builds the same plan and fails the same way.  Then the plan is
 * executed: the features of all devices in one batch, then the sysctls.
 * When a write fails anyway (the kernel refuses a value, a SET), every
 * change already made is put back from the before-values the plan read:
 * those entries say VXT_STATUS_ROLLED_BACK, the write that failed says
 * VXT_STATUS_FAILED (and an undo that did not take is a failed entry with
 * via "rollback"); the call still returns 0 with that report.  A device
 * that vanishes meanwhile is "gone", not a failure (nothing is rolled back
 * for it).  An underlay that cannot be found is a failed entry (object
 * "underlay") found while planning, not a failure of the writes: the rest
 * still applies.  Named interfaces that do not exist are skipped (a
 * policy may name devices a CNI creates later) unless
 * VXT_POLICY_NAMES_EXIST is given.  flags: VXT_DRY_RUN,
 * VXT_POLICY_NAMES_EXIST. */
int vxt_policy_apply(struct vxt_ctx *ctx, const struct vxt_policy *p, unsigned int flags,
                     struct vxt_report **report);

/* Take a snapshot: the current state of everything the policy touches, as
 * JSON text (malloc'd; free() it).  Restore puts a snapshot back (validated
 * first; nothing changes if it is malformed), with a report; interfaces
 * that no longer exist are "gone".  flags: VXT_DRY_RUN. */
int vxt_snapshot_take(struct vxt_ctx *ctx, const struct vxt_policy *p, char **json);
int vxt_snapshot_restore(struct vxt_ctx *ctx, const char *json, unsigned int flags,
                         struct vxt_report **report);

/* The watcher: subscribes to link notifications (RTNLGRP_LINK) and applies
 * the policy to every selected interface that appears, is renamed into a
 * selector, is re-created or changes; new interfaces (and new names: a
 * rename is a new device to the policy) also get the policy's sysctls.
 * When the policy has underlay rules it also follows route and address
 * notifications (RTNLGRP_IPV4_ROUTE, IPV6_ROUTE; IPV4_IFADDR, IPV6_IFADDR
 * unless the method is default-route, where only default routes of the
 * main table count), re-detects the underlay and applies the underlay
 * rules to a new one.  No polling.  On overrun (ENOBUFS) it re-applies
 * everything.
 * Never in a loop: a device whose re-applies change something more than 4
 * times within a second (another program sets it back) backs off: it is
 * re-applied after 1 s, then 2, 4 ... up to every 60 s, until no event
 * came for it since its last apply for that delay (5 s at most); entering
 * and leaving back-off is logged once
 * (LOG_WARNING).  Drive it from your own poll loop with vxt_watch_fd() +
 * vxt_watch_dispatch(), waking up after vxt_watch_timeout() ms at the
 * latest, or block in vxt_watch_run().  The watcher does not apply
 * anything until called: call vxt_watch_resync() first to apply the whole
 * policy. */
struct vxt_watch;
int vxt_watch_new(struct vxt_ctx *ctx, struct vxt_policy *p, unsigned int flags,
                  struct vxt_watch **out);
struct vxt_watch *vxt_watch_ref(struct vxt_watch *w);
struct vxt_watch *vxt_watch_unref(struct vxt_watch *w);
/* The socket to poll for POLLIN. */
int vxt_watch_fd(const struct vxt_watch *w);
/* Apply the whole policy now (start-up, SIGHUP, overrun). */
int vxt_watch_resync(struct vxt_watch *w, struct vxt_report **report);
/* Handle every queued notification without blocking.  Returns the number
 * of interfaces handled (>= 0) with their report, or -errno. */
int vxt_watch_dispatch(struct vxt_watch *w, struct vxt_report **report);
/* Wait up to timeout_ms (-1: forever) for notifications and handle them:
 * 1 and a report when something was handled, 0 (report NULL) on timeout or
 * signal, -errno on failure. */
int vxt_watch_run(struct vxt_watch *w, int timeout_ms, struct vxt_report **report);
unsigned long vxt_watch_resyncs(const struct vxt_watch *w);
unsigned long vxt_watch_events(const struct vxt_watch *w);
/* The underlay the watcher currently applies to ("" if none). */
const char *vxt_watch_underlay(const struct vxt_watch *w);
/* Milliseconds until a backed-off device is due or may settle (call
 * vxt_watch_dispatch() then, even without an event), -1 if none. */
int vxt_watch_timeout(const struct vxt_watch *w);
/* Devices backing off now: count, name, current delay, and since when
 * (seconds since the epoch).  Out of range: NULL / 0 / -1. */
unsigned int vxt_watch_backoff_count(const struct vxt_watch *w);
const char *vxt_watch_backoff_ifname(const struct vxt_watch *w, unsigned int i);
unsigned int vxt_watch_backoff_delay_ms(const struct vxt_watch *w, unsigned int i);
long long vxt_watch_backoff_since(const struct vxt_watch *w, unsigned int i);
/* The watcher's state as JSON (malloc'd; free() it) for other processes:
 * {"format": "vxlantune-watch-state", "version": 1, "updated": T,
 *  "underlay": NAME, "events": N, "resyncs": N,
 *  "backoff": [{"interface": NAME, "delay_ms": N, "since": T}]}
 * (T: seconds since the epoch).  vxlantune watch writes it to a file that
 * vxt_check_opts_set_watch_state() takes.  0, -EINVAL, -ENOMEM. */
int vxt_watch_state_json(const struct vxt_watch *w, char **json);

/* ===================================================================== */
/* Health checks                                                         */
/* ===================================================================== */

/* ---- Active probes ---------------------------------------------------
 * One probe sends one request to a peer and waits for the answer until a
 * deadline (CLOCK_MONOTONIC; never longer than timeout_ms, whatever the
 * kernel or the peer do).  Peers are numeric IPv4 or IPv6 addresses
 * ("203.0.113.66", "2001:db8::2", "fe80::1%eth0"); no name is ever looked
 * up.  A probe that ran returns 0 and a result, whatever its outcome; a
 * negative errno means the call itself was wrong (-EINVAL: bad address,
 * port, size or timeout; -ENOMEM). */

enum vxt_probe_kind {
	VXT_PROBE_ICMP = 0,  /* ICMP/ICMPv6 echo */
	VXT_PROBE_TCP = 1,   /* TCP connect (handshake only) */
	VXT_PROBE_UDP = 2,   /* UDP datagram that the peer echoes back */
	VXT_PROBE_DNS = 3,   /* DNS query (A record) over UDP */
	VXT_PROBE_LARGE = 4, /* ICMP echo of a given IP packet size, DF set */
	/* Against a vxlantune responder (doc/responder.md): */
	VXT_PROBE_BULK_OUT = 5, /* one TCP flow of N bytes to the peer */
	VXT_PROBE_BULK_IN = 6,  /* one TCP flow of N bytes from the peer */
	VXT_PROBE_UDP_OUT = 7,  /* UDP with a checksum there, none back: tests
	                         * only the way to the peer */
	VXT_PROBE_UDP_IN = 8,   /* UDP without a checksum there, one back */
};

enum vxt_probe_outcome {
	VXT_PROBE_OK = 0,          /* answered */
	VXT_PROBE_TIMEOUT = 1,     /* no answer before the deadline */
	VXT_PROBE_REFUSED = 2,     /* TCP reset / ICMP port unreachable */
	VXT_PROBE_UNREACHABLE = 3, /* no route, or an ICMP unreachable came back */
	VXT_PROBE_TOO_BIG = 4,     /* larger than the local MTU, or "fragmentation
	                            * needed" / "packet too big" came back */
	VXT_PROBE_ERROR = 5,       /* could not probe (vxt_probe_errno() says why,
	                            * e.g. EPERM: no CAP_NET_RAW and no ping socket) */
	VXT_PROBE_STALLED = 6,     /* bulk: connected, then no progress for the
	                            * timeout (vxt_probe_bytes(): how far it got) */
};

struct vxt_probe; /* the result of one probe */

/* ICMP echo: an unprivileged ping socket (net.ipv4.ping_group_range), else
 * a raw socket (CAP_NET_RAW). */
int vxt_probe_icmp(struct vxt_ctx *ctx, const char *peer, int timeout_ms,
                   struct vxt_probe **out);
/* TCP connect to port; closed again at once.  RTT = the handshake. */
int vxt_probe_tcp(struct vxt_ctx *ctx, const char *peer, unsigned int port,
                  int timeout_ms, struct vxt_probe **out);
/* UDP: send a token to port and wait for the same bytes to come back. */
int vxt_probe_udp(struct vxt_ctx *ctx, const char *peer, unsigned int port,
                  int timeout_ms, struct vxt_probe **out);
/* DNS: ask server (port 0 = 53) for the A record of name.  Any well-formed
 * answer to our query is OK, NXDOMAIN included: the probe tests the path,
 * not the zone; vxt_probe_rcode() gives the DNS response code. */
int vxt_probe_dns(struct vxt_ctx *ctx, const char *server, unsigned int port,
                  const char *name, int timeout_ms, struct vxt_probe **out);
/* Large: an ICMP echo whose IP packet is exactly size bytes (header
 * included, so size = the MTU to test: 1450 for a VXLAN over a 1500
 * underlay), sent with DF set regardless of any cached path MTU. */
int vxt_probe_large(struct vxt_ctx *ctx, const char *peer, unsigned int size,
                    int timeout_ms, struct vxt_probe **out);

/* Against a vxlantune responder on port (0: VXT_RESPONDER_PORT): */
/* One TCP flow of bytes (1..VXT_RESPONDER_MAX_BULK) to (out) or from the
 * peer; the timeout is the longest time without progress after the
 * handshake (a stall), the whole transfer at most 3 times as long. */
int vxt_probe_bulk(struct vxt_ctx *ctx, const char *peer, unsigned int port, bool out,
                   unsigned int bytes, int timeout_ms, struct vxt_probe **out_probe);
/* One-way UDP tests (VXT_PROBE_UDP_OUT when out, else VXT_PROBE_UDP_IN). */
int vxt_probe_udp_oneway(struct vxt_ctx *ctx, const char *peer, unsigned int port, bool out,
                         int timeout_ms, struct vxt_probe **out_probe);

struct vxt_probe *vxt_probe_ref(struct vxt_probe *p);
struct vxt_probe *vxt_probe_unref(struct vxt_probe *p);
int vxt_probe_kind(const struct vxt_probe *p);      /* enum vxt_probe_kind */
int vxt_probe_outcome(const struct vxt_probe *p);   /* enum vxt_probe_outcome */
bool vxt_probe_ok(const struct vxt_probe *p);
/* Positive errno behind a failed outcome (ETIMEDOUT, ECONNREFUSED,
 * EHOSTUNREACH, ENETUNREACH, EMSGSIZE, EPERM ...); 0 when OK. */
int vxt_probe_errno(const struct vxt_probe *p);
/* Round-trip time in microseconds, -1 when there was no answer. */
long long vxt_probe_rtt_us(const struct vxt_probe *p);
/* The peer as given, normalised ("2001:db8::2"). */
const char *vxt_probe_peer(const struct vxt_probe *p);
unsigned int vxt_probe_port(const struct vxt_probe *p); /* 0 for ICMP */
/* Bytes sent: the IP packet size for ICMP probes, the payload for UDP/DNS. */
unsigned int vxt_probe_size(const struct vxt_probe *p);
/* How it was sent: "ping-socket", "raw", "tcp", "udp". */
const char *vxt_probe_method(const struct vxt_probe *p);
/* DNS response code (0 NOERROR, 3 NXDOMAIN ...); -1 if not DNS or no answer. */
int vxt_probe_rcode(const struct vxt_probe *p);
/* For VXT_PROBE_TOO_BIG: the MTU the kernel or a router reported, else 0. */
unsigned int vxt_probe_mtu(const struct vxt_probe *p);
/* The address that sent an ICMP error (a router on the way), or "". */
const char *vxt_probe_reporter(const struct vxt_probe *p);
/* One sentence: "tcp 203.0.113.66:8080: timeout after 300 ms". */
const char *vxt_probe_detail(const struct vxt_probe *p);
/* Bulk probes: bytes that got across (acknowledged by the peer when
 * sending, received when receiving). */
unsigned long long vxt_probe_bytes(const struct vxt_probe *p);
/* "icmp", "tcp", "udp", "dns", "large", "bulk-out", "bulk-in", "udp-out",
 * "udp-in"; "unknown" otherwise. */
const char *vxt_probe_kind_name(int kind);
/* "ok", "timeout", "refused", "unreachable", "too-big", "error",
 * "stalled"; "unknown". */
const char *vxt_probe_outcome_name(int outcome);

/* ---- The health check ------------------------------------------------
 * vxt_check_run() looks at the local state (VXLAN devices, underlay, MTU,
 * offloads and sysctls against a policy, ip_forward), reads the kernel's
 * drop counters, runs the active probes to each peer, reads the counters
 * again, and states a verdict with its evidence.  Everything it looks at
 * belongs to the context's network namespace (the counters come from
 * /proc/self/net/snmp and /proc/self/net/netstat).
 *
 * Findings: one per check and object, passed ones included (severity
 * VXT_SEVERITY_OK), so that monitoring sees a check go back to OK.  Codes
 * are stable (documented in vxlantune(8)); new codes may be added:
 *   vxlan-present     a VXLAN device exists (error: none / a named one missing)
 *   vxlan-up          admin up and operationally up/unknown (error)
 *   underlay-detected the underlay method found an interface (warning)
 *   underlay-up       underlay admin up with carrier (error)
 *   vxlan-mtu         VXLAN MTU <= underlay MTU - 50 (IPv4) / - 70 (IPv6) (error)
 *   vxlan-local       the VXLAN local address is on the underlay (warning;
 *                     error when no interface holds it)
 *   vxlan-parent      the VXLAN parent (dev) is the underlay (warning)
 *   offloads          features as the policy wants (warning)
 *   rp-filter         effective rp_filter as the policy wants (warning);
 *                     without a policy: strict rp_filter on a VXLAN device
 *                     while a peer is routed elsewhere (error)
 *   sysctl            other sysctls as the policy wants (warning)
 *   ip-forward        net.ipv4.ip_forward = 1 (error)
 *   offload-state     checksum/segmentation offloads of the VXLAN devices
 *                     and the underlay, as evidence (info)
 *   udp-csum-errors   Udp InCsumErrors did not rise during the check (error)
 *   tcp-csum-errors   Tcp InCsumErrors did not rise during the check (error)
 *   udp-rcvbuf-errors Udp RcvbufErrors did not rise (warning)
 *   rp-filter-drops   TcpExt IPReversePathFilter did not rise (error)
 *   probe-error       a probe could not be sent at all (error)
 *   watch-backoff     with the watcher's state: the watcher re-applies
 *                     every device at once (warning per device it backs
 *                     off from: something keeps changing it back) */

enum vxt_severity {
	VXT_SEVERITY_OK = 0,
	VXT_SEVERITY_INFO = 1,
	VXT_SEVERITY_WARNING = 2,
	VXT_SEVERITY_ERROR = 3,
};
/* "ok", "info", "warning", "error"; "unknown" otherwise. */
const char *vxt_severity_name(int severity);

/* What the check does.  Defaults: the default VXLAN class (or the
 * policy's), no policy, the policy's underlay method or default-route, no
 * peers, 1000 ms per probe, the large probe sized to the VXLAN MTU. */
struct vxt_check_opts;
int vxt_check_opts_new(struct vxt_check_opts **out);
struct vxt_check_opts *vxt_check_opts_ref(struct vxt_check_opts *o);
struct vxt_check_opts *vxt_check_opts_unref(struct vxt_check_opts *o);
/* Compare offloads and sysctls with p (a reference is taken; NULL: no
 * policy, those findings are skipped). */
int vxt_check_opts_set_policy(struct vxt_check_opts *o, struct vxt_policy *p);
/* VXLAN devices to check (names, NULL-terminated; copied).  Named devices
 * must exist; the default class only needs one of its members. */
int vxt_check_opts_set_vxlan(struct vxt_check_opts *o, const char *const *names);
/* Underlay method as vxt_underlay_detect() takes it (copied, checked when
 * the check runs). */
int vxt_check_opts_set_underlay_method(struct vxt_check_opts *o, const char *method);
/* A peer to probe: a numeric address (copied; -EINVAL otherwise).  Each
 * peer gets an ICMP echo, a TCP connect (with a TCP port), a UDP echo (with
 * a UDP port) and a large ICMP echo. */
int vxt_check_opts_add_peer(struct vxt_check_opts *o, const char *peer);
int vxt_check_opts_set_tcp_port(struct vxt_check_opts *o, unsigned int port); /* 0: none */
int vxt_check_opts_set_udp_port(struct vxt_check_opts *o, unsigned int port); /* 0: none */
/* One DNS query to server (numeric address; port 0 = 53). */
int vxt_check_opts_set_dns(struct vxt_check_opts *o, const char *server, unsigned int port);
/* The same from one string as users write it: "SERVER", "SERVER:PORT"
 * (IPv4), "[SERVER]" or "[SERVER]:PORT" (IPv6), or a bare IPv6 address.
 * -EINVAL for anything else. */
int vxt_check_opts_set_dns_spec(struct vxt_check_opts *o, const char *spec);
/* Per probe, 1..600000 ms. */
int vxt_check_opts_set_timeout(struct vxt_check_opts *o, int timeout_ms);
/* The watcher's state (vxt_watch_state_json(), copied; NULL: none): every
 * device it backs off from becomes a watch-backoff warning, none an OK
 * finding. */
int vxt_check_opts_set_watch_state(struct vxt_check_opts *o, const char *json);
/* IP packet size of the large probe; 0: the VXLAN device's MTU. */
int vxt_check_opts_set_large_size(struct vxt_check_opts *o, unsigned int size);
/* With no TCP and no UDP port set, each peer is probed through its
 * vxlantune responder (doc/responder.md) on this port (default
 * VXT_RESPONDER_PORT; 0: no responder): TCP connect, UDP echo, each
 * direction alone, a bulk flow each way, plain TCP to its underlay, and its
 * counters before and after, which localize the fault. */
int vxt_check_opts_set_responder_port(struct vxt_check_opts *o, unsigned int port);
/* Bytes of each bulk flow (default 1 MiB, at most VXT_RESPONDER_MAX_BULK;
 * 0: no bulk probe). */
int vxt_check_opts_set_bulk_size(struct vxt_check_opts *o, unsigned int bytes);

/* The verdict, most specific first (see vxt_check_summary for the text). */
enum vxt_verdict {
	VXT_VERDICT_HEALTHY = 0,     /* probes pass (or none), no warning/error */
	VXT_VERDICT_WARNINGS = 1,    /* probes pass (or none), warnings only */
	VXT_VERDICT_LOCAL = 2,       /* probes pass (or none), error findings */
	VXT_VERDICT_DATA_PATH = 3,   /* ICMP passes, TCP/UDP fail */
	VXT_VERDICT_MTU = 4,         /* small probes pass, the large one fails */
	VXT_VERDICT_UNREACHABLE = 5, /* nothing passes */
	VXT_VERDICT_PARTIAL = 6,     /* some probes fail in another pattern */
	VXT_VERDICT_INCOMPLETE = 7,  /* nothing wrong seen, but probes could not run */
	VXT_VERDICT_SEGMENTATION = 8, /* small packets pass, a bulk flow stalls */
};
/* "healthy", "warnings", "local-errors", "overlay-data-path", "mtu",
 * "unreachable", "partial", "incomplete", "segmentation"; "unknown". */
const char *vxt_verdict_name(int verdict);

/* Run the check.  Returns 0 and *out whatever the node's state (a broken
 * node is a verdict, not an error); -EINVAL for bad options (malformed
 * underlay method or policy), -ENOMEM, or the -errno of a failed netlink
 * dump.  Takes about (number of probes) x timeout at worst. */
struct vxt_check;
int vxt_check_run(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check **out);
struct vxt_check *vxt_check_ref(struct vxt_check *c);
struct vxt_check *vxt_check_unref(struct vxt_check *c);

int vxt_check_verdict(const struct vxt_check *c); /* enum vxt_verdict */
/* As monitoring plugins exit: 0 OK (healthy), 1 WARNING (warnings), 3
 * UNKNOWN (incomplete: probes could not run), 2 CRITICAL (any other
 * verdict).  The CLI exits with it. */
int vxt_check_status(const struct vxt_check *c);
/* "OK", "WARNING", "CRITICAL", "UNKNOWN" (also for out-of-range values). */
const char *vxt_check_status_name(int status);
/* One sentence: "ICMP passes but TCP/UDP fail: the overlay data path drops
 * TCP/UDP: suspect checksum/segmentation offloads, rp_filter or MTU". */
const char *vxt_check_summary(const struct vxt_check *c);
/* The changes the verdict recommends, most useful first (none when there
 * is nothing to change).  Borrowed: valid while c lives. */
struct vxt_remedy;
unsigned int vxt_check_remedy_count(const struct vxt_check *c);
const struct vxt_remedy *vxt_check_remedy(const struct vxt_check *c, unsigned int i);
/* Evidence lines behind the verdict (probe results, counter deltas,
 * findings it rests on). */
unsigned int vxt_check_evidence_count(const struct vxt_check *c);
const char *vxt_check_evidence(const struct vxt_check *c, unsigned int i);
/* The underlay that was used ("" when none was found). */
const char *vxt_check_underlay(const struct vxt_check *c);
/* Wall time of the whole check, microseconds. */
long long vxt_check_duration_us(const struct vxt_check *c);

/* Findings, in check order.  Out of range: NULL / -1. */
unsigned int vxt_check_finding_count(const struct vxt_check *c);
const char *vxt_check_finding_code(const struct vxt_check *c, unsigned int i);
int vxt_check_finding_severity(const struct vxt_check *c, unsigned int i);
/* Interface, sysctl key, counter or peer the finding is about ("" if none). */
const char *vxt_check_finding_object(const struct vxt_check *c, unsigned int i);
const char *vxt_check_finding_message(const struct vxt_check *c, unsigned int i);
/* The changes that fix the finding (none when there is nothing to change
 * or the cause is not a setting).  Borrowed. */
unsigned int vxt_check_finding_remedy_count(const struct vxt_check *c, unsigned int i);
const struct vxt_remedy *vxt_check_finding_remedy(const struct vxt_check *c, unsigned int i,
                                                  unsigned int j);
/* Number of findings of at least this severity. */
unsigned int vxt_check_finding_count_severity(const struct vxt_check *c, int severity);

/* ---- Remedies: one change on one node, as data (the CLI renders them as
 * commands; a later apply step can make them).
 *   feature  device, key = ethtool feature name, value "on"/"off"
 *   sysctl   device = interface for a per-interface key (key "rp_filter"),
 *            "" for a full key (key "net.ipv4.ip_forward"); value
 *   link     device, key "mtu" (value the MTU) or "up" (value "1")
 *   policy   key "preset" or "config", value the preset name or file */
enum vxt_remedy_kind {
	VXT_REMEDY_FEATURE = 0,
	VXT_REMEDY_SYSCTL = 1,
	VXT_REMEDY_LINK = 2,
	VXT_REMEDY_POLICY = 3,
};
enum vxt_node {
	VXT_NODE_THIS = 0, /* the node the check runs on */
	VXT_NODE_PEER = 1, /* the peer's node (vxt_remedy_peer: its address) */
};
int vxt_remedy_node(const struct vxt_remedy *r);   /* enum vxt_node */
int vxt_remedy_kind(const struct vxt_remedy *r);   /* enum vxt_remedy_kind */
const char *vxt_remedy_peer(const struct vxt_remedy *r); /* "" for this node */
const char *vxt_remedy_device(const struct vxt_remedy *r);
const char *vxt_remedy_key(const struct vxt_remedy *r);
const char *vxt_remedy_value(const struct vxt_remedy *r);
/* "feature", "sysctl", "link", "policy"; "this", "peer"; "unknown". */
const char *vxt_remedy_kind_name(int kind);
const char *vxt_node_name(int node);

/* Probe results in the order sent (per peer: icmp, tcp, udp, large; then
 * dns).  Borrowed: valid while c lives. */
unsigned int vxt_check_probe_count(const struct vxt_check *c);
const struct vxt_probe *vxt_check_probe(const struct vxt_check *c, unsigned int i);

/* True for a probe sent to the peer's underlay address (plain, not
 * through the overlay). */
bool vxt_check_probe_underlay(const struct vxt_check *c, unsigned int i);

/* ---- Localization, per peer (in the order added) ---------------------
 * With a responder on the peer the check tests each direction alone and
 * reads both nodes' counters: a direction is ok, breaks checksums, stalls
 * bulk flows (segmentation offload) or fails without counter evidence.
 * The fault is on the transmit path of the node that sends the broken
 * direction: this node (this -> peer), the peer, both. */
enum vxt_path_state {
	VXT_PATH_UNKNOWN = 0,      /* not tested (no responder) */
	VXT_PATH_OK = 1,
	VXT_PATH_CHECKSUM = 2,     /* bad checksums counted by the receiver */
	VXT_PATH_SEGMENTATION = 3, /* small packets pass, a bulk flow stalls */
	VXT_PATH_FAILS = 4,        /* lost without a counter saying why */
};
enum vxt_fault {
	VXT_FAULT_UNKNOWN = 0, VXT_FAULT_NONE = 1, VXT_FAULT_THIS = 2, VXT_FAULT_PEER = 3,
	VXT_FAULT_BOTH = 4,
};
unsigned int vxt_check_peer_count(const struct vxt_check *c);
const char *vxt_check_peer_address(const struct vxt_check *c, unsigned int k);
/* A responder was probed / it answered (before and after the probes). */
bool vxt_check_peer_asked(const struct vxt_check *c, unsigned int k);
bool vxt_check_peer_responder(const struct vxt_check *c, unsigned int k);
/* The peer's counters, same indices and names as this node's; -1 when the
 * responder did not answer or lacks the counter. */
long long vxt_check_peer_counter_before(const struct vxt_check *c, unsigned int k, unsigned int i);
long long vxt_check_peer_counter_after(const struct vxt_check *c, unsigned int k, unsigned int i);
/* The underlay the peer's responder reported, or "". */
const char *vxt_check_peer_underlay(const struct vxt_check *c, unsigned int k);
int vxt_check_peer_out(const struct vxt_check *c, unsigned int k);  /* enum vxt_path_state */
int vxt_check_peer_in(const struct vxt_check *c, unsigned int k);   /* enum vxt_path_state */
int vxt_check_peer_fault(const struct vxt_check *c, unsigned int k); /* enum vxt_fault */
/* One paragraph: what is known and what is not. */
const char *vxt_check_peer_explanation(const struct vxt_check *c, unsigned int k);
/* "unknown", "ok", "checksum", "segmentation", "fails";
 * "unknown", "none", "this", "peer", "both". */
const char *vxt_path_state_name(int state);
const char *vxt_fault_name(int fault);

/* Kernel counters read before and after the probes: "Udp:InCsumErrors",
 * "Udp:RcvbufErrors", "Udp:InErrors", "TcpExt:IPReversePathFilter",
 * "Tcp:InCsumErrors", "Tcp:InErrs".
 * Values are -1 when the kernel does not have the counter. */
unsigned int vxt_check_counter_count(const struct vxt_check *c);
const char *vxt_check_counter_name(const struct vxt_check *c, unsigned int i);
long long vxt_check_counter_before(const struct vxt_check *c, unsigned int i);
long long vxt_check_counter_after(const struct vxt_check *c, unsigned int i);

/* ---- The responder --------------------------------------------------
 * The peer side of the check, one per node: answers the check's TCP, UDP
 * and bulk-transfer probes on the addresses it listens on (the node's
 * overlay address) and reports the node's checksum-error counters when
 * asked (protocol "VXT1": doc/responder.md).  Read-only: it changes nothing
 * on the node.  Bounded: at most 64 connections (4 per client address),
 * 50 requests/s per client address (burst 100), fixed buffers, idle
 * connections closed after 5 s; a malformed request is dropped and logged
 * once per client address (LOG_WARNING through the context's log).
 * Run it in a poll loop: poll vxt_responder_fd() for POLLIN with
 * vxt_responder_timeout_ms() as the timeout, then vxt_responder_dispatch(),
 * which never blocks. */
#define VXT_RESPONDER_PORT 9475              /* TCP and UDP */
#define VXT_RESPONDER_MAX_BULK (16u << 20)    /* bytes of one bulk transfer */
struct vxt_responder;
/* port 0: VXT_RESPONDER_PORT.  Listens nowhere until vxt_responder_listen. */
int vxt_responder_new(struct vxt_ctx *ctx, unsigned int port, struct vxt_responder **out);
struct vxt_responder *vxt_responder_ref(struct vxt_responder *r);
struct vxt_responder *vxt_responder_unref(struct vxt_responder *r);
/* Listen on a numeric address (TCP and UDP on the responder's port).  The
 * address need not exist yet (the CNI may add it later).  -EINVAL for a
 * malformed address, -EADDRINUSE, -E2BIG after 16 addresses. */
int vxt_responder_listen(struct vxt_responder *r, const char *addr);
/* This node's underlay interface and address, reported with the counters
 * (a remedy for the peer names its device; the prober tests plain
 * underlay traffic to the address); "" or NULL: not reported. */
int vxt_responder_set_underlay(struct vxt_responder *r, const char *ifname, const char *address);
int vxt_responder_fd(const struct vxt_responder *r);
unsigned int vxt_responder_port(const struct vxt_responder *r);
/* Milliseconds until an idle connection must be closed, -1 if none. */
int vxt_responder_timeout_ms(const struct vxt_responder *r);
/* Handle what is ready (never blocks).  0, or -errno if epoll failed. */
int vxt_responder_dispatch(struct vxt_responder *r);
/* Requests answered, malformed ones dropped, requests over a limit. */
unsigned long vxt_responder_answered(const struct vxt_responder *r);
unsigned long vxt_responder_dropped(const struct vxt_responder *r);
unsigned long vxt_responder_limited(const struct vxt_responder *r);

/* The result in the Prometheus text exposition format (node_exporter's
 * textfile collector): vxlantune_check_status{check,object} (0 ok/info,
 * 1 warning, 2 error), vxlantune_check_verdict{verdict} (the status, 0..2),
 * vxlantune_probe_success{peer,probe,port}, vxlantune_probe_rtt_seconds
 * {...} (only for answered probes), vxlantune_udp_in_csum_errors_total,
 * vxlantune_udp_rcvbuf_errors_total, vxlantune_check_duration_seconds,
 * vxlantune_check_timestamp_seconds.  *text is malloc'd: free() it. */
int vxt_check_prometheus(const struct vxt_check *c, char **text);

/* ---- Diagnose: the smallest change that makes every probe pass -------
 * Candidates are named changes, tried cheapest first (data-path cost
 * measured by bench/bench_datapath.sh in the veth lab; README):
 *   rx-csum           rx off on the VXLAN devices and the underlay
 *   gro-lro           gro lro off on both
 *   underlay-tnl-gso  tx-udp_tnl-segmentation, tx-udp_tnl-csum-segmentation
 *                     off on the underlay
 *   underlay-tx-csum  tx off (every tx-checksum-*) on the underlay
 *   tso-gso           tso gso off on the VXLAN devices and the underlay
 *   vxlan-tx-csum     tx-checksum-ip-generic off on the VXLAN devices
 *   rp-filter-loose   rp_filter = 2 on the VXLAN devices and all (only
 *                     offered when one of them is strict, 1)
 * A family ("csum", "gso", "rx", "rpf") groups the candidates that repair
 * the same fault: evidence for one is evidence for its family.  Indices
 * and names are stable within a release. */
unsigned int vxt_candidate_count(void);
const char *vxt_candidate_name(unsigned int i);        /* NULL out of range */
const char *vxt_candidate_description(unsigned int i); /* one line */
const char *vxt_candidate_family(unsigned int i);
/* What a candidate changes: ethtool -K words for the underlay and for the
 * VXLAN devices ("tx off", "gro off lro off"), the rp_filter value for the
 * VXLAN devices and all; NULL where it changes nothing. */
const char *vxt_candidate_underlay_words(unsigned int i);
const char *vxt_candidate_vxlan_words(unsigned int i);
const char *vxt_candidate_rp_filter(unsigned int i);
/* Index of a name, -ENOENT if none. */
int vxt_candidate_find(const char *name);
/* The candidate a check's remedy points at, or -ENOENT.  underlay: the
 * name of the underlay on the remedy's node (vxt_check_underlay or
 * vxt_check_peer_underlay), to tell a VXLAN device from the underlay. */
int vxt_candidate_for_remedy(const struct vxt_remedy *r, const char *underlay);
/* The same from a remedy's fields (enum vxt_remedy_kind, device, key). */
int vxt_candidate_for(int kind, const char *device, const char *key, const char *underlay);
/* The candidates a check's remedies point at for one node (VXT_NODE_THIS,
 * or VXT_NODE_PEER with the peer's address; NULL: every peer), widened to
 * their families: bit i set for candidate i. */
unsigned int vxt_check_candidates(const struct vxt_check *c, int node, const char *peer);
/* The policy-file text that makes a set of candidates (NULL-terminated
 * names; empty: a policy that changes nothing), for the VXLAN devices and
 * underlay method given (NULL: the defaults).  *text is malloc'd.  The
 * same text is what diagnose writes with --write-policy. */
int vxt_candidate_policy_text(const char *const *names, const char *const *vxlan,
                              const char *underlay_method, char **text);

/* vxt_diagnose_run(): snapshot everything any candidate touches; probe
 * (vxt_check_run with the options given: peers, their responders,
 * timeout); when healthy, change nothing.  Otherwise try the candidates
 * the check's remedies for this node point at (and their families,
 * cheapest first), then all candidates at
 * once (when even that fails, no local change suffices: the node is
 * restored), then each alone in cost order, then the smallest combination
 * (delta debugging, ddmin).  Before each trial the node is put back to the
 * snapshot; at the end only the chosen set remains applied.  Each trial
 * takes one check (at most about (probes) x timeout).  On an error or
 * vxt_diagnose_cancel() the node is restored before it returns. */
enum vxt_diagnose_outcome {
	VXT_DIAGNOSE_HEALTHY = 0,  /* healthy as found: nothing changed */
	VXT_DIAGNOSE_FIXED = 1,    /* the chosen set is applied, probes pass */
	VXT_DIAGNOSE_NO_FIX = 2,   /* no local change suffices: restored */
	VXT_DIAGNOSE_PLANNED = 3,  /* dry run: the plan only, nothing changed */
	VXT_DIAGNOSE_CANCELLED = 4, /* cancelled: restored */
	VXT_DIAGNOSE_FAILED = 5,   /* an error: restored (as far as it could) */
};
/* "healthy", "fixed", "no-local-fix", "planned", "cancelled", "failed". */
const char *vxt_diagnose_outcome_name(int outcome);

struct vxt_diagnose;
int vxt_diagnose_new(struct vxt_ctx *ctx, struct vxt_diagnose **out);
struct vxt_diagnose *vxt_diagnose_ref(struct vxt_diagnose *d);
struct vxt_diagnose *vxt_diagnose_unref(struct vxt_diagnose *d);
/* flags: VXT_DRY_RUN (probe once and plan; change nothing).  0 when the
 * search ran (whatever its outcome), -ECANCELED, or the -errno of a failed
 * snapshot/apply/restore (outcome "failed"). */
int vxt_diagnose_run(struct vxt_diagnose *d, const struct vxt_check_opts *probe, unsigned int flags);
/* Ask a running vxt_diagnose_run() to stop: it restores the node and
 * returns -ECANCELED after the current probe.  Async-signal-safe. */
void vxt_diagnose_cancel(struct vxt_diagnose *d);

int vxt_diagnose_outcome(const struct vxt_diagnose *d);
/* One sentence for a person (what was found, what is left). */
const char *vxt_diagnose_summary(const struct vxt_diagnose *d);
/* The snapshot taken first (JSON, as vxt_snapshot_take), or NULL. */
const char *vxt_diagnose_snapshot(const struct vxt_diagnose *d);
/* The candidates in the order planned (evidence first). */
unsigned int vxt_diagnose_plan_count(const struct vxt_diagnose *d);
const char *vxt_diagnose_plan(const struct vxt_diagnose *d, unsigned int i);
/* The probe before any change (borrowed; NULL before run). */
const struct vxt_check *vxt_diagnose_baseline(const struct vxt_diagnose *d);
/* Trials in the order run: the set (names joined by "+", "" for none),
 * whether every probe passed, the check (borrowed), wall time. */
unsigned int vxt_diagnose_trial_count(const struct vxt_diagnose *d);
const char *vxt_diagnose_trial_set(const struct vxt_diagnose *d, unsigned int t);
bool vxt_diagnose_trial_passed(const struct vxt_diagnose *d, unsigned int t);
const struct vxt_check *vxt_diagnose_trial_check(const struct vxt_diagnose *d, unsigned int t);
long long vxt_diagnose_trial_duration_us(const struct vxt_diagnose *d, unsigned int t);
/* The chosen set (outcome fixed), in cost order. */
unsigned int vxt_diagnose_fix_count(const struct vxt_diagnose *d);
const char *vxt_diagnose_fix(const struct vxt_diagnose *d, unsigned int i);
/* The chosen set as a policy file (malloc'd; "" sets for none). */
int vxt_diagnose_policy_text(const struct vxt_diagnose *d, char **text);
/* Wall time of the whole run, microseconds. */
long long vxt_diagnose_duration_us(const struct vxt_diagnose *d);
/* Whether every probe of a check passed (the criterion of a trial). */
bool vxt_check_probes_pass(const struct vxt_check *c);

#ifdef __cplusplus
}
#endif
#endif /* VXLANTUNE_H */
