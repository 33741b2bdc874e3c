/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The candidate changes diagnose tries, in order of increasing cost to
 * the data path (bench/bench_datapath.sh, veth lab, both nodes), and the
 * policy-file text that makes a set of them.  One table: the search, the
 * remedy mapping and --write-policy all read it. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

struct candidate {
	const char *name, *description;
	const char *family; /* candidates that repair the same fault */
	const char *underlay_features; /* ethtool -K words for the underlay, or NULL */
	const char *vxlan_features;    /* ... for the VXLAN devices, or NULL */
	const char *rp_filter;         /* rp_filter value for vxlan and all, or NULL */
};

/* Cheapest first: the order of bench/bench_datapath.sh's medians (veth
 * lab, 2026-12-01, machine shared with other builds: ratio to all offloads
 * on: rx-csum 0.91, gro-lro 0.82, underlay-tnl-gso 0.47, underlay-tx-csum
 * 0.41, tso-gso 0.33, vxlan-tx-csum 0.27; the seed's fix 0.21).  Loose
 * rp_filter costs no throughput but anti-spoofing: last.  A family groups
 * the candidates that repair the same fault (a checksum the NIC gets
 * wrong, a GSO frame it loses): evidence for one is evidence for all. */
static const struct candidate candidates[] = {
	{"rx-csum", "receive checksum offload off on the VXLAN devices and the underlay", "rx",
	 "rx off", "rx off", NULL},
	{"gro-lro", "receive offloads GRO and LRO off on the VXLAN devices and the underlay", "rx",
	 "gro off lro off", "gro off lro off", NULL},
	{"underlay-tnl-gso", "tunnel segmentation offload off on the underlay", "gso",
	 "tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off", NULL, NULL},
	{"underlay-tx-csum", "transmit checksum offload off on the underlay (tx off)", "csum",
	 "tx off", NULL, NULL},
	{"tso-gso", "TCP and generic segmentation offload off on the VXLAN devices and the underlay", "gso",
	 "tso off gso off", "tso off gso off", NULL},
	{"vxlan-tx-csum", "transmit checksum offload off on the VXLAN devices", "csum",
	 NULL, "tx-checksum-ip-generic off", NULL},
	{"rp-filter-loose", "loose reverse-path filtering (rp_filter 2) on the VXLAN devices and all", "rpf",
	 NULL, NULL, "2"},
};
#define NCANDIDATES (sizeof(candidates) / sizeof(candidates[0]))

unsigned int vxt_candidate_count(void) { return NCANDIDATES; }

const char *vxt_candidate_name(unsigned int i) { return i < NCANDIDATES ? candidates[i].name : NULL; }

const char *vxt_candidate_description(unsigned int i)
{
	return i < NCANDIDATES ? candidates[i].description : NULL;
}

const char *vxt_candidate_family(unsigned int i) { return i < NCANDIDATES ? candidates[i].family : NULL; }

const char *vxt_candidate_underlay_words(unsigned int i)
{
	return i < NCANDIDATES ? candidates[i].underlay_features : NULL;
}

const char *vxt_candidate_vxlan_words(unsigned int i)
{
	return i < NCANDIDATES ? candidates[i].vxlan_features : NULL;
}

const char *vxt_candidate_rp_filter(unsigned int i) { return i < NCANDIDATES ? candidates[i].rp_filter : NULL; }

int vxt_candidate_find(const char *name)
{
	for (unsigned int i = 0; name && i < NCANDIDATES; i++)
		if (!strcmp(candidates[i].name, name))
			return (int)i;
	return -ENOENT;
}

