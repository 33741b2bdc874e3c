/* Internal: the health-check objects and the steps vxt_check_run() takes
 * (health_local.c, health_counters.c, health_verdict.c, health_prom.c). */
#ifndef VXT_HEALTH_H
#define VXT_HEALTH_H

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
	char *watch_state;     /* the watcher's state (JSON), or NULL */
};

struct vxt_finding {
	char *code, *object, *message, *remedy;
	int severity;
};

enum { VXT_CTR_CSUM, VXT_CTR_RCVBUF, VXT_CTR_INERR, VXT_CTR_RPF, VXT_CTR_N };

struct vxt_check {
	int refcount;
	int verdict;
	char *summary, *remedy;
	char **evidence;
	unsigned int nevidence;
	struct vxt_finding *findings;
	unsigned int nfindings, capfindings;
	struct vxt_probe **probes;
	int *probe_peer;       /* index into the options' peers, -1: DNS */
	unsigned int nprobes;
	long long before[VXT_CTR_N], after[VXT_CTR_N];
	char underlay[IFNAMSIZ];
	long long duration_us;
	long long timestamp; /* time(NULL) at the end */

	/* state the steps share while the check runs */
	unsigned int vxlan_mtu;   /* of the first VXLAN device found, 0 if none */
	char vxlan_name[IFNAMSIZ];
	char policy_cmd[320];     /* "vxlantune apply --preset NAME", "" */
};

/* Add a finding (strings copied; NULL stored as "").  -ENOMEM. */
int vxt_check_add(struct vxt_check *c, int severity, const char *code, const char *object,
                  const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Add an evidence line. */
int vxt_check_add_evidence(struct vxt_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* health_local.c: every local finding (before the probes). */
int vxt_check_local(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c);
/* health_policy.c: offloads and sysctls against the policy (a dry-run
 * apply), effective rp_filter of the VXLAN devices vx[] (positions in l). */
int vxt_check_policy(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check *c,
                     const struct vxt_link_list *l, const int *vx, unsigned int nvx);
/* health_counters.c: read the counters into v (-1 where missing). */
void vxt_check_read_counters(long long v[VXT_CTR_N]);
extern const char *const vxt_counter_names[VXT_CTR_N];
/* Findings from the counter deltas (after the probes). */
int vxt_check_counter_findings(struct vxt_check *c);
/* health_verdict.c: verdict, summary, remedy and evidence. */
int vxt_check_decide(struct vxt_check *c, const struct vxt_check_opts *o);

/* watch_state.c: findings from the watcher's state (watch-backoff). */
int vxt_check_watch_findings(struct vxt_check *c, const struct vxt_check_opts *o);
#endif
