/* Sysctl requests (key = value on interface selectors) and their plan: the
 * exact list of files they mean, fully validated before anything is
 * written. */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

int vxt_sysctl_req_new(struct vxt_sysctl_req **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void item_free(struct vxt_sysctl_item *it)
{
	free(it->key);
	free(it->value);
	for (unsigned int i = 0; i < it->nifaces; i++)
		free(it->ifaces[i]);
	free(it->ifaces);
}

struct vxt_sysctl_req *vxt_sysctl_req_free(struct vxt_sysctl_req *req)
{
	if (!req)
		return NULL;
	for (unsigned int i = 0; i < req->n; i++)
		item_free(&req->v[i]);
	free(req->v);
	free(req);
	return NULL;
}

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
	if (!req || !str_ok(assignment))
		return -EINVAL;
	const char *eq = strchr(assignment, '=');
	if (!eq)
		return -EINVAL;
	const char *ks = assignment, *ke = eq;
	while (ks < ke && isspace((unsigned char)*ks))
		ks++;
	while (ke > ks && isspace((unsigned char)ke[-1]))
		ke--;
	const char *vs = eq + 1;
	while (*vs && isspace((unsigned char)*vs))
		vs++;
	char key[VXT_SK_INPUT_MAX + 1];
	size_t kl = (size_t)(ke - ks);
	if (!kl || kl >= sizeof(key) || !*vs)
		return -EINVAL;
	memcpy(key, ks, kl);
	key[kl] = '\0';
	return vxt_sysctl_req_add(req, key, vs, ifaces);
}

/* ---- plan ------------------------------------------------------------- */

void vxt_splan_free(struct vxt_splan *p)
{
	free(p->t);
	vxt_iflist_free(&p->lists[0]);
	vxt_iflist_free(&p->lists[1]);
	if (p->sysfd >= 0)
		close(p->sysfd);
	for (int f = 0; f < 2; f++)
		if (p->conffd[f] >= 0)
			close(p->conffd[f]);
	p->conffd[0] = p->conffd[1] = -1;
	p->t = NULL;
	p->n = p->cap = 0;
	p->sysfd = -1;
}

int vxt_splan_open(struct vxt_splan *p, const struct vxt_starget *t, int flags)
{
	if (t->dir < 0)
		return openat(p->sysfd, t->path, flags);
	if (p->conffd[t->dir] < 0) {
		int fd = openat(p->sysfd, t->dir ? "net/ipv6/conf" : "net/ipv4/conf",
		                O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		p->conffd[t->dir] = fd;
	}
	return openat(p->conffd[t->dir], t->path + t->reloff, flags);
}

int vxt_splan_iflist(struct vxt_ctx *ctx, struct vxt_splan *p, const char *family,
                     const struct vxt_iflist **out)
{
	int f = strcmp(family, "ipv4") ? 1 : 0;
	if (!p->listed[f]) {
		int rc = vxt_iflist_read(ctx, p->sysfd, family, &p->lists[f]);
		if (rc < 0)
			return rc;
		p->listed[f] = true;
	}
	*out = &p->lists[f];
	return 0;
}

static int add_target(struct vxt_ctx *ctx, struct vxt_splan *p, const struct vxt_skey *k,
                      const char *obj, const char *via, const char *value, bool added,
                      bool verbatim)
{
	if (vxt_grow((void **)&p->t, &p->cap, p->n + 1, sizeof(*p->t)))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	struct vxt_starget *t = &p->t[p->n];
	memset(t, 0, sizeof(*t));
	if (strlen(obj) >= sizeof(t->object))
		return vxt_fail(ctx, EINVAL, "interface name '%s' is too long", obj);
	memcpy(t->object, obj, strlen(obj) + 1);
	t->via = via;
	t->rule = vxt_skey_effective_rule(k);
	t->is_iface = k->kind == VXT_SK_CONF && strcmp(obj, "all") && strcmp(obj, "default");
	t->added_default = added;
	t->verbatim = verbatim;
	t->dir = -1;
	t->devconf = -1;
	if (k->kind == VXT_SK_CONF) {
		t->dir = strcmp(k->family, "ipv4") ? 1 : 0;
		t->reloff = (unsigned int)strlen("net/ipv4/conf/");
		if (!t->dir && t->is_iface)
			t->devconf = vxt_devconf_index(k->name);
	}
	snprintf(t->value, sizeof(t->value), "%s", value);
	if (vxt_skey_path(k, obj, t->path, sizeof(t->path)) < 0 ||
	    vxt_skey_display(k, obj, t->key, sizeof(t->key)) < 0)
		return vxt_fail(ctx, ENAMETOOLONG, "sysctl key for '%s' on '%s' is too long",
		                via, obj);
	p->n++;
	return 0;
}

static int path_cmp(const void *a, const void *b)
{
	const struct vxt_starget *x = *(const struct vxt_starget *const *)a;
	const struct vxt_starget *y = *(const struct vxt_starget *const *)b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x < y ? -1 : x > y);
}

/* The same file twice: the same value is fine (later copy skipped), an
 * added default gives way to an explicit one, two explicit values clash. */
