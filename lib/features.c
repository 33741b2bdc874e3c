/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Offload feature objects (one device, or every device), the cached
 * feature-name string set, and backend selection: ethtool netlink first,
 * the legacy SIOCETHTOOL ioctl when the kernel has no FEATURES_* (< 5.7). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"

int vxt_strset_new(unsigned int count, struct vxt_strset **out)
{
	struct vxt_strset *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->refcount = 1;
	s->count = count;
	s->names = calloc(count ? count : 1, sizeof(*s->names));
	if (!s->names) {
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

static void strset_destroy(struct vxt_strset *s)
{
	for (unsigned int i = 0; i < s->count; i++)
		free(s->names[i]);
	free(s->names);
	free(s->index);
	free(s);
}

VXT_DEFINE_REFCOUNT(strset, strset_destroy)

int vxt_features_alloc(struct vxt_strset *names, unsigned int nbits, struct vxt_features **out)
{
	struct vxt_features *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	unsigned int w = VXT_WORDS(nbits) ? VXT_WORDS(nbits) : 1;
	f->refcount = 1;
	f->nbits = nbits;
	f->names = vxt_strset_ref(names);
	/* One allocation for the four bitsets. */
	f->hw = calloc(4 * (size_t)w, sizeof(uint32_t));
	if (!f->hw) {
		vxt_features_unref(f);
		return -ENOMEM;
	}
	f->wanted = f->hw + w;
	f->active = f->hw + 2 * w;
	f->nochange = f->hw + 3 * w;
	*out = f;
	return 0;
}

static unsigned int *named_bits(const struct vxt_strset *names, unsigned int nbits,
                                unsigned int *count)
{
	unsigned int *bits = malloc((nbits ? nbits : 1) * sizeof(*bits));
	*count = 0;
	for (unsigned int b = 0; bits && b < nbits && b < names->count; b++)
		if (names->names[b] && names->names[b][0])
			bits[(*count)++] = b;
	return bits;
}

/* Which bits have names depends only on the kernel's name table and the
 * bitset size, the same for every interface: computed once per table and
 * shared (a dump of thousands of interfaces does not hold thousands of
 * copies); another size gets its own. */
int vxt_features_index(struct vxt_features *f)
{
	struct vxt_strset *s = f->names;
	if (!s->index && (s->index = named_bits(s, f->nbits, &s->index_count)))
		s->index_nbits = f->nbits;
	if (s->index && s->index_nbits == f->nbits) {
		f->bits = s->index;
		f->count = s->index_count;
		f->bits_shared = true;
		return 0;
	}
	f->bits = named_bits(s, f->nbits, &f->count);
	return f->bits ? 0 : -ENOMEM;
}

static void features_destroy(struct vxt_features *f)
{
	vxt_strset_unref(f->names);
	free(f->states);
	free(f->hw);
	if (!f->bits_shared)
		free(f->bits);
	free(f);
}

VXT_DEFINE_REFCOUNT(features, features_destroy)

const char *vxt_features_ifname(const struct vxt_features *f)
{
	return f->ifname;
}

int vxt_features_ifindex(const struct vxt_features *f)
{
	return f->ifindex;
}

unsigned int vxt_features_count(const struct vxt_features *f)
{
	return f ? f->count : 0;
}

const char *vxt_features_name(const struct vxt_features *f, unsigned int i)
{
	return f && i < f->count ? f->names->names[f->bits[i]] : NULL;
}

bool vxt_features_active(const struct vxt_features *f, unsigned int i)
{
	return f && i < f->count && vxt_bit(f->active, f->bits[i]);
}

bool vxt_features_wanted(const struct vxt_features *f, unsigned int i)
{
	return f && i < f->count && vxt_bit(f->wanted, f->bits[i]);
}

bool vxt_features_bit_changeable(const struct vxt_features *f, unsigned int bit)
{
	return bit < f->nbits && vxt_bit(f->hw, bit) && !vxt_bit(f->nochange, bit);
}

bool vxt_features_changeable(const struct vxt_features *f, unsigned int i)
{
	return f && i < f->count && vxt_features_bit_changeable(f, f->bits[i]);
}

const char *vxt_features_states(const struct vxt_features *f)
{
	if (!f)
		return NULL;
	if (!f->states) {
		/* Cached on a const object: the cache is not part of its value. */
		struct vxt_features *w = (struct vxt_features *)f;
		if (!(w->states = malloc((size_t)f->count + 1)))
			return NULL;
		for (unsigned int i = 0; i < f->count; i++) {
			unsigned int b = f->bits[i];
			w->states[i] = (char)('0' + (vxt_bit(f->active, b) | vxt_bit(f->wanted, b) << 1 |
			                             !vxt_features_bit_changeable(f, b) << 2));
		}
		w->states[f->count] = '\0';
	}
	return f->states;
}

int vxt_features_find(const struct vxt_features *f, const char *name)
{
	for (unsigned int i = 0; f && name && i < f->count; i++)
		if (!strcmp(f->names->names[f->bits[i]], name))
			return (int)i;
	return -ENOENT;
}

int vxt_features_list_new(struct vxt_features_list **out)
{
	struct vxt_features_list *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->refcount = 1;
	*out = l;
	return 0;
}

int vxt_features_list_add(struct vxt_features_list *l, struct vxt_features *f)
{
	if (vxt_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = f;
	return 0;
}

static void features_list_destroy(struct vxt_features_list *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		vxt_features_unref(l->v[i]);
	free(l->v);
	free(l);
}

VXT_DEFINE_REFCOUNT(features_list, features_list_destroy)

unsigned int vxt_features_list_count(const struct vxt_features_list *l)
{
	return l ? l->n : 0;
}

struct vxt_features *vxt_features_list_get(const struct vxt_features_list *l, unsigned int i)
{
	return l && i < l->n ? l->v[i] : NULL;
}

/* Decide the backend once: netlink unless the family is missing or the
 * kernel predates FEATURES_GET; the caller may force either. */
int vxt_features_backend(struct vxt_ctx *ctx)
{
	if (ctx->backend != VXT_BACKEND_AUTO)
		return ctx->backend;
	int rc = vxt_ethtool_sock(ctx);
	if (rc == 0) {
		struct vxt_strset *names = NULL;
		rc = vxt_nl_strset(ctx, &names);
		if (rc == 0) {
			ctx->feature_names = names;
			ctx->backend = VXT_BACKEND_NETLINK;
			/* Probe FEATURES_GET on loopback: 5.6 kernels have the
			 * family but not this message. */
			struct vxt_features *f = NULL;
			rc = vxt_nl_features_get(ctx, "lo", 0, names, &f);
			vxt_features_unref(f);
			if (rc != -EOPNOTSUPP && rc != -EINVAL)
				return VXT_BACKEND_NETLINK;
			vxt_strset_unref(ctx->feature_names);
			ctx->feature_names = NULL;
		}
	}
	if (ctx->backend_req == VXT_BACKEND_NETLINK)
		return rc < 0 ? rc : -EOPNOTSUPP;
	vxt_dbg(ctx, "ethtool netlink unavailable (%d): using the SIOCETHTOOL ioctl", rc);
	ctx->backend = VXT_BACKEND_IOCTL;
	return VXT_BACKEND_IOCTL;
}

int vxt_feature_names(struct vxt_ctx *ctx, struct vxt_strset **out)
{
	int be = vxt_features_backend(ctx);
	if (be < 0)
		return vxt_fail(ctx, be, "ethtool netlink is not available in this kernel");
	if (!ctx->feature_names) {
		int rc = be == VXT_BACKEND_NETLINK ? vxt_nl_strset(ctx, &ctx->feature_names)
		                                   : vxt_ioctl_strset(ctx, &ctx->feature_names);
		if (rc < 0)
			return vxt_fail(ctx, rc, "reading the kernel's feature names: %s%s%s",
			                strerror(-rc), ctx->extack[0] ? ": " : "", ctx->extack);
	}
	*out = ctx->feature_names;
	return 0;
}

/* Compose the message for a failed read or write of one interface. */
int vxt_features_fail(struct vxt_ctx *ctx, int rc, const char *ifname, const char *op)
{
	if (rc == -ENODEV)
		return vxt_fail(ctx, rc, "no such interface '%s'", ifname);
	const char *hint = vxt_errno_hint(rc);
	if (rc == -EPERM || rc == -EACCES)
		return vxt_fail(ctx, rc, "%s: %s %s", ifname, op, hint);
	return vxt_fail(ctx, rc, "%s: %s failed: %s%s%s%s", ifname, op, strerror(-rc),
	                ctx->extack[0] ? " (kernel: " : "", ctx->extack,
	                ctx->extack[0] ? ")" : "");
}

int vxt_features_get(struct vxt_ctx *ctx, const char *ifname, struct vxt_features **out)
{
	vxt_clear_error(ctx);
	if (vxt_ifname_valid(ifname) < 0)
		return vxt_fail(ctx, EINVAL, "invalid interface name '%s'", ifname ? ifname : "(null)");
	struct vxt_strset *names;
	int rc = vxt_feature_names(ctx, &names);
	if (rc < 0)
		return rc;
	rc = ctx->backend == VXT_BACKEND_NETLINK
		? vxt_nl_features_get(ctx, ifname, 0, names, out)
		: vxt_ioctl_features_get(ctx, ifname, 0, names, out);
	return rc < 0 ? vxt_features_fail(ctx, rc, ifname, "reading features") : 0;
}

int vxt_features_get_index(struct vxt_ctx *ctx, int ifindex, struct vxt_features **out)
{
	vxt_clear_error(ctx);
	if (ifindex <= 0)
		return vxt_fail(ctx, EINVAL, "invalid interface index %d", ifindex);
	struct vxt_strset *names;
	int rc = vxt_feature_names(ctx, &names);
	if (rc < 0)
		return rc;
	rc = ctx->backend == VXT_BACKEND_NETLINK
		? vxt_nl_features_get(ctx, NULL, ifindex, names, out)
		: vxt_ioctl_features_get(ctx, NULL, ifindex, names, out);
	if (rc == -ENODEV)
		return vxt_fail(ctx, rc, "no interface with index %d", ifindex);
	char name[32];
	snprintf(name, sizeof(name), "ifindex %d", ifindex);
	return rc < 0 ? vxt_features_fail(ctx, rc, name, "reading features") : 0;
}

/* The caller's callback, and whether it was the one that stopped the walk
 * (then the value is its own, not a failed read to explain). */
struct foreach_call {
	vxt_features_fn fn;
	void *userdata;
	bool stopped;
};

static int foreach_one(struct vxt_features *f, void *arg)
{
	struct foreach_call *c = arg;
	int rc = c->fn(f, c->userdata);
	c->stopped = rc != 0;
	return rc;
}

int vxt_features_foreach(struct vxt_ctx *ctx, vxt_features_fn fn, void *userdata)
{
	vxt_clear_error(ctx);
	if (!fn)
		return vxt_fail(ctx, EINVAL, "vxt_features_foreach: no callback");
	struct vxt_strset *names;
	int rc = vxt_feature_names(ctx, &names);
	if (rc < 0)
		return rc;
	struct foreach_call c = {.fn = fn, .userdata = userdata};
	rc = ctx->backend == VXT_BACKEND_NETLINK ? vxt_nl_features_dump(ctx, names, foreach_one, &c)
	                                         : vxt_ioctl_features_dump(ctx, names, foreach_one, &c);
	if (rc < 0 && !c.stopped)
		return vxt_fail(ctx, rc, "reading the features of every interface: %s%s%s",
		                strerror(-rc), ctx->extack[0] ? ": " : "", ctx->extack);
	return rc;
}

static int list_add_ref(struct vxt_features *f, void *list)
{
	if (vxt_features_list_add(list, vxt_features_ref(f)) < 0) {
		vxt_features_unref(f);
		return -ENOMEM;
	}
	return 0;
}

int vxt_features_get_all(struct vxt_ctx *ctx, struct vxt_features_list **out)
{
	struct vxt_features_list *l;
	int rc = vxt_features_list_new(&l);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	if ((rc = vxt_features_foreach(ctx, list_add_ref, l)) < 0) {
		vxt_features_list_unref(l);
		return rc;
	}
	*out = l;
	return 0;
}
