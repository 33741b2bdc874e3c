/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* struct vxt_report: one entry per object/key touched by an operation. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct vxt_report_entry {
	int area;
	char *object, *key, *before, *after, *requested, *via;
	int status;
	int error;
};

/* Entry strings live in chunks of an arena: a report of thousands of
 * interfaces makes a few dozen allocations, not one or more per entry, and
 * strings never move (accessors hand out pointers into them). */
struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

/* Room for every enum vxt_status value. */
#define STATUSES 8

struct vxt_report {
	int refcount;
	bool dry_run;
	struct vxt_report_entry *v;
	unsigned int n, cap;
	struct chunk *chunks;
	/* Counts of entries folded in and dropped (vxt_report_fold). */
	unsigned int folded[STATUSES], folded_unmet;
};

#define CHUNK_SIZE 65536

static char *arena_alloc(struct vxt_report *r, size_t n)
{
	struct chunk *c = r->chunks;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = r->chunks;
		r->chunks = c;
	}
	char *p = c->data + c->used;
	c->used += n;
	return p;
}

int vxt_report_new_internal(bool dry_run, struct vxt_report **out)
{
	struct vxt_report *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->refcount = 1;
	r->dry_run = dry_run;
	*out = r;
	return 0;
}

static void report_destroy(struct vxt_report *r)
{
	for (struct chunk *c = r->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(r->v);
	free(r);
}

VXT_DEFINE_REFCOUNT(report, report_destroy)

int vxt_report_add(struct vxt_report *r, int area, const char *object,
                   const char *key, const char *before, const char *after,
                   const char *requested, const char *via, int status,
                   int error)
{
	if (vxt_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v)))
		return -ENOMEM;
	const char *src[6] = {object, key, before, after, requested, via};
	size_t len[6], total = 0;
	for (int i = 0; i < 6; i++) {
		len[i] = src[i] ? strlen(src[i]) : 0;
		total += len[i] + 1;
	}
	char *p = arena_alloc(r, total);
	if (!p)
		return -ENOMEM;
	char *dst[6];
	for (int i = 0; i < 6; i++) {
		dst[i] = p;
		if (len[i])
			memcpy(p, src[i], len[i]);
		p[len[i]] = '\0';
		p += len[i] + 1;
	}
	r->v[r->n] = (struct vxt_report_entry){
		.area = area, .object = dst[0], .key = dst[1], .before = dst[2],
		.after = dst[3], .requested = dst[4], .via = dst[5],
		.status = status, .error = error < 0 ? -error : error,
	};
	r->n++;
	return 0;
}

int vxt_report_append(struct vxt_report *dst, struct vxt_report *src)
{
	if (!src->n)
		return 0;
	if (vxt_grow((void **)&dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v)))
		return -ENOMEM;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	src->n = 0;
	for (int st = 0; st < STATUSES; st++)
		dst->folded[st] += src->folded[st];
	dst->folded_unmet += src->folded_unmet;
	memset(src->folded, 0, sizeof(src->folded));
	src->folded_unmet = 0;
	/* The strings move with their chunks: splice src's list in front. */
	if (src->chunks) {
		struct chunk *tail = src->chunks;
		while (tail->next)
			tail = tail->next;
		tail->next = dst->chunks;
		dst->chunks = src->chunks;
		src->chunks = NULL;
	}
	return 0;
}

int vxt_report_set_status(struct vxt_report *r, unsigned int i, int status, const char *after)
{
	if (i >= r->n)
		return -EINVAL;
	if (after) {
		size_t len = strlen(after) + 1;
		char *p = arena_alloc(r, len);
		if (!p)
			return -ENOMEM;
		memcpy(p, after, len);
		r->v[i].after = p;
	}
	r->v[i].status = status;
	return 0;
}

bool vxt_report_dry_run(const struct vxt_report *r)
{
	return r->dry_run;
}

unsigned int vxt_report_count(const struct vxt_report *r)
{
	return r ? r->n : 0;
}

static const struct vxt_report_entry *entry(const struct vxt_report *r, unsigned int i)
{
	return r && i < r->n ? &r->v[i] : NULL;
}

#define ACCESSOR(type, field, bad)                                             \
	type vxt_report_##field(const struct vxt_report *r, unsigned int i)    \
	{                                                                      \
		const struct vxt_report_entry *e = entry(r, i);                \
		return e ? e->field : bad;                                     \
	}
