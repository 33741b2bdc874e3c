/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The probes of a health check, every peer's at once (probe_batch.c), in
 * four rounds where one probe's outcome decides another:
 *  1. each peer's responder counters ("before"), ICMP, the TCP connect to
 *     the responder port, the TCP and UDP probes of --tcp-port/--udp-port,
 *     the large ICMP; the DNS query;
 *  2. for peers whose responder answered: ICMP, the connect and the large
 *     ICMP again (the first ones may have reached the peer before its
 *     counters were read, so they are not kept), UDP echo, each direction
 *     alone, plain TCP to the underlay address the responder reported;
 *  3. bulk flows each way where that connect got through;
 *  4. the responders' counters again ("after").
 * A peer that answers nothing costs one timeout, however many probes it
 * gets.  The results are kept in the order the probes were sent in one
 * after another before (per peer: icmp, the responder's probes or the
 * connect, tcp, udp, large; then dns), so their meaning is unchanged. */
#include "config.h"

#include <stdlib.h>

#include "health.h"
#include "probe.h"
#include "probe_batch.h"

struct peer_jobs {
	struct vxt_probe_job query, icmp, connect, echo, oneway[2], bulk[2], under, tcp, udp, large, after;
	bool run_bulk, run_under;
};

static int keep_probe(struct vxt_ctx *ctx, struct vxt_check *c, int peer, bool underlay, int rc,
                      struct vxt_probe *p)
{
	if (rc < 0)
		return rc; /* the options were checked: only -ENOMEM gets here */
	if (!p)
		return 0;
	struct vxt_probe **v = realloc(c->probes, (c->nprobes + 1) * sizeof(*v));
	if (v)
		c->probes = v;
	int *pp = v ? realloc(c->probe_peer, (c->nprobes + 1) * sizeof(*pp)) : NULL;
	if (pp)
		c->probe_peer = pp;
	bool *pu = pp ? realloc(c->probe_underlay, (c->nprobes + 1) * sizeof(*pu)) : NULL;
	if (!pu) {
		vxt_probe_unref(p);
		return vxt_fail(ctx, ENOMEM, "health check: out of memory");
	}
	c->probe_underlay = pu;
	pu[c->nprobes] = underlay;
	pp[c->nprobes] = peer;
	v[c->nprobes++] = p;
	return 0;
}

/* Keep a job's probe (the check owns it then); after a failure, drop it. */
static int keep(struct vxt_ctx *ctx, struct vxt_check *c, int peer, bool underlay, int rc,
                struct vxt_probe_job *j)
{
	struct vxt_probe *p = j->probe;
	j->probe = NULL;
	if (rc < 0) {
		vxt_probe_unref(p);
		return rc;
	}
	return keep_probe(ctx, c, peer, underlay, j->rc, p);
}

static bool probe_reached(const struct vxt_probe *p)
{
	return p && (p->outcome == VXT_PROBE_OK || p->outcome == VXT_PROBE_REFUSED);
}

static void job(struct vxt_probe_job *j, int kind, const char *peer, unsigned int port, int t,
                struct vxt_probe_job **list, unsigned int *n)
{
	j->kind = kind;
	j->peer = peer;
	j->port = port;
	j->timeout_ms = t;
	list[(*n)++] = j;
}

static void drop_job(struct vxt_probe_job *j)
{
	j->probe = vxt_probe_unref(j->probe);
}

