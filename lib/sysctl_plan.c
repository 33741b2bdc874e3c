/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sysctl requests (key = value on interface selectors) and their plan: the
 * exact list of files they mean, every write checked before the first one
 * is made; then executed (read, write what differs, read back), rolled
 * back, or rendered as persistent configuration. */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/socket.h>

#include "sysctl.h"

/* What systemd-sysctl (sysctl.d(5)) and sysctl -p read back from a line
 * "KEY = VALUE" is not always KEY: the first '=' ends the key, a leading
 * '-' means "ignore errors", '*', '?' and '[' make the key a glob over
 * /proc/sys (net.ipv4.conf.cali*.rp_filter would set every cali
 * interface), surrounding blanks are stripped, and a file that is not
 * UTF-8 may be refused.  Interface names may hold all of these (the kernel
 * allows any byte but '/', ':' and blanks), so a rendered line is checked
 * before it is written: refused, naming the interface, rather than
 * rendered to mean something else. */
int vxt_sysctld_key_check(struct vxt_ctx *ctx, const char *key, const char *object)
{
	const char *why = NULL;
	if (!key || !*key)
		why = "is empty";
	else if (key[0] == '-' || key[0] == '#' || key[0] == ';')
		why = "starts with a character sysctl.d reads as a prefix or comment";
	else if (vxt_is_glob(key))
		why = "holds '*', '?' or '[', which systemd-sysctl reads as a glob over every interface";
	else if (strchr(key, '='))
		why = "holds '=', where systemd-sysctl would end the key";
	else if (!vxt_utf8_valid(key, strlen(key)))
		why = "is not UTF-8";
	else
		for (const unsigned char *c = (const unsigned char *)key; *c && !why; c++)
			if (*c < 0x20 || *c == 0x7f || *c == '\\')
				why = "holds a control character or backslash";
	if (!why)
		return 0;
	if (object && *object)
		return vxt_fail(ctx, EINVAL, "cannot render '%s' for interface '%s': the name %s; "
		                "rename the interface or set it with 'vxlantune sysctl set' (or watch) "
		                "instead of a drop-in", key, object, why);
	return vxt_fail(ctx, EINVAL, "cannot render '%s': the key %s", key, why);
}

int vxt_sysctl_req_new(struct vxt_sysctl_req **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->refcount = 1;
	return 0;
}

static void item_free(struct vxt_sysctl_item *it)
{
	free(it->key);
	free(it->value);
	for (unsigned int i = 0; i < it->nifaces; i++)
		free(it->ifaces[i]);
	free(it->ifaces);
}

static void sysctl_req_destroy(struct vxt_sysctl_req *req)
{
	for (unsigned int i = 0; i < req->n; i++)
		item_free(&req->v[i]);
	free(req->v);
	free(req);
}

VXT_DEFINE_REFCOUNT(sysctl_req, sysctl_req_destroy)

unsigned int vxt_sysctl_req_count(const struct vxt_sysctl_req *req)
{
	return req ? req->n : 0;
}

static bool str_ok(const char *s)
{
	return s && *s && strnlen(s, VXT_SK_INPUT_MAX + 1) <= VXT_SK_INPUT_MAX;
}

int vxt_sysctl_req_add(struct vxt_sysctl_req *req, const char *key,
                       const char *value, const char *const *ifaces)
{
	if (!req || !str_ok(key) || !str_ok(value))
		return -EINVAL;
	unsigned int n = 0;
	while (ifaces && ifaces[n]) {
		if (!str_ok(ifaces[n]))
			return -EINVAL;
		n++;
	}
	if (vxt_grow((void **)&req->v, &req->cap, req->n + 1, sizeof(*req->v)))
		return -ENOMEM;
	struct vxt_sysctl_item it = {
		.key = strdup(key),
		.value = strdup(value),
		.ifaces = n ? calloc(n, sizeof(char *)) : NULL,
	};
	bool ok = it.key && it.value && (!n || it.ifaces);
	for (unsigned int i = 0; ok && i < n; i++) {
		ok = (it.ifaces[i] = strdup(ifaces[i])) != NULL;
		it.nifaces += ok;
	}
	if (!ok) {
		item_free(&it);
		return -ENOMEM;
	}
	req->v[req->n++] = it;
	return 0;
}

