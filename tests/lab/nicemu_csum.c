/* nicemu: the Internet checksum (RFC 1071), as a NIC's checksum offload
 * computes it. */
#include "config.h"

#include "nicemu.h"

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;
	size_t i;
	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		s += (uint32_t)p[i] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/* Fold to 16 bits, not complemented (the value a partial checksum field
 * holds). */
static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t csum_fold(uint32_t sum) { return (uint16_t)~fold(sum); }

uint32_t csum_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	uint32_t s;
	uint8_t tail[8] = {0};
	if ((ip[0] >> 4) == 4) {
		s = csum_add(0, ip + 12, 8); /* source and destination */
		tail[1] = proto;
		put16(tail + 2, (uint16_t)l4len);
		return csum_add(s, tail, 4);
	}
	s = csum_add(0, ip + 8, 32);
	put32(tail, l4len);
	tail[7] = proto;
	return csum_add(s, tail, 8);
}

uint16_t csum_pseudo_field(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	return fold(csum_pseudo(ip, proto, (uint32_t)l4len));
}

void csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
	uint16_t c = csum_fold(csum_add(0, frame + start, len - start));
	/* UDP sends a computed 0 as 0xffff: 0 means "no checksum". */
	if (offset == 6 && c == 0)
		c = 0xffff;
	put16(frame + start + offset, c);
}

void ipv4_set_csum(uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	put16(ip + 10, 0);
	put16(ip + 10, csum_fold(csum_add(0, ip, ihl)));
}
