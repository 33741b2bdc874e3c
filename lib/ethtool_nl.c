/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ethtool over generic netlink (kernel >= 5.7 for FEATURES_*): string
 * sets, FEATURES_GET (one device or a dump of all), batched FEATURES_SET.
 * Every attribute is length-checked before use. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "features.h"
#include "nl.h"

/* Open the generic netlink socket and resolve the "ethtool" family once.
 * -ENOENT when the family does not exist (kernel < 5.6). */
int vxt_ethtool_sock(struct vxt_ctx *ctx)
{
	if (ctx->genl)
		return 0;
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	int rc = genl_connect(sk);
	if (rc < 0) {
		nl_socket_free(sk);
		return vxt_nl_errno(rc);
	}
	int family = genl_ctrl_resolve(sk, ETHTOOL_GENL_NAME);
	if (family < 0) {
		nl_socket_free(sk);
		return -ENOENT;
	}
	vxt_nl_enable_ext_ack(sk);
	/* Room for the acks of a whole batch of FEATURES_SET requests. */
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	/* One recvmsg per datagram instead of a MSG_PEEK first: halves the
	 * syscalls when thousands of acks come back.  The buffer is larger
	 * than any dump datagram the kernel builds (32 KiB). */
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, 65536);
	ctx->genl = sk;
	ctx->ethtool_family = family;
	return 0;
}

void vxt_ethtool_close(struct vxt_ctx *ctx)
{
	if (ctx->genl) {
		nl_socket_free(ctx->genl);
		ctx->genl = NULL;
	}
	vxt_strset_unref(ctx->feature_names);
	ctx->feature_names = NULL;
}

/* ---- requests ---------------------------------------------------------- */

/* A genl message for CMD with the mandatory header nest.  The header always
 * carries FLAGS (libnl drops empty nests, and the kernel rejects requests
 * without a header). */
static struct nl_msg *ethtool_msg(struct vxt_ctx *ctx, uint8_t cmd, int nlflags,
                                  const char *ifname, int ifindex, uint32_t hflags)
{
	struct nl_msg *msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->ethtool_family, 0, nlflags,
	                 cmd, ETHTOOL_GENL_VERSION))
		goto fail;
	/* The header attribute is number 1 in every ethtool message. */
	struct nlattr *hdr = nla_nest_start(msg, ETHTOOL_A_FEATURES_HEADER);
	if (!hdr)
		goto fail;
	if (ifindex > 0 && nla_put_u32(msg, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)ifindex) < 0)
		goto fail;
	if (ifname && nla_put_string(msg, ETHTOOL_A_HEADER_DEV_NAME, ifname) < 0)
		goto fail;
	if (nla_put_u32(msg, ETHTOOL_A_HEADER_FLAGS, hflags) < 0)
		goto fail;
	nla_nest_end(msg, hdr);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/* State of one request/response exchange. */
struct exchange {
	struct vxt_nl_status st; /* first: vxt_nl_err_cb writes it */
	uint32_t seq;            /* of our request: anything else is stale */
	bool done;
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
	int parse_err;
};

/* Our own sequence check: batched SETs deliberately leave libnl's
 * expected-sequence counter behind (they are not all acked). */
static int ex_seq(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;
	return nlmsg_hdr(msg)->nlmsg_seq == ex->seq ? NL_OK : NL_SKIP;
}

static int ex_valid(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;
	if (ex->parse_err)
		return NL_SKIP;
	ex->parse_err = ex->parse ? ex->parse(msg, ex->arg) : 0;
	return NL_OK;
}

static int ex_finish(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;
	/* A failed dump reports its error in DONE's payload. */
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int err;
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0)
			ex->st.error = err;
	}
	ex->done = true;
	return NL_STOP;
}

static int ex_ack(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;
	ex->done = true;
	return NL_STOP;
}

