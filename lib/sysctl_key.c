/* Sysctl keys and values: parsing, validation, paths, known ranges and the
 * kernel's rules for effective values.  Nothing here touches a file except
 * vxt_skey_exists(). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"

/* Integer ranges the kernel does not enforce itself (devinet_conf_proc
 * takes any int for rp_filter) but that mean nothing outside them. */
static const struct {
	int kind;
	const char *family; /* conf keys */
	const char *key;    /* conf key name or plain path */
	long min, max;
} ranges[] = {
	{VXT_SK_CONF, "ipv4", "rp_filter", 0, 2},
	{VXT_SK_CONF, "ipv4", "arp_ignore", 0, 8},
	{VXT_SK_CONF, "ipv4", "arp_announce", 0, 2},
	{VXT_SK_CONF, "ipv4", "accept_local", 0, 1},
	{VXT_SK_CONF, "ipv4", "route_localnet", 0, 1},
	{VXT_SK_CONF, "ipv4", "log_martians", 0, 1},
	{VXT_SK_CONF, "ipv4", "proxy_arp", 0, 1},
	{VXT_SK_CONF, "ipv4", "forwarding", 0, 1},
	{VXT_SK_CONF, "ipv4", "send_redirects", 0, 1},
	{VXT_SK_CONF, "ipv4", "accept_redirects", 0, 1},
	{VXT_SK_CONF, "ipv4", "src_valid_mark", 0, 1},
	{VXT_SK_CONF, "ipv6", "disable_ipv6", 0, 1},
	{VXT_SK_CONF, "ipv6", "forwarding", 0, 1},
	{VXT_SK_CONF, "ipv6", "accept_ra", 0, 2},
	{VXT_SK_PLAIN, NULL, "net/ipv4/ip_forward", 0, 1},
	{VXT_SK_PLAIN, NULL, "net/ipv4/conf/all/forwarding", 0, 1},
};

/* include/linux/inetdevice.h: IN_DEV_MAXCONF / IN_DEV_ORCONF users. */
static const struct {
	const char *key;
	int rule;
} eff_rules[] = {
	{"rp_filter", VXT_EFF_MAX},     {"arp_ignore", VXT_EFF_MAX},
	{"arp_announce", VXT_EFF_MAX},  {"accept_local", VXT_EFF_OR},
	{"route_localnet", VXT_EFF_OR}, {"log_martians", VXT_EFF_OR},
	{"proxy_arp", VXT_EFF_OR},
};

static bool seg_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

static int bad_key(struct vxt_ctx *ctx, const char *key, const char *why)
{
	return vxt_fail(ctx, EINVAL,
	                "invalid sysctl key '%s': %s (keys are [a-z0-9_] segments "
	                "like net.ipv4.ip_forward or net/ipv4/conf/vxlan.calico/rp_filter, "
	                "or a conf key like rp_filter with --iface)", key, why);
}

static int set_conf(struct vxt_ctx *ctx, const char *key, struct vxt_skey *k,
                    const char *family, const char *sel, size_t sellen,
                    const char *name, size_t namelen)
{
	if (!seg_ok(name, namelen) || namelen >= sizeof(k->name))
		return bad_key(ctx, key, "the conf key must be one [a-z0-9_] segment");
	k->kind = VXT_SK_CONF;
	snprintf(k->family, sizeof(k->family), "%s", family);
	memcpy(k->name, name, namelen);
	k->name[namelen] = '\0';
	if (sel) {
		memcpy(k->sel, sel, sellen);
		k->sel[sellen] = '\0';
		int rc = vxt_sel_check(ctx, k->sel);
		if (rc < 0)
			return rc;
	}
	if (!strcmp(family, "ipv4"))
		snprintf(k->shortname, sizeof(k->shortname), "%s", k->name);
	else
		snprintf(k->shortname, sizeof(k->shortname), "%s.%s", family, k->name);
	return 0;
}

