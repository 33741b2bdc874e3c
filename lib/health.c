/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The health check: options, the result object and its accessors, and
 * vxt_check_run(), which runs the steps in order: local findings, counters,
 * probes, counters again, verdict. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health.h"
#include "links.h"
#include "probe.h"

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int vxt_check_opts_new(struct vxt_check_opts **out)
{
	struct vxt_check_opts *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->refcount = 1;
	o->timeout_ms = 1000;
	o->responder_port = VXT_RESPONDER_PORT;
	o->bulk_size = 1u << 20;
	*out = o;
	return 0;
}

static void check_opts_destroy(struct vxt_check_opts *o)
{
	vxt_policy_unref(o->policy);
	strv_free(o->vxlan);
	strv_free(o->peers);
	free(o->method);
	free(o->dns_server);
	free(o->watch_state);
	free(o);
}

VXT_DEFINE_REFCOUNT(check_opts, check_opts_destroy)

int vxt_check_opts_set_policy(struct vxt_check_opts *o, struct vxt_policy *p)
{
	if (!o)
		return -EINVAL;
	vxt_policy_unref(o->policy);
	o->policy = vxt_policy_ref(p);
	return 0;
}

int vxt_check_opts_set_vxlan(struct vxt_check_opts *o, const char *const *names)
{
	if (!o)
		return -EINVAL;
	size_t n = 0;
	for (; names && names[n]; n++)
		if (vxt_ifname_valid(names[n]) < 0)
			return -EINVAL;
	char **v = NULL;
	if (n) {
		if (!(v = calloc(n + 1, sizeof(*v))))
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			if (!(v[i] = strdup(names[i]))) {
				strv_free(v);
				return -ENOMEM;
			}
	}
	strv_free(o->vxlan);
	o->vxlan = v;
	return 0;
}

int vxt_check_opts_set_underlay_method(struct vxt_check_opts *o, const char *method)
{
	if (!o)
		return -EINVAL;
	char *m = NULL;
	if (method && *method && !(m = strdup(method)))
		return -ENOMEM;
	free(o->method);
	o->method = m;
	return 0;
}

/* A numeric address, as the probes take it (scope ids allowed). */
static bool numeric_addr(const char *s)
{
	if (!s || !*s || strlen(s) >= INET6_ADDRSTRLEN + 16)
		return false;
	char buf[INET6_ADDRSTRLEN + 16];
	snprintf(buf, sizeof(buf), "%s", s);
	char *pct = strchr(buf, '%');
	if (pct)
		*pct = '\0';
	unsigned char a[16];
	return inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1;
}

