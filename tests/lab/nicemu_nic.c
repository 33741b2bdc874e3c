/* nicemu: one node's NIC on transmit.  It does the work the kernel left to
 * the hardware (the checksum the virtio header asks for, segmentation of
 * GSO frames) as its mode says: right, or wrong in the way the lab models
 * (tests/lab/README.md says which real cases each mode stands for). */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "nicemu.h"

#define ETH_HLEN 14
#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd

static const char *const mode_names[NIC_MODE_COUNT] = {
	[NIC_GOOD] = "good",
	[NIC_ENCAP_CSUM] = "encap-csum",
	[NIC_INNER_CSUM] = "inner-csum",
	[NIC_NO_CSUM] = "no-csum",
	[NIC_TNL_GSO] = "tnl-gso",
	[NIC_DROP_OVER] = "drop-over",
};

const char *nic_mode_name(enum nic_mode m) { return m < NIC_MODE_COUNT ? mode_names[m] : "?"; }

int nic_mode_parse(const char *s, enum nic_mode *m, unsigned *limit)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	for (int i = 0; i < NIC_MODE_COUNT; i++) {
		if (strlen(mode_names[i]) != n || strncmp(s, mode_names[i], n))
			continue;
		*limit = 0;
		if ((i == NIC_DROP_OVER) != !!eq)
			return -1;
		if (eq) {
			char *end;
			unsigned long v = strtoul(eq + 1, &end, 10);
			if (*end || end == eq + 1 || v < 68 || v > 65535)
				return -1;
			*limit = (unsigned)v;
		}
		*m = (enum nic_mode)i;
		return 0;
	}
	return -1;
}

/* If f is a VXLAN frame (outer UDP to the VXLAN port), the offset of its
 * outer UDP header; else 0. */
static size_t vxlan_udp(const struct nic *nic, const uint8_t *f, size_t len)
{
	size_t udp;
	if (len < ETH_HLEN + 40 + 8)
		return 0;
	const uint8_t *ip = f + ETH_HLEN;
	switch (get16(f + 12)) {
	case ETH_P_IPV4:
		if (ip[9] != IPPROTO_UDP || (get16(ip + 6) & 0x1fff))
			return 0;
		udp = ETH_HLEN + (size_t)(ip[0] & 0x0f) * 4;
		break;
	case ETH_P_IPV6:
		if (ip[6] != IPPROTO_UDP)
			return 0;
		udp = ETH_HLEN + 40;
		break;
	default:
		return 0;
	}
	return udp + 8 <= len && get16(f + udp + 2) == nic->vxlan_port ? udp : 0;
}

/* The checksum stage: complete (or not) each requested checksum, inner
 * first, then what the mode does wrong.  -1 if a request is out of bounds. */
static int nic_checksums(struct nic *nic, uint8_t *f, size_t len, const struct nic_csum_req *req,
                         int nreq)
{
	size_t udp = vxlan_udp(nic, f, len);
	int inner_offloaded = 0;
	for (int i = 0; i < nreq; i++)
		if (req[i].start + req[i].offset + 2 > len)
			return -1;
	for (int i = 0; i < nreq; i++) {
		/* a checksum inside the VXLAN payload: the inner L4's */
		int inner = udp && req[i].start > udp;
		inner_offloaded |= inner;
		if (nic->mode == NIC_NO_CSUM || (nic->mode == NIC_INNER_CSUM && inner)) {
			nic->stats.csum_skipped++;
			continue;
		}
		csum_complete(f, len, req[i].start, req[i].offset);
		nic->stats.csum_done++;
	}
	/* A wrong outer checksum where there is one (0 means "none": a
	 * device with noudpcsum gives this fault nothing to get wrong). */
	uint16_t outer = udp ? get16(f + udp + 6) : 0;
	if (nic->mode == NIC_ENCAP_CSUM && inner_offloaded && outer) {
		put16(f + udp + 6, outer == 0x5555 ? 0xaaaa : outer ^ 0x5555);
		nic->stats.corrupted++;
	}
	return 0;
}

struct wire_ctx {
	struct nic *nic;
	nic_emit_fn *emit;
	void *arg;
};

static void wire(struct wire_ctx *w, uint8_t *f, size_t len, const struct nic_csum_req *req,
                 int nreq)
{
	struct nic *nic = w->nic;
	if (nic_checksums(nic, f, len, req, nreq) < 0) {
		nic->stats.malformed++;
		return;
	}
	if (nic->mode == NIC_DROP_OVER && len > ETH_HLEN + nic->limit) {
		nic->stats.size_dropped++;
		return;
	}
	w->emit(w->arg, f, len);
}

static void on_segment(void *arg, uint8_t *seg, size_t len, const struct nic_csum_req *req,
                       int nreq)
{
	struct wire_ctx *w = arg;
	w->nic->stats.segments++;
	wire(w, seg, len, req, nreq);
}

void nic_tx(struct nic *nic, const struct nic_vnet_hdr *h, uint8_t *f, size_t len,
            nic_emit_fn *emit, void *arg)
{
	struct wire_ctx w = {nic, emit, arg};
	nic->stats.frames++;
	if (h->gso_type) {
		uint8_t l4 = h->gso_type & (uint8_t)~(NIC_GSO_UDP_TUNNEL | NIC_GSO_ECN);
		nic->stats.gso_frames++;
		if (nic->mode == NIC_TNL_GSO && (h->gso_type & NIC_GSO_UDP_TUNNEL)) {
			nic->stats.gso_dropped++;
			return;
		}
		if ((l4 != NIC_GSO_TCPV4 && l4 != NIC_GSO_TCPV6) ||
		    nic_gso_segment(h, f, len, on_segment, &w) < 0)
			nic->stats.malformed++;
		return;
	}
	struct nic_csum_req req = {h->csum_start, h->csum_offset};
	wire(&w, f, len, &req, (h->flags & NIC_HDR_F_NEEDS_CSUM) ? 1 : 0);
}
