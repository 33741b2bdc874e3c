/* Sysctl show and set: /proc/sys values per key and interface, effective
 * values (max(all, iface) for rp_filter), and plan/apply with a report.
 * Files are opened once each (open, read, write if different, re-read,
 * close): no processes, no sysctl(8). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"

/* ---- list ------------------------------------------------------------- */

struct vxt_sysctl_entry {
	char *object, *key, *name, *value, *effective;
};

struct vxt_sysctl_list {
	int refcount;
	struct vxt_sysctl_entry *v;
	unsigned int n, cap;
};

struct vxt_sysctl_list *vxt_sysctl_list_unref(struct vxt_sysctl_list *l)
{
	if (!l || --l->refcount > 0)
		return NULL;
	for (unsigned int i = 0; i < l->n; i++) {
		struct vxt_sysctl_entry *e = &l->v[i];
		free(e->object);
		free(e->key);
		free(e->name);
		free(e->value);
		free(e->effective);
	}
	free(l->v);
	free(l);
	return NULL;
}

unsigned int vxt_sysctl_list_count(const struct vxt_sysctl_list *l)
{
	return l ? l->n : 0;
}

#define LIST_ACCESSOR(field)                                                        \
	const char *vxt_sysctl_list_##field(const struct vxt_sysctl_list *l,         \
	                                    unsigned int i)                          \
	{                                                                            \
		return l && i < l->n ? l->v[i].field : NULL;                         \
	}
LIST_ACCESSOR(object)
LIST_ACCESSOR(key)
LIST_ACCESSOR(name)
LIST_ACCESSOR(value)
LIST_ACCESSOR(effective)
#undef LIST_ACCESSOR

