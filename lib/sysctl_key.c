/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a sysctl request means: key grammar, value checks, the kernel's
 * rules for effective values, IPv4 devconf indices, and interface
 * selectors (all, default, names, fnmatch globs over the live list).
 * Files are only looked at to tell whether a key exists and to list the
 * interfaces. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/ip.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"

/* IPv4 conf keys: the kernel's sysctl name (devinet.c) of each
 * IPV4_DEVCONF_* index of linux/ip.h, matched by name, not by position:
 * a kernel with more keys than this header only has keys that cannot be
 * written over rtnetlink (their files still work), and a key the running
 * kernel lacks is refused when its file is not there.  Also how the kernel
 * combines all and the interface (inetdevice.h: IN_DEV_MAXCONF,
 * IN_DEV_ORCONF), and integer ranges the kernel does not enforce itself
 * (devinet_conf_proc takes any int for rp_filter) but that mean nothing
 * outside them (min > max: no range). */
#define NR 1, 0
static const struct {
	const char *name;
	int devconf, rule;
	long min, max;
} ipv4_keys[] = {
	{"forwarding", IPV4_DEVCONF_FORWARDING, VXT_EFF_OWN, 0, 1},
	{"mc_forwarding", IPV4_DEVCONF_MC_FORWARDING, VXT_EFF_OWN, NR},
	{"proxy_arp", IPV4_DEVCONF_PROXY_ARP, VXT_EFF_OR, 0, 1},
	{"accept_redirects", IPV4_DEVCONF_ACCEPT_REDIRECTS, VXT_EFF_OWN, 0, 1},
	{"secure_redirects", IPV4_DEVCONF_SECURE_REDIRECTS, VXT_EFF_OWN, NR},
	{"send_redirects", IPV4_DEVCONF_SEND_REDIRECTS, VXT_EFF_OWN, 0, 1},
	{"shared_media", IPV4_DEVCONF_SHARED_MEDIA, VXT_EFF_OWN, NR},
	{"rp_filter", IPV4_DEVCONF_RP_FILTER, VXT_EFF_MAX, 0, 2},
	{"accept_source_route", IPV4_DEVCONF_ACCEPT_SOURCE_ROUTE, VXT_EFF_OWN, NR},
	{"bootp_relay", IPV4_DEVCONF_BOOTP_RELAY, VXT_EFF_OWN, NR},
	{"log_martians", IPV4_DEVCONF_LOG_MARTIANS, VXT_EFF_OR, 0, 1},
	{"tag", IPV4_DEVCONF_TAG, VXT_EFF_OWN, NR},
	{"arp_filter", IPV4_DEVCONF_ARPFILTER, VXT_EFF_OWN, NR},
	{"medium_id", IPV4_DEVCONF_MEDIUM_ID, VXT_EFF_OWN, NR},
	{"disable_xfrm", IPV4_DEVCONF_NOXFRM, VXT_EFF_OWN, NR},
	{"disable_policy", IPV4_DEVCONF_NOPOLICY, VXT_EFF_OWN, NR},
	{"force_igmp_version", IPV4_DEVCONF_FORCE_IGMP_VERSION, VXT_EFF_OWN, NR},
	{"arp_announce", IPV4_DEVCONF_ARP_ANNOUNCE, VXT_EFF_MAX, 0, 2},
	{"arp_ignore", IPV4_DEVCONF_ARP_IGNORE, VXT_EFF_MAX, 0, 8},
	{"promote_secondaries", IPV4_DEVCONF_PROMOTE_SECONDARIES, VXT_EFF_OWN, NR},
	{"arp_accept", IPV4_DEVCONF_ARP_ACCEPT, VXT_EFF_OWN, NR},
	{"arp_notify", IPV4_DEVCONF_ARP_NOTIFY, VXT_EFF_OWN, NR},
	{"accept_local", IPV4_DEVCONF_ACCEPT_LOCAL, VXT_EFF_OR, 0, 1},
	{"src_valid_mark", IPV4_DEVCONF_SRC_VMARK, VXT_EFF_OWN, 0, 1},
	{"proxy_arp_pvlan", IPV4_DEVCONF_PROXY_ARP_PVLAN, VXT_EFF_OWN, NR},
	{"route_localnet", IPV4_DEVCONF_ROUTE_LOCALNET, VXT_EFF_OR, 0, 1},
	{"igmpv2_unsolicited_report_interval", IPV4_DEVCONF_IGMPV2_UNSOLICITED_REPORT_INTERVAL,
	 VXT_EFF_OWN, NR},
	{"igmpv3_unsolicited_report_interval", IPV4_DEVCONF_IGMPV3_UNSOLICITED_REPORT_INTERVAL,
	 VXT_EFF_OWN, NR},
	{"ignore_routes_with_linkdown", IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN, VXT_EFF_OWN, NR},
	{"drop_unicast_in_l2_multicast", IPV4_DEVCONF_DROP_UNICAST_IN_L2_MULTICAST, VXT_EFF_OWN, NR},
	{"drop_gratuitous_arp", IPV4_DEVCONF_DROP_GRATUITOUS_ARP, VXT_EFF_OWN, NR},
	{"bc_forwarding", IPV4_DEVCONF_BC_FORWARDING, VXT_EFF_OWN, NR},
};