int vxt_sysctl_req_add_assignment(struct vxt_sysctl_req *req, const char *assignment,
                                  const char *const *ifaces)
{
	char key[VXT_SK_INPUT_MAX + 1];
	const char *value;
	if (!req || !str_ok(assignment) || vxt_sysctl_assignment(assignment, key, sizeof(key), &value))
		return -EINVAL;
	return vxt_sysctl_req_add(req, key, value, ifaces);
}

/* ---- plan --------------------------------------------------------------- */

void vxt_sysctl_plan_free(struct vxt_sysctl_plan *p)
{
	for (unsigned int i = 0; i < p->n; i++) {
		free(p->t[i].path);
		free(p->t[i].key);
		free(p->t[i].before);
		free(p->t[i].after);
	}
	free(p->t);
	for (unsigned int i = 0; i < p->nitems; i++)
		free(p->values[i]);
	free(p->values);
	vxt_iflist_free(&p->lists[0]);
	vxt_iflist_free(&p->lists[1]);
	if (p->sysfd >= 0)
		close(p->sysfd);
	if (p->nl)
		nl_socket_free(p->nl);
	*p = (struct vxt_sysctl_plan){.sysfd = -1};
}

static int add_target(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p,
                      const struct vxt_sysctl_key *k, unsigned int item, const char *obj,
                      const char *via, bool added)
{
	if (vxt_grow((void **)&p->t, &p->cap, p->n + 1, sizeof(*p->t)))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	struct vxt_sysctl_target *t = &p->t[p->n];
	*t = (struct vxt_sysctl_target){.item = item, .via = via, .value = p->values[item],
	                                .added_default = added, .devconf = -1};
	if (strlen(obj) >= sizeof(t->object))
		return vxt_fail(ctx, EINVAL, "interface name '%s' is too long", obj);
	strcpy(t->object, obj);
	t->is_iface = k->kind == VXT_SK_CONF && strcmp(obj, "all") && strcmp(obj, "default");
	if (t->is_iface && !strcmp(k->family, "ipv4"))
		t->devconf = vxt_devconf_index(k->name);
	char path[VXT_SK_PATH_MAX], key[VXT_SK_PATH_MAX];
	if (vxt_sysctl_key_path(k, obj, path, sizeof(path)) < 0 ||
	    vxt_sysctl_key_display(k, obj, key, sizeof(key)) < 0)
		return vxt_fail(ctx, ENAMETOOLONG, "sysctl key for '%s' on '%s' is too long", via, obj);
	if (!(t->path = strdup(path)) || !(t->key = strdup(key))) {
		free(t->path);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	p->n++;
	return 0;
}

static int path_cmp(const void *a, const void *b)
{
	const struct vxt_sysctl_target *x = *(const struct vxt_sysctl_target *const *)a;
	const struct vxt_sysctl_target *y = *(const struct vxt_sysctl_target *const *)b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x < y ? -1 : x > y);
}

/* The same file twice: the same value is fine (later copy skipped), an
 * added default gives way to an explicit one, two explicit values clash
 * (the library's one conflict rule: refuse). */
