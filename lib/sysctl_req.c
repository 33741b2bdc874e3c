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
	for (unsigned int i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	p->chunks = NULL;
	p->nchunks = p->chunkcap = 0;
	p->cur = NULL;
	p->left = 0;
	vxt_snc_free(&p->nc);
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

int vxt_splan_prepare(struct vxt_splan *p, int dir)
{
	if (dir < 0 || dir > 1)
		return 0;
	if (p->conffd[dir] < 0) {
		int fd = openat(p->sysfd, dir ? "net/ipv6/conf" : "net/ipv4/conf",
		                O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		p->conffd[dir] = fd;
	}
	return 0;
}

int vxt_splan_open(struct vxt_splan *p, const struct vxt_starget *t, int flags)
{
	if (t->dir < 0)
		return openat(p->sysfd, t->path, flags);
	int rc = vxt_splan_prepare(p, t->dir);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return openat(p->conffd[t->dir], t->path + t->reloff, flags);
}

int vxt_splan_iflist(struct vxt_ctx *ctx, struct vxt_splan *p, const char *family,
                     bool with_nc, const struct vxt_iflist **out)
{
	int f = strcmp(family, "ipv4") ? 1 : 0;
	if (!p->listed[f]) {
		/* The netconf dump names every interface that has an IPv4
		 * conf directory (both exist exactly while the device has
		 * an in_device): no need to read the directory too, which
		 * costs as much as the dump (a dcache lookup per entry). */
		int rc = -1;
		if (!f && with_nc && vxt_snc_load(ctx, &p->nc) >= 0) {
			rc = vxt_snc_iflist(&p->nc, &p->lists[0]);
			if (rc < 0)
				return vxt_fail(ctx, ENOMEM, "out of memory listing interfaces");
			vxt_dbg(ctx, "sysctl: %u IPv4 interfaces from the netconf dump", p->lists[0].n);
		}
		if (rc < 0 && (rc = vxt_iflist_read(ctx, p->sysfd, family, &p->lists[f])) < 0)
			return rc;
		p->listed[f] = true;
	}
	*out = &p->lists[f];
	return 0;
}

/* What every target of one key shares, worked out once per request item
 * rather than once per interface. */
struct kinfo {
	int rule, devconf, netconf, dir;
	char pathpre[32]; /* "net/ipv4/conf/" */
	char disppre[32]; /* "net.ipv4.conf." */
};

static void kinfo_init(const struct vxt_skey *k, struct kinfo *ki)
{
	memset(ki, 0, sizeof(*ki));
	ki->rule = vxt_skey_effective_rule(k);
	ki->devconf = ki->netconf = ki->dir = -1;
	if (k->kind != VXT_SK_CONF)
		return;
	ki->dir = strcmp(k->family, "ipv4") ? 1 : 0;
	if (!ki->dir)
		ki->devconf = vxt_devconf_index(k->name);
	ki->netconf = vxt_netconf_key(k->family, k->name);
	snprintf(ki->pathpre, sizeof(ki->pathpre), "net/%s/conf/", k->family);
	snprintf(ki->disppre, sizeof(ki->disppre), "net.%s.conf.", k->family);
}

/* a b c d into buf; -ENAMETOOLONG if it does not fit. */
static int join4(char *buf, size_t len, const char *a, const char *b, const char *c,
                 const char *d)
{
	const char *parts[4] = {a, b, c, d};
	size_t o = 0;
	for (int i = 0; i < 4; i++) {
		size_t n = strlen(parts[i]);
		if (n >= len - o)
			return -ENAMETOOLONG;
		memcpy(buf + o, parts[i], n);
		o += n;
	}
	buf[o] = '\0';
	return 0;
}

/* A NUL-terminated copy of s[0..n) in the plan's arena, or NULL. */
enum { CHUNK_SIZE = 65536 };
static const char *arena_copy(struct vxt_splan *p, const char *s, size_t n)
{
	if (n + 1 > p->left) {
		size_t sz = n + 1 > CHUNK_SIZE ? n + 1 : CHUNK_SIZE;
		char *c = malloc(sz);
		if (!c || vxt_grow((void **)&p->chunks, &p->chunkcap, p->nchunks + 1,
		                   sizeof(*p->chunks))) {
			free(c);
			return NULL;
		}
		p->chunks[p->nchunks++] = c;
		p->cur = c;
		p->left = sz;
	}
	char *d = p->cur;
	memcpy(d, s, n);
	d[n] = '\0';
	p->cur += n + 1;
	p->left -= n + 1;
	return d;
}

static int add_target(struct vxt_ctx *ctx, struct vxt_splan *p, const struct vxt_skey *k,
                      const struct kinfo *ki, unsigned int item, const char *obj,
                      const char *via, const char *value, bool added, bool verbatim)
{
	if (vxt_grow((void **)&p->t, &p->cap, p->n + 1, sizeof(*p->t)))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	struct vxt_starget *t = &p->t[p->n];
	memset(t, 0, sizeof(*t));
	size_t olen = strlen(obj);
	if (olen >= sizeof(t->object))
		return vxt_fail(ctx, EINVAL, "interface name '%s' is too long", obj);
	memcpy(t->object, obj, olen + 1);
	t->via = via;
	t->rule = ki->rule;
	t->is_iface = k->kind == VXT_SK_CONF && strcmp(obj, "all") && strcmp(obj, "default");
	t->added_default = added;
	t->verbatim = verbatim;
	t->dir = ki->dir;
	t->devconf = t->is_iface ? ki->devconf : -1;
	t->netconf = ki->netconf;
	t->item = item;
	/* The item's value, copied once: every target of an item gets the
	 * same pointer from the caller. */
	if (p->n && p->t[p->n - 1].item == item && p->t[p->n - 1].via == via &&
	    !strcmp(p->t[p->n - 1].value, value))
		t->value = p->t[p->n - 1].value;
	else if (!(t->value = arena_copy(p, value, strlen(value))))
		return vxt_fail(ctx, ENOMEM, "out of memory");
	char path[VXT_SK_PATH_MAX], key[VXT_SK_PATH_MAX];
	int rc;
	if (k->kind == VXT_SK_CONF) {
		/* What vxt_skey_path/vxt_skey_display give, without printf:
		 * this runs for every interface of a big apply. */
		t->reloff = (unsigned int)strlen(ki->pathpre);
		rc = join4(path, sizeof(path), ki->pathpre, obj, "/", k->name);
		if (rc >= 0 && strchr(obj, '.'))
			rc = join4(key, sizeof(key), ki->pathpre, obj, "/", k->name);
		else if (rc >= 0)
			rc = join4(key, sizeof(key), ki->disppre, obj, ".", k->name);
	} else {
		rc = vxt_skey_path(k, obj, path, sizeof(path));
		if (rc >= 0)
			rc = vxt_skey_display(k, obj, key, sizeof(key));
	}
	if (rc < 0)
		return vxt_fail(ctx, ENAMETOOLONG, "sysctl key for '%s' on '%s' is too long",
		                via, obj);
	if (!(t->path = arena_copy(p, path, strlen(path))) ||
	    !(t->key = arena_copy(p, key, strlen(key))))
		return vxt_fail(ctx, ENOMEM, "out of memory");
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
	bool shared = false;
	/* A set of an IPv4 netconf key over a glob (in any item: a policy
	 * gives "all", "default" and "*" as items of their own) will want the
	 * current values of (potentially) every interface: then one netconf
	 * dump gives them and the interface list (vxt_splan_iflist). */
	bool with_nc = false;
	for (unsigned int i = 0; mode == VXT_PLAN_SET && i < req->n && !with_nc; i++) {
		struct vxt_skey k;
		if (vxt_skey_parse(ctx, req->v[i].key, flags, &k) < 0)
			continue; /* reported below */
		bool globbed = vxt_is_glob(k.sel);
		for (unsigned int s = 0; s < req->v[i].nifaces; s++)
			globbed |= vxt_is_glob(req->v[i].ifaces[s]);
		with_nc = globbed && k.kind == VXT_SK_CONF && vxt_netconf_key(k.family, k.name) >= 0;
	}
	vxt_clear_error(ctx);
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
		struct kinfo ki;
		kinfo_init(&k, &ki);
		/* Another item of this key (render's added default counts:
		 * another item may name default explicitly). */
		for (unsigned int j = 0; j < i && !shared; j++) {
			struct vxt_skey kj;
			int prc = vxt_skey_parse(ctx, req->v[j].key, flags, &kj);
			if (prc < 0)
				return prc; /* parsed fine a moment ago */
			shared = kj.kind == k.kind &&
			         (k.kind == VXT_SK_CONF ? !strcmp(kj.family, k.family) &&
			                                          !strcmp(kj.name, k.name)
			                                : !strcmp(kj.path, k.path));
		}
		if (k.kind == VXT_SK_PLAIN) {
			if ((rc = add_target(ctx, p, &k, &ki, i, "", it->key, value, false, verbatim)) < 0)
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
		rc = vxt_splan_iflist(ctx, p, k.family, with_nc, &l);
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
		/* One allocation for every target of this item. */
		if (vxt_grow((void **)&p->t, &p->cap, p->n + objs.n + 1, sizeof(*p->t))) {
			vxt_objs_free(&objs);
			return vxt_fail(ctx, ENOMEM, "out of memory");
		}
		for (unsigned int o = 0; rc >= 0 && o <= objs.n; o++) {
			/* Render: the added default goes after "all", before the
			 * interfaces, as a sysctl.d reader expects. */
			if (add_default && (o == objs.n || strcmp(objs.v[o], "all"))) {
				rc = add_target(ctx, p, &k, &ki, i, "default", it->key, value, true, verbatim);
				add_default = false;
			}
			if (rc >= 0 && o < objs.n)
				rc = add_target(ctx, p, &k, &ki, i, objs.v[o], it->key, value, false, verbatim);
		}
		vxt_objs_free(&objs);
		if (rc < 0)
			return rc;
	}
	/* The same file twice needs two items of the same key: otherwise
	 * every path is already unique (a selector list yields each
	 * interface once), and sorting thousands of paths is not free. */
	if (!shared)
		return 0;
	return dedupe(ctx, p);
}
