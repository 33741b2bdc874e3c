/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune check with several peers: the mesh as one table, a row per
 * peer, a column per probe kind (overlay probes only), then the paths'
 * states and whose transmit path is at fault.  Kept apart from
 * cmd_check.c, which prints the rest of the check. */
#include "config.h"

#include <string.h>

#include "cli.h"

#define MAX_KINDS 16

void check_print_matrix(const struct vxt_check *c)
{
	unsigned int npeer = vxt_check_peer_count(c), np = vxt_check_probe_count(c);
	if (npeer < 2)
		return;
	int kinds[MAX_KINDS];
	unsigned int nk = 0;
	for (unsigned int i = 0; i < np; i++) {
		int k = vxt_probe_kind(vxt_check_probe(c, i));
		bool seen = vxt_check_probe_underlay(c, i);
		for (unsigned int j = 0; j < nk && !seen; j++)
			seen = kinds[j] == k;
		if (!seen && nk < MAX_KINDS)
			kinds[nk++] = k;
	}
	printf("\nMESH (this node -> each peer; out = this -> peer, in = peer -> this)\n  %-24s", "peer");
	for (unsigned int j = 0; j < nk; j++)
		printf(" %-9s", vxt_probe_kind_name(kinds[j]));
	printf(" %-13s %-13s %s\n", "out", "in", "fault");
	for (unsigned int k = 0; k < npeer; k++) {
		const char *addr = vxt_check_peer_address(c, k);
		printf("  %-24s", addr);
		for (unsigned int j = 0; j < nk; j++) {
			const char *cell = "-";
			for (unsigned int i = 0; i < np; i++) {
				const struct vxt_probe *p = vxt_check_probe(c, i);
				if (!vxt_check_probe_underlay(c, i) && vxt_probe_kind(p) == kinds[j] &&
				    !strcmp(vxt_probe_peer(p), addr))
					cell = vxt_probe_outcome_name(vxt_probe_outcome(p));
			}
			printf(" %-9s", cell);
		}
		printf(" %-13s %-13s %s\n", vxt_path_state_name(vxt_check_peer_out(c, k)),
		       vxt_path_state_name(vxt_check_peer_in(c, k)), vxt_fault_name(vxt_check_peer_fault(c, k)));
	}
}
