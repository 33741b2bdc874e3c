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

static void sysctl_list_destroy(struct vxt_sysctl_list *l)
{
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
}

VXT_DEFINE_REFCOUNT(sysctl_list, sysctl_list_destroy)

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

/* Current values known without opening files: from the RTM_GETNETCONF
 * dump for the keys it carries (interfaces, all and default), else from
 * the RTM_GETLINK dump for other IPv4 interface keys. */
struct known {
	struct vxt_snc *nc; /* the plan's, or show's own */
	struct vxt_sdump dump;
};

static bool known_value(struct known *kn, const struct vxt_starget *t, char *buf, size_t len)
{
	if (t->netconf >= 0 && kn->nc->state > 0 &&
	    !vxt_snc_value(kn->nc, t->object, t->netconf, buf, len))
		return true;
	return t->devconf >= 0 && kn->dump.state > 0 &&
	       !vxt_sdump_value(&kn->dump, t->object, t->devconf, buf, len);
}

/* A dump could answer for t. */
static bool by_netconf(const struct vxt_starget *t)
{
	return t->netconf >= 0;
}
static bool by_linkdump(const struct vxt_starget *t)
{
	return t->netconf < 0 && t->devconf >= 0;
}

/* How many of SAMPLE files, spread evenly over the `dumpable` targets a
 * dump could answer for, already hold their requested value.  Reads only:
 * the plan is then carried out in its own order. */
enum { SAMPLE = 32 };
static unsigned int sample_same(struct vxt_splan *p, unsigned int dumpable)
{
	unsigned int same = 0, seen = 0, next = 0, taken = 0;
	for (unsigned int i = 0; i < p->n && taken < SAMPLE; i++) {
		const struct vxt_starget *t = &p->t[i];
		if (t->skip || !(by_netconf(t) || by_linkdump(t)))
			continue;
		if (seen++ != next)
			continue;
		taken++;
		next = (unsigned int)((unsigned long)taken * dumpable / SAMPLE);
		char v[VXT_SK_VALUE_MAX];
		int fd = vxt_splan_open(p, t, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!vxt_proc_pread(fd, v, sizeof(v)))
			same += vxt_svalue_equal(v, t->value);
		close(fd);
	}
	return same;
}

/* Load the dumps that pay for `nc` netconf targets and `ld` other IPv4
 * interface targets whose files would otherwise be opened only to read.
 * Without netconf (an old kernel, a filtered socket), its interface keys
 * fall back to the RTM_GETLINK dump, which has them too. */
static void load_known(struct vxt_ctx *ctx, struct known *kn, unsigned int nc, unsigned int ld,
                       unsigned int links)
{
	if (vxt_snc_worth(nc, links) && vxt_snc_load(ctx, kn->nc) < 0)
		ld += nc;
	if (vxt_sdump_worth(ld, links))
		vxt_sdump_load(ctx, &kn->dump);
}