static int ex_err(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct exchange *ex = arg;
	ex->done = true;
	return vxt_nl_err_cb(nla, err, &ex->st);
}

/* Send msg (consumed) and receive until its ACK, error or DONE, handing
 * every data message to parse.  Returns 0 or -errno (the kernel's own),
 * with the extack text copied to ctx->extack. */
static int exchange(struct vxt_ctx *ctx, struct nl_msg *msg,
                    int (*parse)(struct nl_msg *, void *), void *arg)
{
	struct exchange ex = {.parse = parse, .arg = arg};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);
	ctx->extack[0] = '\0';
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ex_valid, &ex);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, ex_finish, &ex);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ex_ack, &ex);
	nl_cb_err(cb, NL_CB_CUSTOM, ex_err, &ex);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ex_seq, &ex);
	int rc = nl_send_auto(ctx->genl, msg);
	ex.seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (rc < 0) {
		nl_cb_put(cb);
		return vxt_nl_errno(rc);
	}
	while (!ex.done) {
		rc = nl_recvmsgs(ctx->genl, cb);
		if (rc < 0 && !ex.done) {
			nl_cb_put(cb);
			return vxt_nl_errno(rc);
		}
	}
	nl_cb_put(cb);
	snprintf(ctx->extack, sizeof(ctx->extack), "%s", ex.st.extack);
	if (ex.st.error < 0)
		return ex.st.error;
	return ex.parse_err;
}

/* ---- attribute parsing ----------------------------------------------- */

/* nla_parse_nested with the lengths of the attributes we read checked by
 * hand (policies differ between libnl versions). */
static int nested(struct nlattr **tb, int max, const struct nlattr *nest)
{
	if (nla_len(nest) < 0)
		return -EINVAL;
	return nla_parse_nested(tb, max, (struct nlattr *)nest, NULL) < 0 ? -EINVAL : 0;
}

static bool u32_ok(const struct nlattr *a)
{
	return a && nla_len(a) >= (int)sizeof(uint32_t);
}

/* A NUL-terminated string attribute of at most max bytes (with the NUL). */
static const char *str_ok(const struct nlattr *a, size_t max)
{
	if (!a || nla_len(a) <= 0)
		return NULL;
	const char *s = nla_data(a);
	size_t n = strnlen(s, (size_t)nla_len(a));
	if (n == (size_t)nla_len(a) || n + 1 > max)
		return NULL;
	return s;
}

static int name_to_bit(const struct vxt_strset *names, const char *name)
{
	for (unsigned int i = 0; names && i < names->count; i++)
		if (names->names[i] && !strcmp(names->names[i], name))
			return (int)i;
	return -1;
}

