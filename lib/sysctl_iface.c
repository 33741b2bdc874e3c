/* Interfaces for per-interface conf keys: the live list (from
 * /proc/sys/net/FAMILY/conf, exactly the objects that have the files) and
 * selectors (all, default, names, fnmatch globs) resolved against it. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

void vxt_iflist_free(struct vxt_iflist *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	*l = (struct vxt_iflist){0};
}

static int natural_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

int vxt_iflist_read(struct vxt_ctx *ctx, int sysfd, const char *family,
                    struct vxt_iflist *l)
{
	char dir[32];
	snprintf(dir, sizeof(dir), "net/%s/conf", family);
	*l = (struct vxt_iflist){0};
	int fd = openat(sysfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		return vxt_fail(ctx, err, "cannot list interfaces in /proc/sys/%s: %s%s", dir,
		                strerror(err), err == ENOENT ? " (is this family disabled?)" : "");
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = errno;
		close(fd);
		return vxt_fail(ctx, err, "cannot list /proc/sys/%s: %s", dir, strerror(err));
	}
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "all") ||
		    !strcmp(n, "default"))
			continue;
		/* The kernel never creates a bad name, but we do not build
		 * paths from anything we have not checked ourselves. */
		if (vxt_ifname_valid(n) < 0) {
			vxt_dbg(ctx, "skipping odd entry in /proc/sys/%s", dir);
			continue;
		}
		if (vxt_grow((void **)&l->names, &l->cap, l->n + 1, sizeof(*l->names)) ||
		    !(l->names[l->n] = strdup(n))) {
			rc = -ENOMEM;
			break;
		}
		l->n++;
	}
	closedir(d);
	if (rc < 0) {
		vxt_iflist_free(l);
		return vxt_fail(ctx, ENOMEM, "out of memory listing interfaces");
	}
	vxt_iflist_sort(l);
	return 0;
}

void vxt_iflist_sort(struct vxt_iflist *l)
{
	if (l->n)
		qsort(l->names, l->n, sizeof(*l->names), natural_cmp);
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

static bool has_name(const struct vxt_iflist *l, const char *name)
{
	/* The list is sorted with strverscmp: binary search. */
	const char *key = name;
	return bsearch(&key, l->names, l->n, sizeof(*l->names), natural_cmp) != NULL;
}

static int objs_add(struct vxt_objs *o, const char *name)
{
	if (vxt_grow((void **)&o->v, &o->cap, o->n + 1, sizeof(*o->v)))
		return -ENOMEM;
	o->v[o->n++] = name;
	return 0;
}

void vxt_objs_free(struct vxt_objs *o)
{
	free(o->v);
	*o = (struct vxt_objs){0};
}

int vxt_sel_resolve(struct vxt_ctx *ctx, const char *const *sels, unsigned int nsels,
                    const struct vxt_iflist *l, bool need_exist, int order,
                    struct vxt_objs *out)
{
	bool all = false, dflt = false;
	*out = (struct vxt_objs){0};
	bool *literal_missing = calloc(nsels ? nsels : 1, sizeof(bool));
	if (!literal_missing)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	int rc = 0;
	for (unsigned int s = 0; s < nsels; s++) {
		const char *sel = sels[s];
		if ((rc = vxt_sel_check(ctx, sel)) < 0)
			goto out;
		if (!strcmp(sel, "all"))
			all = true;
		else if (!strcmp(sel, "default"))
			dflt = true;
		else if (vxt_is_glob(sel))
			out->globbed = true;
		else if (!has_name(l, sel)) {
			if (need_exist) {
				rc = vxt_fail(ctx, ENODEV, "no interface '%s' in this network "
				              "namespace (see 'ip link show')", sel);
				goto out;
			}
			literal_missing[s] = true;
		}
	}
	if (order == VXT_ORDER_ALL_FIRST) {
		if (all && (rc = objs_add(out, "all")) < 0)
			goto oom;
		if (dflt && (rc = objs_add(out, "default")) < 0)
			goto oom;
	}
	/* Walk the sorted list once: each interface at most once, in order.
	 * (A lone "*" matches every name: fnmatch is not needed for it.) */
	for (unsigned int i = 0; i < l->n; i++) {
		for (unsigned int s = 0; s < nsels; s++) {
			const char *sel = sels[s];
			bool match = !strcmp(sel, "*") ? true
			             : vxt_is_glob(sel) ? !fnmatch(sel, l->names[i], 0)
			                                    : !strcmp(sel, l->names[i]);
			if (match) {
				if ((rc = objs_add(out, l->names[i])) < 0)
					goto oom;
				break;
			}
		}
	}
	/* Named but absent (render only): as given, once each. */
	for (unsigned int s = 0; s < nsels; s++) {
		if (!literal_missing[s])
			continue;
		bool dup = false;
		for (unsigned int t = 0; t < s; t++)
			dup |= literal_missing[t] && !strcmp(sels[t], sels[s]);
		if (!dup && (rc = objs_add(out, sels[s])) < 0)
			goto oom;
	}
	if (order == VXT_ORDER_IFACES_FIRST) {
		if (all && (rc = objs_add(out, "all")) < 0)
			goto oom;
		if (dflt && (rc = objs_add(out, "default")) < 0)
			goto oom;
	}
	free(literal_missing);
	return 0;
oom:
	rc = vxt_fail(ctx, ENOMEM, "out of memory");
out:
	free(literal_missing);
	vxt_objs_free(out);
	return rc;
}