/* One key into l.  sels NULL: all, default and every interface. */
static int show_key(struct vxt_ctx *ctx, int sysfd, const char *keystr,
                    const char *const *sels, unsigned int nsels, unsigned int flags,
                    struct known *kn, unsigned int dumpkeys,
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
	/* A netconf key over a glob: one dump gives the list and the
	 * values (see vxt_splan_iflist). */
	bool globbed = false;
	for (unsigned int s = 0; s < nsels; s++)
		globbed |= vxt_is_glob(sels[s]);
	rc = -1;
	if (globbed && vxt_netconf_key(k.family, k.name) >= 0 && vxt_snc_load(ctx, kn->nc) >= 0 &&
	    (rc = vxt_snc_iflist(kn->nc, &ifl)) < 0)
		return vxt_fail(ctx, ENOMEM, "out of memory listing interfaces");
	if (rc < 0 && (rc = vxt_iflist_read(ctx, sysfd, k.family, &ifl)) < 0)
		return rc;
	rc = vxt_sel_resolve(ctx, sels, nsels, &ifl, true, VXT_ORDER_ALL_FIRST, &objs);
	if (rc < 0) {
		vxt_iflist_free(&ifl);
		return rc;
	}
	int rule = vxt_skey_effective_rule(&k);
	char all[VXT_SK_VALUE_MAX] = "", eff[VXT_SK_VALUE_MAX];
	/* IPv4 interface values from a dump when there are enough of them
	 * (RTM_GETNETCONF for the keys it carries, else RTM_GETLINK);
	 * "all", "default" and the rest from the files. */
	struct vxt_starget t = {.netconf = vxt_netconf_key(k.family, k.name), .devconf = -1};
	if (!strcmp(k.family, "ipv4"))
		t.devconf = vxt_devconf_index(k.name);
	if (t.netconf >= 0 || t.devconf >= 0) {
		unsigned int ifaces = 0;
		for (unsigned int o = 0; o < objs.n; o++)
			ifaces += strcmp(objs.v[o], "all") && strcmp(objs.v[o], "default");
		/* One dump serves every key of the call. */
		if (t.netconf >= 0)
			load_known(ctx, kn, ifaces, 0, ifl.n);
		else
			load_known(ctx, kn, 0, ifaces * dumpkeys, ifl.n);
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
		if (iface && strlen(obj) < sizeof(t.object)) {
			memcpy(t.object, obj, strlen(obj) + 1);
			rc = known_value(kn, &t, value, sizeof(value)) ? 0 : 1;
		} else {
			rc = 1;
		}
		if (rc)
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
	struct vxt_snc nc = {0};
	struct known kn = {.nc = &nc}; /* each dump read once, for the first key that needs it */
	unsigned int dumpkeys = 0; /* keys the RTM_GETLINK dump would serve */
	for (unsigned int i = 0; keys[i]; i++) {
		struct vxt_skey k;
		if (vxt_skey_parse(ctx, keys[i], flags, &k) >= 0 && k.kind == VXT_SK_CONF &&
		    !strcmp(k.family, "ipv4") && vxt_devconf_index(k.name) >= 0 &&
		    vxt_netconf_key(k.family, k.name) < 0)
			dumpkeys++;
	}
	vxt_clear_error(ctx); /* a bad key is reported by show_key */
	for (unsigned int i = 0; keys[i] && rc >= 0; i++)
		rc = show_key(ctx, sysfd, keys[i], ifaces, nsels, flags, &kn, dumpkeys, l);
	if (kn.nc->state > 0 || kn.dump.state > 0)
		vxt_dbg(ctx, "sysctl show: %u values from the dump, %u from files",
		        kn.nc->hits + kn.dump.hits, l->n - kn.nc->hits - kn.dump.hits);
	vxt_snc_free(&nc);
	vxt_sdump_free(&kn.dump);
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
	if (!ifname || vxt_is_glob(ifname))
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

static int perm_fail(struct vxt_ctx *ctx, const struct vxt_starget *t, int err, bool readonly)
{
	if (err == EROFS)
		return vxt_fail(ctx, EROFS, "cannot write /proc/sys/%s (%s): /proc/sys is "
		                "mounted read-only here (in a container: run it privileged "
		                "or mount /proc/sys read-write); nothing was written",
		                t->path, t->key);
	if (readonly)
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

int vxt_sysctl_set(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                   unsigned int flags, struct vxt_report **report)
{
	vxt_clear_error(ctx);
	if (!report)
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_set: no report pointer");
	*report = NULL;
	struct vxt_splan p;
	int rc = vxt_splan_build(ctx, req, flags, VXT_PLAN_SET, &p);
	if (rc >= 0)
		rc = vxt_splan_apply(ctx, &p, flags, report);
	vxt_splan_free(&p);
	return rc;
}

int vxt_splan_apply(struct vxt_ctx *ctx, struct vxt_splan *p, unsigned int flags,
                    struct vxt_report **report)
{
	*report = NULL;
	bool dry = flags & VXT_DRY_RUN;
	struct vxt_report *r = NULL;
	struct known kn = {.nc = &p->nc};
	bool *force = NULL;
	struct vxt_sres *res = NULL;
	unsigned int *batch = NULL, nbatch = 0;
	int rc;
	unsigned int cnt = p->n ? p->n : 1;
	if (!(force = calloc(cnt, sizeof(*force))) || !(res = calloc(cnt, sizeof(*res))) ||
	    !(batch = calloc(cnt, sizeof(*batch))) || vxt_report_new_internal(dry, &r) < 0) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	mark_forced(p, force);
	vxt_dbg(ctx, "sysctl: %u files planned%s", p->n, dry ? " (dry run)" : "");
	/* Current values of IPv4 keys can come from a dump (RTM_GETNETCONF
	 * for the keys it carries, RTM_GETLINK for the other interface keys),
	 * taken after validation (the netconf one maybe while planning, when
	 * it also gave the interface list), when it saves enough file opens.  A
	 * file that gets written is opened anyway, and its current value
	 * then costs one pread on the same descriptor: a dump saves the
	 * opens of files that are already right.  A dry run opens nothing
	 * else; a real run first reads a sample of the files, spread over
	 * the plan, and dumps only if it promises enough unchanged files
	 * (the periodic re-apply of a converged node).  See vxt_snc_worth()
	 * and vxt_sdump_worth() for the numbers. */
	unsigned int nc = 0, ld = 0;
	for (unsigned int i = 0; i < p->n; i++) {
		if (p->t[i].skip)
			continue;
		nc += by_netconf(&p->t[i]);
		ld += by_linkdump(&p->t[i]);
	}
	unsigned int links = p->lists[0].n, dumpable = nc + ld;
	if (dry) {
		load_known(ctx, &kn, nc, ld, links);
	} else {
		/* Netconf is cheap enough to pay for the preads it saves on
		 * files that get written, when it covers (nearly) every
		 * interface: no sample needed. */
		if (!kn.nc->state && vxt_snc_pays_for_writes(nc, links))
			vxt_snc_load(ctx, kn.nc);
		if (kn.nc->state) {
			/* Loaded (here or while planning) or failed. */
			if (kn.nc->state < 0)
				ld += nc; /* the link dump has these keys too */
			nc = 0;
		}
		if (nc + ld > SAMPLE) {
			unsigned int same = sample_same(p, dumpable);
			vxt_dbg(ctx, "sysctl: %u of a sample of %u already right", same, SAMPLE);
			load_known(ctx, &kn, (unsigned int)((unsigned long)nc * same / SAMPLE),
			           (unsigned int)((unsigned long)ld * same / SAMPLE), links);
		}
	}
	struct vxt_sio w = {.p = p, .force = force, .dry = dry, .res = res};
	bool wrote_any = false;
	unsigned int files = 0, threads_used = 1, batched = 0;
	for (unsigned int i = 0; i <= p->n; i++) {
		const struct vxt_starget *t = i < p->n ? &p->t[i] : NULL;
		if (t && t->skip)
			continue;
		struct vxt_sres *s = t ? &res[i] : NULL;
		if (t) {
			files++;
			char cur[16];
			if (known_value(&kn, t, cur, sizeof(cur))) {
				s->known = true;
				if (!vxt_sres_set(s, 0, cur)) {
					rc = vxt_fail(ctx, ENOMEM, "out of memory");
					goto out;
				}
				bool same = vxt_svalue_equal(cur, t->value);
				if (dry || (same && !force[i])) {
					vxt_sio_one(&w, i); /* no I/O: the report entry only */
					continue;
				}
			}
		}
		/* A file to open.  While nothing was written yet, one at a
		 * time: a privilege error then aborts the call with nothing
		 * written, as it always did.  After that, runs of interfaces
		 * of one request item are batched (two threads); anything
		 * else (all, default, a plain key, the next item) waits for
		 * the batch before it, which keeps interfaces before
		 * all/default per key. */
		bool seq = t && !wrote_any;
		bool joins = t && !seq && t->is_iface && nbatch &&
		             p->t[batch[0]].item == t->item;
		if (nbatch && !joins) {
			unsigned int th = 1;
			vxt_dbg(ctx, "sysctl: a batch of %u files", nbatch);
			if (vxt_splan_prepare(p, p->t[batch[0]].dir) < 0) {
				/* One by one: each file then says what is wrong. */
				for (unsigned int k = 0; k < nbatch; k++)
					vxt_sio_one(&w, batch[k]);
			} else {
				vxt_sio_many(&w, batch, nbatch, &th);
			}
			if (th > threads_used)
				threads_used = th;
			batched += nbatch;
			for (unsigned int k = 0; k < nbatch; k++)
				wrote_any |= res[batch[k]].wrote;
			nbatch = 0;
		}
		if (!t)
			break;
		if (!seq && t->is_iface) {
			batch[nbatch++] = i;
			continue;
		}
		vxt_sio_one(&w, i);
		if (is_perm(s->err) && !wrote_any) {
			rc = perm_fail(ctx, t, s->err, s->readonly);
			goto out;
		}
		wrote_any |= s->wrote;
	}
	/* "the dump" names the RTM_GETLINK one: what the sampling decides. */
	if (kn.dump.state > 0)
		vxt_dbg(ctx, "sysctl: %u current values from the dump, %u from files",
		        kn.nc->hits + kn.dump.hits, files - kn.nc->hits - kn.dump.hits);
	else if (kn.nc->state > 0)
		vxt_dbg(ctx, "sysctl: %u current values from RTM_GETNETCONF, %u from files",
		        kn.nc->hits, files - kn.nc->hits);
	if (batched)
		vxt_dbg(ctx, "sysctl: %u files in batches, on up to %u threads", batched,
		        threads_used);
	/* The report, in plan order (p->t is NULL only when p->n is 0). */
	for (unsigned int i = 0; p->t && i < p->n; i++) {
		const struct vxt_starget *t = &p->t[i];
		struct vxt_sres *s = &res[i];
		if (t->skip)
			continue;
		if (s->nomem || !s->done) {
			rc = vxt_fail(ctx, ENOMEM, "out of memory");
			goto out;
		}
		if (s->status == VXT_STATUS_GONE)
			vxt_info(ctx, "%s vanished while being configured", t->object);
		else if (s->status == VXT_STATUS_FAILED)
			vxt_info(ctx, "writing /proc/sys/%s failed: %s", t->path, strerror(s->err));
		if (vxt_report_add(r, VXT_AREA_SYSCTL, t->object, t->key, s->before, s->after,
		                   t->value, t->via, s->status, s->err) < 0) {
			rc = vxt_fail(ctx, ENOMEM, "out of memory");
			goto out;
		}
	}
	*report = r;
	r = NULL;
	rc = 0;
out:
	vxt_report_unref(r);
	for (unsigned int i = 0; res && i < p->n; i++)
		vxt_sres_free(&res[i]);
	free(res);
	free(batch);
	free(force);
	vxt_sdump_free(&kn.dump);
	return rc;
}