static bool prefixed(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* ethtool feature names (and legacy words) back to the candidate that
 * turns them off.  The check's remedies name features as ethtool does. */
int vxt_candidate_for_remedy(const struct vxt_remedy *r, const char *underlay)
{
	return r ? vxt_candidate_for(r->kind, r->device, r->key, underlay) : -ENOENT;
}

int vxt_candidate_for(int kind, const char *device, const char *k, const char *underlay)
{
	if (!device || !k)
		return -ENOENT;
	if (kind == VXT_REMEDY_SYSCTL)
		return !strcmp(k, "rp_filter") || strstr(k, ".rp_filter") ? vxt_candidate_find("rp-filter-loose")
		                                                          : -ENOENT;
	if (kind != VXT_REMEDY_FEATURE)
		return -ENOENT;
	bool on_underlay = underlay && *underlay && !strcmp(device, underlay);
	if (prefixed(k, "tx-udp_tnl"))
		return vxt_candidate_find("underlay-tnl-gso");
	if (prefixed(k, "tx-checksum") || !strcmp(k, "tx"))
		return vxt_candidate_find(on_underlay ? "underlay-tx-csum" : "vxlan-tx-csum");
	if (!strcmp(k, "tso") || !strcmp(k, "gso") || prefixed(k, "tx-tcp") ||
	    !strcmp(k, "tx-generic-segmentation"))
		return vxt_candidate_find("tso-gso");
	if (!strcmp(k, "gro") || !strcmp(k, "lro") || prefixed(k, "rx-gro") || !strcmp(k, "large-receive-offload"))
		return vxt_candidate_find("gro-lro");
	if (!strcmp(k, "rx") || !strcmp(k, "rx-checksum"))
		return vxt_candidate_find("rx-csum");
	return -ENOENT;
}

/* The ethtool words of the selected candidates for one field, space-separated. */
static int words(FILE *f, const char *const *names, size_t field)
{
	bool any = false;
	for (unsigned int n = 0; names && names[n]; n++) {
		int i = vxt_candidate_find(names[n]);
		if (i < 0)
			return -EINVAL;
		const char *w = *(const char *const *)((const char *)&candidates[i] + field);
		if (w) {
			fprintf(f, "%s%s", any ? " " : "", w);
			any = true;
		}
	}
	return any;
}

static int has_field(const char *const *names, size_t field)
{
	for (unsigned int n = 0; names && names[n]; n++) {
		int i = vxt_candidate_find(names[n]);
		if (i < 0)
			return -EINVAL;
		if (*(const char *const *)((const char *)&candidates[i] + field))
			return 1;
	}
	return 0;
}

int vxt_candidate_policy_text(const char *const *names, const char *const *vxlan,
                              const char *underlay_method, char **text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	int rc = 0, u = has_field(names, offsetof(struct candidate, underlay_features)),
	    v = has_field(names, offsetof(struct candidate, vxlan_features)),
	    s = has_field(names, offsetof(struct candidate, rp_filter));
	if (u < 0 || v < 0 || s < 0)
		rc = -EINVAL;
	fprintf(f, "# Written by vxlantune diagnose: the smallest change that made every probe pass.\n");
	if (rc == 0) {
		fprintf(f, "[underlay]\nmethod = %s\n", underlay_method ? underlay_method : "default-route");
		if (u) {
			fprintf(f, "features = ");
			words(f, names, offsetof(struct candidate, underlay_features));
			fprintf(f, "\n");
		}
		fprintf(f, "[vxlan]\n");
		if (vxlan && vxlan[0]) {
			fprintf(f, "interfaces =");
			for (unsigned int i = 0; vxlan[i]; i++)
				fprintf(f, " %s", vxlan[i]);
			fprintf(f, "\n");
		}
		if (v) {
			fprintf(f, "features = ");
			words(f, names, offsetof(struct candidate, vxlan_features));
			fprintf(f, "\n");
		}
		if (s)
			fprintf(f, "[sysctl all vxlan]\nrp_filter = 2\n");
	}
	if (fclose(f) || rc < 0) {
		free(buf);
		return rc < 0 ? rc : -ENOMEM;
	}
	*text = buf;
	return 0;
}
