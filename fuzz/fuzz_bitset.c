/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxt_nl_parse_bitset (lib/ethtool_nl.c): an ETHTOOL_A_BITSET_* nest,
 * compact or verbose, as FEATURES_GET replies carry it.
 * Input: 2 bytes (little endian) -> nbits (mod 4097), then the payload of
 * the nest.  The words buffer is allocated to exactly VXT_WORDS(nbits) so
 * that ASan catches a write past it. */
#include "config.h"

#include <linux/ethtool_netlink.h>
#include <netlink/attr.h>

#include "features.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > 65535 - NLA_HDRLEN)
		return 0;
	unsigned int nbits = (unsigned int)(data[0] | data[1] << 8) % 4097;
	size_t plen = size - 2;
	struct nlattr *nest = malloc(NLA_HDRLEN + plen);
	if (!nest)
		abort();
	nest->nla_len = (uint16_t)(NLA_HDRLEN + plen);
	nest->nla_type = NLA_F_NESTED | ETHTOOL_A_FEATURES_HW;
	memcpy((char *)nest + NLA_HDRLEN, data + 2, plen);
	size_t nwords = VXT_WORDS(nbits);
	uint32_t *words = malloc(nwords ? nwords * sizeof(uint32_t) : 1);
	if (!words)
		abort();
	int rc = vxt_nl_parse_bitset(nest, fuzz_names(), nbits, words);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
	if (rc == 0 && nbits % 32)
		/* Bits past nbits in the last word stay clear. */
		FUZZ_ASSERT((words[nwords - 1] >> (nbits % 32)) == 0);
	free(words);
	free(nest);
	return 0;
}