int vxt_nl_parse_bitset(const struct nlattr *nest, const struct vxt_strset *names,
                        unsigned int nbits, uint32_t *words)
{
	struct nlattr *tb[ETHTOOL_A_BITSET_MAX + 1];
	if (nested(tb, ETHTOOL_A_BITSET_MAX, nest) < 0)
		return -EINVAL;
	memset(words, 0, VXT_WORDS(nbits) * sizeof(uint32_t));
	bool nomask = tb[ETHTOOL_A_BITSET_NOMASK] != NULL;
	if (tb[ETHTOOL_A_BITSET_VALUE]) {
		/* Compact: SIZE bits in u32 words, least significant first. */
		if (!u32_ok(tb[ETHTOOL_A_BITSET_SIZE]))
			return -EINVAL;
		uint32_t size = nla_get_u32(tb[ETHTOOL_A_BITSET_SIZE]);
		if (size > 65536)
			return -EINVAL;
		size_t need = VXT_WORDS(size) * sizeof(uint32_t);
		if ((size_t)nla_len(tb[ETHTOOL_A_BITSET_VALUE]) < need)
			return -EINVAL;
		const uint32_t *src = nla_data(tb[ETHTOOL_A_BITSET_VALUE]);
		unsigned int n = size < nbits ? size : nbits;
		for (unsigned int b = 0; b < n; b++) {
			uint32_t w;
			memcpy(&w, src + b / 32, sizeof(w)); /* nla_data is only 4-aligned */
			if ((w >> (b % 32)) & 1u)
				vxt_bit_set(words, b, true);
		}
		return 0;
	}
	if (!tb[ETHTOOL_A_BITSET_BITS])
		return nomask || u32_ok(tb[ETHTOOL_A_BITSET_SIZE]) ? 0 : -EINVAL;
	/* Verbose: a list of BIT nests with INDEX and/or NAME and VALUE. */
	struct nlattr *bit;
	int rem;
	nla_for_each_nested(bit, tb[ETHTOOL_A_BITSET_BITS], rem) {
		if (nla_type(bit) != ETHTOOL_A_BITSET_BITS_BIT)
			continue;
		struct nlattr *bt[ETHTOOL_A_BITSET_BIT_MAX + 1];
		if (nested(bt, ETHTOOL_A_BITSET_BIT_MAX, bit) < 0)
			return -EINVAL;
		int idx = -1;
		if (bt[ETHTOOL_A_BITSET_BIT_INDEX]) {
			if (!u32_ok(bt[ETHTOOL_A_BITSET_BIT_INDEX]))
				return -EINVAL;
			uint32_t v = nla_get_u32(bt[ETHTOOL_A_BITSET_BIT_INDEX]);
			idx = v < nbits ? (int)v : -1;
		} else if (bt[ETHTOOL_A_BITSET_BIT_NAME]) {
			const char *nm = str_ok(bt[ETHTOOL_A_BITSET_BIT_NAME], 64);
			if (!nm)
				return -EINVAL;
			idx = name_to_bit(names, nm);
			if (idx >= (int)nbits)
				idx = -1;
		} else {
			return -EINVAL;
		}
		if (idx >= 0 && (nomask || bt[ETHTOOL_A_BITSET_BIT_VALUE]))
			vxt_bit_set(words, (unsigned int)idx, true);
	}
	return 0;
}

/* ---- string set -------------------------------------------------------- */

static int parse_strset(struct nl_msg *msg, void *arg)
{
	struct vxt_strset **out = arg;
	struct nlattr *tb[ETHTOOL_A_STRSET_MAX + 1];
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ETHTOOL_A_STRSET_MAX, NULL) < 0 ||
	    !tb[ETHTOOL_A_STRSET_STRINGSETS])
		return -EPROTO;
	struct nlattr *set;
	int rem;
	nla_for_each_nested(set, tb[ETHTOOL_A_STRSET_STRINGSETS], rem) {
		struct nlattr *st[ETHTOOL_A_STRINGSET_MAX + 1];
		if (nested(st, ETHTOOL_A_STRINGSET_MAX, set) < 0)
			return -EPROTO;
		if (!u32_ok(st[ETHTOOL_A_STRINGSET_ID]) ||
		    nla_get_u32(st[ETHTOOL_A_STRINGSET_ID]) != ETH_SS_FEATURES ||
		    !u32_ok(st[ETHTOOL_A_STRINGSET_COUNT]))
			continue;
		uint32_t count = nla_get_u32(st[ETHTOOL_A_STRINGSET_COUNT]);
		if (count > 4096)
			return -EPROTO;
		struct vxt_strset *s;
		if (vxt_strset_new(count, &s) < 0)
			return -ENOMEM;
		if (st[ETHTOOL_A_STRINGSET_STRINGS]) {
			struct nlattr *str;
			int rem2;
			nla_for_each_nested(str, st[ETHTOOL_A_STRINGSET_STRINGS], rem2) {
				struct nlattr *sa[ETHTOOL_A_STRING_MAX + 1];
				if (nested(sa, ETHTOOL_A_STRING_MAX, str) < 0 ||
				    !u32_ok(sa[ETHTOOL_A_STRING_INDEX]))
					continue;
				uint32_t idx = nla_get_u32(sa[ETHTOOL_A_STRING_INDEX]);
				const char *v = str_ok(sa[ETHTOOL_A_STRING_VALUE], ETH_GSTRING_LEN);
				if (idx >= count || !v || !*v || s->names[idx])
					continue; /* unused bits have empty names */
				if (!(s->names[idx] = strdup(v))) {
					vxt_strset_unref(s);
					return -ENOMEM;
				}
			}
		}
		vxt_strset_unref(*out);
		*out = s;
	}
	return 0;
}

