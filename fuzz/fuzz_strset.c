/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The STRSET_GET reply parser of lib/ethtool_nl.c (parse_strset, static:
 * the file is included here so that the library keeps it private).
 * Input: one received datagram of ethtool generic netlink messages. */
#include "../lib/ethtool_nl.c"

#include "fuzz.h"

static int valid(struct nl_msg *msg, void *arg)
{
	return parse_strset(msg, arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxt_strset *s = NULL;
	fuzz_deliver(data, size, NETLINK_GENERIC, valid, NULL, &s);
	if (s) {
		FUZZ_ASSERT(s->count <= 4096 && s->refcount == 1);
		for (unsigned int i = 0; i < s->count; i++)
			if (s->names[i])
				FUZZ_ASSERT(s->names[i][0] && strlen(s->names[i]) < ETH_GSTRING_LEN);
		vxt_strset_unref(s);
	}
	return 0;
}
