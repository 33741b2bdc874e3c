/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: running many probes at once.  A health check probes every
 * peer with several kinds of probe; one after another it took (failed
 * probes x timeout).  A batch runs its jobs on a bounded set of threads
 * owned by the call (each thread runs one blocking probe at a time, with a
 * library context of its own, and every thread is joined before the call
 * returns), so a batch of failing probes takes about one timeout. */
#ifndef VXT_PROBE_BATCH_H
#define VXT_PROBE_BATCH_H

#include <stdbool.h>

#include "internal.h"

/* Probes (so sockets: one each) in flight at most; a larger batch waits
 * for a thread to finish a probe before the next one starts. */
#define VXT_PROBES_IN_FLIGHT 64

struct vxt_peer_info;

enum vxt_job_kind {
	VXT_JOB_ICMP,
	VXT_JOB_TCP,
	VXT_JOB_UDP,
	VXT_JOB_UDP_ONEWAY, /* out: this node -> peer */
	VXT_JOB_LARGE,      /* size */
	VXT_JOB_BULK,       /* out, size (bytes) */
	VXT_JOB_DNS,        /* name */
	VXT_JOB_QUERY,      /* the responder's counters into info */
};

struct vxt_probe_job {
	/* in */
	int kind;
	const char *peer;
	unsigned int port;
	unsigned int size;
	bool out;
	const char *name;
	int timeout_ms;
	struct vxt_peer_info *info;
	/* out */
	int rc;               /* the probe call's return value */
	struct vxt_probe *probe; /* its result (NULL for QUERY) */
};

/* Run every job of jobs[0..n) and return when all are done: each job's rc
 * and probe say how it went.  The calling thread (with ctx) runs jobs too;
 * if no thread can be started, it runs them all, one after another. */
void vxt_probe_batch_run(struct vxt_ctx *ctx, struct vxt_probe_job *const *jobs, unsigned int n);

#endif