/* Plain key: segments separated by sep, each [a-z0-9_]+. */
static int set_plain(struct vxt_ctx *ctx, const char *key, struct vxt_skey *k,
                     char sep, unsigned int flags)
{
	size_t n = strlen(key);
	if (n >= sizeof(k->path))
		return bad_key(ctx, key, "too long");
	const char *s = key;
	unsigned int nseg = 0;
	while (true) {
		const char *e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (!seg_ok(s, len))
			return bad_key(ctx, key, len ? "a segment has characters outside [a-z0-9_]"
			                             : "empty segment");
		nseg++;
		if (!e)
			break;
		s = e + 1;
	}
	if (nseg < 2)
		return bad_key(ctx, key, "needs at least two segments");
	k->kind = VXT_SK_PLAIN;
	for (size_t i = 0; i <= n; i++)
		k->path[i] = key[i] == sep ? '/' : key[i];
	for (size_t i = 0; i <= n; i++)
		k->shortname[i] = k->path[i] == '/' ? '.' : k->path[i];
	if (strncmp(k->path, "net/", 4) && !(flags & VXT_SYSCTL_ANY_KEY))
		return vxt_fail(ctx, EPERM,
		                "sysctl key '%s' is outside net.*: refused (allow it "
		                "explicitly with --any-key / VXT_SYSCTL_ANY_KEY)", key);
	return 0;
}

int vxt_skey_parse(struct vxt_ctx *ctx, const char *key, unsigned int flags,
                   struct vxt_skey *k)
{
	memset(k, 0, sizeof(*k));
	if (!key || !*key)
		return bad_key(ctx, "", "empty");
	size_t n = strnlen(key, VXT_SK_INPUT_MAX + 1);
	if (n > VXT_SK_INPUT_MAX)
		return vxt_fail(ctx, EINVAL, "invalid sysctl key: longer than %d bytes",
		                VXT_SK_INPUT_MAX);
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)key[i]))
			return bad_key(ctx, key, "contains whitespace or control characters");

	static const char *const fams[] = {"ipv4", "ipv6"};
	if (strchr(key, '/')) {
		/* Slash form.  net/ipv{4,6}/conf/IF/KEY: IF may contain dots. */
		if (key[0] == '/')
			return bad_key(ctx, key, "give it relative to /proc/sys, without a leading '/'");
		for (size_t f = 0; f < 2; f++) {
			char pre[32];
			snprintf(pre, sizeof(pre), "net/%s/conf/", fams[f]);
			size_t pl = strlen(pre);
			if (strncmp(key, pre, pl))
				continue;
			const char *rest = key + pl;
			const char *slash = strchr(rest, '/');
			if (!slash || strchr(slash + 1, '/'))
				return bad_key(ctx, key, "expected net/ipvN/conf/IFACE/KEY");
			return set_conf(ctx, key, k, fams[f], rest, (size_t)(slash - rest),
			                slash + 1, strlen(slash + 1));
		}
		return set_plain(ctx, key, k, '/', flags);
	}
	if (strchr(key, '.')) {
		for (size_t f = 0; f < 2; f++) {
			char pre[32];
			/* net.ipvN.conf.IF.KEY: the key is the last segment, so an
			 * interface name with dots (vxlan.calico) is unambiguous. */
			snprintf(pre, sizeof(pre), "net.%s.conf.", fams[f]);
			size_t pl = strlen(pre);
			if (!strncmp(key, pre, pl)) {
				const char *rest = key + pl;
				const char *dot = strrchr(rest, '.');
				if (!dot || dot == rest)
					return bad_key(ctx, key, "expected net.ipvN.conf.IFACE.KEY "
					                         "(or the short key with --iface)");
				return set_conf(ctx, key, k, fams[f], rest, (size_t)(dot - rest),
				                dot + 1, strlen(dot + 1));
			}
			/* ipv4.KEY / ipv6.KEY: short conf key of that family. */
			snprintf(pre, sizeof(pre), "%s.", fams[f]);
			pl = strlen(pre);
			if (!strncmp(key, pre, pl) && !strchr(key + pl, '.'))
				return set_conf(ctx, key, k, fams[f], NULL, 0, key + pl,
				                strlen(key + pl));
		}
		return set_plain(ctx, key, k, '.', flags);
	}
	return set_conf(ctx, key, k, "ipv4", NULL, 0, key, strlen(key));
}

