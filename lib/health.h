/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: the health-check objects and the steps vxt_check_run() takes
 * (health_local.c, health_counters.c, health_verdict.c, health_prom.c). */
#ifndef VXT_HEALTH_H
#define VXT_HEALTH_H

#include <arpa/inet.h>
#include <net/if.h>

#include "internal.h"

struct vxt_check_opts {
	int refcount;
	struct vxt_policy *policy;
	char **vxlan;          /* NULL: the policy's class, else the default */
	char *method;          /* NULL: the policy's, else default-route */
	char **peers;
	unsigned int npeers;
	unsigned int tcp_port, udp_port;
	char *dns_server;
	unsigned int dns_port;
	int timeout_ms;
	unsigned int large_size;
	unsigned int responder_port; /* probed when no tcp/udp port is given */
	bool no_responder;
	unsigned int bulk_size;
	char *watch_state;     /* the watcher's state (JSON), or NULL */
};

/* A remedy: one change on one node (this one, or the peer probed). */
struct vxt_remedy {
	int node;                      /* enum vxt_node */
	int kind;                      /* enum vxt_remedy_kind */
	char peer[INET6_ADDRSTRLEN + 20];
	char device[IFNAMSIZ];         /* "" for a global sysctl or a policy */
	char key[64];
	char value[64];
};

/* A remedy for this node (strings truncated to the fields). */
struct vxt_remedy vxt_remedy_here(int kind, const char *device, const char *key, const char *value);
/* The same change on the peer node at address peer. */
struct vxt_remedy vxt_remedy_there(const char *peer, int kind, const char *device, const char *key,
                                  const char *value);

struct vxt_finding {
	char *code, *object, *message;
	struct vxt_remedy *remedies;
	unsigned int nremedies;
	int severity;
};

/* This node's transmit offloads that can break VXLAN packets: 1 on (and
 * changeable), 0 off, -1 unknown (health_local.c reads them). */
struct vxt_tx_state {
	int vx_csum;    /* tx-checksum-ip-generic on the VXLAN device */
	int vx_tso;     /* tx-tcp-segmentation on the VXLAN device */
	int ul_csum;    /* any tx-checksum-* on the underlay ("tx") */
	int ul_tnlseg;  /* tx-udp_tnl-segmentation on the underlay */
	int ul_tnlcsum; /* tx-udp_tnl-csum-segmentation (tunnels with outer checksums) */
};

enum { VXT_CTR_CSUM, VXT_CTR_RCVBUF, VXT_CTR_INERR, VXT_CTR_RPF, VXT_CTR_TCP_CSUM, VXT_CTR_TCP_INERR,
       VXT_CTR_N };

/* What a peer's responder said (probe_responder.c). */
struct vxt_peer_info {
	long long counters[VXT_CTR_N]; /* -1: not reported */
	char underlay[IFNAMSIZ];
	char underlay_addr[INET6_ADDRSTRLEN + 20];
};
/* One peer as the check saw it: its responder's counters and the
 * localization (health_locate.c). */
struct vxt_peer_state {
	char addr[INET6_ADDRSTRLEN + 20];
	bool asked;            /* a responder was probed */
	bool responder;        /* it answered before and after the probes */
	struct vxt_peer_info before, after;
	int out, in;           /* enum vxt_path_state: this -> peer, peer -> this */
	int fault;             /* enum vxt_fault */
	char *explanation;
};

struct vxt_check {
	int refcount;
	int verdict;
	char *summary;
	struct vxt_remedy *remedies;   /* what the verdict recommends, in order */
	unsigned int nremedies;
	char **evidence;
	unsigned int nevidence;
	struct vxt_finding *findings;
	unsigned int nfindings, capfindings;
	struct vxt_probe **probes;
	int *probe_peer;       /* index into the options' peers, -1: DNS */
	bool *probe_underlay;  /* sent to the peer's underlay address, not the overlay */
	struct vxt_peer_state *peers; /* one per option peer */
	unsigned int npeers;
	unsigned int nprobes;
	long long before[VXT_CTR_N], after[VXT_CTR_N];
	char underlay[IFNAMSIZ];
	long long duration_us;
	long long timestamp; /* time(NULL) at the end */

	/* state the steps share while the check runs */
	unsigned int vxlan_mtu;   /* of the first VXLAN device found, 0 if none */
	char vxlan_name[IFNAMSIZ];
	struct vxt_tx_state tx;
	struct vxt_remedy policy_remedy; /* apply the policy (kind -1: no policy) */
};

/* Add a finding (strings copied; NULL stored as ""), with the remedy rem
 * (NULL: none).  -ENOMEM. */
int vxt_check_add(struct vxt_check *c, int severity, const char *code, const char *object,
                  const struct vxt_remedy *rem, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* One more remedy for the last finding added. */
int vxt_check_add_remedy(struct vxt_check *c, const struct vxt_remedy *rem);
/* Append rem to the verdict's remedies unless an equal one is there. */
int vxt_check_recommend(struct vxt_check *c, const struct vxt_remedy *rem);
/* Add an evidence line. */
int vxt_check_add_evidence(struct vxt_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ask the responder at peer (port 0: the default) for its counters, up to
 * three tries within timeout_ms.  0, -ETIMEDOUT without an answer,
 * -EINVAL/-ENOMEM. */
int vxt_responder_query(struct vxt_ctx *ctx, const char *peer, unsigned int port, int timeout_ms,
                        struct vxt_peer_info *info);

/* health_local.c: every local finding (before the probes). */
int vxt_check_local(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c);
/* health_policy.c: offloads and sysctls against the policy (a dry-run
 * apply), effective rp_filter of the VXLAN devices vx[] (positions in l). */
int vxt_check_policy(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c,
                     const struct vxt_link_list *l, const int *vx, unsigned int nvx);
/* health_probes.c: every probe of every peer, at once (the results in
 * c->probes, the responders' counters in c->peers). */
int vxt_check_run_probes(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c);
/* health_counters.c: read the counters into v (-1 where missing). */
void vxt_check_read_counters(long long v[VXT_CTR_N]);
extern const char *const vxt_counter_names[VXT_CTR_N];
/* Findings from the counter deltas (after the probes). */
int vxt_check_counter_findings(struct vxt_check *c);
/* health_locate.c: which node's transmit path breaks packets, per peer,
 * as findings with remedies (after the counter findings). */
int vxt_check_locate(struct vxt_check *c, const struct vxt_check_opts *o);
/* Sum of the checksum-error counters' deltas (Udp + Tcp), -1 if unknown. */
long long vxt_csum_delta(const long long *before, const long long *after);
/* health_verdict.c: verdict, summary, remedy and evidence. */
int vxt_check_decide(struct vxt_check *c, const struct vxt_check_opts *o);

/* watch_state.c: findings from the watcher's state (watch-backoff). */
int vxt_check_watch_findings(struct vxt_check *c, const struct vxt_check_opts *o);
#endif
