/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verdict: a differential diagnosis from the probe pattern per peer,
 * then the local findings.  "Refused" (TCP reset, port unreachable) means
 * the packets got through; "timeout" and "unreachable" are alike (Linux
 * rate-limits ICMP errors, so one often turns into the other). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

static bool reached(const struct vxt_probe *p)
{
	int oc = vxt_probe_outcome(p);
	return oc == VXT_PROBE_OK || oc == VXT_PROBE_REFUSED;
}

static bool ran(const struct vxt_probe *p)
{
	return vxt_probe_outcome(p) != VXT_PROBE_ERROR;
}

/* The pattern of one peer's probes (or of the DNS probe alone). */
struct pattern {
	int icmp_ok, icmp_fail, l4_ok, l4_fail, large_ok, large_fail, bulk_ok, bulk_stall;
};

static void tally(struct pattern *pt, const struct vxt_probe *p)
{
	if (!ran(p))
		return;
	bool ok = reached(p);
	switch (vxt_probe_kind(p)) {
	case VXT_PROBE_ICMP: ok ? pt->icmp_ok++ : pt->icmp_fail++; break;
	case VXT_PROBE_LARGE: ok ? pt->large_ok++ : pt->large_fail++; break;
	case VXT_PROBE_BULK_OUT:
	case VXT_PROBE_BULK_IN:
		/* Only a stall after the handshake says something new; a bulk flow
		 * that cannot connect repeats the connect probe. */
		if (ok)
			pt->bulk_ok++;
		else if (vxt_probe_outcome(p) == VXT_PROBE_STALLED)
			pt->bulk_stall++;
		break;
	default: ok ? pt->l4_ok++ : pt->l4_fail++; break;
	}
}

/* any_icmp_ok: some peer answers ICMP (for the DNS server, which gets no
 * ICMP probe of its own). */
static int classify(const struct pattern *pt, bool any_icmp_ok)
{
	int small_ok = pt->icmp_ok + pt->l4_ok, small_fail = pt->icmp_fail + pt->l4_fail;
	if (!small_ok && !small_fail && !pt->large_ok && !pt->large_fail)
		return VXT_VERDICT_HEALTHY; /* nothing ran */
	if (!small_ok && !pt->large_ok)
		return pt->l4_fail && !pt->icmp_fail && any_icmp_ok ? VXT_VERDICT_DATA_PATH
		                                                    : VXT_VERDICT_UNREACHABLE;
	if (pt->icmp_ok && pt->l4_fail)
		return VXT_VERDICT_DATA_PATH;
	if (!small_fail && pt->large_fail)
		return VXT_VERDICT_MTU;
	if (!small_fail && pt->bulk_stall)
		return VXT_VERDICT_SEGMENTATION;
	if (small_fail || pt->large_fail)
		return VXT_VERDICT_PARTIAL;
	return VXT_VERDICT_HEALTHY;
}

/* Most telling first. */
static int worse(int a, int b)
{
	static const int rank[] = {
		[VXT_VERDICT_HEALTHY] = 0, [VXT_VERDICT_PARTIAL] = 1, [VXT_VERDICT_UNREACHABLE] = 2,
		[VXT_VERDICT_MTU] = 3, [VXT_VERDICT_SEGMENTATION] = 3, [VXT_VERDICT_DATA_PATH] = 4,
	};
	return rank[b] > rank[a] ? b : a;
}

/* The first finding with one of the codes (or any code when codes is
 * NULL) at severity >= min that has remedies, or NULL. */
static const struct vxt_finding *finding_with_remedy(const struct vxt_check *c,
                                                     const char *const *codes, int min)
{
	for (unsigned int i = 0; i < c->nfindings; i++) {
		const struct vxt_finding *f = &c->findings[i];
		if (f->severity < min || !f->nremedies)
			continue;
		for (size_t k = 0; !codes || codes[k]; k++)
			if (!codes || !strcmp(codes[k], f->code))
				return f;
	}
	return NULL;
}

/* Recommend the remedies of f (if any); 1 if there were some. */
static int recommend(struct vxt_check *c, const struct vxt_finding *f)
{
	int rc = 0;
	for (unsigned int i = 0; f && i < f->nremedies && rc >= 0; i++)
		rc = vxt_check_recommend(c, &f->remedies[i]);
	return rc < 0 ? rc : f && f->nremedies;
}

