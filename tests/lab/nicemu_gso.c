/* nicemu: TCP segmentation offload, plain and over a UDP tunnel (VXLAN),
 * as a NIC that offers TSO4/TSO6 and UDP-tunnel GSO does it: one GSO frame
 * of up to 64 KiB becomes segments of gso_size payload bytes, each with its
 * own IP lengths and IDs, TCP sequence number and flags.  The checksums are
 * left to the caller (the NIC's checksum stage, which may get them wrong):
 * each field holds its pseudo-header sum and is listed as a request. */
#include "config.h"

#include <string.h>

#include "nicemu.h"

#define ETH_HLEN 14
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

struct l3 {
	size_t off, hlen; /* network header offset and length */
	int v4;
};

/* The IP header at off, which must end at or before end. */
static int parse_l3(const uint8_t *f, size_t len, size_t off, size_t end, struct l3 *l)
{
	if (off + 20 > len || off > end)
		return -1;
	l->off = off;
	l->v4 = (f[off] >> 4) == 4;
	if (l->v4)
		l->hlen = (size_t)(f[off] & 0x0f) * 4;
	else if ((f[off] >> 4) == 6)
		l->hlen = 40;
	else
		return -1;
	return l->hlen >= 20 && off + l->hlen <= end ? 0 : -1;
}

/* Set the length fields of an IP header for a packet of total bytes
 * (from the IP header on), add n to its IPv4 ID and redo its checksum. */
static void l3_fix(uint8_t *s, const struct l3 *l, size_t total, unsigned n)
{
	uint8_t *ip = s + l->off;
	if (l->v4) {
		put16(ip + 2, (uint16_t)total);
		put16(ip + 4, (uint16_t)(get16(ip + 4) + n));
		ipv4_set_csum(ip);
	} else {
		put16(ip + 4, (uint16_t)(total - 40));
	}
}

int nic_gso_segment(const struct nic_vnet_hdr *h, const uint8_t *f, size_t len,
                    nic_seg_fn *seg, void *arg)
{
	static uint8_t out[65536 + 256];
	int tunnel = !!(h->gso_type & NIC_GSO_UDP_TUNNEL);
	size_t tcp = h->csum_start, gso = h->gso_size;
	struct l3 outer = {0}, inner;
	size_t udp = 0;
	if (!gso || tcp + 20 > len)
		return -1;
	if (tunnel) {
		/* outer IP, outer UDP (tun gives its offset), VXLAN, inner
		 * Ethernet, inner IP at inner_nh_offset, inner TCP. */
		udp = h->outer_th_offset;
		if (parse_l3(f, len, ETH_HLEN, udp, &outer) < 0 || udp != ETH_HLEN + outer.hlen ||
		    parse_l3(f, len, h->inner_nh_offset, tcp, &inner) < 0 ||
		    h->inner_nh_offset < udp + 8 + 8 + ETH_HLEN)
			return -1;
	} else if (parse_l3(f, len, ETH_HLEN, tcp, &inner) < 0) {
		return -1;
	}
	if (inner.off + inner.hlen != tcp)
		return -1;
	size_t thl = (size_t)(f[tcp + 12] >> 4) * 4;
	size_t hdrs = tcp + thl;
	if (thl < 20 || hdrs > len || hdrs + gso > sizeof(out))
		return -1;
	int outer_csum = tunnel && ((h->flags & NIC_HDR_F_UDP_TUNNEL_CSUM) || get16(f + udp + 6));
	uint32_t seq = get32(f + tcp + 4);
	uint8_t flags = f[tcp + 13];
	size_t payload = len - hdrs;
	for (unsigned n = 0;; n++) {
		size_t done = n * gso;
		size_t chunk = payload - done < gso ? payload - done : gso;
		size_t slen = hdrs + chunk;
		int last = done + chunk >= payload;
		memcpy(out, f, hdrs);
		memcpy(out + hdrs, f + hdrs + done, chunk);
		l3_fix(out, &inner, slen - inner.off, n);
		put32(out + tcp + 4, seq + (uint32_t)done);
		out[tcp + 13] = (uint8_t)(flags & ~(last ? 0 : TCP_FIN | TCP_PSH) & ~(n ? TCP_CWR : 0));
		put16(out + tcp + 16, csum_pseudo_field(out + inner.off, 6, slen - tcp));
		struct nic_csum_req req[2] = {{tcp, 16}, {udp, 6}};
		int nreq = 1;
		if (tunnel) {
			l3_fix(out, &outer, slen - outer.off, n);
			put16(out + udp + 4, (uint16_t)(slen - udp));
			put16(out + udp + 6, 0);
			if (outer_csum) {
				put16(out + udp + 6, csum_pseudo_field(out + outer.off, 17, slen - udp));
				nreq = 2;
			}
		}
		seg(arg, out, slen, req, nreq);
		if (last)
			return (int)n + 1;
	}
}
