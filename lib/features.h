/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Offload features: the objects, and the two kernel backends (ethtool
 * netlink, legacy SIOCETHTOOL ioctl) behind one small interface. */
#ifndef VXT_FEATURES_H
#define VXT_FEATURES_H

#include <net/if.h>
#include <stdint.h>

#include "internal.h"

#define VXT_WORDS(bits) (((bits) + 31u) / 32u)

struct vxt_features {
	int refcount;
	char ifname[IFNAMSIZ];
	int ifindex;
	struct vxt_strset *names; /* reference held */
	unsigned int nbits;       /* bits in each bitset */
	uint32_t *hw, *wanted, *active, *nochange; /* VXT_WORDS(nbits) each */
	unsigned int count;       /* named bits */
	unsigned int *bits;       /* bit number of the i-th named feature */
	bool bits_shared;         /* bits is names->index, not our own */
	char *states;             /* vxt_features_states(), built on first use */
};

struct vxt_features_list {
	int refcount;
	struct vxt_features **v;
	unsigned int n, cap;
};

static inline bool vxt_bit(const uint32_t *w, unsigned int bit)
{
	return (w[bit / 32] >> (bit % 32)) & 1u;
}

static inline void vxt_bit_set(uint32_t *w, unsigned int bit, bool on)
{
	if (on)
		w[bit / 32] |= 1u << (bit % 32);
	else
		w[bit / 32] &= ~(1u << (bit % 32));
}

/* features.c */
struct vxt_strset *vxt_strset_ref(struct vxt_strset *s);
struct vxt_strset *vxt_strset_unref(struct vxt_strset *s);
int vxt_strset_new(unsigned int count, struct vxt_strset **out);
/* A features object with nbits zeroed bits, bound to names. */
int vxt_features_alloc(struct vxt_strset *names, unsigned int nbits,
                       struct vxt_features **out);
/* Fill f->bits and f->count from the names.  0 or -ENOMEM. */
int vxt_features_index(struct vxt_features *f);
bool vxt_features_bit_changeable(const struct vxt_features *f, unsigned int bit);
int vxt_features_list_add(struct vxt_features_list *l, struct vxt_features *f);
int vxt_features_list_new(struct vxt_features_list **out);
/* Pick the backend on first use (netlink, else ioctl). */
int vxt_features_backend(struct vxt_ctx *ctx);
/* Set the context's message for a failed operation OP ("reading features",
 * "changing features") on IFNAME; returns rc. */
int vxt_features_fail(struct vxt_ctx *ctx, int rc, const char *ifname, const char *op);
/* Feature names of the running kernel (cached in ctx). */
int vxt_feature_names(struct vxt_ctx *ctx, struct vxt_strset **out);

/* One FEATURES_SET of a batch: inputs and outcome. */
struct vxt_set_job {
	int ifindex;
	char ifname[IFNAMSIZ];
	unsigned int nbits;
	uint32_t *value, *mask; /* VXT_WORDS(nbits) words each */
	int error;              /* out: 0 or -errno */
	char extack[256];       /* out: the kernel's explanation, if any */
};

/* ethtool_nl.c: ethtool generic netlink. -ENOENT: family missing;
 * -EOPNOTSUPP: FEATURES_* not supported (kernel < 5.7). */
int vxt_nl_strset(struct vxt_ctx *ctx, struct vxt_strset **out);
int vxt_nl_features_get(struct vxt_ctx *ctx, const char *ifname, int ifindex,
                        struct vxt_strset *names, struct vxt_features **out);
/* Dumps hand each interface to fn as it is parsed (vxt_features_foreach). */
int vxt_nl_features_dump(struct vxt_ctx *ctx, struct vxt_strset *names,
                         vxt_features_fn fn, void *userdata);
int vxt_nl_features_set(struct vxt_ctx *ctx, struct vxt_set_job *jobs, unsigned int n);
void vxt_ethtool_close(struct vxt_ctx *ctx);

/* Parse an ETHTOOL_A_BITSET_* nest (compact or verbose) into words of
 * nbits bits; names resolve verbose bits without an index.  Exposed for the
 * fuzzers.  Returns 0 or -EINVAL (malformed, lengths checked). */