static int dedupe(struct vxt_ctx *ctx, struct vxt_splan *p)
{
	if (p->n < 2)
		return 0;
	struct vxt_starget **idx = calloc(p->n, sizeof(*idx));
	if (!idx)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < p->n; i++)
		idx[i] = &p->t[i];
	qsort(idx, p->n, sizeof(*idx), path_cmp);
	int rc = 0;
	for (unsigned int i = 0; i < p->n;) {
		unsigned int j = i + 1;
		while (j < p->n && !strcmp(idx[i]->path, idx[j]->path))
			j++;
		struct vxt_starget *keep = NULL;
		for (unsigned int m = i; m < j; m++)
			if (!idx[m]->added_default && (!keep || keep->added_default))
				keep = idx[m];
		if (!keep)
			keep = idx[i];
		for (unsigned int m = i; m < j; m++) {
			struct vxt_starget *t = idx[m];
			if (t == keep)
				continue;
			if (!t->added_default && !vxt_svalue_equal(t->value, keep->value)) {
				rc = vxt_fail(ctx, EINVAL, "conflicting values for %s: '%s' (from %s) "
				              "and '%s' (from %s)", keep->key, keep->value, keep->via,
				              t->value, t->via);
				goto out;
			}
			t->skip = true;
		}
		i = j;
	}
out:
	free(idx);
	return rc;
}

int vxt_splan_build(struct vxt_ctx *ctx, const struct vxt_sysctl_req *req,
                    unsigned int flags, int mode, struct vxt_splan *p)
{
	*p = (struct vxt_splan){.sysfd = -1, .conffd = {-1, -1}};
	if (!req)
		return vxt_fail(ctx, EINVAL, "no sysctl request");
	if (!req->n)
		return vxt_fail(ctx, EINVAL, "empty sysctl request: give at least one KEY=VALUE");
	int rc = vxt_proc_sys_open(ctx);
	if (rc < 0)
		return rc;
	p->sysfd = rc;
	for (unsigned int i = 0; i < req->n; i++) {
		const struct vxt_sysctl_item *it = &req->v[i];
		struct vxt_skey k;
		char value[VXT_SK_INPUT_MAX + 1];
		if ((rc = vxt_skey_parse(ctx, it->key, flags, &k)) < 0)
			return rc;
		if (k.kind == VXT_SK_PLAIN && it->nifaces)
			return vxt_fail(ctx, EINVAL, "'%s' is not a per-interface key: it "
			                "takes no interfaces (--iface)", it->key);
		if (k.kind == VXT_SK_CONF && k.sel[0] && it->nifaces)
			return vxt_fail(ctx, EINVAL, "'%s' names its interface already: give "
			                "the short key (%s) with --iface instead", it->key,
			                k.shortname);
		if (k.kind == VXT_SK_CONF && !k.sel[0] && !it->nifaces)
			return vxt_fail(ctx, EINVAL, "'%s' is a per-interface key: say where "
			                "(--iface all, default, NAME or GLOB such as 'cali*')",
			                it->key);
		if ((rc = vxt_skey_exists(ctx, p->sysfd, &k)) < 0)
			return rc;
		if ((rc = vxt_svalue_check(ctx, &k, it->key, it->value, value, sizeof(value))) < 0)
			return rc;
		bool verbatim = rc == 1;
		if (k.kind == VXT_SK_PLAIN) {
			if ((rc = add_target(ctx, p, &k, "", it->key, value, false, verbatim)) < 0)
				return rc;
			continue;
		}
		/* A full key carries its own selector (in k.sel). */
		const char *one[1] = {k.sel};
		const char *const *sels = (const char *const *)it->ifaces;
		unsigned int nsels = it->nifaces;
		if (k.sel[0]) {
			sels = one;
			nsels = 1;
		}
		const struct vxt_iflist *l;
		struct vxt_objs objs;
		rc = vxt_splan_iflist(ctx, p, k.family, &l);
		if (rc >= 0)
			rc = vxt_sel_resolve(ctx, sels, nsels, l, mode == VXT_PLAN_SET,
			                     mode == VXT_PLAN_SET ? VXT_ORDER_IFACES_FIRST
			                                          : VXT_ORDER_ALL_FIRST, &objs);
		if (rc < 0)
			return rc;
		bool has_default = false;
		for (unsigned int o = 0; o < objs.n; o++)
			has_default |= !strcmp(objs.v[o], "default");
		bool add_default = mode == VXT_PLAN_RENDER && objs.globbed && !has_default;
		for (unsigned int o = 0; rc >= 0 && o <= objs.n; o++) {
			/* Render: the added default goes after "all", before the
			 * interfaces, as a sysctl.d reader expects. */
			if (add_default && (o == objs.n || strcmp(objs.v[o], "all"))) {
				rc = add_target(ctx, p, &k, "default", it->key, value, true, verbatim);
				add_default = false;
			}
			if (rc >= 0 && o < objs.n)
				rc = add_target(ctx, p, &k, objs.v[o], it->key, value, false, verbatim);
		}
		vxt_objs_free(&objs);
		if (rc < 0)
			return rc;
	}
	return dedupe(ctx, p);
}