int vxt_nl_strset(struct vxt_ctx *ctx, struct vxt_strset **out)
{
	int rc = vxt_ethtool_sock(ctx);
	if (rc < 0)
		return rc;
	struct nl_msg *msg = ethtool_msg(ctx, ETHTOOL_MSG_STRSET_GET, 0, NULL, 0, 0);
	if (!msg)
		return -ENOMEM;
	struct nlattr *sets = nla_nest_start(msg, ETHTOOL_A_STRSET_STRINGSETS);
	struct nlattr *set = sets ? nla_nest_start(msg, ETHTOOL_A_STRINGSETS_STRINGSET) : NULL;
	if (!set || nla_put_u32(msg, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, set);
	nla_nest_end(msg, sets);
	struct vxt_strset *s = NULL;
	rc = exchange(ctx, msg, parse_strset, &s);
	if (rc == 0 && !s)
		rc = -EPROTO;
	if (rc < 0) {
		vxt_strset_unref(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* ---- FEATURES_GET ------------------------------------------------------ */

struct features_parse {
	struct vxt_strset *names;
	struct vxt_features *one; /* single GET */
	vxt_features_fn fn;       /* dump: each interface, then dropped */
	void *userdata;
};

static int parse_features(struct nl_msg *msg, void *arg)
{
	struct features_parse *fp = arg;
	struct nlattr *tb[ETHTOOL_A_FEATURES_MAX + 1], *hb[ETHTOOL_A_HEADER_MAX + 1];
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, ETHTOOL_A_FEATURES_MAX, NULL) < 0)
		return -EPROTO;
	if (!tb[ETHTOOL_A_FEATURES_HEADER] || !tb[ETHTOOL_A_FEATURES_HW] ||
	    nested(hb, ETHTOOL_A_HEADER_MAX, tb[ETHTOOL_A_FEATURES_HEADER]) < 0 ||
	    !u32_ok(hb[ETHTOOL_A_HEADER_DEV_INDEX]))
		return -EPROTO;
	const char *name = str_ok(hb[ETHTOOL_A_HEADER_DEV_NAME], IFNAMSIZ);
	/* Bit count: the HW bitset's SIZE, else the string set's count. */
	unsigned int nbits = fp->names->count;
	struct nlattr *hw[ETHTOOL_A_BITSET_MAX + 1];
	if (nested(hw, ETHTOOL_A_BITSET_MAX, tb[ETHTOOL_A_FEATURES_HW]) == 0 &&
	    u32_ok(hw[ETHTOOL_A_BITSET_SIZE]) && nla_get_u32(hw[ETHTOOL_A_BITSET_SIZE]) <= 4096)
		nbits = nla_get_u32(hw[ETHTOOL_A_BITSET_SIZE]);
	struct vxt_features *f;
	int rc = vxt_features_alloc(fp->names, nbits, &f);
	if (rc < 0)
		return rc;
	f->ifindex = (int)nla_get_u32(hb[ETHTOOL_A_HEADER_DEV_INDEX]);
	if (name)
		snprintf(f->ifname, sizeof(f->ifname), "%s", name);
	static const int attrs[] = {ETHTOOL_A_FEATURES_HW, ETHTOOL_A_FEATURES_WANTED,
	                            ETHTOOL_A_FEATURES_ACTIVE, ETHTOOL_A_FEATURES_NOCHANGE};
	uint32_t *dst[] = {f->hw, f->wanted, f->active, f->nochange};
	for (size_t i = 0; i < VXT_ARRAY_SIZE(attrs); i++) {
		if (!tb[attrs[i]])
			continue;
		if (vxt_nl_parse_bitset(tb[attrs[i]], fp->names, nbits, dst[i]) < 0) {
			vxt_features_unref(f);
			return -EPROTO;
		}
	}
	if ((rc = vxt_features_index(f)) < 0) {
		vxt_features_unref(f);
		return rc;
	}
	if (fp->fn) {
		/* Non-zero stops the walk: exchange() drains the rest of the
		 * dump and returns it. */
		rc = fp->fn(f, fp->userdata);
		vxt_features_unref(f);
		return rc;
	} else {
		vxt_features_unref(fp->one);
		fp->one = f;
	}
	return 0;
}

int vxt_nl_features_get(struct vxt_ctx *ctx, const char *ifname, int ifindex,
                        struct vxt_strset *names, struct vxt_features **out)
{
	int rc = vxt_ethtool_sock(ctx);
	if (rc < 0)
		return rc;
	struct nl_msg *msg = ethtool_msg(ctx, ETHTOOL_MSG_FEATURES_GET, 0, ifname, ifindex,
	                                 ETHTOOL_FLAG_COMPACT_BITSETS);
	if (!msg)
		return -ENOMEM;
	struct features_parse fp = {.names = names};
	rc = exchange(ctx, msg, parse_features, &fp);
	if (rc == 0 && !fp.one)
		rc = -EPROTO;
	if (rc < 0) {
		vxt_features_unref(fp.one);
		return rc;
	}
	*out = fp.one;
	return 0;
}

int vxt_nl_features_dump(struct vxt_ctx *ctx, struct vxt_strset *names,
                         vxt_features_fn fn, void *userdata)
{
	int rc = vxt_ethtool_sock(ctx);
	if (rc < 0)
		return rc;
	struct nl_msg *msg = ethtool_msg(ctx, ETHTOOL_MSG_FEATURES_GET, NLM_F_DUMP, NULL, 0,
	                                 ETHTOOL_FLAG_COMPACT_BITSETS);
	if (!msg)
		return -ENOMEM;
	struct features_parse fp = {.names = names, .fn = fn, .userdata = userdata};
	return exchange(ctx, msg, parse_features, &fp);
}

/* ---- FEATURES_SET, batched -------------------------------------------- */

/* Up to this many requests share one sendmsg().  Only the last one asks
 * for an ACK: the kernel handles the buffer's requests in order inside
 * that sendmsg(), answers the others only when they fail, so one ACK says
 * the whole batch is done and the errors queued before it are all there
 * is.  The errors must fit in the receive buffer, which we enlarged. */
#define SET_BATCH 256

struct batch {
	struct vxt_nl_status st; /* first: vxt_nl_err_cb writes it */
	struct vxt_set_job *jobs;
	unsigned int n;
	uint32_t first_seq;
	bool done; /* the last request's ACK or error arrived */
};

static struct vxt_set_job *batch_job(struct batch *b, uint32_t seq)
{
	uint32_t i = seq - b->first_seq;
	return i < b->n ? &b->jobs[i] : NULL;
}

static int batch_seq(struct nl_msg *msg, void *arg)
{
	return NL_OK; /* answers are matched to jobs by sequence number */
}

static int batch_ack(struct nl_msg *msg, void *arg)
{
	struct batch *b = arg;
	if (nlmsg_hdr(msg)->nlmsg_seq == b->first_seq + b->n - 1)
		b->done = true;
	return NL_STOP;
}

static int batch_err(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct batch *b = arg;
	vxt_nl_err_cb(nla, err, &b->st);
	struct vxt_set_job *job = batch_job(b, err->msg.nlmsg_seq);
	if (job) {
		job->error = b->st.error;
		snprintf(job->extack, sizeof(job->extack), "%s", b->st.extack);
		if (job == &b->jobs[b->n - 1])
			b->done = true;
	}
	return NL_SKIP;
}

static int set_msg_append(struct vxt_ctx *ctx, struct vxt_set_job *job, bool ack,
                          char **buf, size_t *len, size_t *cap)
{
	struct nl_msg *msg = ethtool_msg(ctx, ETHTOOL_MSG_FEATURES_SET, 0,
	                                 job->ifindex > 0 ? NULL : job->ifname, job->ifindex,
	                                 ETHTOOL_FLAG_COMPACT_BITSETS | ETHTOOL_FLAG_OMIT_REPLY);
	if (!msg)
		return -ENOMEM;
	size_t wlen = VXT_WORDS(job->nbits) * sizeof(uint32_t);
	struct nlattr *bs = nla_nest_start(msg, ETHTOOL_A_FEATURES_WANTED);
	if (!bs || nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, job->nbits) < 0 ||
	    nla_put(msg, ETHTOOL_A_BITSET_VALUE, (int)wlen, job->value) < 0 ||
	    nla_put(msg, ETHTOOL_A_BITSET_MASK, (int)wlen, job->mask) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, bs);
	/* Fills in our port, the next sequence number and REQUEST|ACK. */
	nl_complete_msg(ctx->genl, msg);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	if (!ack)
		nlh->nlmsg_flags &= ~NLM_F_ACK;
	size_t mlen = NLMSG_ALIGN(nlh->nlmsg_len);
	if (*len + mlen > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 16384) + mlen;
		char *nb = realloc(*buf, ncap);
		if (!nb) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		*buf = nb;
		*cap = ncap;
	}
	memset(*buf + *len, 0, mlen);
	memcpy(*buf + *len, nlh, nlh->nlmsg_len);
	*len += mlen;
	nlmsg_free(msg);
	return 0;
}