ACCESSOR(int, area, -1)
ACCESSOR(const char *, object, NULL)
ACCESSOR(const char *, key, NULL)
ACCESSOR(const char *, before, NULL)
ACCESSOR(const char *, after, NULL)
ACCESSOR(const char *, requested, NULL)
ACCESSOR(const char *, via, NULL)
ACCESSOR(int, status, -1)
ACCESSOR(int, error, -1)
#undef ACCESSOR

int vxt_report_fold(struct vxt_report *dst, struct vxt_report *part)
{
	for (int st = 0; st < STATUSES; st++)
		dst->folded[st] += vxt_report_count_status(part, st);
	dst->folded_unmet += vxt_report_unmet(part);
	part->n = 0;
	memset(part->folded, 0, sizeof(part->folded));
	part->folded_unmet = 0;
	/* Keep one chunk for the next part's strings. */
	if (part->chunks) {
		for (struct chunk *c = part->chunks->next, *next; c; c = next) {
			next = c->next;
			free(c);
		}
		part->chunks->next = NULL;
		part->chunks->used = 0;
	}
	return 0;
}

unsigned int vxt_report_count_status(const struct vxt_report *r, int status)
{
	unsigned int n = r && status >= 0 && status < STATUSES ? r->folded[status] : 0;
	for (unsigned int i = 0; r && i < r->n; i++)
		n += r->v[i].status == status;
	return n;
}

/* A request is the set of entries sharing (area, object, via).  It is met
 * when at least one of them ended at the requested value (changed or
 * unchanged) and none failed or was rolled back; a request whose interface is gone is not
 * counted: there is nothing left to fix.  Entries are grouped with an
 * open-addressing hash table, so reports of thousands of interfaces stay
 * linear. */
struct request_slot {
	const struct vxt_report_entry *first;
	bool met, failed, refused;
};

static uint32_t request_hash(const struct vxt_report_entry *e)
{
	uint32_t h = 2166136261u ^ (uint32_t)e->area; /* FNV-1a */
	for (const char *p = e->object; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ 0xffu) * 16777619u;
	for (const char *p = e->via; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static bool same_request(const struct vxt_report_entry *a, const struct vxt_report_entry *b)
{
	return a->area == b->area && !strcmp(a->object, b->object) && !strcmp(a->via, b->via);
}

unsigned int vxt_report_unmet(const struct vxt_report *r)
{
	if (!r || !r->n)
		return r ? r->folded_unmet : 0;
	size_t cap = 16;
	while (cap < (size_t)r->n * 2)
		cap *= 2;
	struct request_slot *t = calloc(cap, sizeof(*t));
	if (!t)
		return 1; /* cannot tell: never claim success */
	for (unsigned int i = 0; i < r->n; i++) {
		const struct vxt_report_entry *e = &r->v[i];
		if (!e->via[0])
			continue;
		size_t k = request_hash(e) & (cap - 1);
		while (t[k].first && !same_request(t[k].first, e))
			k = (k + 1) & (cap - 1);
		t[k].first = e;
		t[k].met |= e->status == VXT_STATUS_CHANGED || e->status == VXT_STATUS_UNCHANGED;
		t[k].failed |= e->status == VXT_STATUS_FAILED || e->status == VXT_STATUS_ROLLED_BACK;
		t[k].refused |= e->status == VXT_STATUS_FIXED;
	}
	unsigned int unmet = r->folded_unmet;
	for (size_t k = 0; k < cap; k++)
		unmet += t[k].first && (t[k].failed || (t[k].refused && !t[k].met));
	free(t);
	return unmet;
}

const char *vxt_status_name(int status)
{
	static const char *const names[] = {
		[VXT_STATUS_UNCHANGED] = "unchanged", [VXT_STATUS_CHANGED] = "changed",
		[VXT_STATUS_FIXED] = "fixed",         [VXT_STATUS_SIDE_EFFECT] = "side-effect",
		[VXT_STATUS_GONE] = "gone",           [VXT_STATUS_FAILED] = "failed",
		[VXT_STATUS_ROLLED_BACK] = "rolled-back",
	};
	if (status < 0 || (size_t)status >= VXT_ARRAY_SIZE(names))
		return "unknown";
	return names[status];
}
