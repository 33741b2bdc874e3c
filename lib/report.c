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

struct vxt_report {
	int refcount;
	bool dry_run;
	struct vxt_report_entry *v;
	unsigned int n, cap;
};

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

static void entry_free(struct vxt_report_entry *e)
{
	free(e->object);
	free(e->key);
	free(e->before);
	free(e->after);
	free(e->requested);
	free(e->via);
}

struct vxt_report *vxt_report_ref(struct vxt_report *r)
{
	if (r)
		r->refcount++;
	return r;
}

struct vxt_report *vxt_report_unref(struct vxt_report *r)
{
	if (!r || --r->refcount > 0)
		return NULL;
	for (unsigned int i = 0; i < r->n; i++)
		entry_free(&r->v[i]);
	free(r->v);
	free(r);
	return NULL;
}

int vxt_report_add(struct vxt_report *r, int area, const char *object,
                   const char *key, const char *before, const char *after,
                   const char *requested, const char *via, int status,
                   int error)
{
	if (vxt_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v)))
		return -ENOMEM;
	struct vxt_report_entry *e = &r->v[r->n];
	*e = (struct vxt_report_entry){
		.area = area,
		.object = strdup(object ? object : ""),
		.key = strdup(key ? key : ""),
		.before = strdup(before ? before : ""),
		.after = strdup(after ? after : ""),
		.requested = strdup(requested ? requested : ""),
		.via = strdup(via ? via : ""),
		.status = status,
		.error = error < 0 ? -error : error,
	};
	if (!e->object || !e->key || !e->before || !e->after ||
	    !e->requested || !e->via) {
		entry_free(e);
		return -ENOMEM;
	}
	r->n++;
	return 0;
}

int vxt_report_append(struct vxt_report *dst, struct vxt_report *src)
{
	if (vxt_grow((void **)&dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v)))
		return -ENOMEM;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	src->n = 0;
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

unsigned int vxt_report_count_status(const struct vxt_report *r, int status)
{
	unsigned int n = 0;
	for (unsigned int i = 0; r && i < r->n; i++)
		n += r->v[i].status == status;
	return n;
}

/* A request is the set of entries sharing (area, object, via).  It is met
 * when at least one of them ended at the requested value (changed or
 * unchanged) and none failed; a request whose interface is gone is not
 * counted: there is nothing left to fix.  Entries are grouped by sorting
 * pointers, so large reports (thousands of interfaces) stay O(n log n). */
static int request_cmp(const void *a, const void *b)
{
	const struct vxt_report_entry *x = *(const struct vxt_report_entry *const *)a;
	const struct vxt_report_entry *y = *(const struct vxt_report_entry *const *)b;
	if (x->area != y->area)
		return x->area < y->area ? -1 : 1;
	int c = strcmp(x->object, y->object);
	return c ? c : strcmp(x->via, y->via);
}

unsigned int vxt_report_unmet(const struct vxt_report *r)
{
	if (!r || !r->n)
		return 0;
	const struct vxt_report_entry **idx = calloc(r->n, sizeof(*idx));
	if (!idx)
		return 1; /* cannot tell: never claim success */
	unsigned int n = 0;
	for (unsigned int i = 0; i < r->n; i++)
		if (r->v[i].via[0])
			idx[n++] = &r->v[i];
	qsort(idx, n, sizeof(*idx), request_cmp);
	unsigned int unmet = 0;
	for (unsigned int i = 0; i < n;) {
		bool met = false, failed = false, refused = false;
		unsigned int j = i;
		for (; j < n && !request_cmp(&idx[i], &idx[j]); j++) {
			int st = idx[j]->status;
			met |= st == VXT_STATUS_CHANGED || st == VXT_STATUS_UNCHANGED;
			failed |= st == VXT_STATUS_FAILED;
			refused |= st == VXT_STATUS_FIXED;
		}
		unmet += failed || (refused && !met);
		i = j;
	}
	free(idx);
	return unmet;
}

const char *vxt_status_name(int status)
{
	static const char *const names[] = {
		[VXT_STATUS_UNCHANGED] = "unchanged", [VXT_STATUS_CHANGED] = "changed",
		[VXT_STATUS_FIXED] = "fixed",         [VXT_STATUS_SIDE_EFFECT] = "side-effect",
		[VXT_STATUS_GONE] = "gone",           [VXT_STATUS_FAILED] = "failed",
	};
	if (status < 0 || (size_t)status >= VXT_ARRAY_SIZE(names))
		return "unknown";
	return names[status];
}
