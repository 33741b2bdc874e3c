/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Feature requests in ethtool's words: kernel names, and ethtool's legacy
 * short/long names expanded over the running kernel's names exactly as
 * ethtool -K does (its off_flag_def table; patterns end or contain '*'). */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"

static const struct legacy_flag {
	const char *short_name, *long_name, *pattern;
} legacy_flags[] = {
	{"rx", "rx-checksumming", "rx-checksum"},
	{"tx", "tx-checksumming", "tx-checksum-*"},
	{"sg", "scatter-gather", "tx-scatter-gather*"},
	{"tso", "tcp-segmentation-offload", "tx-tcp*-segmentation"},
	{"ufo", "udp-fragmentation-offload", "tx-udp-fragmentation"},
	{"gso", "generic-segmentation-offload", "tx-generic-segmentation"},
	{"gro", "generic-receive-offload", "rx-gro"},
	{"lro", "large-receive-offload", "rx-lro"},
	{"rxvlan", "rx-vlan-offload", "rx-vlan-hw-parse"},
	{"txvlan", "tx-vlan-offload", "tx-vlan-hw-insert"},
	{"ntuple", "ntuple-filters", "rx-ntuple-filter"},
	{"rxhash", "receive-hashing", "rx-hashing"},
};

#define MAX_WORD 64

struct req_word {
	char *word;
	bool on;
};

struct vxt_feature_req {
	int refcount;
	struct req_word *v;
	unsigned int n, cap;
};

int vxt_feature_req_new(struct vxt_feature_req **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->refcount = 1;
	return 0;
}

static void feature_req_destroy(struct vxt_feature_req *req)
{
	for (unsigned int i = 0; i < req->n; i++)
		free(req->v[i].word);
	free(req->v);
	free(req);
}

VXT_DEFINE_REFCOUNT(feature_req, feature_req_destroy)

int vxt_feature_req_add(struct vxt_feature_req *req, const char *word, bool on)
{
	if (!req || !word || !*word || strnlen(word, MAX_WORD + 1) > MAX_WORD)
		return -EINVAL;
	for (const char *p = word; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return -EINVAL;
	if (vxt_grow((void **)&req->v, &req->cap, req->n + 1, sizeof(*req->v)))
		return -ENOMEM;
	if (!(req->v[req->n].word = strdup(word)))
		return -ENOMEM;
	req->v[req->n++].on = on;
	return 0;
}

unsigned int vxt_feature_req_count(const struct vxt_feature_req *req)
{
	return req ? req->n : 0;
}

const char *vxt_feature_req_word(const struct vxt_feature_req *req, unsigned int i)
{
	return req && i < req->n ? req->v[i].word : NULL;
}

bool vxt_feature_req_on(const struct vxt_feature_req *req, unsigned int i)
{
	return req && i < req->n && req->v[i].on;
}

static const struct legacy_flag *legacy_flag(const char *word)
{
	for (size_t i = 0; i < VXT_ARRAY_SIZE(legacy_flags); i++)
		if (!strcmp(word, legacy_flags[i].short_name) || !strcmp(word, legacy_flags[i].long_name))
			return &legacy_flags[i];
	return NULL;
}

const char *vxt_feature_word_pattern(const char *word)
{
	const struct legacy_flag *lf = legacy_flag(word);
	return lf ? lf->pattern : word;
}

/* The known word nearest to an unknown one, for "did you mean". */
static const char *nearest_word(const char *word, const struct vxt_strset *names)
{
	const char *best = NULL;
	unsigned int best_d = strlen(word) <= 4 ? 1 : 2;
	best_d++; /* accept distances below this */
	for (size_t i = 0; i < VXT_ARRAY_SIZE(legacy_flags); i++) {
		const char *cand[] = {legacy_flags[i].short_name, legacy_flags[i].long_name};
		for (size_t c = 0; c < 2; c++) {
			unsigned int d = vxt_edit_distance(word, cand[c], best_d);
			if (d < best_d) {
				best_d = d;
				best = cand[c];
			}
		}
	}
	for (unsigned int b = 0; b < names->count; b++) {
		if (!names->names[b])
			continue;
		unsigned int d = vxt_edit_distance(word, names->names[b], best_d);
		if (d < best_d) {
			best_d = d;
			best = names->names[b];
		}
	}
	return best;
}

void vxt_resolved_free(struct vxt_resolved *r)
{
	free(r->word_of);
	free(r->value);
	r->word_of = NULL;
	r->value = NULL;
}

int vxt_feature_req_resolve(struct vxt_ctx *ctx, const struct vxt_feature_req *req,
                            const struct vxt_strset *names, struct vxt_resolved *out)
{
	memset(out, 0, sizeof(*out));
	if (!req || !req->n)
		return vxt_fail(ctx, EINVAL, "no features requested");
	out->nbits = names->count;
	out->nwords = req->n;
	out->word_of = calloc(names->count ? names->count : 1, sizeof(*out->word_of));
	out->value = calloc(names->count ? names->count : 1, sizeof(*out->value));
	if (!out->word_of || !out->value) {
		vxt_resolved_free(out);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	for (unsigned int w = 0; w < req->n; w++) {
		const char *word = req->v[w].word;
		unsigned int matched = 0;
		for (unsigned int b = 0; b < names->count; b++) {
			if (names->names[b] && !strcmp(names->names[b], word)) {
				out->word_of[b] = w + 1;
				out->value[b] = req->v[w].on;
				matched++;
			}
		}
		const struct legacy_flag *lf = matched ? NULL : legacy_flag(word);
		for (unsigned int b = 0; lf && b < names->count; b++) {
			if (names->names[b] && !fnmatch(lf->pattern, names->names[b], 0)) {
				out->word_of[b] = w + 1;
				out->value[b] = req->v[w].on;
				matched++;
			}
		}
		if (matched)
			continue;
		vxt_resolved_free(out);
		if (lf)
			return vxt_fail(ctx, EOPNOTSUPP,
			                "feature '%s' (%s) does not exist in this kernel", word, lf->pattern);
		const char *near = nearest_word(word, names);
		if (near)
			return vxt_fail(ctx, EINVAL, "unknown feature '%s' (did you mean '%s'?)", word, near);
		return vxt_fail(ctx, EINVAL,
		                "unknown feature '%s' (see 'vxlantune offloads show IFACE' for names)", word);
	}
	return 0;
}

int vxt_feature_req_check(struct vxt_ctx *ctx, const struct vxt_feature_req *req)
{
	vxt_clear_error(ctx);
	struct vxt_strset *names;
	int rc = vxt_feature_names(ctx, &names);
	if (rc < 0)
		return rc;
	struct vxt_resolved r;
	rc = vxt_feature_req_resolve(ctx, req, names, &r);
	vxt_resolved_free(&r);
	return rc;
}