static int dedupe(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p)
{
	struct vxt_sysctl_target **idx = calloc(p->n ? p->n : 1, sizeof(*idx));
	if (!idx)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < p->n; i++)
		idx[i] = &p->t[i];
	qsort(idx, p->n, sizeof(*idx), path_cmp);
	int rc = 0;
	for (unsigned int i = 0, j; i < p->n && rc == 0; i = j) {
		struct vxt_sysctl_target *keep = idx[i];
		for (j = i + 1; j < p->n && !strcmp(idx[i]->path, idx[j]->path); j++)
			if (keep->added_default)
				keep = idx[j];
		for (unsigned int m = i; m < j && rc == 0; m++) {
			struct vxt_sysctl_target *t = idx[m];
			if (t != keep && !t->added_default && !vxt_sysctl_value_equal(t->value, keep->value))
				rc = vxt_fail(ctx, EINVAL, "conflicting values for %s: '%s' (from %s) "
				              "and '%s' (from %s)", keep->key, keep->value, keep->via,
				              t->value, t->via);
			t->skip = t != keep;
		}
	}
	free(idx);
	return rc;
}

/* Per conf key, interfaces come before default.  When default gets a
 * value different from an interface's, that interface is written even if
 * it already has its value: an explicit write is what keeps the kernel
 * from copying the new default onto it. */
static void mark_forced(struct vxt_sysctl_plan *p)
{
	for (unsigned int d = 0; d < p->n; d++) {
		const struct vxt_sysctl_target *dt = &p->t[d];
		if (dt->skip || strcmp(dt->object, "default"))
			continue;
		const char *name = strrchr(dt->path, '/');
		size_t pre = (size_t)(strstr(dt->path, "/default/") - dt->path);
		for (unsigned int i = 0; i < p->n; i++) {
			struct vxt_sysctl_target *t = &p->t[i];
			if (!t->skip && t->is_iface && !strncmp(t->path, dt->path, pre + 1) &&
			    !strcmp(strrchr(t->path, '/'), name) &&
			    !vxt_sysctl_value_equal(t->value, dt->value))
				t->force = true;
		}
	}
}

static const char fix_hint[] =
	"run it where /proc/sys is writable: a privileged container, or on the host "
	"(the vxlantune systemd unit or the Ansible role)";

/* Can t be written, and how? */
static int check_target(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p,
                        const struct vxt_sysctl_key *k, struct vxt_sysctl_target *t)
{
	struct stat st;
	if (!fstatat(p->sysfd, t->path, &st, 0) && !(st.st_mode & 0222))
		return vxt_fail(ctx, EPERM, "cannot set %s: the kernel makes this sysctl "
		                "read-only (mode %04o); nothing was changed", t->key,
		                (unsigned int)(st.st_mode & 07777));
	if (p->proc_readonly) {
		const char *why = vxt_sysctl_netlink_refusal(k, t->object);
		if (why)
			return vxt_fail(ctx, EROFS, "cannot set %s: /proc/sys is mounted read-only "
			                "here, and %s; %s; nothing was changed", t->key, why, fix_hint);
		if (!vxt_has_net_admin())
			return vxt_fail(ctx, EPERM, "cannot set %s over rtnetlink (/proc/sys is "
			                "read-only here): it needs CAP_NET_ADMIN in this network "
			                "namespace (add NET_ADMIN to the container's capabilities); "
			                "nothing was changed", t->key);
		t->backend = VXT_SYSCTL_BY_NETLINK;
		return 0;
	}
	t->backend = VXT_SYSCTL_BY_PROC;
	/* (An interface that vanished since the listing is "gone" later.) */
	if (!faccessat(p->sysfd, t->path, W_OK, AT_EACCESS) || (t->is_iface && errno == ENOENT))
		return 0;
	int err = errno;
	if (err == EROFS) { /* read-only although statvfs did not say so */
		p->proc_readonly = true;
		return check_target(ctx, p, k, t);
	}
	return vxt_fail(ctx, err == EACCES ? EPERM : err, "cannot write /proc/sys/%s (%s): %s: "
	                "writing network sysctls needs uid 0 or CAP_NET_ADMIN in this network "
	                "namespace (run as root); nothing was changed", t->path, t->key,
	                strerror(err));
}

/* Every write of targets [from, p->n), all of one item, checked.  One
 * check stands for all its interfaces: the kernel gives their files the
 * same mode and owner. */
