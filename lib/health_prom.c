/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The check as Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector.  Each series appears once: findings
 * that share a check code and object are folded into the worst status. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

struct buf {
	char *s;
	size_t n, cap;
	int err;
};

__attribute__((format(printf, 2, 3)))
static void put(struct buf *b, const char *fmt, ...)
{
	if (b->err)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int w = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (w < 0) {
			b->err = -EINVAL;
			return;
		}
		if ((size_t)w < b->cap - b->n) {
			b->n += (size_t)w;
			return;
		}
		size_t cap = (b->cap + (size_t)w + 1) * 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->err = -ENOMEM;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
}

/* A label value with \, " and newline escaped as the format demands. */
static void put_label(struct buf *b, const char *name, const char *value, bool first)
{
	put(b, "%s%s=\"", first ? "" : ",", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			put(b, "\\\\");
		else if (*p == '"')
			put(b, "\\\"");
		else if (*p == '\n')
			put(b, "\\n");
		else
			put(b, "%c", *p);
	}
	put(b, "\"");
}

static void head(struct buf *b, const char *name, const char *type, const char *help)
{
	put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int status_of(int severity)
{
	return severity >= VXT_SEVERITY_ERROR ? 2 : severity == VXT_SEVERITY_WARNING ? 1 : 0;
}

int vxt_check_prometheus(const struct vxt_check *c, char **text)
{
	if (!c || !text)
		return -EINVAL;
	struct buf b = {0};
	if (!(b.s = malloc(b.cap = 4096)))
		return -ENOMEM;
	b.s[0] = '\0';

	head(&b, "vxlantune_check_success", "gauge",
	     "1 if the check ran, 0 if it could not (bad policy, no permission: see the log).");
	put(&b, "vxlantune_check_success 1\n");
	head(&b, "vxlantune_check_status", "gauge",
	     "Result of one local check of vxlantune check: 0 ok, 1 warning, 2 error.");
	for (unsigned int i = 0; i < c->nfindings; i++) {
		const struct vxt_finding *f = &c->findings[i];
		bool seen = false;
		int st = status_of(f->severity);
		for (unsigned int j = 0; j < c->nfindings; j++) {
			if (strcmp(c->findings[j].code, f->code) || strcmp(c->findings[j].object, f->object))
				continue;
			if (j < i)
				seen = true;
			if (status_of(c->findings[j].severity) > st)
				st = status_of(c->findings[j].severity);
		}
		if (seen)
			continue;
		put(&b, "vxlantune_check_status{");
		put_label(&b, "check", f->code, true);
		put_label(&b, "object", f->object, false);
		put(&b, "} %d\n", st);
	}
	head(&b, "vxlantune_check_verdict", "gauge",
	     "Overall result: 0 healthy, 1 warnings, 2 unhealthy; the label names the diagnosis.");
	put(&b, "vxlantune_check_verdict{");
	put_label(&b, "verdict", vxt_verdict_name(c->verdict), true);
	put(&b, "} %d\n", vxt_check_status(c));

	if (c->nprobes) {
		head(&b, "vxlantune_probe_success", "gauge",
		     "1 if the probe to the peer was answered, else 0.");
		for (unsigned int i = 0; i < c->nprobes; i++) {
			const struct vxt_probe *p = c->probes[i];
			put(&b, "vxlantune_probe_success{");
			put_label(&b, "peer", vxt_probe_peer(p), true);
			put_label(&b, "probe", vxt_probe_kind_name(vxt_probe_kind(p)), false);
			put(&b, "} %d\n", vxt_probe_ok(p) ? 1 : 0);
		}
		head(&b, "vxlantune_probe_rtt_seconds", "gauge",
		     "Round-trip time of the answered probes, in seconds.");
		for (unsigned int i = 0; i < c->nprobes; i++) {
			const struct vxt_probe *p = c->probes[i];
			if (vxt_probe_rtt_us(p) < 0)
				continue;
			put(&b, "vxlantune_probe_rtt_seconds{");
			put_label(&b, "peer", vxt_probe_peer(p), true);
			put_label(&b, "probe", vxt_probe_kind_name(vxt_probe_kind(p)), false);
			put(&b, "} %.6f\n", (double)vxt_probe_rtt_us(p) / 1e6);
		}
	}
	static const struct {
		int ctr;
		const char *name, *help;
	} ctrs[] = {
		{VXT_CTR_CSUM, "vxlantune_udp_in_csum_errors_total",
		 "Udp InCsumErrors of the network namespace (/proc/net/snmp): UDP packets dropped for a bad checksum."},
		{VXT_CTR_RCVBUF, "vxlantune_udp_rcvbuf_errors_total",
		 "Udp RcvbufErrors of the network namespace (/proc/net/snmp)."},
		{VXT_CTR_RPF, "vxlantune_ip_reverse_path_filter_drops_total",
		 "TcpExt IPReversePathFilter of the network namespace: packets dropped by rp_filter."},
	};
	for (size_t k = 0; k < VXT_ARRAY_SIZE(ctrs); k++) {
		if (c->after[ctrs[k].ctr] < 0)
			continue;
		head(&b, ctrs[k].name, "counter", ctrs[k].help);
		put(&b, "%s %lld\n", ctrs[k].name, c->after[ctrs[k].ctr]);
	}
	head(&b, "vxlantune_check_duration_seconds", "gauge", "How long the check took.");
	put(&b, "vxlantune_check_duration_seconds %.6f\n", (double)c->duration_us / 1e6);
	head(&b, "vxlantune_check_timestamp_seconds", "gauge",
	     "When the check finished (Unix time): tells a stale file.");
	put(&b, "vxlantune_check_timestamp_seconds %lld\n", c->timestamp);
	if (b.err) {
		free(b.s);
		return b.err;
	}
	*text = b.s;
	return 0;
}
