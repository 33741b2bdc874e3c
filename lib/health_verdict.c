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
	int icmp_ok, icmp_fail, l4_ok, l4_fail, large_ok, large_fail;
};

static void tally(struct pattern *pt, const struct vxt_probe *p)
{
	if (!ran(p))
		return;
	bool ok = reached(p);
	switch (vxt_probe_kind(p)) {
	case VXT_PROBE_ICMP: ok ? pt->icmp_ok++ : pt->icmp_fail++; break;
	case VXT_PROBE_LARGE: ok ? pt->large_ok++ : pt->large_fail++; break;
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
	if (small_fail || pt->large_fail)
		return VXT_VERDICT_PARTIAL;
	return VXT_VERDICT_HEALTHY;
}

/* Most telling first. */
static int worse(int a, int b)
{
	static const int rank[] = {
		[VXT_VERDICT_HEALTHY] = 0, [VXT_VERDICT_PARTIAL] = 1, [VXT_VERDICT_UNREACHABLE] = 2,
		[VXT_VERDICT_MTU] = 3, [VXT_VERDICT_DATA_PATH] = 4,
	};
	return rank[b] > rank[a] ? b : a;
}

/* Remedy of the first finding with one of the codes (or any code when
 * codes is NULL) at severity >= min. */
static const char *finding_remedy(const struct vxt_check *c, const char *const *codes, int min)
{
	for (unsigned int i = 0; i < c->nfindings; i++) {
		const struct vxt_finding *f = &c->findings[i];
		if (f->severity < min || !*f->remedy)
			continue;
		for (size_t k = 0; !codes || codes[k]; k++)
			if (!codes || !strcmp(codes[k], f->code))
				return f->remedy;
	}
	return NULL;
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
	unsigned int nprobe_ok = 0, nprobe_ran = 0, large = 0;
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
		if (!ran(p))
			rc = vxt_check_add(c, VXT_SEVERITY_ERROR, "probe-error", vxt_probe_peer(p),
			                   "sysctl -w net.ipv4.ping_group_range='0 2147483647'",
			                   "%s", vxt_probe_detail(p));
		if (rc < 0)
			return rc;
	}
	/* Per peer, then the DNS server on its own. */
	for (unsigned int k = 0; k < o->npeers; k++) {
		struct pattern pt = {0};
		for (unsigned int i = 0; i < c->nprobes; i++)
			if (c->probe_peer[i] == (int)k)
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

	unsigned int nerr = vxt_check_finding_count_severity(c, VXT_SEVERITY_ERROR);
	unsigned int nwarn = vxt_check_finding_count_severity(c, VXT_SEVERITY_WARNING) - nerr;
	long long csum = c->before[VXT_CTR_CSUM] >= 0 ? c->after[VXT_CTR_CSUM] - c->before[VXT_CTR_CSUM] : 0;
	static const char *const path_codes[] = {"udp-csum-errors", "offloads", "rp-filter",
	                                         "vxlan-mtu", "rp-filter-drops", NULL};
	static const char *const mtu_codes[] = {"vxlan-mtu", NULL};
	const char *rem = NULL;
	if (v == VXT_VERDICT_HEALTHY && nerr)
		v = VXT_VERDICT_LOCAL;
	else if (v == VXT_VERDICT_HEALTHY && nwarn)
		v = VXT_VERDICT_WARNINGS;
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
		rem = finding_remedy(c, NULL, VXT_SEVERITY_WARNING);
		break;
	case VXT_VERDICT_LOCAL:
		rc = set(&c->summary, "unhealthy: %u local check%s failed%s", nerr, nerr == 1 ? "" : "s",
		         nprobe_ran ? " (the probes pass)" : " (no peers probed)");
		rem = finding_remedy(c, NULL, VXT_SEVERITY_ERROR);
		break;
	case VXT_VERDICT_DATA_PATH:
		rc = csum > 0
		     ? set(&c->summary, "ICMP passes but TCP/UDP fail: the overlay data path drops "
		                        "TCP/UDP: suspect checksum/segmentation offloads, rp_filter or "
		                        "MTU; Udp InCsumErrors +%lld here points at checksums", csum)
		     : set(&c->summary, "ICMP passes but TCP/UDP fail: the overlay data path drops "
		                        "TCP/UDP: suspect checksum/segmentation offloads, rp_filter or "
		                        "MTU (no checksum errors counted on this node: run the check "
		                        "on the peer's node too)");
		rem = finding_remedy(c, path_codes, VXT_SEVERITY_WARNING);
		if (!rem)
			rem = "vxlantune apply --preset checksum";
		break;
	case VXT_VERDICT_MTU:
		rc = set(&c->summary, "small packets pass but the %u-byte probe fails: MTU: the "
		                      "overlay MTU is larger than the path carries", large);
		rem = finding_remedy(c, mtu_codes, VXT_SEVERITY_WARNING);
		if (!rem)
			rem = "ip -d link show; vxlantune check (on the peer's node: its underlay MTU)";
		break;
	case VXT_VERDICT_UNREACHABLE:
		rc = set(&c->summary, "nothing passes (%u of %u probes answered): routing, underlay or "
		                      "policy (firewall, NetworkPolicy, rp_filter), not the offloads",
		         nprobe_ok, nprobe_ran);
		rem = finding_remedy(c, NULL, VXT_SEVERITY_ERROR);
		break;
	default:
		rc = set(&c->summary, "some probes fail (%u of %u answered), in no pattern that "
		                      "points at one cause: see the probes",
		         nprobe_ok, nprobe_ran);
		break;
	}
	if (rc >= 0 && !rem && v == VXT_VERDICT_UNREACHABLE && first_failed_peer) {
		char buf[128];
		snprintf(buf, sizeof(buf), "ip route get %s", first_failed_peer);
		return set(&c->remedy, "%s", buf);
	}
	return rc < 0 ? rc : set(&c->remedy, "%s", rem ? rem : "");
}
