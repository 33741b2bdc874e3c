/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading sysctls: the one read path, open/read/close of /proc/sys files
 * relative to one /proc/sys directory descriptor (so that a path is never
 * longer than the key), and what is built on it: show (values and
 * effective values per key and interface) and rp_filter of one interface. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

int vxt_proc_sys_open(struct vxt_ctx *ctx)
{
	int fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		return vxt_fail(ctx, err, "cannot open /proc/sys: %s (is /proc mounted?)",
		                strerror(err));
	}
	return fd;
}

int vxt_proc_pread(int fd, char *buf, size_t len)
{
	char raw[VXT_SK_VALUE_MAX];
	ssize_t n;
	/* /proc/sys hands out the whole value in one read when the buffer is
	 * large enough: a value that fills it is longer than any we manage. */
	do
		n = pread(fd, raw, sizeof(raw), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n == sizeof(raw))
		return -EFBIG;
	raw[n] = '\0';
	vxt_sysctl_value_norm(raw, buf, len);
	return 0;
}

int vxt_proc_read(int sysfd, const char *path, char *buf, size_t len)
{
	int fd = openat(sysfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = vxt_proc_pread(fd, buf, len);
	close(fd);
	return rc;
}

static int read_fail(struct vxt_ctx *ctx, const char *path, int err)
{
	err = err < 0 ? -err : err;
	return vxt_fail(ctx, err, "cannot read /proc/sys/%s: %s%s", path, strerror(err),
	                err == EACCES ? " (a write-only sysctl?)" : "");
}

/* ---- list ------------------------------------------------------------- */

/* An entry's five strings live in one allocation: str[0] points to it. */
enum { OBJECT, KEY, NAME, VALUE, EFFECTIVE, NSTR };
struct vxt_sysctl_list {
	int refcount;
	char *(*v)[NSTR];
	unsigned int n, cap;
};

static void sysctl_list_destroy(struct vxt_sysctl_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->v[i][0]);
	free(l->v);
	free(l);
}

VXT_DEFINE_REFCOUNT(sysctl_list, sysctl_list_destroy)

unsigned int vxt_sysctl_list_count(const struct vxt_sysctl_list *l)
{
	return l ? l->n : 0;
}

#define LIST_ACCESSOR(field, idx)                                                   \
	const char *vxt_sysctl_list_##field(const struct vxt_sysctl_list *l, unsigned int i) \
	{                                                                            \
		return l && i < l->n ? l->v[i][idx] : NULL;                          \
	}
LIST_ACCESSOR(object, OBJECT)
LIST_ACCESSOR(key, KEY)
LIST_ACCESSOR(name, NAME)
LIST_ACCESSOR(value, VALUE)
LIST_ACCESSOR(effective, EFFECTIVE)
#undef LIST_ACCESSOR

static int list_add(struct vxt_sysctl_list *l, const char *const str[NSTR])
{
	size_t len = 0;
	for (int s = 0; s < NSTR; s++)
		len += strlen(str[s]) + 1;
	char *buf = malloc(len);
	if (!buf || vxt_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
		free(buf);
		return -ENOMEM;
	}
	for (int s = 0; s < NSTR; s++) {
		l->v[l->n][s] = strcpy(buf, str[s]);
		buf += strlen(str[s]) + 1;
	}
	l->n++;
	return 0;
}

