/* Localization: which node's transmit path breaks the packets of a peer's
 * probes.  Checksum errors are counted where bad packets arrive, so a rise
 * in the peer's counters (from its responder) blames this node's sender
 * and a rise in ours blames the peer's; the one-way UDP tests and the bulk
 * flows say the same per direction.  The device: when ICMP over the
 * overlay or plain TCP over the underlay breaks too, every offloaded
 * checksum is bad, which only the underlay's "tx off" repairs; otherwise
 * the VXLAN device's tx-checksum-ip-generic.  A remedy already in effect
 * on this node is never recommended (its features were read before). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

long long vxt_csum_delta(const long long *before, const long long *after)
{
	static const int ctr[] = {VXT_CTR_CSUM, VXT_CTR_TCP_CSUM};
	long long d = -1;
	for (size_t k = 0; k < VXT_ARRAY_SIZE(ctr); k++) {
		int i = ctr[k];
		if (before[i] >= 0 && after[i] >= before[i])
			d = (d < 0 ? 0 : d) + after[i] - before[i];
	}
	return d;
}

/* What a peer's probes did: -1 not run, 0 lost, 1 got across, 2 stalled. */
struct seen {
	int icmp, tcp, udp, out, in, bulk_out, bulk_in, ul_tcp;
};

static void note(int *slot, const struct vxt_probe *p)
{
	int oc = vxt_probe_outcome(p);
	if (oc == VXT_PROBE_ERROR)
		return;
	int v = oc == VXT_PROBE_OK || oc == VXT_PROBE_REFUSED ? 1 : oc == VXT_PROBE_STALLED ? 2 : 0;
	/* Two probes of one kind (connect to the responder and to --tcp-port):
	 * a loss wins. */
	*slot = *slot < 0 ? v : *slot == 1 ? v : *slot;
}

static void collect(const struct vxt_check *c, int k, struct seen *s)
{
	*s = (struct seen){-1, -1, -1, -1, -1, -1, -1, -1};
	for (unsigned int i = 0; i < c->nprobes; i++) {
		if (c->probe_peer[i] != k)
			continue;
		const struct vxt_probe *p = c->probes[i];
		if (c->probe_underlay[i]) {
			note(&s->ul_tcp, p);
			continue;
		}
		switch (vxt_probe_kind(p)) {
		case VXT_PROBE_ICMP: note(&s->icmp, p); break;
		case VXT_PROBE_TCP: note(&s->tcp, p); break;
		case VXT_PROBE_UDP: note(&s->udp, p); break;
		case VXT_PROBE_UDP_OUT: note(&s->out, p); break;
		case VXT_PROBE_UDP_IN: note(&s->in, p); break;
		case VXT_PROBE_BULK_OUT: note(&s->bulk_out, p); break;
		case VXT_PROBE_BULK_IN: note(&s->bulk_in, p); break;
		default: break;
		}
	}
}

static bool bad(int state)
{
	return state == VXT_PATH_CHECKSUM || state == VXT_PATH_FAILS ||
	       state == VXT_PATH_SEGMENTATION;
}

/* A growing text (explanations are a few hundred bytes). */
struct text {
	char s[1024];
	size_t n;
};

__attribute__((format(printf, 2, 3)))
static void say(struct text *t, const char *fmt, ...)
{
	if (t->n + 1 >= sizeof(t->s))
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->s + t->n, sizeof(t->s) - t->n, fmt, ap);
	va_end(ap);
	if (w > 0)
		t->n = t->n + (size_t)w < sizeof(t->s) ? t->n + (size_t)w : sizeof(t->s) - 1;
}

static const char *vxlan_of(const struct vxt_check *c)
{
	return c->vxlan_name[0] ? c->vxlan_name : "vxlan.calico";
}

/* This node sends the broken direction: a finding with the remedy that is
 * not in effect yet, or "already off" without one. */
