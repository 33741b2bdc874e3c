/* nicemu: the lab's emulated NICs and wire (see nicemu.c for the program,
 * tests/lab/README.md for what each mode models).
 *
 * A node's NIC is a TAP device with a virtio-net header: the kernel hands
 * it frames whose checksum (NEEDS_CSUM, csum_start/csum_offset) or whose
 * segmentation (gso_type/gso_size) it left to the "hardware".  nic_tx()
 * does that hardware's work, right or wrong according to the node's mode,
 * and hands every frame it puts on the wire to a callback, fully formed:
 * the peer receives it with an empty virtio header, so the peer's kernel
 * verifies every checksum itself and counts what is wrong. */
#ifndef NICEMU_H
#define NICEMU_H

#include <stddef.h>
#include <stdint.h>

/* The virtio-net header with the UDP-tunnel fields (struct
 * virtio_net_hdr_v1_hash_tunnel, Linux >= 6.17): tun fills the tunnel
 * offsets only when the header is this long.  Host byte order (tun's
 * legacy, native-endian header). */
struct nic_vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
	uint32_t hash_value;
	uint16_t hash_report;
	uint16_t padding;
	uint16_t outer_th_offset;
	uint16_t inner_nh_offset;
};

/* Older uapi headers (Debian 12's) lack the UDP-tunnel names. */
#define NIC_HDR_F_NEEDS_CSUM 0x01
#define NIC_HDR_F_UDP_TUNNEL_CSUM 0x08
#define NIC_GSO_TCPV4 0x01
#define NIC_GSO_TCPV6 0x04
#define NIC_GSO_ECN 0x80
#define NIC_GSO_UDP_TUNNEL_IPV4 0x20
#define NIC_GSO_UDP_TUNNEL_IPV6 0x40
#define NIC_GSO_UDP_TUNNEL (NIC_GSO_UDP_TUNNEL_IPV4 | NIC_GSO_UDP_TUNNEL_IPV6)

enum nic_mode {
	NIC_GOOD,       /* does every offloaded checksum and segmentation right */
	NIC_ENCAP_CSUM, /* VXLAN frames with an offloaded inner checksum: outer UDP checksum wrong */
	NIC_INNER_CSUM, /* VXLAN frames: the inner checksum is never completed */
	NIC_NO_CSUM,    /* no offloaded checksum is ever completed, VXLAN or not */
	NIC_TNL_GSO,    /* VXLAN segmentation-offload (GSO) frames are lost */
	NIC_DROP_OVER,  /* frames whose IP packet exceeds `limit` bytes are lost */
	NIC_MODE_COUNT
};

struct nic_stats {
	unsigned long frames, gso_frames, segments, csum_done, csum_skipped,
		corrupted, gso_dropped, size_dropped, malformed, unreadable;
};

struct nic {
	enum nic_mode mode;
	unsigned limit;        /* NIC_DROP_OVER: largest IP packet passed */
	unsigned vxlan_port;   /* outer UDP destination port that means VXLAN */
	struct nic_stats stats;
};

/* Called for every frame the NIC puts on the wire; frame stays valid only
 * during the call. */
typedef void nic_emit_fn(void *arg, const uint8_t *frame, size_t len);

/* Transmit one frame the kernel gave the NIC (frame is modified). */
void nic_tx(struct nic *nic, const struct nic_vnet_hdr *h, uint8_t *frame, size_t len,
            nic_emit_fn *emit, void *arg);

/* Mode names as the lab and the command line spell them; "drop-over=N"
 * takes its limit. */
const char *nic_mode_name(enum nic_mode m);
int nic_mode_parse(const char *s, enum nic_mode *m, unsigned *limit);

/* RFC 1071 arithmetic (nicemu_csum.c). */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t csum_fold(uint32_t sum);
/* The pseudo-header sum of an IPv4 or IPv6 header at ip for an L4
 * segment of l4len bytes of protocol proto. */
uint32_t csum_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4len);
/* ... folded, as the kernel leaves it in a checksum field for the NIC. */
uint16_t csum_pseudo_field(const uint8_t *ip, uint8_t proto, size_t l4len);
/* Complete the checksum that starts at start and is stored at
 * start + offset (the field holds the pseudo-header sum, as the kernel
 * leaves it for the hardware). */
void csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset);
void ipv4_set_csum(uint8_t *ip);

/* Segment a GSO frame (nicemu_gso.c): every segment is passed to seg()
 * with the checksum fields holding their pseudo-header sums and the
 * checksum requests (start, offset) the hardware must complete, inner
 * first.  Returns the number of segments, -1 if the frame is malformed. */
struct nic_csum_req {
	size_t start, offset;
};
typedef void nic_seg_fn(void *arg, uint8_t *seg, size_t len, const struct nic_csum_req *req,
                        int nreq);
int nic_gso_segment(const struct nic_vnet_hdr *h, const uint8_t *frame, size_t len,
                    nic_seg_fn *seg, void *arg);

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

#endif