int vxt_nl_features_set(struct vxt_ctx *ctx, struct vxt_set_job *jobs, unsigned int n)
{
	int rc = vxt_ethtool_sock(ctx);
	if (rc < 0)
		return rc;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb)
		return -ENOMEM;
	char *buf = NULL;
	size_t cap = 0;
	rc = 0;
	for (unsigned int start = 0; start < n && rc == 0; start += SET_BATCH) {
		struct batch b = {.jobs = jobs + start, .n = n - start < SET_BATCH ? n - start : SET_BATCH};
		nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, batch_ack, &b);
		nl_cb_err(cb, NL_CB_CUSTOM, batch_err, &b);
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, batch_seq, &b);
		size_t len = 0;
		for (unsigned int i = 0; i < b.n && rc == 0; i++) {
			b.jobs[i].error = 0;
			b.jobs[i].extack[0] = '\0';
			rc = set_msg_append(ctx, &b.jobs[i], i == b.n - 1, &buf, &len, &cap);
			if (i == 0 && rc == 0) /* buf is still NULL if the first append failed */
				b.first_seq = ((struct nlmsghdr *)buf)->nlmsg_seq;
		}
		if (rc < 0)
			break;
		/* One syscall for up to SET_BATCH devices. */
		int sent = nl_sendto(ctx->genl, buf, len);
		if (sent < 0) {
			rc = vxt_nl_errno(sent);
			break;
		}
		while (!b.done) {
			/* Job errors arrive through batch_err; only a broken
			 * socket makes nl_recvmsgs itself fail. */
			int r = nl_recvmsgs(ctx->genl, cb);
			if (r < 0 && r != -NLE_AGAIN && r != -NLE_INTR) {
				rc = vxt_nl_errno(r);
				break;
			}
		}
	}
	free(buf);
	nl_cb_put(cb);
	return rc;
}