static int blame_this(struct vxt_check *c, const char *peer, int state, bool outer,
                      struct text *why)
{
	const char *vx = vxlan_of(c), *ul = c->underlay[0] ? c->underlay : NULL;
	struct vxt_remedy r;
	if (state == VXT_PATH_SEGMENTATION) {
		/* VXLAN with outer checksums (udpcsum) uses the -csum- variant. */
		struct vxt_remedy r2 = vxt_remedy_here(VXT_REMEDY_FEATURE, ul,
		                                       "tx-udp_tnl-csum-segmentation", "off");
		bool both = ul && c->tx.ul_tnlseg == 1 && c->tx.ul_tnlcsum == 1;
		if (ul && c->tx.ul_tnlseg == 1)
			r = vxt_remedy_here(VXT_REMEDY_FEATURE, ul, "tx-udp_tnl-segmentation", "off");
		else if (ul && c->tx.ul_tnlcsum == 1)
			r = r2;
		else if (c->tx.vx_tso == 1)
			r = vxt_remedy_here(VXT_REMEDY_FEATURE, vx, "tx-tcp-segmentation", "off");
		else
			return vxt_check_add(c, VXT_SEVERITY_ERROR, "tx-segmentation", vx, NULL,
			                     "bulk flows from this node to %s stall after the handshake, "
			                     "but this node's tunnel segmentation offloads "
			                     "(tx-udp_tnl-segmentation, TSO) are already off: look at the "
			                     "path between the nodes (MTU, a middlebox)", peer);
		say(why, " Remedy on this node: %s off on %s%s.", r.key, r.device,
		    both ? " (and its -csum- variant)" : "");
		int rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "tx-segmentation", r.device, &r,
		                       "bulk flows from this node to %s stall after the handshake while "
		                       "small packets pass: this node's tunnel segmentation offload "
		                       "(tx-udp_tnl-segmentation, TSO) on %s loses the large VXLAN "
		                       "frames it should segment", peer, r.device);
		return rc >= 0 && both ? vxt_check_add_remedy(c, &r2) : rc;
	}
	if (outer && ul && c->tx.ul_csum == 1)
		r = vxt_remedy_here(VXT_REMEDY_FEATURE, ul, "tx", "off");
	else if (!outer && c->tx.vx_csum == 1)
		r = vxt_remedy_here(VXT_REMEDY_FEATURE, vx, "tx-checksum-ip-generic", "off");
	else if (ul && c->tx.ul_csum == 1)
		r = vxt_remedy_here(VXT_REMEDY_FEATURE, ul, "tx", "off");
	else {
		say(why, " This node's transmit checksum offloads are already off (%s "
		    "tx-checksum-ip-generic, %s tx): its packets are broken after they leave "
		    "(the wire, a middlebox, or the peer's receive side).", vx, ul ? ul : "underlay");
		return vxt_check_add(c, VXT_SEVERITY_ERROR, "tx-checksum", vx, NULL,
		                     "packets from this node to %s arrive with bad checksums although "
		                     "this node's transmit checksum offloads are already off: the "
		                     "corruption happens after this node's NIC", peer);
	}
	say(why, " Remedy on this node: %s %s off.", r.device, r.key);
	return vxt_check_add(c, VXT_SEVERITY_ERROR, "tx-checksum", r.device, &r,
	                     "packets from this node to %s arrive with bad checksums: this node's "
	                     "transmit path breaks them (%s%s)", peer,
	                     !strcmp(r.key, "tx") ? "every offloaded checksum is bad: the underlay's "
	                                            "tx checksum offload on " :
	                                            "the inner checksum offload of ",
	                     r.device);
}

/* The peer sends the broken direction: the change on its node. */
static int blame_peer(struct vxt_check *c, const struct vxt_peer_state *ps, int state, bool outer,
                      struct text *why)
{
	const char *ul = ps->before.underlay;
	struct vxt_remedy r;
	const char *what;
	struct vxt_remedy r2 = vxt_remedy_there(ps->addr, VXT_REMEDY_FEATURE, ul,
	                                        "tx-udp_tnl-csum-segmentation", "off");
	if (state == VXT_PATH_SEGMENTATION) {
		r = vxt_remedy_there(ps->addr, VXT_REMEDY_FEATURE, ul, "tx-udp_tnl-segmentation", "off");
		what = "its tunnel segmentation offload (tx-udp_tnl-segmentation, TSO) loses large "
		       "VXLAN frames: bulk flows from it stall after the handshake";
	} else if (outer) {
		r = vxt_remedy_there(ps->addr, VXT_REMEDY_FEATURE, ul, "tx", "off");
		what = "every offloaded checksum it sends is bad (ICMP over the overlay or plain "
		       "underlay TCP breaks too): its underlay's tx checksum offload";
	} else {
		r = vxt_remedy_there(ps->addr, VXT_REMEDY_FEATURE, vxlan_of(c), "tx-checksum-ip-generic",
		                     "off");
		what = "the VXLAN packets it sends arrive here with bad checksums: the inner checksum "
		       "offload of its VXLAN device";
	}
	say(why, " Remedy on the peer's node: %s %s off.", *r.device ? r.device : "its underlay",
	    r.key);
	int rc = vxt_check_add(c, VXT_SEVERITY_ERROR,
	                       state == VXT_PATH_SEGMENTATION ? "tx-segmentation" : "tx-checksum",
	                       ps->addr, &r, "%s's transmit path is at fault: %s", ps->addr, what);
	/* Its features are unknown here: both segmentation variants. */
	return rc >= 0 && state == VXT_PATH_SEGMENTATION ? vxt_check_add_remedy(c, &r2) : rc;
}