/* The localization's findings (tx-checksum, tx-segmentation) that blame a
 * node; their remedies first, this node's before the peers'. */
static bool is_blame(const struct vxt_finding *f)
{
	return f->severity >= VXT_SEVERITY_ERROR &&
	       (!strcmp(f->code, "tx-checksum") || !strcmp(f->code, "tx-segmentation"));
}

static int recommend_located(struct vxt_check *c)
{
	int rc = 0;
	for (int node = VXT_NODE_THIS; node <= VXT_NODE_PEER; node++)
		for (unsigned int i = 0; i < c->nfindings && rc >= 0; i++) {
			const struct vxt_finding *f = &c->findings[i];
			for (unsigned int j = 0; is_blame(f) && j < f->nremedies && rc >= 0; j++)
				if (f->remedies[j].node == node)
					rc = vxt_check_recommend(c, &f->remedies[j]);
		}
	return rc;
}

/* The explanations of the peers with a fault, joined, or "". */
static void located_text(const struct vxt_check *c, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned int k = 0; k < c->npeers && n + 1 < len; k++) {
		const struct vxt_peer_state *ps = &c->peers[k];
		if (ps->fault < VXT_FAULT_THIS || !ps->explanation)
			continue;
		int w = snprintf(buf + n, len - n, "%s%s", n ? " " : "", ps->explanation);
		n = w > 0 && (size_t)w < len - n ? n + (size_t)w : len - 1;
	}
}