/* Ranges of other keys: IPv6 conf keys by name, plain keys by path. */
static const struct {
	const char *key;
	long min, max;
} other_ranges[] = {
	{"ipv6.disable_ipv6", 0, 1}, {"ipv6.forwarding", 0, 1}, {"ipv6.accept_ra", 0, 2},
	{"net/ipv4/ip_forward", 0, 1},
};

static int ipv4_key(const struct vxt_sysctl_key *k)
{
	for (size_t i = 0; k->kind == VXT_SK_CONF && !strcmp(k->family, "ipv4") &&
	                   i < VXT_ARRAY_SIZE(ipv4_keys); i++)
		if (!strcmp(ipv4_keys[i].name, k->name))
			return (int)i;
	return -1;
}

int vxt_devconf_index(const char *name)
{
	struct vxt_sysctl_key k = {.kind = VXT_SK_CONF, .family = "ipv4"};
	snprintf(k.name, sizeof(k.name), "%s", name);
	int i = ipv4_key(&k);
	return i < 0 ? -1 : ipv4_keys[i].devconf;
}

int vxt_sysctl_key_rule(const struct vxt_sysctl_key *k)
{
	int i = ipv4_key(k);
	return i < 0 ? VXT_EFF_OWN : ipv4_keys[i].rule;
}

static bool seg_ok(const char *s, size_t n)
{
	return n && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") >= n;
}

static int bad_key(struct vxt_ctx *ctx, const char *key, const char *why)
{
	return vxt_fail(ctx, EINVAL,
	                "invalid sysctl key '%s': %s (keys are [a-z0-9_] segments "
	                "like net.ipv4.ip_forward or net/ipv4/conf/vxlan.calico/rp_filter, "
	                "or a conf key like rp_filter with --iface)", key, why);
}

/* A conf key: family, interface selector sel[0..sellen) (sel NULL for a
 * short key), name. */
static int set_conf(struct vxt_ctx *ctx, const char *key, struct vxt_sysctl_key *k,
                    const char *family, const char *sel, size_t sellen, const char *name)
{
	if (!seg_ok(name, strlen(name)) || strlen(name) >= sizeof(k->name))
		return bad_key(ctx, key, "the conf key must be one [a-z0-9_] segment");
	k->kind = VXT_SK_CONF;
	strcpy(k->family, family);
	strcpy(k->name, name);
	snprintf(k->shortname, sizeof(k->shortname), "%s%s%s", strcmp(family, "ipv4") ? family : "",
	         strcmp(family, "ipv4") ? "." : "", name);
	if (!sel)
		return 0;
	memcpy(k->sel, sel, sellen);
	return vxt_sel_check(ctx, k->sel);
}