static int check_item(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p,
                      const struct vxt_sysctl_key *k, unsigned int from)
{
	const struct vxt_sysctl_target *iface = NULL;
	int rc = 0;
	for (unsigned int i = from; i < p->n && rc >= 0; i++) {
		struct vxt_sysctl_target *t = &p->t[i];
		if (t->is_iface && iface)
			t->backend = iface->backend;
		else if ((rc = check_target(ctx, p, k, t)) >= 0 && t->is_iface)
			iface = t;
	}
	return rc;
}

static int plan_iflist(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p, const char *family,
                       const struct vxt_iflist **out)
{
	int f = strcmp(family, "ipv4") ? 1 : 0, rc;
	if (!p->listed[f] && (rc = vxt_iflist_read(ctx, p->sysfd, family, &p->lists[f])) < 0)
		return rc;
	p->listed[f] = true;
	*out = &p->lists[f];
	return 0;
}

/* One request item into targets. */
static int plan_item(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p,
                     const struct vxt_sysctl_item *it, unsigned int i, unsigned int flags,
                     int mode)
{
	struct vxt_sysctl_key k;
	char value[VXT_SK_INPUT_MAX + 1];
	int rc = vxt_sysctl_key_parse(ctx, it->key, flags, &k);
	if (rc < 0)
		return rc;
	if (k.kind == VXT_SK_PLAIN && it->nifaces)
		return vxt_fail(ctx, EINVAL, "'%s' is not a per-interface key: it takes no "
		                "interfaces (--iface)", it->key);
	if (k.kind == VXT_SK_CONF && k.sel[0] && it->nifaces)
		return vxt_fail(ctx, EINVAL, "'%s' names its interface already: give the short "
		                "key (%s) with --iface instead", it->key, k.shortname);
	if (k.kind == VXT_SK_CONF && !k.sel[0] && !it->nifaces)
		return vxt_fail(ctx, EINVAL, "'%s' is a per-interface key: say where (--iface "
		                "all, default, NAME or GLOB such as 'cali*')", it->key);
	if ((rc = vxt_sysctl_key_exists(ctx, p->sysfd, &k)) < 0 ||
	    (rc = vxt_sysctl_value_check(ctx, &k, it->key, it->value, value, sizeof(value))) < 0)
		return rc;
	if (!(p->values[i] = strdup(value)))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	unsigned int first = p->n;
	bool set = mode == VXT_PLAN_SET;
	if (k.kind == VXT_SK_PLAIN)
		return (rc = add_target(ctx, p, &k, i, "", it->key, false)) < 0 || !set
		       ? rc : check_item(ctx, p, &k, first);
	/* A full key carries its own selector. */
	const char *one[1] = {k.sel};
	const char *const *sels = k.sel[0] ? one : (const char *const *)it->ifaces;
	unsigned int nsels = k.sel[0] ? 1 : it->nifaces;
	const struct vxt_iflist *l;
	struct vxt_objs objs;
	if ((rc = plan_iflist(ctx, p, k.family, &l)) < 0 ||
	    (rc = vxt_sel_resolve(ctx, sels, nsels, l, set, !set, &objs)) < 0)
		return rc;
	bool add_default = !set && objs.globbed;
	for (unsigned int o = 0; o < objs.n; o++)
		add_default &= strcmp(objs.v[o], "default") != 0;
	for (unsigned int o = 0; rc >= 0 && o <= objs.n; o++) {
		/* Render: the added default goes after "all", before the
		 * interfaces, as a sysctl.d reader expects. */
		if (add_default && (o == objs.n || strcmp(objs.v[o], "all"))) {
			rc = add_target(ctx, p, &k, i, "default", it->key, true);
			add_default = false;
		}
		if (rc >= 0 && o < objs.n)
			rc = add_target(ctx, p, &k, i, objs.v[o], it->key, false);
	}
	vxt_objs_free(&objs);
	return rc < 0 || !set ? rc : check_item(ctx, p, &k, first);
}

