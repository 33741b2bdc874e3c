/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the libFuzzer targets (header-only: each target is one
 * translation unit, built by fuzz/run.sh).
 *
 * Netlink inputs are fed the way libnl's nl_recvmsgs() hands them to our
 * callbacks: the fuzz input is one received datagram; every message that
 * passes nlmsg_ok() is copied with nlmsg_convert() into an nl_msg of its
 * own exact size (so ASan sees any read past nlmsg_len), control messages
 * (NLMSG_ERROR/DONE/NOOP/OVERRUN) go where libnl sends them, and every other
 * message is handed to the VALID callback under test. */
#ifndef VXT_FUZZ_H
#define VXT_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "internal.h"
#include "nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fail loudly: an invariant of the parser under test does not hold. */
#define FUZZ_ASSERT(cond)                                                     \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",      \
			        __FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

/* NUL-terminated copy of the input (free it). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The feature names of a 6.x kernel (ETH_SS_FEATURES), as captured in
 * fuzz/corpus/strset; "" marks unused bits, as the kernel sends them. */
static const char *const fuzz_feature_names[] = {
	"tx-scatter-gather", "tx-checksum-ipv4", "", "tx-checksum-ip-generic",
	"tx-checksum-ipv6", "highdma", "tx-scatter-gather-fraglist", "tx-vlan-hw-insert",
	"rx-vlan-hw-parse", "rx-vlan-filter", "vlan-challenged", "tx-generic-segmentation",
	"", "", "rx-gro", "rx-lro", "tx-tcp-segmentation", "tx-gso-robust",
	"tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation",
	"tx-fcoe-segmentation", "tx-gre-segmentation", "tx-gre-csum-segmentation",
	"tx-ipxip4-segmentation", "tx-ipxip6-segmentation", "tx-udp_tnl-segmentation",
	"tx-udp_tnl-csum-segmentation", "tx-gso-partial", "tx-tunnel-remcsum-segmentation",
	"tx-sctp-segmentation", "tx-esp-segmentation", "", "tx-udp-segmentation",
	"tx-gso-list", "tx-tcp-accecn-segmentation", "tx-checksum-fcoe-crc",
	"tx-checksum-sctp", "rx-ntuple-filter", "rx-hashing", "rx-checksum",
	"tx-nocache-copy", "loopback", "rx-fcs", "rx-all", "tx-vlan-stag-hw-insert",
	"rx-vlan-stag-hw-parse", "rx-vlan-stag-filter", "l2-fwd-offload", "hw-tc-offload",
	"esp-hw-offload", "esp-tx-csum-hw-offload", "rx-udp_tunnel-port-offload",
	"tls-hw-tx-offload", "tls-hw-rx-offload", "rx-gro-hw", "tls-hw-record",
	"rx-gro-list", "macsec-hw-offload", "rx-udp-gro-forwarding", "hsr-tag-ins-offload",
	"hsr-tag-rm-offload", "hsr-fwd-offload", "hsr-dup-offload",
};

/* A strset with those names, built once and kept (one reference each
 * call site takes is released by its user). */
static inline struct vxt_strset *fuzz_names(void)
{
	static struct vxt_strset *s;
	if (!s) {
		unsigned int n = (unsigned int)VXT_ARRAY_SIZE(fuzz_feature_names);
		s = calloc(1, sizeof(*s));
		if (!s || !(s->names = calloc(n, sizeof(*s->names))))
			abort();
		s->refcount = 1;
		s->count = n;
		for (unsigned int i = 0; i < n; i++)
			if (fuzz_feature_names[i][0] && !(s->names[i] = strdup(fuzz_feature_names[i])))
				abort();
	}
	return s;
}

/* A context that answers feature-name questions from fuzz_names() instead
 * of asking the kernel (so nothing opens a socket). */
static inline struct vxt_ctx *fuzz_ctx(void)
{
	static struct vxt_ctx *ctx;
	if (!ctx) {
		if (vxt_ctx_new(&ctx) < 0)
			abort();
		ctx->backend_req = VXT_BACKEND_NETLINK;
		ctx->backend = VXT_BACKEND_NETLINK;
		struct vxt_strset *s = fuzz_names();
		s->refcount++;
		ctx->feature_names = s;
	}
	return ctx;
}

typedef int (*fuzz_valid_fn)(struct nl_msg *msg, void *arg);
typedef int (*fuzz_err_fn)(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg);

/* Deliver the datagram in data like nl_recvmsgs(): valid() for data
 * messages, err() for NLMSG_ERROR with an errno (when given).  proto sets
 * the nl_msg's protocol (libnl's parsers look their ops up by it).
 * Stops like libnl when a callback returns NL_STOP or an error. */
static inline void fuzz_deliver(const uint8_t *data, size_t size, int proto,
                                fuzz_valid_fn valid, fuzz_err_fn err, void *arg)
{
	/* Received buffers are malloc'd, hence aligned: so is this copy. */
	void *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	struct nlmsghdr *hdr = buf;
	int left = (int)(size > INT32_MAX ? INT32_MAX : size);
	for (; nlmsg_ok(hdr, left); hdr = nlmsg_next(hdr, &left)) {
		struct nl_msg *msg = nlmsg_convert(hdr);
		if (!msg)
			abort();
		nlmsg_set_proto(msg, proto);
		struct nlmsghdr *h = nlmsg_hdr(msg);
		int rc = NL_OK;
		if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_NOOP ||
		    h->nlmsg_type == NLMSG_OVERRUN) {
			rc = h->nlmsg_type == NLMSG_DONE ? NL_STOP : NL_OK;
		} else if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = nlmsg_data(h);
			if (h->nlmsg_len < (unsigned int)nlmsg_size(sizeof(*e)))
				rc = NL_STOP; /* libnl: -NLE_MSG_TRUNC */
			else if (e->error && err)
				rc = err(NULL, e, arg);
			else
				rc = NL_STOP; /* an ACK ends the exchange */
		} else {
			rc = valid(msg, arg);
		}
		nlmsg_free(msg);
		if (rc != NL_OK && rc != NL_SKIP)
			break;
	}
	free(buf);
}

#endif
