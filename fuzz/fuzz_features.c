/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The FEATURES_GET reply parser of lib/ethtool_nl.c (parse_features,
 * static: the file is included), one device or a dump, plus the
 * NLMSG_ERROR/extack parser every exchange uses (vxt_nl_err_cb).
 * Input: one received datagram; it is read as a dump (a list of devices)
 * when its first message has NLM_F_MULTI, as dump replies do. */
#include "../lib/ethtool_nl.c"

#include "fuzz.h"

static int valid(struct nl_msg *msg, void *arg)
{
	return parse_features(msg, arg);
}

static int err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct vxt_nl_status st;
	int rc = vxt_nl_err_cb(nla, e, &st);
	FUZZ_ASSERT(st.error == e->error && strlen(st.extack) < sizeof(st.extack));
	return rc;
}

static void check(const struct vxt_features *f)
{
	FUZZ_ASSERT(f->nbits <= 4096 && f->count <= f->nbits);
	FUZZ_ASSERT(strnlen(f->ifname, sizeof(f->ifname)) < sizeof(f->ifname));
	for (unsigned int i = 0; i < vxt_features_count(f); i++) {
		const char *n = vxt_features_name(f, i);
		FUZZ_ASSERT(n && *n);
		(void)vxt_features_active(f, i);
		(void)vxt_features_wanted(f, i);
		(void)vxt_features_changeable(f, i);
	}
	FUZZ_ASSERT(!vxt_features_name(f, f->count));
}

/* A dump hands each interface to the callback, which checks it; the
 * parser drops it afterwards. */
static int each(struct vxt_features *f, void *userdata)
{
	(*(unsigned int *)userdata)++;
	check(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int seen = 0;
	struct features_parse fp = {.names = fuzz_names(), .userdata = &seen};
	struct nlmsghdr first;
	if (size >= sizeof(first)) {
		memcpy(&first, data, sizeof(first));
		if (first.nlmsg_flags & NLM_F_MULTI)
			fp.fn = each;
	}
	fuzz_deliver(data, size, NETLINK_GENERIC, valid, err, &fp);
	if (fp.one) {
		FUZZ_ASSERT(!fp.fn);
		check(fp.one);
		vxt_features_unref(fp.one);
	}
	FUZZ_ASSERT(fuzz_names()->refcount == 1);
	return 0;
}