int vxt_skey_path(const struct vxt_skey *k, const char *obj, char *buf, size_t len)
{
	int n;
	if (k->kind == VXT_SK_PLAIN)
		n = snprintf(buf, len, "%s", k->path);
	else
		n = snprintf(buf, len, "net/%s/conf/%s/%s", k->family, obj, k->name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int vxt_skey_display(const struct vxt_skey *k, const char *obj, char *buf, size_t len)
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

int vxt_skey_effective_rule(const struct vxt_skey *k)
{
	if (k->kind != VXT_SK_CONF || strcmp(k->family, "ipv4"))
		return VXT_EFF_OWN;
	for (size_t i = 0; i < VXT_ARRAY_SIZE(eff_rules); i++)
		if (!strcmp(eff_rules[i].key, k->name))
			return eff_rules[i].rule;
	return VXT_EFF_OWN;
}

/* Nearest entry of dir (an open directory) to name, for "did you mean". */
static void suggest(int dirfd, const char *name, char *out, size_t len)
{
	out[0] = '\0';
	int fd = dup(dirfd);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	unsigned int best = 3;
	struct dirent *e;
	while ((e = readdir(d))) {
		unsigned int dist = vxt_edit_distance(name, e->d_name, 2);
		size_t n = strlen(e->d_name);
		if (dist < best && n < len) {
			best = dist;
			memcpy(out, e->d_name, n + 1);
		}
	}
	closedir(d);
}

int vxt_skey_exists(struct vxt_ctx *ctx, int sysfd, const struct vxt_skey *k)
{
	char path[VXT_SK_PATH_MAX];
	int rc = vxt_skey_path(k, "all", path, sizeof(path));
	if (rc < 0)
		return vxt_fail(ctx, EINVAL, "sysctl key '%s' is too long", k->shortname);
	struct stat st;
	if (!fstatat(sysfd, path, &st, 0) && S_ISREG(st.st_mode))
		return 0;
	int err = errno;
	if (!fstatat(sysfd, path, &st, 0) && S_ISDIR(st.st_mode))
		return vxt_fail(ctx, ENOENT, "sysctl key '%s' is a directory, not a value",
		                k->shortname);
	if (err != ENOENT && err != ENOTDIR)
		return vxt_fail(ctx, err, "cannot look up /proc/sys/%s: %s", path, strerror(err));
	/* Suggest a neighbour from the directory that should hold it. */
	char dir[VXT_SK_PATH_MAX], near[VXT_SK_NAME_MAX] = "";
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		int dfd = openat(sysfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			suggest(dfd, slash + 1, near, sizeof(near));
			close(dfd);
		}
	}
	if (k->kind == VXT_SK_CONF)
		return vxt_fail(ctx, ENOENT, "unknown %s conf key '%s' (no /proc/sys/%s)%s%s%s",
		                k->family, k->name, path, near[0] ? ": did you mean '" : "",
		                near, near[0] ? "'?" : "");
	return vxt_fail(ctx, ENOENT, "unknown sysctl key '%s' (no /proc/sys/%s)%s%s%s",
	                k->shortname, path, near[0] ? ": did you mean '" : "", near,
	                near[0] ? "'?" : "");
}

void vxt_svalue_norm(const char *in, char *out, size_t len)
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

bool vxt_svalue_equal(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return true;
	long x, y;
	return parse_long(a, &x) && parse_long(b, &y) && x == y;
}

void vxt_svalue_effective(int rule, const char *all, const char *own, char *out, size_t len)
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

int vxt_svalue_check(struct vxt_ctx *ctx, const struct vxt_skey *k, const char *what,
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
	vxt_svalue_norm(value, norm, len);
	if (!norm[0])
		return vxt_fail(ctx, EINVAL, "%s: empty value", what);
	for (size_t i = 0; i < VXT_ARRAY_SIZE(ranges); i++) {
		if (ranges[i].kind != k->kind)
			continue;
		if (k->kind == VXT_SK_CONF ? strcmp(ranges[i].family, k->family) ||
		                                     strcmp(ranges[i].key, k->name)
		                           : strcmp(ranges[i].key, k->path))
			continue;
		long v;
		if (!parse_long(norm, &v) || v < ranges[i].min || v > ranges[i].max)
			return vxt_fail(ctx, ERANGE, "%s: value '%s' out of range: %s takes an "
			                "integer from %ld to %ld", what, norm, k->shortname,
			                ranges[i].min, ranges[i].max);
		/* Write the canonical integer ("01" -> "1"). */
		snprintf(norm, len, "%ld", v);
		return 1;
	}
	return 0;
}