static int set(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set(char **dst, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(*dst);
	*dst = NULL;
	int n = vasprintf(dst, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*dst = NULL;
		return -ENOMEM;
	}
	return 0;
}

int vxt_check_decide(struct vxt_check *c, const struct vxt_check_opts *o)
{
	int v = VXT_VERDICT_HEALTHY, rc = 0;
	bool any_icmp_ok = false;
	unsigned int nprobe_ok = 0, nprobe_ran = 0, nprobe_err = 0, large = 0;
	const char *first_failed_peer = NULL;
	for (unsigned int i = 0; i < c->nprobes; i++) {
		const struct vxt_probe *p = c->probes[i];
		any_icmp_ok |= vxt_probe_kind(p) == VXT_PROBE_ICMP && reached(p);
		nprobe_ran += ran(p);
		nprobe_ok += ran(p) && reached(p);
		if (vxt_probe_kind(p) == VXT_PROBE_LARGE)
			large = vxt_probe_size(p);
		if (ran(p) && !reached(p) && !first_failed_peer)
			first_failed_peer = vxt_probe_peer(p);
		if (!ran(p)) {
			nprobe_err++;
			struct vxt_remedy pgr = vxt_remedy_here(VXT_REMEDY_SYSCTL, "",
			                                        "net.ipv4.ping_group_range", "0 2147483647");
			bool perm = vxt_probe_errno(p) == EPERM || vxt_probe_errno(p) == EACCES;
			bool icmp = vxt_probe_kind(p) == VXT_PROBE_ICMP || vxt_probe_kind(p) == VXT_PROBE_LARGE;
			rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "probe-error", vxt_probe_peer(p),
			                   perm && icmp ? &pgr : NULL, "%s", vxt_probe_detail(p));
		}
		if (rc < 0)
			return rc;
	}
	/* Per peer, then the DNS server on its own. */
	for (unsigned int k = 0; k < o->npeers; k++) {
		struct pattern pt = {0};
		for (unsigned int i = 0; i < c->nprobes; i++)
			if (c->probe_peer[i] == (int)k && !c->probe_underlay[i])
				tally(&pt, c->probes[i]);
		v = worse(v, classify(&pt, any_icmp_ok));
	}
	for (unsigned int i = 0; i < c->nprobes; i++)
		if (c->probe_peer[i] < 0) {
			struct pattern pt = {0};
			tally(&pt, c->probes[i]);
			v = worse(v, classify(&pt, any_icmp_ok));
		}

	/* Evidence: every probe, every counter that moved, the findings. */
	for (unsigned int i = 0; i < c->nprobes && rc >= 0; i++)
		rc = vxt_check_add_evidence(c, "%s", vxt_probe_detail(c->probes[i]));
	for (int k = 0; k < VXT_CTR_N && rc >= 0; k++)
		if (c->before[k] >= 0 && c->after[k] > c->before[k]) {
			const char *colon = strchr(vxt_counter_names[k], ':');
			rc = vxt_check_add_evidence(c, "%.*s %s +%lld during the check (%lld -> %lld)",
			                            (int)(colon - vxt_counter_names[k]),
			                            vxt_counter_names[k], colon + 1,
			                            c->after[k] - c->before[k], c->before[k], c->after[k]);
		}
	/* The peers' counters that moved (their responders said so). */
	for (unsigned int k = 0; k < c->npeers && rc >= 0; k++) {
		const struct vxt_peer_state *ps = &c->peers[k];
		for (int i = 0; ps->responder && i < VXT_CTR_N && rc >= 0; i++) {
			long long b = ps->before.counters[i], a = ps->after.counters[i];
			const char *colon = strchr(vxt_counter_names[i], ':');
			if (b >= 0 && a > b)
				rc = vxt_check_add_evidence(c, "peer %s: %.*s %s +%lld during the check "
				                            "(%lld -> %lld, its responder)", ps->addr,
				                            (int)(colon - vxt_counter_names[i]),
				                            vxt_counter_names[i], colon + 1, a - b, b, a);
		}
	}
	char list[512] = "";
	size_t n = 0;
	for (unsigned int i = 0; i < c->nfindings; i++) {
		const struct vxt_finding *f = &c->findings[i];
		if (f->severity < VXT_SEVERITY_WARNING || !strcmp(f->code, "probe-error"))
			continue;
		bool dup = false;
		for (unsigned int j = 0; j < i && !dup; j++)
			dup = c->findings[j].severity >= VXT_SEVERITY_WARNING &&
			      !strcmp(c->findings[j].code, f->code) &&
			      !strcmp(c->findings[j].object, f->object);
		if (dup)
			continue;
		int w = snprintf(list + n, sizeof(list) - n, "%s%s%s%s%s", n ? ", " : "", f->code,
		                 *f->object ? " (" : "", f->object, *f->object ? ")" : "");
		if (w < 0 || (size_t)w >= sizeof(list) - n)
			break;
		n += (size_t)w;
	}
	if (rc >= 0 && n)
		rc = vxt_check_add_evidence(c, "findings: %s", list);
	if (rc < 0)
		return rc;

	/* A probe that could not run is not a fault of the node: "incomplete". */
	/* Checksum errors the localization pinned on a sender outrank "nothing
	 * passes": when every offloaded checksum is bad, ICMP over VXLAN (outer
	 * checksum) breaks too, and the fix is still an offload. */
	bool located = false, seg = false;
	for (unsigned int i = 0; i < c->nfindings; i++)
		if (is_blame(&c->findings[i])) {
			located = true;
			seg |= !strcmp(c->findings[i].code, "tx-segmentation");
		}
	if (located && v != VXT_VERDICT_DATA_PATH && v != VXT_VERDICT_SEGMENTATION)
		v = seg && v == VXT_VERDICT_HEALTHY ? VXT_VERDICT_SEGMENTATION : VXT_VERDICT_DATA_PATH;
	char where[1024];
	located_text(c, where, sizeof(where));

	unsigned int nerr = vxt_check_finding_count_severity(c, VXT_SEVERITY_ERROR) - nprobe_err;
	unsigned int nwarn = vxt_check_finding_count_severity(c, VXT_SEVERITY_WARNING) - nerr;
	long long csum = c->before[VXT_CTR_CSUM] >= 0 ? c->after[VXT_CTR_CSUM] - c->before[VXT_CTR_CSUM] : 0;
	static const char *const path_codes[] = {"udp-csum-errors", "tcp-csum-errors", "offloads",
	                                         "rp-filter", "vxlan-mtu", "rp-filter-drops", NULL};
	static const char *const mtu_codes[] = {"vxlan-mtu", NULL};
	const struct vxt_finding *rem = NULL;
	if (v == VXT_VERDICT_HEALTHY && nerr)
		v = VXT_VERDICT_LOCAL;
	else if (v == VXT_VERDICT_HEALTHY && nwarn)
		v = VXT_VERDICT_WARNINGS;
	else if (v == VXT_VERDICT_HEALTHY && nprobe_err)
		v = VXT_VERDICT_INCOMPLETE;
	c->verdict = v;
	switch (v) {
	case VXT_VERDICT_HEALTHY:
		rc = set(&c->summary, "healthy: %s every local check passed",
		         nprobe_ran ? "every probe passed and" : "no peers probed;");
		break;
	case VXT_VERDICT_WARNINGS:
		rc = set(&c->summary, "warnings: %s, but %u local check%s warn%s",
		         nprobe_ran ? "the probes pass" : "no peers probed", nwarn, nwarn == 1 ? "" : "s",
		         nwarn == 1 ? "s" : "");
		rem = finding_with_remedy(c, NULL, VXT_SEVERITY_WARNING);
		break;
	case VXT_VERDICT_INCOMPLETE:
		rc = set(&c->summary, "incomplete: %u probe%s could not run (see the probe-error "
		                      "findings); nothing else is wrong", nprobe_err,
		         nprobe_err == 1 ? "" : "s");
		rem = finding_with_remedy(c, NULL, VXT_SEVERITY_ERROR);
		break;
	case VXT_VERDICT_LOCAL:
		rc = set(&c->summary, "unhealthy: %u local check%s failed%s", nerr, nerr == 1 ? "" : "s",
		         nprobe_ran ? " (the probes pass)" : " (no peers probed)");
		rem = finding_with_remedy(c, NULL, VXT_SEVERITY_ERROR);
		break;
	case VXT_VERDICT_DATA_PATH:
		if (located) {
			rc = set(&c->summary, "%s: %s",
			         any_icmp_ok ? "ICMP passes but TCP/UDP fail"
			                     : "ICMP and TCP/UDP fail while checksum errors are counted: "
			                       "every offloaded checksum is bad",
			         where);
			if (rc >= 0)
				rc = recommend_located(c);
			break;
		}
		rc = csum > 0
		     ? set(&c->summary, "ICMP passes but TCP/UDP fail: the overlay data path drops "
		                        "TCP/UDP: suspect checksum/segmentation offloads, rp_filter or "
		                        "MTU; Udp InCsumErrors +%lld here points at checksums", csum)
		     : set(&c->summary, "ICMP passes but TCP/UDP fail: the overlay data path drops "
		                        "TCP/UDP: suspect checksum/segmentation offloads, rp_filter or "
		                        "MTU (no checksum errors counted on this node: run the check "
		                        "on the peer's node too)");
		rem = finding_with_remedy(c, path_codes, VXT_SEVERITY_WARNING);
		if (!rem) { /* the incident's fix, until the evidence says more */
			struct vxt_remedy pre = vxt_remedy_here(VXT_REMEDY_POLICY, "", "preset", "checksum");
			rc = rc < 0 ? rc : vxt_check_recommend(c, &pre);
		}
		break;
	case VXT_VERDICT_SEGMENTATION:
		rc = set(&c->summary, "small packets pass but a bulk TCP flow stalls after the "
		                      "handshake: tunnel segmentation offload (tx-udp_tnl-segmentation, "
		                      "TSO) on the sending node%s%s", *where ? ": " : "", where);
		if (rc >= 0)
			rc = recommend_located(c);
		break;
	case VXT_VERDICT_MTU:
		rc = set(&c->summary, "small packets pass but the %u-byte probe fails: MTU: the "
		                      "overlay MTU is larger than the path carries", large);
		rem = finding_with_remedy(c, mtu_codes, VXT_SEVERITY_WARNING);
		break;
	case VXT_VERDICT_UNREACHABLE:
		rc = set(&c->summary, "nothing passes (%u of %u probes answered): routing, underlay or "
		                      "policy (firewall, NetworkPolicy, rp_filter)%s%s; or a NIC that "
		                      "breaks every offloaded checksum (over VXLAN with outer UDP "
		                      "checksums ICMP dies too, and the peer counts the errors): if plain "
		                      "TCP to the peer's underlay address fails as well, its tx checksum "
		                      "offload ('tx off' on the underlays) is the suspect",
		         nprobe_ok, nprobe_ran, first_failed_peer ? "; see ip route get " : "",
		         first_failed_peer ? first_failed_peer : "");
		rem = finding_with_remedy(c, NULL, VXT_SEVERITY_ERROR);
		break;
	default:
		rc = set(&c->summary, "some probes fail (%u of %u answered), in no pattern that "
		                      "points at one cause: see the probes",
		         nprobe_ok, nprobe_ran);
		break;
	}
	return rc < 0 ? rc : recommend(c, rem) < 0 ? -ENOMEM : 0;
}
