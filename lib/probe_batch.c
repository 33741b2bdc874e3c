/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Many probes at once (probe_batch.h): up to VXT_PROBES_IN_FLIGHT threads
 * and the calling thread take jobs from one shared counter until none is
 * left; all of them are joined before the batch returns. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "health.h"
#include "probe_batch.h"

struct batch {
	struct vxt_probe_job *const *jobs;
	unsigned int n;
	atomic_uint next;
};

static void run_job(struct vxt_ctx *ctx, struct vxt_probe_job *j)
{
	switch (j->kind) {
	case VXT_JOB_ICMP:
		j->rc = vxt_probe_icmp(ctx, j->peer, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_TCP:
		j->rc = vxt_probe_tcp(ctx, j->peer, j->port, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_UDP:
		j->rc = vxt_probe_udp(ctx, j->peer, j->port, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_UDP_ONEWAY:
		j->rc = vxt_probe_udp_oneway(ctx, j->peer, j->port, j->out, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_LARGE:
		j->rc = vxt_probe_large(ctx, j->peer, j->size, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_BULK:
		j->rc = vxt_probe_bulk(ctx, j->peer, j->port, j->out, j->size, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_DNS:
		j->rc = vxt_probe_dns(ctx, j->peer, j->port, j->name, j->timeout_ms, &j->probe);
		break;
	case VXT_JOB_QUERY:
		j->rc = vxt_responder_query(ctx, j->peer, j->port, j->timeout_ms, j->info);
		break;
	default:
		j->rc = -EINVAL;
	}
}

static void drain(struct vxt_ctx *ctx, struct batch *b)
{
	for (unsigned int i; (i = atomic_fetch_add(&b->next, 1)) < b->n;)
		run_job(ctx, b->jobs[i]);
}

/* A worker thread: a context of its own (contexts are not shared between
 * threads; the probes use it for their messages only). */
static void *worker(void *arg)
{
	struct batch *b = arg;
	struct vxt_ctx *ctx;
	if (vxt_ctx_new(&ctx) < 0)
		return NULL; /* the others (the caller at least) take its share */
	drain(ctx, b);
	vxt_ctx_unref(ctx);
	return NULL;
}

void vxt_probe_batch_run(struct vxt_ctx *ctx, struct vxt_probe_job *const *jobs, unsigned int n)
{
	struct batch b = {.jobs = jobs, .n = n};
	atomic_init(&b.next, 0);
	for (unsigned int i = 0; i < n; i++) {
		jobs[i]->rc = 0;
		jobs[i]->probe = NULL;
	}
	/* The caller works too: one thread fewer to start. */
	unsigned int want = n > VXT_PROBES_IN_FLIGHT ? VXT_PROBES_IN_FLIGHT - 1 : n ? n - 1 : 0;
	pthread_t *tid = want ? calloc(want, sizeof(*tid)) : NULL;
	unsigned int started = 0;
	pthread_attr_t attr;
	bool attr_ok = tid && pthread_attr_init(&attr) == 0;
	/* A probe needs little stack (its buffers are small or static): 64
	 * threads stay small in memory. */
	if (attr_ok)
		pthread_attr_setstacksize(&attr, 512 * 1024);
	while (attr_ok && started < want && pthread_create(&tid[started], &attr, worker, &b) == 0)
		started++;
	if (attr_ok)
		pthread_attr_destroy(&attr);
	drain(ctx, &b);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
}