/* A plain key: segments separated by sep, each [a-z0-9_]+. */
static int set_plain(struct vxt_ctx *ctx, const char *key, struct vxt_sysctl_key *k, char sep,
                     unsigned int flags)
{
	size_t n = strlen(key), nseg = 0;
	if (n >= sizeof(k->path))
		return bad_key(ctx, key, "too long");
	for (const char *s = key, *e; s; s = e ? e + 1 : NULL, nseg++) {
		e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (!seg_ok(s, len))
			return bad_key(ctx, key, len ? "a segment has characters outside [a-z0-9_]"
			                             : "empty segment");
	}
	if (nseg < 2)
		return bad_key(ctx, key, "needs at least two segments");
	k->kind = VXT_SK_PLAIN;
	for (size_t i = 0; i <= n; i++) {
		k->path[i] = key[i] == sep ? '/' : key[i];
		k->shortname[i] = key[i] == sep ? '.' : key[i];
	}
	if (strncmp(k->path, "net/", 4) && !(flags & VXT_SYSCTL_ANY_KEY))
		return vxt_fail(ctx, EPERM, "sysctl key '%s' is outside net.*: refused (allow it "
		                "explicitly with --any-key / VXT_SYSCTL_ANY_KEY)", key);
	return 0;
}

int vxt_sysctl_key_parse(struct vxt_ctx *ctx, const char *key, unsigned int flags,
                         struct vxt_sysctl_key *k)
{
	memset(k, 0, sizeof(*k));
	if (!key || !*key)
		return bad_key(ctx, "", "empty");
	size_t n = strnlen(key, VXT_SK_INPUT_MAX + 1);
	if (n > VXT_SK_INPUT_MAX)
		return vxt_fail(ctx, EINVAL, "invalid sysctl key: longer than %d bytes",
		                VXT_SK_INPUT_MAX);
	/* Bytes >= 0x80 may be part of an interface name ("caliü"), which
	 * vxt_ifname_valid() judges; plain segments are [a-z0-9_] anyway. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] <= ' ' || key[i] == 0x7f)
			return bad_key(ctx, key, "contains whitespace or control characters");
	if (key[0] == '/')
		return bad_key(ctx, key, "give it relative to /proc/sys, without a leading '/'");
	char sep = strchr(key, '/') ? '/' : '.';
	for (const char *fam = "ipv4"; fam; fam = strcmp(fam, "ipv4") ? NULL : "ipv6") {
		char pre[32];
		snprintf(pre, sizeof(pre), "net%c%s%cconf%c", sep, fam, sep, sep);
		const char *rest = key + strlen(pre), *end;
		if (!strncmp(key, pre, strlen(pre))) {
			/* net/ipvN/conf/IF/KEY, or net.ipvN.conf.IF.KEY where the key
			 * is the last segment: IF may contain dots (vxlan.calico). */
			end = sep == '/' ? strchr(rest, '/') : strrchr(rest, '.');
			if (!end || end == rest || (sep == '/' && strchr(end + 1, '/')))
				return bad_key(ctx, key, sep == '/' ? "expected net/ipvN/conf/IFACE/KEY"
				               : "expected net.ipvN.conf.IFACE.KEY (or the short key "
				                 "with --iface)");
			return set_conf(ctx, key, k, fam, rest, (size_t)(end - rest), end + 1);
		}
		/* ipv4.KEY / ipv6.KEY: the short conf key of that family. */
		size_t fl = strlen(fam);
		if (sep == '.' && !strncmp(key, fam, fl) && key[fl] == '.' && !strchr(key + fl + 1, '.'))
			return set_conf(ctx, key, k, fam, NULL, 0, key + fl + 1);
	}
	if (strchr(key, sep))
		return set_plain(ctx, key, k, sep, flags);
	return set_conf(ctx, key, k, "ipv4", NULL, 0, key);
}

/* The key of "KEY = VALUE" (spaces around '=' allowed) into buf, and where
 * the value starts; -EINVAL if either is empty or the key too long. */
int vxt_sysctl_assignment(const char *assignment, char *buf, size_t len, const char **value)
{
	const char *eq = assignment ? strchr(assignment, '=') : NULL;
	if (!eq)
		return -EINVAL;
	const char *ks = assignment, *ke = eq, *vs = eq + 1;
	while (ks < ke && isspace((unsigned char)*ks))
		ks++;
	while (ke > ks && isspace((unsigned char)ke[-1]))
		ke--;
	while (isspace((unsigned char)*vs))
		vs++;
	size_t kl = (size_t)(ke - ks);
	if (!kl || kl >= len || !*vs)
		return -EINVAL;
	memcpy(buf, ks, kl);
	buf[kl] = '\0';
	*value = vs;
	return 0;
}