int vxt_sysctl_plan_build(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                          unsigned int flags, int mode, struct vxt_sysctl_plan *p)
{
	*p = (struct vxt_sysctl_plan){.sysfd = -1};
	if (!req)
		return vxt_fail(ctx, EINVAL, "no sysctl request");
	if (!req->n)
		return vxt_fail(ctx, EINVAL, "empty sysctl request: give at least one KEY=VALUE");
	if (!(p->values = calloc(req->n, sizeof(*p->values))))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	p->nitems = req->n;
	p->proc_readonly = mode == VXT_PLAN_SET && vxt_proc_sys_readonly();
	int rc = p->sysfd = vxt_proc_sys_open(ctx);
	for (unsigned int i = 0; rc >= 0 && i < req->n; i++)
		rc = plan_item(ctx, p, &req->v[i], i, flags, mode);
	if (rc >= 0)
		rc = dedupe(ctx, p);
	if (rc >= 0 && mode == VXT_PLAN_SET)
		mark_forced(p);
	return rc < 0 ? rc : 0;
}

/* ---- execute and roll back ---------------------------------------------- */

static bool is_perm(int err)
{
	return err == EACCES || err == EPERM || err == EROFS;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	return (*dst = strdup(v)) ? 0 : -ENOMEM;
}

/* Read t, write value unless it is there already (or dry), read back.
 * Fills t's outcome; -ENOMEM is the only error. */