static int list_add(struct vxt_sysctl_list *l, const char *object, const char *key,
                    const char *name, const char *value, const char *effective)
{
	if (vxt_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	struct vxt_sysctl_entry *e = &l->v[l->n];
	e->object = strdup(object);
	e->key = strdup(key);
	e->name = strdup(name);
	e->value = strdup(value);
	e->effective = strdup(effective);
	if (!e->object || !e->key || !e->name || !e->value || !e->effective) {
		free(e->object);
		free(e->key);
		free(e->name);
		free(e->value);
		free(e->effective);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

static int read_fail(struct vxt_ctx *ctx, const char *path, int err)
{
	err = err < 0 ? -err : err;
	return vxt_fail(ctx, err, "cannot read /proc/sys/%s: %s%s", path, strerror(err),
	                err == EACCES ? " (a write-only sysctl?)" : "");
}

/* One key into l.  sels NULL: all, default and every interface. */
static int show_key(struct vxt_ctx *ctx, int sysfd, const char *keystr,
                    const char *const *sels, unsigned int nsels, unsigned int flags,
                    struct vxt_sdump *dump, unsigned int dumpkeys,
                    struct vxt_sysctl_list *l)
{
	struct vxt_skey k;
	char path[VXT_SK_PATH_MAX], key[VXT_SK_PATH_MAX], value[VXT_SK_VALUE_MAX];
	int rc = vxt_skey_parse(ctx, keystr, flags, &k);
	if (rc < 0)
		return rc;
	if ((rc = vxt_skey_exists(ctx, sysfd, &k)) < 0)
		return rc;
	if (k.kind == VXT_SK_PLAIN) {
		if ((rc = vxt_proc_read(sysfd, k.path, value, sizeof(value))) < 0)
			return read_fail(ctx, k.path, rc);
		if (list_add(l, "", k.shortname, k.shortname, value, value) < 0)
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
	struct vxt_objs objs;
	if ((rc = vxt_iflist_read(ctx, sysfd, k.family, &ifl)) < 0)
		return rc;
	rc = vxt_sel_resolve(ctx, sels, nsels, &ifl, true, VXT_ORDER_ALL_FIRST, &objs);
	if (rc < 0) {
		vxt_iflist_free(&ifl);
		return rc;
	}
	int rule = vxt_skey_effective_rule(&k);
	char all[VXT_SK_VALUE_MAX] = "", eff[VXT_SK_VALUE_MAX];
	/* IPv4 interface values from the RTM_GETLINK dump when there are
	 * enough of them; "all", "default" and the rest from the files. */
	int devconf = strcmp(k.family, "ipv4") ? -1 : vxt_devconf_index(k.name);
	if (devconf >= 0) {
		unsigned int ifaces = 0;
		for (unsigned int o = 0; o < objs.n; o++)
			ifaces += strcmp(objs.v[o], "all") && strcmp(objs.v[o], "default");
		/* One dump serves every key of the call. */
		if (vxt_sdump_worth(ifaces * dumpkeys, ifl.n))
			vxt_sdump_load(ctx, dump);
	}
	vxt_skey_path(&k, "all", path, sizeof(path));
	if ((rc = vxt_proc_read(sysfd, path, all, sizeof(all))) < 0) {
		rc = read_fail(ctx, path, rc);
		goto out;
	}
	for (unsigned int o = 0; o < objs.n; o++) {
		const char *obj = objs.v[o];
		bool iface = strcmp(obj, "all") && strcmp(obj, "default");
		if (vxt_skey_path(&k, obj, path, sizeof(path)) < 0 ||
		    vxt_skey_display(&k, obj, key, sizeof(key)) < 0) {
			rc = vxt_fail(ctx, ENAMETOOLONG, "key too long for %s", obj);
			goto out;
		}
		if (iface && devconf >= 0 && dump->state > 0 &&
		    !vxt_sdump_value(dump, obj, devconf, value, sizeof(value)))
			rc = 0;
		else
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
			vxt_svalue_effective(rule, all, value, eff, sizeof(eff));
		if (list_add(l, obj, key, k.shortname, value, eff) < 0) {
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
	int sysfd = vxt_proc_sys_open(ctx);
	if (sysfd < 0) {
		vxt_sysctl_list_unref(l);
		return sysfd;
	}
	int rc = 0;
	struct vxt_sdump dump = {0}; /* read once, for the first key that needs it */
	unsigned int dumpkeys = 0;
	for (unsigned int i = 0; keys[i]; i++) {
		struct vxt_skey k;
		if (vxt_skey_parse(ctx, keys[i], flags, &k) >= 0 && k.kind == VXT_SK_CONF &&
		    !strcmp(k.family, "ipv4") && vxt_devconf_index(k.name) >= 0)
			dumpkeys++;
	}
	vxt_clear_error(ctx); /* a bad key is reported by show_key */
	for (unsigned int i = 0; keys[i] && rc >= 0; i++)
		rc = show_key(ctx, sysfd, keys[i], ifaces, nsels, flags, &dump, dumpkeys, l);
	if (dump.state > 0)
		vxt_dbg(ctx, "sysctl show: %u values from the dump, %u from files", dump.hits,
		        l->n - dump.hits);
	vxt_sdump_free(&dump);
	close(sysfd);
	if (rc < 0) {
		vxt_sysctl_list_unref(l);
		return rc;
	}
	*out = l;
	return 0;
}

static int parse_int(const char *s, int *v)
{
	char *end;
	errno = 0;
	long x = strtol(s, &end, 10);
	if (errno || end == s || *end || x < -1000000 || x > 1000000)
		return -EINVAL;
	*v = (int)x;
	return 0;
}

int vxt_sysctl_rp_filter(struct vxt_ctx *ctx, const char *ifname,
                         int *configured, int *effective)
{
	vxt_clear_error(ctx);
	if (!ifname || vxt_sel_is_glob(ifname))
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_rp_filter: give one interface name, "
		                "not a glob");
	int rc = vxt_sel_check(ctx, ifname);
	if (rc < 0)
		return rc;
	int sysfd = vxt_proc_sys_open(ctx);
	if (sysfd < 0)
		return sysfd;
	char path[VXT_SK_PATH_MAX], all[VXT_SK_VALUE_MAX], own[VXT_SK_VALUE_MAX];
	int a, o;
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter", ifname);
	rc = vxt_proc_read(sysfd, "net/ipv4/conf/all/rp_filter", all, sizeof(all));
	if (rc < 0) {
		rc = read_fail(ctx, "net/ipv4/conf/all/rp_filter", rc);
		goto out;
	}
	rc = vxt_proc_read(sysfd, path, own, sizeof(own));
	if (rc == -ENOENT) {
		rc = vxt_fail(ctx, ENODEV, "no interface '%s' with IPv4 in this network "
		              "namespace (see 'ip link show')", ifname);
		goto out;
	}
	if (rc < 0) {
		rc = read_fail(ctx, path, rc);
		goto out;
	}
	if (parse_int(all, &a) < 0 || parse_int(own, &o) < 0) {
		rc = vxt_fail(ctx, EINVAL, "unexpected rp_filter value '%s'/'%s'", all, own);
		goto out;
	}
	if (configured)
		*configured = o;
	if (effective)
		*effective = !strcmp(ifname, "all") ? a : (a > o ? a : o);
	rc = 0;
out:
	close(sysfd);
	return rc;
}

/* ---- set -------------------------------------------------------------- */

int vxt_sysctl_req_check(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                         unsigned int flags)
{
	vxt_clear_error(ctx);
	struct vxt_splan p;
	int rc = vxt_splan_build(ctx, req, flags, VXT_PLAN_SET, &p);
	vxt_splan_free(&p);
	return rc < 0 ? rc : 0;
}

static bool is_perm(int err)
{
	return err == EACCES || err == EPERM || err == EROFS;
}

static int perm_fail(struct vxt_ctx *ctx, const struct vxt_starget *t, int err, int fd)
{
	struct stat st;
	if (err == EROFS)
		return vxt_fail(ctx, EROFS, "cannot write /proc/sys/%s (%s): /proc/sys is "
		                "mounted read-only here (in a container: run it privileged "
		                "or mount /proc/sys read-write); nothing was written",
		                t->path, t->key);
	if (fd >= 0 && !fstat(fd, &st) && !(st.st_mode & S_IWUSR))
		return vxt_fail(ctx, EPERM, "cannot write /proc/sys/%s (%s): the kernel "
		                "makes this sysctl read-only; nothing was written",
		                t->path, t->key);
	return vxt_fail(ctx, EPERM, "cannot write /proc/sys/%s (%s): %s: writing network "
	                "sysctls needs uid 0 or CAP_NET_ADMIN in this network namespace "
	                "(run as root); nothing was written", t->path, t->key, strerror(err));
}

/* Per conf key, interfaces come before "default" (see header).  When a
 * default gets a value different from an interface's, that interface is
 * written even if it already has its value: an explicit write is what
 * keeps the kernel from copying the new default onto it. */
static void mark_forced(struct vxt_splan *p, bool *force)
{
	for (unsigned int d = 0; d < p->n; d++) {
		const struct vxt_starget *dt = &p->t[d];
		if (dt->skip || strcmp(dt->object, "default"))
			continue;
		size_t pre = strlen(dt->path) - strlen("default/") - strlen(strrchr(dt->path, '/') + 1);
		const char *name = strrchr(dt->path, '/');
		for (unsigned int i = 0; i < p->n; i++) {
			const struct vxt_starget *t = &p->t[i];
			if (t->skip || !t->is_iface || strncmp(t->path, dt->path, pre) ||
			    strcmp(strrchr(t->path, '/'), name))
				continue;
			if (!vxt_svalue_equal(t->value, dt->value))
				force[i] = true;
		}
	}
}

static int entry(struct vxt_report *r, const struct vxt_starget *t, const char *before,
                 const char *after, int status, int err)
{
	return vxt_report_add(r, VXT_AREA_SYSCTL, t->object, t->key, before, after,
	                      t->value, t->via, status, err);
}

/* One file.  known: its current value from the RTM_GETLINK dump, or NULL
 * to read it from the file.  Returns < 0 only to abort the whole call (no
 * privilege before anything was written, or out of memory). */
static int apply_one(struct vxt_ctx *ctx, struct vxt_splan *p, const struct vxt_starget *t,
                     const char *known, bool force, bool dry, bool *wrote_any,
                     struct vxt_report *r)
{
	char before[VXT_SK_VALUE_MAX], after[VXT_SK_VALUE_MAX];
	int perm_err = 0, err, rc, fd;
	bool same;
	if (known) {
		/* Nothing to open unless there is something to write. */
		snprintf(before, sizeof(before), "%s", known);
		same = vxt_svalue_equal(before, t->value);
		if (dry || (same && !force))
			return entry(r, t, before, same ? before : t->value,
			             same ? VXT_STATUS_UNCHANGED : VXT_STATUS_CHANGED, 0);
		fd = vxt_splan_open(p, t, (t->verbatim ? O_WRONLY : O_RDWR) | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			/* perm_fail tells a read-only sysctl by its mode. */
			if (is_perm(err))
				fd = vxt_splan_open(p, t, O_RDONLY | O_CLOEXEC);
			goto failed;
		}
	} else {
		fd = vxt_splan_open(p, t, (dry ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (fd < 0 && !dry && is_perm(errno)) {
			/* Maybe it needs no change: reading is allowed to everyone. */
			perm_err = errno;
			fd = vxt_splan_open(p, t, O_RDONLY | O_CLOEXEC);
		}
		if (fd < 0) {
			err = errno;
			goto failed;
		}
		if ((rc = vxt_proc_pread(fd, before, sizeof(before))) < 0) {
			err = -rc;
			goto failed;
		}
		same = vxt_svalue_equal(before, t->value);
		if (dry || (same && !force)) {
			close(fd);
			return entry(r, t, before, same ? before : t->value,
			             same ? VXT_STATUS_UNCHANGED : VXT_STATUS_CHANGED, 0);
		}
		if (perm_err) {
			err = perm_err;
			goto failed;
		}
	}
	char buf[VXT_SK_INPUT_MAX + 2];
	int len = snprintf(buf, sizeof(buf), "%s\n", t->value);
	ssize_t w = pwrite(fd, buf, (size_t)len, 0);
	if (w < 0) {
		err = errno;
		goto failed;
	}
	if (w != len) {
		err = EIO;
		goto failed;
	}
	*wrote_any = true;
	/* The report says what the kernel kept, not what we sent: re-read,
	 * except for keys whose handler stores a written integer verbatim
	 * or fails the write (devinet_conf_proc/addrconf: proc_dointvec*,
	 * the keys with a known range); that halves the reads of a big
	 * apply. */
	if (t->verbatim) {
		snprintf(after, sizeof(after), "%s", t->value);
	} else if ((rc = vxt_proc_pread(fd, after, sizeof(after))) < 0) {
		err = -rc;
		goto failed;
	}
	close(fd);
	int st = !vxt_svalue_equal(after, t->value) ? VXT_STATUS_FIXED
	         : same                             ? VXT_STATUS_UNCHANGED
	                                            : VXT_STATUS_CHANGED;
	return entry(r, t, before, after, st, 0);
failed:
	if (is_perm(err) && !*wrote_any) {
		rc = perm_fail(ctx, t, err, fd);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (fd >= 0)
		close(fd);
	/* The kernel removes an interface's conf directory when the device
	 * goes: open gives ENOENT, and I/O on an open file ENOENT/ENODEV. */
	if (t->is_iface && (err == ENOENT || err == ENODEV)) {
		vxt_info(ctx, "%s vanished while being configured", t->object);
		return entry(r, t, "", "", VXT_STATUS_GONE, 0);
	}
	vxt_info(ctx, "writing /proc/sys/%s failed: %s", t->path, strerror(err));
	return entry(r, t, "", "", VXT_STATUS_FAILED, err);
}

int vxt_sysctl_set(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                   unsigned int flags, struct vxt_report **report)
{
	vxt_clear_error(ctx);
	if (!report)
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_set: no report pointer");
	*report = NULL;
	bool dry = flags & VXT_DRY_RUN;
	struct vxt_splan p;
	struct vxt_report *r = NULL;
	struct vxt_sdump dump = {0};
	bool *force = NULL;
	int rc = vxt_splan_build(ctx, req, flags, VXT_PLAN_SET, &p);
	if (rc < 0)
		goto out;
	if (!(force = calloc(p.n ? p.n : 1, sizeof(*force))) ||
	    vxt_report_new_internal(dry, &r) < 0) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	mark_forced(&p, force);
	vxt_dbg(ctx, "sysctl: %u files planned%s", p.n, dry ? " (dry run)" : "");
	/* Current values of IPv4 interface keys can come from one dump,
	 * taken now (after planning), when it saves enough file opens.  A
	 * file that gets written is opened anyway, and its current value
	 * then costs one pread on the same descriptor: the dump saves the
	 * opens of files that are already right.  A dry run opens nothing
	 * else; a real run first applies a sample through the files and
	 * dumps only if the rest promises enough unchanged files (the
	 * periodic re-apply of a converged node, several keys per
	 * interface).  See vxt_sdump_worth() for the numbers. */
	enum { SAMPLE = 32 };
	unsigned int dumpable = 0, sampled = 0, sampled_same = 0;
	for (unsigned int i = 0; i < p.n; i++)
		dumpable += !p.t[i].skip && p.t[i].devconf >= 0;
	if (dry && vxt_sdump_worth(dumpable, p.lists[0].n))
		vxt_sdump_load(ctx, &dump);
	bool wrote_any = false, decided = dry;
	unsigned int files = 0;
	for (unsigned int i = 0; i < p.n; i++) {
		const struct vxt_starget *t = &p.t[i];
		char cur[16];
		if (t->skip)
			continue;
		files++;
		if (t->devconf >= 0 && !decided && sampled == SAMPLE) {
			unsigned long left = dumpable - sampled;
			unsigned long same_est = left * sampled_same / sampled;
			if (vxt_sdump_worth((unsigned int)same_est, p.lists[0].n))
				vxt_sdump_load(ctx, &dump);
			decided = true;
		}
		bool known = t->devconf >= 0 && dump.state > 0 &&
		             !vxt_sdump_value(&dump, t->object, t->devconf, cur, sizeof(cur));
		rc = apply_one(ctx, &p, t, known ? cur : NULL, force[i], dry, &wrote_any, r);
		if (rc == -ENOMEM)
			rc = vxt_fail(ctx, ENOMEM, "out of memory");
		if (rc < 0)
			goto out;
		if (t->devconf >= 0 && !decided) {
			unsigned int last = vxt_report_count(r) - 1;
			sampled++;
			sampled_same += vxt_report_status(r, last) == VXT_STATUS_UNCHANGED;
		}
	}
	if (dump.state > 0)
		vxt_dbg(ctx, "sysctl: %u current values from the dump, %u from files",
		        dump.hits, files - dump.hits);
	*report = r;
	r = NULL;
	rc = 0;
out:
	vxt_report_unref(r);
	free(force);
	vxt_sdump_free(&dump);
	vxt_splan_free(&p);
	return rc;
}