int vxt_sysctl_key_path(const struct vxt_sysctl_key *k, const char *obj, char *buf, size_t len)
{
	int n;
	if (k->kind == VXT_SK_PLAIN)
		n = snprintf(buf, len, "%s", k->path);
	else
		n = snprintf(buf, len, "net/%s/conf/%s/%s", k->family, obj, k->name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int vxt_sysctl_key_display(const struct vxt_sysctl_key *k, const char *obj, char *buf, size_t len)
{
	int n;
	if (k->kind == VXT_SK_PLAIN)
		n = snprintf(buf, len, "%s", k->shortname);
	else if (strchr(obj, '.'))
		/* sysctl(8) turns dots into slashes: keep the name whole. */
		n = snprintf(buf, len, "net/%s/conf/%s/%s", k->family, obj, k->name);
	else
		n = snprintf(buf, len, "net.%s.conf.%s.%s", k->family, obj, k->name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int vxt_sysctl_key_takes_ifaces(const char *key)
{
	char buf[VXT_SK_INPUT_MAX + 1];
	const char *value;
	if (key && strchr(key, '=') && vxt_sysctl_assignment(key, buf, sizeof(buf), &value) >= 0)
		key = buf;
	struct vxt_ctx scratch = {.log_priority = 0}; /* for a message nobody reads */
	struct vxt_sysctl_key k;
	int rc = vxt_sysctl_key_parse(&scratch, key, VXT_SYSCTL_ANY_KEY, &k);
	return rc < 0 ? rc : k.kind == VXT_SK_CONF && !k.sel[0];
}

/* Nearest entry of directory dir (under sysfd) to name, for "did you mean". */
static void suggest(int sysfd, const char *dir, const char *name, char *out, size_t len)
{
	int fd = openat(sysfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	unsigned int best = 3;
	for (struct dirent *e; d && (e = readdir(d));) {
		unsigned int dist = vxt_edit_distance(name, e->d_name, 2);
		if (dist < best && strlen(e->d_name) < len) {
			best = dist;
			strcpy(out, e->d_name);
		}
	}
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
}

int vxt_sysctl_key_exists(struct vxt_ctx *ctx, int sysfd, const struct vxt_sysctl_key *k)
{
	char path[VXT_SK_PATH_MAX], near[VXT_SK_NAME_MAX] = "";
	if (vxt_sysctl_key_path(k, "all", path, sizeof(path)) < 0)
		return vxt_fail(ctx, EINVAL, "sysctl key '%s' is too long", k->shortname);
	struct stat st;
	if (!fstatat(sysfd, path, &st, 0))
		return S_ISREG(st.st_mode) ? 0 : vxt_fail(ctx, ENOENT, "sysctl key '%s' is a "
		                                          "directory, not a value", k->shortname);
	if (errno != ENOENT && errno != ENOTDIR)
		return vxt_fail(ctx, errno, "cannot look up /proc/sys/%s: %s", path, strerror(errno));
	/* Suggest a neighbour from the directory that should hold it. */
	char *slash = strrchr(path, '/');
	*slash = '\0';
	suggest(sysfd, path, slash + 1, near, sizeof(near));
	*slash = '/';
	return vxt_fail(ctx, ENOENT, "unknown %s%s key '%s' (no /proc/sys/%s)%s%s%s",
	                k->kind == VXT_SK_CONF ? k->family : "sysctl",
	                k->kind == VXT_SK_CONF ? " conf" : "",
	                k->kind == VXT_SK_CONF ? k->name : k->shortname, path,
	                near[0] ? ": did you mean '" : "", near, near[0] ? "'?" : "");
}

void vxt_sysctl_value_norm(const char *in, char *out, size_t len)
{
	size_t o = 0;
	bool space = false;
	if (!len)
		return;
	for (const char *p = in; *p && o + 1 < len; p++) {
		if (isspace((unsigned char)*p)) {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < len)
			out[o++] = ' ';
		space = false;
		out[o++] = *p;
	}
	out[o] = '\0';
}

static bool parse_long(const char *s, long *v)
{
	if (!*s)
		return false;
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return !errno && *end == '\0';
}

bool vxt_sysctl_value_equal(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return true;
	long x, y;
	return parse_long(a, &x) && parse_long(b, &y) && x == y;
}

void vxt_sysctl_value_effective(int rule, const char *all, const char *own, char *out, size_t len)
{
	long a, o;
	if (rule == VXT_EFF_OWN) {
		snprintf(out, len, "%s", own);
		return;
	}
	if (!parse_long(all, &a) || !parse_long(own, &o)) {
		snprintf(out, len, "%s", "");
		return;
	}
	long v = rule == VXT_EFF_MAX ? (a > o ? a : o) : ((a || o) ? 1 : 0);
	snprintf(out, len, "%ld", v);
}

int vxt_sysctl_value_check(struct vxt_ctx *ctx, const struct vxt_sysctl_key *k, const char *what,
                     const char *value, char *norm, size_t len)
{
	if (!value)
		return vxt_fail(ctx, EINVAL, "%s: missing value", what);
	size_t n = strnlen(value, VXT_SK_INPUT_MAX + 1);
	if (n > VXT_SK_INPUT_MAX)
		return vxt_fail(ctx, EINVAL, "%s: value longer than %d bytes", what,
		                VXT_SK_INPUT_MAX);
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)value[i]) && value[i] != '\t')
			return vxt_fail(ctx, EINVAL, "%s: the value must be one line of "
			                "printable characters", what);
	vxt_sysctl_value_norm(value, norm, len);
	if (!norm[0])
		return vxt_fail(ctx, EINVAL, "%s: empty value", what);
	long min = 1, max = 0, v;
	int i = ipv4_key(k);
	if (i >= 0) {
		min = ipv4_keys[i].min;
		max = ipv4_keys[i].max;
	}
	for (size_t r = 0; i < 0 && r < VXT_ARRAY_SIZE(other_ranges); r++)
		if (!strcmp(other_ranges[r].key, k->kind == VXT_SK_CONF ? k->shortname : k->path)) {
			min = other_ranges[r].min;
			max = other_ranges[r].max;
		}
	if (min > max)
		return 0;
	if (!parse_long(norm, &v) || v < min || v > max)
		return vxt_fail(ctx, ERANGE, "%s: value '%s' out of range: %s takes an integer "
		                "from %ld to %ld", what, norm, k->shortname, min, max);
	snprintf(norm, len, "%ld", v); /* the canonical integer: "01" -> "1" */
	return 0;
}

/* ---- interface selection ------------------------------------------------ */

void vxt_iflist_free(struct vxt_iflist *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->ents[i]);
	free(l->ents);
	*l = (struct vxt_iflist){0};
}

/* Interfaces only: the kernel never creates a bad name, but no path is
 * built from anything we have not checked ourselves. */
static int is_iface_entry(const struct dirent *e)
{
	return strcmp(e->d_name, "all") && strcmp(e->d_name, "default") &&
	       vxt_ifname_valid(e->d_name) == 0;
}

int vxt_iflist_read(struct vxt_ctx *ctx, int sysfd, const char *family, struct vxt_iflist *l)
{
	char dir[32];
	snprintf(dir, sizeof(dir), "net/%s/conf", family);
	*l = (struct vxt_iflist){0};
	int n = scandirat(sysfd, dir, &l->ents, is_iface_entry, versionsort);
	if (n < 0) {
		int err = errno;
		return vxt_fail(ctx, err, "cannot list interfaces in /proc/sys/%s: %s%s", dir,
		                strerror(err), err == ENOENT ? " (is this family disabled?)" : "");
	}
	l->n = (unsigned int)n;
	return 0;
}

/* Whether l has name (binary search in its natural order). */
static bool has_name(const struct vxt_iflist *l, const char *name)
{
	for (unsigned int lo = 0, hi = l->n; lo < hi;) {
		unsigned int mid = (lo + hi) / 2;
		int c = strverscmp(name, l->ents[mid]->d_name);
		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

int vxt_sel_check(struct vxt_ctx *ctx, const char *sel)
{
	if (!sel || !*sel)
		return vxt_fail(ctx, EINVAL, "empty interface name");
	if (vxt_is_glob(sel)) {
		/* A glob is only ever matched against names, but one with '/'
		 * cannot match an interface: it is a mistake or an attack. */
		if (strnlen(sel, VXT_SK_INPUT_MAX + 1) > VXT_SK_INPUT_MAX || strchr(sel, '/'))
			return vxt_fail(ctx, EINVAL, "invalid interface glob '%s': interface "
			                "names never contain '/'", sel);
		return 0;
	}
	if (vxt_ifname_valid(sel) < 0)
		return vxt_fail(ctx, EINVAL,
		                "invalid interface name '%.64s': names are 1..15 bytes, "
		                "without '/', ':' or whitespace, and not '.' or '..'", sel);
	return 0;
}

void vxt_objs_free(struct vxt_objs *o)
{
	free(o->v);
	*o = (struct vxt_objs){0};
}

static void add_all_default(struct vxt_objs *o, bool all, bool dflt)
{
	if (all)
		o->v[o->n++] = "all";
	if (dflt)
		o->v[o->n++] = "default";
}

int vxt_sel_resolve(struct vxt_ctx *ctx, const char *const *sels, unsigned int nsels,
                    const struct vxt_iflist *l, bool need_exist, bool all_first,
                    struct vxt_objs *out)
{
	bool all = false, dflt = false;
	*out = (struct vxt_objs){0};
	for (unsigned int s = 0; s < nsels; s++) {
		const char *sel = sels[s];
		int rc = vxt_sel_check(ctx, sel);
		if (rc < 0)
			return rc;
		all |= !strcmp(sel, "all");
		dflt |= !strcmp(sel, "default");
		out->globbed |= vxt_is_glob(sel);
		if (need_exist && !vxt_is_glob(sel) && strcmp(sel, "all") && strcmp(sel, "default") &&
		    !has_name(l, sel))
			return vxt_sysctl_absent(ctx, sel); /* or IPv6 is off on it */
	}
	/* At most every interface, every selector and all and default. */
	if (!(out->v = calloc(l->n + nsels + 2, sizeof(*out->v))))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	if (all_first)
		add_all_default(out, all, dflt);
	/* Walk the sorted list once: each interface at most once, in order. */
	for (unsigned int i = 0; i < l->n; i++)
		for (unsigned int s = 0; s < nsels; s++)
			if (vxt_is_glob(sels[s]) ? !fnmatch(sels[s], l->ents[i]->d_name, 0)
			                             : !strcmp(sels[s], l->ents[i]->d_name)) {
				out->v[out->n++] = l->ents[i]->d_name;
				break;
			}
	/* Named but absent (render only): as given, once each. */
	for (unsigned int s = 0; !need_exist && s < nsels; s++) {
		const char *sel = sels[s];
		bool skip = vxt_is_glob(sel) || !strcmp(sel, "all") || !strcmp(sel, "default") ||
		            has_name(l, sel);
		for (unsigned int t = 0; t < s && !skip; t++)
			skip = !strcmp(sels[t], sel);
		if (!skip)
			out->v[out->n++] = sel;
	}
	if (!all_first)
		add_all_default(out, all, dflt);
	return 0;
}

/* Why a named interface has no /proc/sys/net/ipvN/conf entry.  The kernel
 * removes an interface's IPv6 state (net/ipv6/conf/IF included) when its
 * MTU drops below 1280, IPv6's minimum: "no interface 'cali7'" would send
 * the reader looking for a device that is right there. */
#define IPV6_MIN_MTU 1280

static int link_mtu(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	int mtu = ioctl(fd, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : -1;
	close(fd);
	return mtu;
}

int vxt_sysctl_absent(struct vxt_ctx *ctx, const char *name)
{
	if (!if_nametoindex(name))
		return vxt_fail(ctx, ENODEV, "no interface '%s' in this network namespace "
		                "(see 'ip link show')", name);
	char path[64 + IFNAMSIZ];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s", name);
	if (access(path, F_OK) != 0) {
		int mtu = link_mtu(name);
		if (mtu >= 0 && mtu < IPV6_MIN_MTU)
			return vxt_fail(ctx, ENODEV, "interface '%s' has IPv6 off: its MTU %d is below "
			                "IPv6's minimum of %d, so the kernel keeps no net/ipv6/conf/%s; "
			                "raise the MTU or leave ipv6.* keys out for it",
			                name, mtu, IPV6_MIN_MTU, name);
		return vxt_fail(ctx, ENODEV, "interface '%s' has IPv6 off (no net/ipv6/conf/%s); "
		                "leave ipv6.* keys out for it", name, name);
	}
	return vxt_fail(ctx, ENODEV, "interface '%s' has IPv4 off (no net/ipv4/conf/%s)", name, name);
}