struct nlattr;
int vxt_nl_parse_bitset(const struct nlattr *nest, const struct vxt_strset *names,
                        unsigned int nbits, uint32_t *words);

/* ethtool_ioctl.c: the same through SIOCETHTOOL. */
int vxt_ioctl_strset(struct vxt_ctx *ctx, struct vxt_strset **out);
int vxt_ioctl_features_get(struct vxt_ctx *ctx, const char *ifname, int ifindex,
                           struct vxt_strset *names, struct vxt_features **out);
int vxt_ioctl_features_dump(struct vxt_ctx *ctx, struct vxt_strset *names,
                            vxt_features_fn fn, void *userdata);
int vxt_ioctl_features_set(struct vxt_ctx *ctx, struct vxt_set_job *jobs, unsigned int n);

/* feature_names.c: ethtool's words resolved over the kernel's names. */
struct vxt_resolved {
	unsigned int nwords;
	/* for each bit: index+1 of the word that requested it (0 = none), and
	 * the requested value; later words win, as in ethtool. */
	unsigned int *word_of;
	bool *value;
	unsigned int nbits;
};
int vxt_feature_req_resolve(struct vxt_ctx *ctx, const struct vxt_feature_req *req,
                            const struct vxt_strset *names, struct vxt_resolved *out);
void vxt_resolved_free(struct vxt_resolved *r);
const char *vxt_feature_req_word(const struct vxt_feature_req *req, unsigned int i);
/* Value of word i (true: on). */
bool vxt_feature_req_on(const struct vxt_feature_req *req, unsigned int i);
/* The kernel names a word stands for, as an fnmatch(3) pattern: ethtool's
 * pattern for its legacy names ("tx" -> "tx-checksum-*"), else the word. */
const char *vxt_feature_word_pattern(const char *word);

/* feature_set.c: a feature plan.  The devices are read once (one GET per
 * name, or one dump); each device is given a group (a request, resolved
 * once for every device that shares it); finish builds one FEATURES_SET
 * per device that needs one; send sends them all and re-reads; report
 * says what happened (or, dry, what would); rollback puts the wanted bits
 * of every SET that took back as they were, re-reads and marks the
 * entries of r "rolled-back" (or adds "failed" entries where the undo did
 * not take). */
struct vxt_fgroup {
	struct vxt_feature_req *req;
	bool owned;              /* freed with the plan */
	struct vxt_resolved res;
};
struct vxt_fplan {
	struct vxt_strset *names;          /* reference held */
	struct vxt_features_list *before;  /* the candidate devices */
	struct vxt_features_list *after;   /* after send/rollback */
	struct vxt_fgroup *groups;
	unsigned int ngroups, capgroups;
	unsigned int *group_of;            /* per before-entry: group + 1, 0 = left alone */
	struct vxt_set_job *jobs;
	unsigned int njobs;
	unsigned int *job_of;              /* per before-entry: job + 1, 0 = no SET */
	bool by_name;                      /* read by name (re-read the same way) */
	bool sent;
};
/* names: NULL-terminated list to GET (missing_ok: skip missing ones), or
 * NULL for one dump of every device.  Free with vxt_fplan_free() even on
 * failure. */
int vxt_fplan_read(struct vxt_ctx *ctx, struct vxt_fplan *fp, const char *const *names,
                   bool missing_ok);
/* A group for req (owned: the plan frees it); its index, or -errno
 * (-EINVAL for an unknown word). */
int vxt_fplan_group(struct vxt_ctx *ctx, struct vxt_fplan *fp, struct vxt_feature_req *req,
                    bool owned);
/* The jobs: their number, or -ENOMEM. */
int vxt_fplan_finish(struct vxt_ctx *ctx, struct vxt_fplan *fp);
int vxt_fplan_send(struct vxt_ctx *ctx, struct vxt_fplan *fp);
int vxt_fplan_report(struct vxt_ctx *ctx, const struct vxt_fplan *fp, bool dry,
                     struct vxt_report *r);
/* SETs the kernel refused (not counting vanished devices). */
unsigned int vxt_fplan_failed(const struct vxt_fplan *fp);
int vxt_fplan_rollback(struct vxt_ctx *ctx, struct vxt_fplan *fp, struct vxt_report *r);
void vxt_fplan_free(struct vxt_fplan *fp);

#endif