int vxt_check_opts_add_peer(struct vxt_check_opts *o, const char *peer)
{
	if (!o || !numeric_addr(peer))
		return -EINVAL;
	char **v = realloc(o->peers, (o->npeers + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	o->peers = v;
	if (!(v[o->npeers] = strdup(peer)))
		return -ENOMEM;
	v[++o->npeers] = NULL;
	return 0;
}

int vxt_check_opts_set_tcp_port(struct vxt_check_opts *o, unsigned int port)
{
	if (!o || port > 65535)
		return -EINVAL;
	o->tcp_port = port;
	return 0;
}

int vxt_check_opts_set_udp_port(struct vxt_check_opts *o, unsigned int port)
{
	if (!o || port > 65535)
		return -EINVAL;
	o->udp_port = port;
	return 0;
}

int vxt_check_opts_set_dns(struct vxt_check_opts *o, const char *server, unsigned int port)
{
	if (!o || port > 65535 || (server && !numeric_addr(server)))
		return -EINVAL;
	char *s = NULL;
	if (server && !(s = strdup(server)))
		return -ENOMEM;
	free(o->dns_server);
	o->dns_server = s;
	o->dns_port = port ? port : 53;
	return 0;
}

int vxt_check_opts_set_timeout(struct vxt_check_opts *o, int timeout_ms)
{
	if (!o || timeout_ms < 1 || timeout_ms > VXT_PROBE_MAX_TIMEOUT_MS)
		return -EINVAL;
	o->timeout_ms = timeout_ms;
	return 0;
}

int vxt_check_opts_set_large_size(struct vxt_check_opts *o, unsigned int size)
{
	if (!o || (size && (size < 68 || size > 65535)))
		return -EINVAL;
	o->large_size = size;
	return 0;
}

int vxt_check_opts_set_responder_port(struct vxt_check_opts *o, unsigned int port)
{
	if (!o || port > 65535)
		return -EINVAL;
	o->no_responder = port == 0;
	o->responder_port = port ? port : VXT_RESPONDER_PORT;
	return 0;
}

int vxt_check_opts_set_bulk_size(struct vxt_check_opts *o, unsigned int bytes)
{
	if (!o || bytes > VXT_RESPONDER_MAX_BULK)
		return -EINVAL;
	o->bulk_size = bytes;
	return 0;
}

/* ---------------------------------------------------------------- result */

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

struct vxt_remedy vxt_remedy_here(int kind, const char *device, const char *key, const char *value)
{
	struct vxt_remedy r = {.node = VXT_NODE_THIS, .kind = kind};
	snprintf(r.device, sizeof(r.device), "%s", device ? device : "");
	snprintf(r.key, sizeof(r.key), "%s", key ? key : "");
	snprintf(r.value, sizeof(r.value), "%s", value ? value : "");
	return r;
}

struct vxt_remedy vxt_remedy_there(const char *peer, int kind, const char *device, const char *key,
                                  const char *value)
{
	struct vxt_remedy r = vxt_remedy_here(kind, device, key, value);
	r.node = VXT_NODE_PEER;
	snprintf(r.peer, sizeof(r.peer), "%s", peer ? peer : "");
	return r;
}

static int push_remedy(struct vxt_remedy **v, unsigned int *n, const struct vxt_remedy *rem)
{
	struct vxt_remedy *nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = *rem;
	return 0;
}

int vxt_check_add(struct vxt_check *c, int severity, const char *code, const char *object,
                  const struct vxt_remedy *rem, const char *fmt, ...)
{
	if (vxt_grow((void **)&c->findings, &c->capfindings, c->nfindings + 1,
	             sizeof(*c->findings)) < 0)
		return -ENOMEM;
	struct vxt_finding *f = &c->findings[c->nfindings];
	memset(f, 0, sizeof(*f));
	va_list ap;
	va_start(ap, fmt);
	f->message = vfmt(fmt, ap);
	va_end(ap);
	f->code = strdup(code ? code : "");
	f->object = strdup(object ? object : "");
	f->severity = severity;
	if (!f->message || !f->code || !f->object ||
	    (rem && push_remedy(&f->remedies, &f->nremedies, rem) < 0)) {
		free(f->message);
		free(f->code);
		free(f->object);
		free(f->remedies);
		return -ENOMEM;
	}
	c->nfindings++;
	return 0;
}

int vxt_check_add_remedy(struct vxt_check *c, const struct vxt_remedy *rem)
{
	if (!c->nfindings)
		return -EINVAL;
	struct vxt_finding *f = &c->findings[c->nfindings - 1];
	return push_remedy(&f->remedies, &f->nremedies, rem);
}

static bool same_remedy(const struct vxt_remedy *a, const struct vxt_remedy *b)
{
	return a->node == b->node && a->kind == b->kind && !strcmp(a->peer, b->peer) &&
	       !strcmp(a->device, b->device) && !strcmp(a->key, b->key) &&
	       !strcmp(a->value, b->value);
}

int vxt_check_recommend(struct vxt_check *c, const struct vxt_remedy *rem)
{
	for (unsigned int i = 0; i < c->nremedies; i++)
		if (same_remedy(&c->remedies[i], rem))
			return 0;
	return push_remedy(&c->remedies, &c->nremedies, rem);
}

int vxt_check_add_evidence(struct vxt_check *c, const char *fmt, ...)
{
	char **v = realloc(c->evidence, (c->nevidence + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->evidence = v;
	va_list ap;
	va_start(ap, fmt);
	char *s = vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return -ENOMEM;
	v[c->nevidence++] = s;
	return 0;
}

static void check_destroy(struct vxt_check *c)
{
	for (unsigned int i = 0; i < c->nfindings; i++) {
		free(c->findings[i].code);
		free(c->findings[i].object);
		free(c->findings[i].message);
		free(c->findings[i].remedies);
	}
	free(c->findings);
	for (unsigned int i = 0; i < c->nevidence; i++)
		free(c->evidence[i]);
	free(c->evidence);
	for (unsigned int i = 0; i < c->nprobes; i++)
		vxt_probe_unref(c->probes[i]);
	free(c->probes);
	free(c->probe_peer);
	free(c->probe_underlay);
	for (unsigned int i = 0; i < c->npeers; i++)
		free(c->peers[i].explanation);
	free(c->peers);
	free(c->summary);
	free(c->remedies);
	free(c);
}

VXT_DEFINE_REFCOUNT(check, check_destroy)

const char *vxt_severity_name(int severity)
{
	static const char *const names[] = {"ok", "info", "warning", "error"};
	return severity >= 0 && severity < 4 ? names[severity] : "unknown";
}

const char *vxt_verdict_name(int verdict)
{
	static const char *const names[] = {"healthy", "warnings", "local-errors",
	                                    "overlay-data-path", "mtu", "unreachable", "partial",
	                                    "incomplete", "segmentation"};
	return verdict >= 0 && verdict < (int)VXT_ARRAY_SIZE(names) ? names[verdict] : "unknown";
}

int vxt_check_verdict(const struct vxt_check *c) { return c ? c->verdict : -1; }

int vxt_check_status(const struct vxt_check *c)
{
	if (!c)
		return -1;
	switch (c->verdict) {
	case VXT_VERDICT_HEALTHY: return 0;
	case VXT_VERDICT_WARNINGS: return 1;
	case VXT_VERDICT_INCOMPLETE: return 3;
	default: return 2;
	}
}

const char *vxt_check_status_name(int status)
{
	static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	return status >= 0 && status < 4 ? names[status] : "UNKNOWN";
}

const char *vxt_check_summary(const struct vxt_check *c) { return c ? c->summary : NULL; }
unsigned int vxt_check_remedy_count(const struct vxt_check *c) { return c ? c->nremedies : 0; }

const struct vxt_remedy *vxt_check_remedy(const struct vxt_check *c, unsigned int i)
{
	return c && i < c->nremedies ? &c->remedies[i] : NULL;
}
unsigned int vxt_check_evidence_count(const struct vxt_check *c) { return c ? c->nevidence : 0; }

const char *vxt_check_evidence(const struct vxt_check *c, unsigned int i)
{
	return c && i < c->nevidence ? c->evidence[i] : NULL;
}

const char *vxt_check_underlay(const struct vxt_check *c) { return c ? c->underlay : NULL; }
long long vxt_check_duration_us(const struct vxt_check *c) { return c ? c->duration_us : -1; }
unsigned int vxt_check_finding_count(const struct vxt_check *c) { return c ? c->nfindings : 0; }

static const struct vxt_finding *finding(const struct vxt_check *c, unsigned int i)
{
	return c && i < c->nfindings ? &c->findings[i] : NULL;
}

const char *vxt_check_finding_code(const struct vxt_check *c, unsigned int i)
{
	const struct vxt_finding *f = finding(c, i);
	return f ? f->code : NULL;
}

int vxt_check_finding_severity(const struct vxt_check *c, unsigned int i)
{
	const struct vxt_finding *f = finding(c, i);
	return f ? f->severity : -1;
}

const char *vxt_check_finding_object(const struct vxt_check *c, unsigned int i)
{
	const struct vxt_finding *f = finding(c, i);
	return f ? f->object : NULL;
}

const char *vxt_check_finding_message(const struct vxt_check *c, unsigned int i)
{
	const struct vxt_finding *f = finding(c, i);
	return f ? f->message : NULL;
}

unsigned int vxt_check_finding_remedy_count(const struct vxt_check *c, unsigned int i)
{
	const struct vxt_finding *f = finding(c, i);
	return f ? f->nremedies : 0;
}

const struct vxt_remedy *vxt_check_finding_remedy(const struct vxt_check *c, unsigned int i,
                                                  unsigned int j)
{
	const struct vxt_finding *f = finding(c, i);
	return f && j < f->nremedies ? &f->remedies[j] : NULL;
}

int vxt_remedy_node(const struct vxt_remedy *r) { return r ? r->node : -1; }
int vxt_remedy_kind(const struct vxt_remedy *r) { return r ? r->kind : -1; }
const char *vxt_remedy_peer(const struct vxt_remedy *r) { return r ? r->peer : NULL; }
const char *vxt_remedy_device(const struct vxt_remedy *r) { return r ? r->device : NULL; }
const char *vxt_remedy_key(const struct vxt_remedy *r) { return r ? r->key : NULL; }
const char *vxt_remedy_value(const struct vxt_remedy *r) { return r ? r->value : NULL; }

const char *vxt_remedy_kind_name(int kind)
{
	static const char *const names[] = {"feature", "sysctl", "link", "policy"};
	return kind >= 0 && (size_t)kind < VXT_ARRAY_SIZE(names) ? names[kind] : "unknown";
}

const char *vxt_node_name(int node)
{
	return node == VXT_NODE_THIS ? "this" : node == VXT_NODE_PEER ? "peer" : "unknown";
}

unsigned int vxt_check_finding_count_severity(const struct vxt_check *c, int severity)
{
	unsigned int n = 0;
	for (unsigned int i = 0; c && i < c->nfindings; i++)
		n += c->findings[i].severity >= severity;
	return n;
}

unsigned int vxt_check_probe_count(const struct vxt_check *c) { return c ? c->nprobes : 0; }

const struct vxt_probe *vxt_check_probe(const struct vxt_check *c, unsigned int i)
{
	return c && i < c->nprobes ? c->probes[i] : NULL;
}

bool vxt_check_probe_underlay(const struct vxt_check *c, unsigned int i)
{
	return c && i < c->nprobes && c->probe_underlay[i];
}

unsigned int vxt_check_peer_count(const struct vxt_check *c) { return c ? c->npeers : 0; }

static const struct vxt_peer_state *peer_state(const struct vxt_check *c, unsigned int k)
{
	return c && k < c->npeers ? &c->peers[k] : NULL;
}

const char *vxt_check_peer_address(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps ? ps->addr : NULL;
}

bool vxt_check_peer_responder(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps && ps->responder;
}

bool vxt_check_peer_asked(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps && ps->asked;
}

long long vxt_check_peer_counter_before(const struct vxt_check *c, unsigned int k, unsigned int i)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps && ps->responder && i < VXT_CTR_N ? ps->before.counters[i] : -1;
}

long long vxt_check_peer_counter_after(const struct vxt_check *c, unsigned int k, unsigned int i)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps && ps->responder && i < VXT_CTR_N ? ps->after.counters[i] : -1;
}

const char *vxt_check_peer_underlay(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps ? ps->before.underlay : NULL;
}

int vxt_check_peer_out(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps ? ps->out : -1;
}

int vxt_check_peer_in(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps ? ps->in : -1;
}

int vxt_check_peer_fault(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps ? ps->fault : -1;
}

const char *vxt_check_peer_explanation(const struct vxt_check *c, unsigned int k)
{
	const struct vxt_peer_state *ps = peer_state(c, k);
	return ps ? (ps->explanation ? ps->explanation : "") : NULL;
}

const char *vxt_path_state_name(int state)
{
	static const char *const names[] = {"unknown", "ok", "checksum", "segmentation", "fails"};
	return state >= 0 && (size_t)state < VXT_ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *vxt_fault_name(int fault)
{
	static const char *const names[] = {"unknown", "none", "this", "peer", "both"};
	return fault >= 0 && (size_t)fault < VXT_ARRAY_SIZE(names) ? names[fault] : "unknown";
}

unsigned int vxt_check_counter_count(const struct vxt_check *c) { return c ? VXT_CTR_N : 0; }

const char *vxt_check_counter_name(const struct vxt_check *c, unsigned int i)
{
	return c && i < VXT_CTR_N ? vxt_counter_names[i] : NULL;
}

long long vxt_check_counter_before(const struct vxt_check *c, unsigned int i)
{
	return c && i < VXT_CTR_N ? c->before[i] : -1;
}

long long vxt_check_counter_after(const struct vxt_check *c, unsigned int i)
{
	return c && i < VXT_CTR_N ? c->after[i] : -1;
}

/* ---------------------------------------------------------------- run */

/* The probes: health_probes.c. */

int vxt_check_run(struct vxt_ctx *ctx, const struct vxt_check_opts *o, struct vxt_check **out)
{
	vxt_clear_error(ctx);
	if (!o || !out)
		return vxt_fail(ctx, EINVAL, "health check: no options given");
	struct vxt_check *c = calloc(1, sizeof(*c));
	if (!c)
		return vxt_fail(ctx, ENOMEM, "health check: out of memory");
	c->refcount = 1;
	c->policy_remedy.kind = -1;
	c->tx = (struct vxt_tx_state){-1, -1, -1, -1, -1};
	long long t0 = vxt_mono_us();
	int rc = 0;
	if (o->npeers && !(c->peers = calloc(o->npeers, sizeof(*c->peers))))
		rc = -ENOMEM;
	c->npeers = c->peers ? o->npeers : 0;
	for (unsigned int i = 0; i < c->npeers; i++) {
		c->peers[i].fault = VXT_FAULT_UNKNOWN;
		snprintf(c->peers[i].addr, sizeof(c->peers[i].addr), "%s", o->peers[i]);
	}
	if (rc >= 0)
		rc = vxt_check_local(ctx, o, c);
	if (rc >= 0) {
		/* Counters around the probes: a rise during the check is what our
		 * own probes (and any other traffic meanwhile) ran into. */
		vxt_check_read_counters(c->before);
		rc = vxt_check_run_probes(ctx, o, c);
		vxt_check_read_counters(c->after);
	}
	if (rc >= 0)
		rc = vxt_check_counter_findings(c);
	if (rc >= 0)
		rc = vxt_check_watch_findings(c, o);
	if (rc >= 0)
		rc = vxt_check_locate(c, o);
	if (rc >= 0)
		rc = vxt_check_decide(c, o);
	if (rc < 0) {
		if (rc == -ENOMEM)
			vxt_fail(ctx, ENOMEM, "health check: out of memory");
		vxt_check_unref(c);
		return rc;
	}
	c->duration_us = vxt_mono_us() - t0;
	c->timestamp = time(NULL);
	vxt_clear_error(ctx);
	*out = c;
	return 0;
}