int vxt_check_run_probes(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c)
{
	unsigned int large = o->large_size ? o->large_size : c->vxlan_mtu ? c->vxlan_mtu : 1450;
	int t = o->timeout_ms;
	bool use_responder = !o->tcp_port && !o->udp_port && !o->no_responder;
	unsigned int np = o->npeers;
	struct peer_jobs *pj = calloc(np ? np : 1, sizeof(*pj));
	/* At most 7 jobs a peer in a round, and the DNS query. */
	struct vxt_probe_job **list = calloc(7 * (size_t)np + 1, sizeof(*list));
	struct vxt_probe_job dns = {0};
	if (!pj || !list) {
		free(pj);
		free(list);
		return vxt_fail(ctx, ENOMEM, "health check: out of memory");
	}
	unsigned int n = 0;

	/* Round 1. */
	for (unsigned int i = 0; i < np; i++) {
		const char *peer = o->peers[i];
		struct peer_jobs *p = &pj[i];
		if (use_responder) {
			job(&p->query, VXT_JOB_QUERY, peer, o->responder_port, t, list, &n);
			p->query.info = &c->peers[i].before;
			job(&p->connect, VXT_JOB_TCP, peer, o->responder_port, t, list, &n);
		}
		job(&p->icmp, VXT_JOB_ICMP, peer, 0, t, list, &n);
		if (o->tcp_port)
			job(&p->tcp, VXT_JOB_TCP, peer, o->tcp_port, t, list, &n);
		if (o->udp_port)
			job(&p->udp, VXT_JOB_UDP, peer, o->udp_port, t, list, &n);
		job(&p->large, VXT_JOB_LARGE, peer, 0, t, list, &n);
		p->large.size = large;
	}
	if (o->dns_server) {
		job(&dns, VXT_JOB_DNS, o->dns_server, o->dns_port, t, list, &n);
		dns.name = "kubernetes.default.svc.cluster.local";
	}
	vxt_probe_batch_run(ctx, list, n);

	/* Round 2: the responders' own probes. */
	n = 0;
	for (unsigned int i = 0; i < np; i++) {
		struct vxt_peer_state *ps = &c->peers[i];
		struct peer_jobs *p = &pj[i];
		if (!use_responder)
			continue;
		ps->asked = true;
		ps->responder = p->query.rc == 0;
		if (!ps->responder)
			continue;
		const char *peer = o->peers[i];
		drop_job(&p->icmp);
		drop_job(&p->connect);
		drop_job(&p->large);
		job(&p->icmp, VXT_JOB_ICMP, peer, 0, t, list, &n);
		job(&p->large, VXT_JOB_LARGE, peer, 0, t, list, &n);
		job(&p->connect, VXT_JOB_TCP, peer, o->responder_port, t, list, &n);
		job(&p->echo, VXT_JOB_UDP, peer, o->responder_port, t, list, &n);
		for (int out = 1; out >= 0; out--) {
			job(&p->oneway[out], VXT_JOB_UDP_ONEWAY, peer, o->responder_port, t, list, &n);
			p->oneway[out].out = out;
		}
		/* Plain underlay TCP: an answer or a reset means it crossed
		 * intact (no responder needs to listen there). */
		if ((p->run_under = ps->before.underlay_addr[0] != '\0'))
			job(&p->under, VXT_JOB_TCP, ps->before.underlay_addr, o->responder_port, t, list, &n);
	}
	vxt_probe_batch_run(ctx, list, n);

	/* Round 3: bulk flows where the handshake works. */
	n = 0;
	for (unsigned int i = 0; i < np; i++) {
		struct peer_jobs *p = &pj[i];
		if (!c->peers[i].responder || !o->bulk_size || !probe_reached(p->connect.probe))
			continue;
		p->run_bulk = true;
		for (int out = 1; out >= 0; out--) {
			job(&p->bulk[out], VXT_JOB_BULK, o->peers[i], o->responder_port, t, list, &n);
			p->bulk[out].out = out;
			p->bulk[out].size = o->bulk_size;
		}
	}
	vxt_probe_batch_run(ctx, list, n);

	/* Round 4: the counters after. */
	n = 0;
	for (unsigned int i = 0; i < np; i++)
		if (c->peers[i].responder) {
			job(&pj[i].after, VXT_JOB_QUERY, o->peers[i], o->responder_port, t, list, &n);
			pj[i].after.info = &c->peers[i].after;
		}
	vxt_probe_batch_run(ctx, list, n);

	/* Keep them in the promised order. */
	int rc = 0;
	for (unsigned int i = 0; i < np; i++) {
		struct vxt_peer_state *ps = &c->peers[i];
		struct peer_jobs *p = &pj[i];
		int k = (int)i;
		rc = keep(ctx, c, k, false, rc, &p->icmp);
		if (ps->responder) {
			rc = keep(ctx, c, k, false, rc, &p->connect);
			rc = keep(ctx, c, k, false, rc, &p->echo);
			for (int out = 1; out >= 0; out--)
				rc = keep(ctx, c, k, false, rc, &p->oneway[out]);
			for (int out = 1; out >= 0 && p->run_bulk; out--)
				rc = keep(ctx, c, k, false, rc, &p->bulk[out]);
			/* An underlay address the probe refuses is skipped. */
			if (p->run_under && p->under.rc == -EINVAL)
				p->under.rc = 0;
			if (p->run_under)
				rc = keep(ctx, c, k, true, rc, &p->under);
		} else if (use_responder) { /* the connect probe still says something */
			rc = keep(ctx, c, k, false, rc, &p->connect);
		}
		if (o->tcp_port)
			rc = keep(ctx, c, k, false, rc, &p->tcp);
		if (o->udp_port)
			rc = keep(ctx, c, k, false, rc, &p->udp);
		rc = keep(ctx, c, k, false, rc, &p->large);
		if (ps->responder)
			ps->responder = p->after.rc == 0;
	}
	if (o->dns_server)
		rc = keep(ctx, c, -1, false, rc, &dns);
	/* After a failure, what was not kept. */
	for (unsigned int i = 0; i < np; i++) {
		struct peer_jobs *p = &pj[i];
		struct vxt_probe_job *all[] = {&p->icmp, &p->connect, &p->echo, &p->oneway[0], &p->oneway[1],
		                               &p->bulk[0], &p->bulk[1], &p->under, &p->tcp, &p->udp, &p->large};
		for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
			drop_job(all[j]);
	}
	drop_job(&dns);
	free(pj);
	free(list);
	return rc;
}