static const char *dir_text(int state)
{
	switch (state) {
	case VXT_PATH_OK: return "ok";
	case VXT_PATH_CHECKSUM: return "bad checksums";
	case VXT_PATH_SEGMENTATION: return "bulk flows stall (segmentation offload)";
	case VXT_PATH_FAILS: return "lost (no counter says why)";
	default: return "not tested";
	}
}

/* One direction: counted = its receiver counted checksum errors; oneway
 * and bulk as in struct seen.  A passing one-way test outweighs a count
 * (that is other traffic). */
static int direction(bool counted, int oneway, int bulk, bool round_trip)
{
	if (counted && oneway != 1)
		return VXT_PATH_CHECKSUM;
	if (oneway == 0)
		return VXT_PATH_FAILS;
	if (bulk == 2)
		return VXT_PATH_SEGMENTATION;
	return oneway == 1 || round_trip ? VXT_PATH_OK : VXT_PATH_UNKNOWN;
}

static int locate_peer(struct vxt_check *c, unsigned int k)
{
	struct vxt_peer_state *ps = &c->peers[k];
	struct seen s;
	collect(c, (int)k, &s);
	long long lc = vxt_csum_delta(c->before, c->after);
	long long pc = ps->responder ? vxt_csum_delta(ps->before.counters, ps->after.counters) : -1;
	/* ICMP's checksum is never offloaded, only the outer UDP one (udpcsum),
	 * which the underlay NIC writes: if ICMP over the overlay dies with
	 * checksum errors, or plain underlay TCP dies, the underlay is at fault. */
	bool outer = (s.icmp == 0 && (lc > 0 || pc > 0)) || s.ul_tcp == 0;
	bool round_trip = s.udp == 1 || s.tcp == 1;

	ps->out = direction(pc > 0, s.out, s.bulk_out, round_trip);
	ps->in = direction(lc > 0, s.in, s.bulk_in, round_trip);

	bool ob = bad(ps->out), ib = bad(ps->in);
	ps->fault = ob && ib ? VXT_FAULT_BOTH : ob ? VXT_FAULT_THIS : ib ? VXT_FAULT_PEER
	            : ps->out == VXT_PATH_OK && ps->in == VXT_PATH_OK ? VXT_FAULT_NONE
	                                                             : VXT_FAULT_UNKNOWN;
	struct text why = {.n = 0};
	say(&why, "%s: this node -> peer: %s", ps->addr, dir_text(ps->out));
	if (pc >= 0)
		say(&why, " (the peer counted %lld checksum error%s)", pc, pc == 1 ? "" : "s");
	say(&why, "; peer -> this node: %s", dir_text(ps->in));
	if (lc >= 0)
		say(&why, " (this node counted %lld checksum error%s)", lc, lc == 1 ? "" : "s");
	say(&why, ".");
	if (!ps->responder)
		say(&why, " No vxlantune responder answered on the peer%s (none runs there, or its answers are lost too): the check cannot see the "
		    "peer's counters or test each direction alone, so it cannot tell whether this "
		    "node's transmit path is at fault too (run 'vxlantune responder' or 'watch "
		    "--responder' there).", ps->asked ? "" : " (not asked: --tcp-port/--udp-port)");

	int rc = 0;
	if (ob)
		rc = blame_this(c, ps->addr, ps->out, outer, &why);
	else if (ib && ps->out == VXT_PATH_OK) {
		bool off = c->tx.vx_csum == 0 && (c->tx.ul_csum != 1 || !outer);
		say(&why, " This node's transmit path is clean%s: the remaining fault is on %s's "
		    "transmit path.", off ? " (its checksum offload is already off)" : "", ps->addr);
		rc = vxt_check_add(c, VXT_SEVERITY_OK, "tx-checksum", vxlan_of(c), NULL,
		                   "this node's transmit path to %s is clean (one-way test passes, "
		                   "the peer counts no checksum errors%s)", ps->addr,
		                   off ? ", tx-checksum-ip-generic already off" : "");
	}
	if (rc >= 0 && ib)
		rc = blame_peer(c, ps, ps->in, outer, &why);
	if (rc >= 0 && !(ps->explanation = strdup(why.s)))
		rc = -ENOMEM;
	return rc;
}

int vxt_check_locate(struct vxt_check *c, const struct vxt_check_opts *o)
{
	(void)o;
	int rc = 0;
	for (unsigned int k = 0; k < c->npeers && rc >= 0; k++)
		rc = locate_peer(c, k);
	return rc;
}
