/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel drop counters of the current network namespace, read before and
 * after the probes: /proc/self/net/snmp (Udp, Tcp) and /proc/self/net/netstat
 * (TcpExt).  Both files hold pairs of lines, "Proto: Name1 Name2 ..." then
 * "Proto: 1 2 ...". */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.h"

const char *const vxt_counter_names[VXT_CTR_N] = {
	[VXT_CTR_CSUM] = "Udp:InCsumErrors",
	[VXT_CTR_RCVBUF] = "Udp:RcvbufErrors",
	[VXT_CTR_INERR] = "Udp:InErrors",
	[VXT_CTR_RPF] = "TcpExt:IPReversePathFilter",
	[VXT_CTR_TCP_CSUM] = "Tcp:InCsumErrors",
	[VXT_CTR_TCP_INERR] = "Tcp:InErrs",
};

/* The whole file (these are a few KiB; 256 KiB is a generous bound). */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			if (cap >= 256 * 1024)
				break;
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* Value of proto:name in text, or -1. */
static long long lookup(const char *text, const char *proto, const char *name)
{
	size_t plen = strlen(proto);
	for (const char *line = text; line && *line;) {
		const char *next = strchr(line, '\n');
		if (!strncmp(line, proto, plen) && line[plen] == ':' && next) {
			/* header line: find the column of name */
			const char *vals = next + 1;
			if (strncmp(vals, proto, plen) || vals[plen] != ':')
				return -1;
			const char *h = line + plen + 1, *v = vals + plen + 1;
			const char *hend = next, *vend = strchr(vals, '\n');
			if (!vend)
				vend = vals + strlen(vals);
			size_t nlen = strlen(name);
			while (h < hend && v < vend) {
				while (h < hend && *h == ' ')
					h++;
				while (v < vend && *v == ' ')
					v++;
				const char *he = h, *ve = v;
				while (he < hend && *he != ' ')
					he++;
				while (ve < vend && *ve != ' ')
					ve++;
				if ((size_t)(he - h) == nlen && !strncmp(h, name, nlen) && ve > v) {
					char *end;
					long long x = strtoll(v, &end, 10);
					return end == ve && x >= 0 ? x : -1;
				}
				h = he;
				v = ve;
			}
			return -1;
		}
		line = next ? next + 1 : NULL;
	}
	return -1;
}

void vxt_check_read_counters(long long v[VXT_CTR_N])
{
	char *snmp = slurp("/proc/self/net/snmp");
	char *netstat = slurp("/proc/self/net/netstat");
	for (int i = 0; i < VXT_CTR_N; i++) {
		const char *full = vxt_counter_names[i], *colon = strchr(full, ':');
		char proto[16];
		snprintf(proto, sizeof(proto), "%.*s", (int)(colon - full), full);
		const char *text = !strcmp(proto, "TcpExt") ? netstat : snmp;
		v[i] = text ? lookup(text, proto, colon + 1) : -1;
	}
	free(snmp);
	free(netstat);
}

static long long delta(const struct vxt_check *c, int i)
{
	return c->before[i] >= 0 && c->after[i] >= c->before[i] ? c->after[i] - c->before[i] : 0;
}

/* One finding per counter: a rise is a problem (sev), else ok.  */
static int counter_finding(struct vxt_check *c, int k, int sev, const char *code,
                           const struct vxt_remedy *rem, const char *why)
{
	if (c->before[k] < 0)
		return 0;
	const char *full = vxt_counter_names[k], *colon = strchr(full, ':');
	int plen = (int)(colon - full);
	long long d = delta(c, k);
	return d > 0 ? vxt_check_add(c, sev, code, full, rem, "%.*s %s rose by %lld during the check "
	                             "(%lld -> %lld): %s", plen, full, colon + 1, d, c->before[k],
	                             c->after[k], why)
	             : vxt_check_add(c, VXT_SEVERITY_OK, code, full, NULL,
	                             "%.*s %s did not rise during the check (%lld)", plen, full,
	                             colon + 1, c->after[k]);
}

int vxt_check_counter_findings(struct vxt_check *c)
{
	/* Checksum errors get their remedy from the localization, which knows
	 * which node sends the bad packets (health_locate.c). */
	struct vxt_remedy rmem_def = vxt_remedy_here(VXT_REMEDY_SYSCTL, "", "net.core.rmem_default",
	                                             "1048576");
	struct vxt_remedy rmem_max = vxt_remedy_here(VXT_REMEDY_SYSCTL, "", "net.core.rmem_max",
	                                             "8388608");
	int rc = counter_finding(c, VXT_CTR_CSUM, VXT_SEVERITY_ERROR, "udp-csum-errors", NULL,
	                         "UDP packets (VXLAN too) arrive here with bad checksums and are "
	                         "dropped: the sending node's checksum offload (or a middlebox) "
	                         "breaks them");
	if (rc >= 0)
		rc = counter_finding(c, VXT_CTR_TCP_CSUM, VXT_SEVERITY_ERROR, "tcp-csum-errors", NULL,
		                     "TCP segments arrive here with bad checksums and are dropped "
		                     "(inner checksums of VXLAN devices without outer UDP checksums "
		                     "show here): the sending node's checksum offload breaks them");
	if (rc >= 0) {
		size_t at = c->nfindings;
		rc = counter_finding(c, VXT_CTR_RCVBUF, VXT_SEVERITY_WARNING, "udp-rcvbuf-errors",
		                     &rmem_def, "UDP sockets overflow and drop datagrams");
		if (rc >= 0 && c->nfindings > at && c->findings[at].nremedies)
			rc = vxt_check_add_remedy(c, &rmem_max);
	}
	if (rc >= 0)
		rc = counter_finding(c, VXT_CTR_RPF, VXT_SEVERITY_ERROR, "rp-filter-drops", NULL,
		                     "the kernel dropped packets by reverse-path filtering: strict "
		                     "rp_filter and a return route through another interface (see "
		                     "the rp-filter findings)");
	return rc;
}