static int write_one(struct vxt_sysctl_plan *p, struct vxt_sysctl_target *t,
                     const char *value, bool force, bool dry)
{
	char before[VXT_SK_VALUE_MAX], after[VXT_SK_VALUE_MAX];
	bool by_proc = t->backend == VXT_SYSCTL_BY_PROC;
	int fd = openat(p->sysfd, t->path, (by_proc && !dry ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	int rc = fd < 0 ? -errno : vxt_proc_pread(fd, before, sizeof(before));
	if (rc >= 0) {
		bool same = vxt_sysctl_value_equal(before, value);
		if (set_str(&t->before, before) < 0)
			goto nomem;
		if (dry || (same && !force)) {
			t->status = same ? VXT_STATUS_UNCHANGED : VXT_STATUS_CHANGED;
			rc = set_str(&t->after, same ? before : value);
			goto out;
		}
		rc = vxt_sysctl_writers[t->backend].write(p, t, fd, value);
		t->written = rc >= 0;
		/* The report says what the kernel kept, not what was sent. */
		if (rc >= 0 && (rc = vxt_proc_pread(fd, after, sizeof(after))) >= 0) {
			t->status = !vxt_sysctl_value_equal(after, value) ? VXT_STATUS_FIXED
			            : same ? VXT_STATUS_UNCHANGED : VXT_STATUS_CHANGED;
			rc = set_str(&t->after, after);
			goto out;
		}
	}
	/* The kernel removes an interface's conf directory with the device:
	 * open gives ENOENT, I/O on an open file ENOENT/ENODEV. */
	t->err = -rc;
	t->status = t->is_iface && (rc == -ENOENT || rc == -ENODEV) ? VXT_STATUS_GONE
	                                                              : VXT_STATUS_FAILED;
	rc = set_str(&t->after, "");
	if (rc >= 0 && !t->before)
		rc = set_str(&t->before, "");
out:
	if (fd >= 0)
		close(fd);
	return rc;
nomem:
	if (fd >= 0)
		close(fd);
	return -ENOMEM;
}

static int report_target(struct vxt_report *r, const struct vxt_sysctl_target *t,
                         const char *requested)
{
	return vxt_report_add(r, VXT_AREA_SYSCTL, t->object, t->key, t->before, t->after,
	                      requested, t->via, t->status, t->status == VXT_STATUS_FAILED ? t->err : 0);
}

int vxt_sysctl_plan_execute(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p, unsigned int flags,
                            struct vxt_report **report)
{
	bool dry = flags & VXT_DRY_RUN, wrote_any = false;
	struct vxt_report *r = NULL;
	*report = NULL;
	if (vxt_report_new_internal(dry, &r) < 0)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < p->n; i++) {
		struct vxt_sysctl_target *t = &p->t[i];
		if (t->skip)
			continue;
		if (write_one(p, t, t->value, t->force, dry) < 0) {
			vxt_report_unref(r);
			return vxt_fail(ctx, ENOMEM, "out of memory");
		}
		/* Refused although the plan said it could be written (the
		 * privileges changed meanwhile): stop while nothing is. */
		if (t->status == VXT_STATUS_FAILED && is_perm(t->err) && !wrote_any) {
			vxt_report_unref(r);
			return vxt_fail(ctx, t->err, "cannot write /proc/sys/%s (%s) with %s: %s; "
			                "nothing was written", t->path, t->key,
			                vxt_sysctl_writers[t->backend].name, strerror(t->err));
		}
		wrote_any |= t->written;
		if (t->status == VXT_STATUS_GONE)
			vxt_info(ctx, "%s vanished while being configured", t->object);
		else if (t->status == VXT_STATUS_FAILED)
			vxt_info(ctx, "writing %s failed: %s", t->key, strerror(t->err));
	}
	for (unsigned int i = 0; i < p->n; i++)
		if (!p->t[i].skip && report_target(r, &p->t[i], p->t[i].value) < 0) {
			vxt_report_unref(r);
			return vxt_fail(ctx, ENOMEM, "out of memory");
		}
	*report = r;
	return 0;
}

int vxt_sysctl_plan_rollback(struct vxt_ctx *ctx, struct vxt_sysctl_plan *p,
                             struct vxt_report **report)
{
	struct vxt_report *r = NULL;
	int rc = 0, failed = 0;
	if (report && (*report = NULL, vxt_report_new_internal(false, &r) < 0))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	for (unsigned int i = p->n; i-- > 0 && rc >= 0;) {
		struct vxt_sysctl_target *t = &p->t[i];
		if (!t->written)
			continue;
		char *before = t->before;
		t->before = NULL; /* the value being put back is the requested one */
		rc = write_one(p, t, before, true, false);
		if (rc >= 0) {
			t->written = false;
			if (t->status == VXT_STATUS_FAILED && !failed)
				failed = t->err;
			if (r)
				rc = report_target(r, t, before);
		}
		free(before);
	}
	if (rc < 0) {
		vxt_report_unref(r);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	if (report)
		*report = r;
	return failed ? vxt_fail(ctx, failed, "some sysctls could not be put back: %s",
	                         strerror(failed)) : 0;
}

/* ---- set ---------------------------------------------------------------- */

int vxt_sysctl_req_check(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                         unsigned int flags)
{
	vxt_clear_error(ctx);
	struct vxt_sysctl_plan p;
	int rc = vxt_sysctl_plan_build(ctx, req, flags, VXT_PLAN_SET, &p);
	vxt_sysctl_plan_free(&p);
	return rc;
}

int vxt_sysctl_set(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                   unsigned int flags, struct vxt_report **report)
{
	vxt_clear_error(ctx);
	if (!report)
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_set: no report pointer");
	*report = NULL;
	struct vxt_sysctl_plan p;
	int rc = vxt_sysctl_plan_build(ctx, req, flags, VXT_PLAN_SET, &p);
	if (rc >= 0)
		rc = vxt_sysctl_plan_execute(ctx, &p, flags, report);
	vxt_sysctl_plan_free(&p);
	return rc;
}

/* ---- render ------------------------------------------------------------- */

static bool is_int(const char *s)
{
	s += *s == '-';
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* YAML: plain when safe (a number only where one is meant), else
 * single-quoted ('' escapes a quote). */
static void yaml_scalar(FILE *f, const char *s, bool number)
{
	bool plain = number ? is_int(s) : !is_int(s);
	for (const char *c = s; plain && *c; c++)
		plain = isalnum((unsigned char)*c) || strchr("._-", *c);
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (const char *c = s; *c; c++)
		fputs(*c == '\'' ? "''" : (char[]){*c, 0}, f);
	fputc('\'', f);
}

int vxt_sysctl_render(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                      int format, unsigned int flags, char **text)
{
	vxt_clear_error(ctx);
	if (!text)
		return vxt_fail(ctx, EINVAL, "vxt_sysctl_render: no output pointer");
	*text = NULL;
	if (format != VXT_SYSCTL_FORMAT_SYSCTL_D && format != VXT_SYSCTL_FORMAT_KUBESPRAY)
		return vxt_fail(ctx, EINVAL, "unknown render format %d (sysctl.d or kubespray)",
		                format);
	struct vxt_sysctl_plan p;
	int rc = vxt_sysctl_plan_build(ctx, req, flags, VXT_PLAN_RENDER, &p);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = rc < 0 ? NULL : open_memstream(&buf, &len);
	if (!f) {
		vxt_sysctl_plan_free(&p);
		return rc < 0 ? rc : vxt_fail(ctx, ENOMEM, "out of memory rendering sysctl settings");
	}
	bool kube = format == VXT_SYSCTL_FORMAT_KUBESPRAY, any_default = false;
	for (unsigned int i = 0; i < p.n; i++)
		any_default |= p.t[i].added_default && !p.t[i].skip;
	/* Only lines that systemd-sysctl / sysctl -p read back as the same key. */
	for (unsigned int i = 0; i < p.n && rc >= 0; i++)
		if (!p.t[i].skip)
			rc = vxt_sysctld_key_check(ctx, p.t[i].key, p.t[i].object);
	if (rc < 0) {
		fclose(f);
		free(buf);
		vxt_sysctl_plan_free(&p);
		return rc;
	}
	if (kube)
		fprintf(f, "# Kubespray inventory variables (group_vars), generated by "
		        "vxlantune %s.\n", vxt_version());
	else
		fprintf(f, "# /etc/sysctl.d drop-in generated by vxlantune %s.\n"
		        "# Load with 'sysctl -p FILE' or 'sysctl --system'.  Interface names\n"
		        "# with dots use slash notation: sysctl(8) reads dots as separators.\n",
		        vxt_version());
	fprintf(f, "# Interfaces matched by globs are listed as they exist now%s",
	        any_default ? ";\n# 'default' is set too, so that interfaces created "
	                      "later inherit the value.\n" : ".\n");
	if (kube)
		fputs("additional_sysctl:\n", f);
	unsigned int dotted = 0;
	for (unsigned int i = 0; i < p.n; i++) {
		const struct vxt_sysctl_target *t = &p.t[i];
		if (t->skip)
			continue;
		if (!kube) {
			fprintf(f, "%s = %s\n", t->key, t->value);
		} else if (strchr(t->object, '.')) {
			/* additional_sysctl names are dotted (ansible.posix.sysctl
			 * turns dots into slashes): no way to say vxlan.calico. */
			fprintf(f, "  # not expressible here: %s = %s\n", t->key, t->value);
			dotted++;
		} else {
			fputs("  - name: ", f);
			yaml_scalar(f, t->key, false);
			fputs("\n    value: ", f);
			yaml_scalar(f, t->value, true);
			fputc('\n', f);
		}
	}
	if (kube && dotted)
		fprintf(f, "# %u key%s above name%s an interface whose name contains a dot: "
		        "additional_sysctl\n# cannot express %s in dotted form; install the "
		        "sysctl.d drop-in\n# (vxlantune sysctl render --format sysctl.d) "
		        "for %s.\n", dotted, dotted > 1 ? "s" : "", dotted > 1 ? "" : "s",
		        dotted > 1 ? "them" : "it", dotted > 1 ? "them" : "it");
	vxt_sysctl_plan_free(&p);
	if (fclose(f) || !buf) {
		free(buf);
		return vxt_fail(ctx, ENOMEM, "out of memory rendering sysctl settings");
	}
	*text = buf;
	return 0;
}