/* One key into l.  sels/nsels 0: all, default and every interface. */
static int show_key(struct vxt_ctx *ctx, int sysfd, const char *keystr,
                    const char *const *sels, unsigned int nsels, unsigned int flags,
                    struct vxt_sysctl_list *l)
{
	struct vxt_sysctl_key k;
	char path[VXT_SK_PATH_MAX], key[VXT_SK_PATH_MAX], value[VXT_SK_VALUE_MAX];
	int rc = vxt_sysctl_key_parse(ctx, keystr, flags, &k);
	if (rc < 0 || (rc = vxt_sysctl_key_exists(ctx, sysfd, &k)) < 0)
		return rc;
	if (k.kind == VXT_SK_PLAIN) {
		if ((rc = vxt_proc_read(sysfd, k.path, value, sizeof(value))) < 0)
			return read_fail(ctx, k.path, rc);
		if (list_add(l, (const char *[NSTR]){"", k.shortname, k.shortname, value, value}) < 0)
			return vxt_fail(ctx, ENOMEM, "out of memory");
		return 0;
	}
	static const char *const every[] = {"all", "default", "*"};
	const char *one[1] = {k.sel};
	if (k.sel[0]) {
		sels = one;
		nsels = 1;
	} else if (!nsels) {
		sels = every;
		nsels = VXT_ARRAY_SIZE(every);
	}
	struct vxt_iflist ifl;
	struct vxt_objs objs = {0};
	if ((rc = vxt_iflist_read(ctx, sysfd, k.family, &ifl)) < 0)
		return rc;
	if ((rc = vxt_sel_resolve(ctx, sels, nsels, &ifl, true, true, &objs)) < 0)
		goto out;
	int rule = vxt_sysctl_key_rule(&k);
	char all[VXT_SK_VALUE_MAX] = "", eff[VXT_SK_VALUE_MAX];
	vxt_sysctl_key_path(&k, "all", path, sizeof(path));
	if ((rc = vxt_proc_read(sysfd, path, all, sizeof(all))) < 0) {
		rc = read_fail(ctx, path, rc);
		goto out;
	}
	for (unsigned int o = 0; o < objs.n; o++) {
		const char *obj = objs.v[o];
		bool iface = strcmp(obj, "all") && strcmp(obj, "default");
		if (vxt_sysctl_key_path(&k, obj, path, sizeof(path)) < 0 ||
		    vxt_sysctl_key_display(&k, obj, key, sizeof(key)) < 0) {
			rc = vxt_fail(ctx, ENAMETOOLONG, "key too long for %s", obj);
			goto out;
		}
		rc = vxt_proc_read(sysfd, path, value, sizeof(value));
		if (rc < 0 && iface && (rc == -ENOENT || rc == -ENODEV))
			continue; /* vanished since the listing */
		if (rc < 0) {
			rc = read_fail(ctx, path, rc);
			goto out;
		}
		if (!strcmp(obj, "all"))
			snprintf(eff, sizeof(eff), "%s", value);
		else
			vxt_sysctl_value_effective(rule, all, value, eff, sizeof(eff));
		if (list_add(l, (const char *[NSTR]){obj, key, k.shortname, value, eff}) < 0) {
			rc = vxt_fail(ctx, ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	vxt_objs_free(&objs);
	vxt_iflist_free(&ifl);
	return rc;
}

int vxt_sysctl_show(struct vxt_ctx *ctx, const char *const *keys,
                    const char *const *ifaces, unsigned int flags,
                    struct vxt_sysctl_list **out)
{
	vxt_clear_error(ctx);
	if (!out)
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_show: no output pointer");
	*out = NULL;
	static const char *const dflt[] = {"rp_filter", NULL};
	if (!keys || !keys[0])
		keys = dflt;
	unsigned int nsels = 0;
	while (ifaces && ifaces[nsels])
		nsels++;
	struct vxt_sysctl_list *l = calloc(1, sizeof(*l));
	if (!l)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	l->refcount = 1;
	int sysfd = vxt_proc_sys_open(ctx), rc = sysfd;
	for (unsigned int i = 0; sysfd >= 0 && keys[i] && rc >= 0; i++)
		rc = show_key(ctx, sysfd, keys[i], ifaces, nsels, flags, l);
	if (sysfd >= 0)
		close(sysfd);
	if (rc < 0) {
		vxt_sysctl_list_unref(l);
		return rc;
	}
	*out = l;
	return 0;
}

int vxt_sysctl_rp_filter(struct vxt_ctx *ctx, const char *ifname,
                         int *configured, int *effective)
{
	vxt_clear_error(ctx);
	if (!ifname || vxt_is_glob(ifname))
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_rp_filter: give one interface name, "
		                "not a glob");
	const char *keys[] = {"rp_filter", NULL}, *sels[] = {ifname, NULL};
	struct vxt_sysctl_list *l = NULL;
	int rc = vxt_sysctl_show(ctx, keys, sels, 0, &l);
	if (rc < 0)
		return rc;
	char *e1, *e2;
	long own = vxt_sysctl_list_count(l) ? strtol(l->v[0][VALUE], &e1, 10) : 0;
	long eff = vxt_sysctl_list_count(l) ? strtol(l->v[0][EFFECTIVE], &e2, 10) : 0;
	if (!vxt_sysctl_list_count(l) || *e1 || *e2)
		rc = vxt_fail(ctx, EINVAL, "unexpected rp_filter value of %s", ifname);
	else if (configured)
		*configured = (int)own;
	if (rc >= 0 && effective)
		*effective = (int)eff;
	vxt_sysctl_list_unref(l);
	return rc;
}
