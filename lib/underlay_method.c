/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Underlay method strings (Calico's IP_AUTODETECTION_METHOD syntax plus
 * default-route, address= and vxlan=): parsing and validation.  Nothing
 * from the caller reaches regcomp() or inet_pton() before its length and
 * characters are checked, and every error names the offending part. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "underlay.h"

#define MAX_SPEC 4096
#define MAX_ITEM 256

/* Calico's DEFAULT_INTERFACES_TO_EXCLUDE.  Every entry has the shape
 * "^<literal>.*" (or "^lo"), so a prefix comparison is exactly the regex
 * match and needs no compiled state. */
static const struct {
	const char *prefix;
	const char *pattern;
} default_skip[] = {
	{"docker", "^docker.*"}, {"cbr", "^cbr.*"}, {"dummy", "^dummy.*"},
	{"virbr", "^virbr.*"}, {"lxcbr", "^lxcbr.*"}, {"veth", "^veth.*"},
	{"lo", "^lo"}, {"cali", "^cali.*"}, {"tunl", "^tunl.*"},
	{"flannel", "^flannel.*"}, {"kube-ipvs", "^kube-ipvs.*"}, {"cni", "^cni.*"},
	{"vxlan.calico", "^vxlan\\.calico.*"}, {"vxlan-v6.calico", "^vxlan-v6\\.calico.*"},
	{"wireguard.cali", "^wireguard\\.cali.*"}, {"wg-v6.cali", "^wg-v6\\.cali.*"},
	{"nodelocaldns", "^nodelocaldns.*"},
};

int vxt_default_skip_match(const char *name, const char **pattern)
{
	for (size_t i = 0; i < VXT_ARRAY_SIZE(default_skip); i++)
		if (!strncmp(name, default_skip[i].prefix, strlen(default_skip[i].prefix))) {
			if (pattern)
				*pattern = default_skip[i].pattern;
			return (int)i;
		}
	return -1;
}

static const struct {
	const char *name;
	enum vxt_method_kind kind;
	bool arg;
	const char *usage;
} methods[] = {
	{"default-route", VXT_M_DEFAULT_ROUTE, false, "default-route"},
	{"first-found", VXT_M_FIRST_FOUND, false, "first-found"},
	{"interface", VXT_M_INTERFACE, true, "interface=RE[,RE]"},
	{"skip-interface", VXT_M_SKIP_INTERFACE, true, "skip-interface=RE[,RE]"},
	{"cidr", VXT_M_CIDR, true, "cidr=CIDR[,CIDR]"},
	{"can-reach", VXT_M_CAN_REACH, true, "can-reach=DEST"},
	{"address", VXT_M_ADDRESS, true, "address=IP"},
	{"vxlan", VXT_M_VXLAN, true, "vxlan=NAME"},
};

#define KNOWN "default-route, first-found, interface=RE[,RE], skip-interface=RE[,RE], " \
	"cidr=CIDR[,CIDR], can-reach=DEST, address=IP, vxlan=NAME"

void vxt_method_clear(struct vxt_method *m)
{
	for (unsigned int i = 0; i < m->nre; i++) {
		regfree(&m->re[i]);
		free(m->re_src[i]);
	}
	free(m->re);
	free(m->re_src);
	free(m->cidrs);
	free(m->dest);
	free(m->canon);
	memset(m, 0, sizeof(*m));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Characters a method may contain at all: printable ASCII and blanks. */
static const char *bad_char(const char *s)
{
	for (; *s; s++)
		if (!(isprint((unsigned char)*s) || *s == '\t'))
			return s;
	return NULL;
}

/* RE2 (Calico's Go regexps) and POSIX ERE agree on the common subset.
 * Translate the RE2 class escapes people use in interface patterns
 * (\d \w \s and negations) and refuse what POSIX would silently read
 * differently: back-references (RE2 has none; they also make matching
 * exponential) and other letter escapes. */
/* s starts with '{': if it is a POSIX bound {n}, {n,} or {n,m}, store its
 * largest count (n when open-ended) and return true. */
static bool repeat_bound(const char *s, unsigned long *max)
{
	const char *q = s + 1;
	unsigned long n = 0, m;
	if (!isdigit((unsigned char)*q))
		return false;
	for (; isdigit((unsigned char)*q); q++)
		n = n > 100000 ? n : n * 10 + (unsigned long)(*q - '0');
	m = n;
	if (*q == ',') {
		q++;
		if (isdigit((unsigned char)*q))
			for (m = 0; isdigit((unsigned char)*q); q++)
				m = m > 100000 ? m : m * 10 + (unsigned long)(*q - '0');
	}
	if (*q != '}')
		return false;
	*max = m > n ? m : n;
	return true;
}

static int translate_regex(struct vxt_ctx *ctx, const char *what, const char *re, char **out)
{
	size_t n = strlen(re);
	char *o = malloc(n * 14 + 1), *p = o;
	bool bracket = false;
	size_t bstart = 0; /* index of the first character inside [ */
	bool quant = false, lazy = false; /* the previous token was a repetition (a lazy '?') */
	unsigned long product = 1;         /* of the {n,m} bounds seen */
	if (!o)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char c = re[i];
		if (bracket) {
			/* Copy bracket expressions verbatim; "[:alpha:]" and a ']'
			 * first in the list do not close them. */
			if (c == '[' && (re[i + 1] == ':' || re[i + 1] == '.' || re[i + 1] == '=')) {
				const char *close = strstr(re + i + 2, (char[]){re[i + 1], ']', '\0'});
				size_t end = close ? (size_t)(close - re) + 2 : n;
				memcpy(p, re + i, end - i);
				p += end - i;
				i = end - 1;
				continue;
			}
			if (c == ']' && i != bstart && !(i == bstart + 1 && re[bstart] == '^'))
				bracket = false;
			*p++ = c;
			continue;
		}
		if (c == '[') {
			bracket = true;
			bstart = i + 1;
			*p++ = c;
			quant = false;
			continue;
		}
		/* Stacked repetition ("a++", "x{2,9}{2,9}") makes glibc's regcomp
		 * take gigabytes (found by fuzz/fuzz_underlay_method); RE2 refuses
		 * it too ("invalid nested repetition operator"), except one lazy
		 * '?' ("a+?"), which matches the same names. */
		unsigned long count = 0;
		bool is_quant = c == '*' || c == '+' || c == '?' || (c == '{' && repeat_bound(re + i, &count));
		if (is_quant && quant && !(c == '?' && !lazy)) {
			free(o);
			return vxt_fail(ctx, EINVAL, "bad regular expression '%s' in %s: nested repetition "
			                "operator at '%c' (as in Calico's RE2)", re, what, c);
		}
		if (c == '{' && is_quant) {
			/* RE2's limit is 1000 per count and for nested counts; the
			 * product over the whole element is checked here. */
			product *= count ? count : 1;
			if (count > 1000 || product > 1000) {
				free(o);
				return vxt_fail(ctx, EINVAL, "bad regular expression '%s' in %s: repetition "
				                "counts above 1000 in one element", re, what);
			}
		}
		lazy = is_quant && quant && c == '?';
		quant = is_quant;
		if (c == '{' && is_quant) { /* copy the whole bound: its digits are not atoms */
			size_t end = (size_t)(strchr(re + i, '}') - re);
			memcpy(p, re + i, end - i + 1);
			p += end - i + 1;
			i = end;
			continue;
		}
		if (c != '\\') {
			*p++ = c;
			continue;
		}
		char e = re[i + 1];
		const char *rep = NULL;
		switch (e) {
		case 'd': rep = "[0-9]"; break;
		case 'D': rep = "[^0-9]"; break;
		case 'w': rep = "[[:alnum:]_]"; break;
		case 'W': rep = "[^[:alnum:]_]"; break;
		case 's': rep = "[[:space:]]"; break;
		case 'S': rep = "[^[:space:]]"; break;
		default: break;
		}
		if (rep) {
			p = stpcpy(p, rep);
			i++;
			continue;
		}
		if (e == '\0') {
			free(o);
			return vxt_fail(ctx, EINVAL, "bad regular expression '%s' in %s: trailing backslash", re, what);
		}
		if (isdigit((unsigned char)e)) {
			free(o);
			return vxt_fail(ctx, EINVAL, "bad regular expression '%s' in %s: back-references (\\%c) "
			                "are not supported (Calico's RE2 has none)", re, what, e);
		}
		if (isalpha((unsigned char)e)) {
			free(o);
			return vxt_fail(ctx, EINVAL, "bad regular expression '%s' in %s: unsupported escape \\%c "
			                "(use \\d \\w \\s, a bracket expression, or \\. for a literal dot)", re, what, e);
		}
		*p++ = c;
		*p++ = e;
		i++;
	}
	*p = '\0';
	*out = o;
	return 0;
}

static int add_regex(struct vxt_ctx *ctx, struct vxt_method *m, const char *what, const char *src)
{
	char *posix = NULL;
	int rc = translate_regex(ctx, what, src, &posix);
	if (rc < 0)
		return rc;
	regex_t *nre = reallocarray(m->re, m->nre + 1, sizeof(*m->re));
	if (!nre) {
		free(posix);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	m->re = nre;
	char **nsrc = reallocarray(m->re_src, m->nre + 1, sizeof(*m->re_src));
	if (!nsrc) {
		free(posix);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	m->re_src = nsrc;
	m->re_src[m->nre] = strdup(src);
	if (!m->re_src[m->nre]) {
		free(posix);
		return vxt_fail(ctx, ENOMEM, "out of memory");
	}
	int err = regcomp(&m->re[m->nre], posix, REG_EXTENDED | REG_NOSUB);
	free(posix);
	if (err) {
		char msg[128];
		regerror(err, NULL, msg, sizeof(msg));
		free(m->re_src[m->nre]);
		return vxt_fail(ctx, EINVAL, "bad regular expression '%s' in %s: %s", src, what, msg);
	}
	m->nre++;
	return 0;
}

static int parse_cidr(struct vxt_ctx *ctx, struct vxt_method *m, const char *what, const char *s)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	if (!slash)
		return vxt_fail(ctx, EINVAL, "bad CIDR '%s' in %s: missing '/PREFIXLEN' (e.g. 192.0.2.0/24)", s, what);
	size_t alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(addr))
		return vxt_fail(ctx, EINVAL, "bad CIDR '%s' in %s: no valid address before '/'", s, what);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	struct vxt_cidr c = {0};
	if (vxt_ip_parse(addr, &c.net) < 0)
		return vxt_fail(ctx, EINVAL, "bad CIDR '%s' in %s: '%s' is not an IPv4 or IPv6 address", s, what, addr);
	const char *pl = slash + 1;
	size_t plen = strlen(pl);
	int max = c.net.family == AF_INET ? 32 : 128;
	if (plen == 0 || plen > 3 || strspn(pl, "0123456789") != plen)
		return vxt_fail(ctx, EINVAL, "bad CIDR '%s' in %s: prefix length '%s' is not a number 0-%d", s, what, pl, max);
	c.prefixlen = atoi(pl);
	if (c.prefixlen > max)
		return vxt_fail(ctx, EINVAL, "bad CIDR '%s' in %s: prefix length %d out of range 0-%d", s, what, c.prefixlen, max);
	/* Like Go's ParseCIDR: host bits are allowed and masked off. */
	for (int bit = c.prefixlen; bit < max; bit++)
		c.net.bytes[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
	size_t slen = strlen(s); /* <= 46 + 1 + 3 after the checks above */
	if (slen >= sizeof(c.text))
		return vxt_fail(ctx, EINVAL, "bad CIDR '%s' in %s: too long", s, what);
	memcpy(c.text, s, slen + 1);
	struct vxt_cidr *n = reallocarray(m->cidrs, m->ncidrs + 1, sizeof(*n));
	if (!n)
		return vxt_fail(ctx, ENOMEM, "out of memory");
	m->cidrs = n;
	m->cidrs[m->ncidrs++] = c;
	return 0;
}

static int parse_dest(struct vxt_ctx *ctx, struct vxt_method *m, const char *s)
{
	char buf[MAX_ITEM];
	size_t len = strlen(s);
	/* "[2001:db8::1]" is accepted for an IPv6 literal. */
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len == 0)
		return vxt_fail(ctx, EINVAL, "can-reach needs a destination: can-reach=192.0.2.1 or can-reach=NAME");
	if (len > 253)
		return vxt_fail(ctx, EINVAL, "can-reach destination is longer than 253 characters");
	memcpy(buf, s, len);
	buf[len] = '\0';
	struct vxt_ip ip;
	if (vxt_ip_parse(buf, &ip) < 0) {
		/* A host name: letters, digits, '-', '_' and dots between labels. */
		bool ok = buf[0] != '.' && buf[0] != '-' && buf[len - 1] != '-' && !strstr(buf, "..");
		for (const char *p = buf; *p && ok; p++)
			ok = isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_';
		if (!ok)
			return vxt_fail(ctx, EINVAL, "bad can-reach destination '%s': neither an IPv4/IPv6 address "
			                "nor a host name", buf);
	}
	m->dest = strdup(buf);
	return m->dest ? 0 : vxt_fail(ctx, ENOMEM, "out of memory");
}

int vxt_method_parse(struct vxt_ctx *ctx, const char *spec, struct vxt_method *m)
{
	char buf[MAX_SPEC + 1], canon[MAX_SPEC + 32];
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (!spec)
		spec = "";
	if (strnlen(spec, MAX_SPEC + 1) > MAX_SPEC)
		return vxt_fail(ctx, EINVAL, "underlay method is longer than %d characters", MAX_SPEC);
	const char *bad = bad_char(spec);
	if (bad)
		return vxt_fail(ctx, EINVAL, "underlay method contains a control character (byte 0x%02x at offset %zu)",
		                (unsigned char)*bad, (size_t)(bad - spec));
	while (blank(*spec))
		spec++;
	size_t len = strlen(spec);
	while (len && blank(spec[len - 1]))
		len--;
	memcpy(buf, spec, len);
	buf[len] = '\0';
	if (!len)
		snprintf(buf, sizeof(buf), "default-route");

	char *eq = strchr(buf, '=');
	char *arg = NULL;
	if (eq) {
		*eq = '\0';
		arg = eq + 1;
	}
	size_t k = 0;
	for (; k < VXT_ARRAY_SIZE(methods); k++)
		if (!strcmp(buf, methods[k].name))
			break;
	if (k == VXT_ARRAY_SIZE(methods)) {
		if (!strcmp(buf, "kubernetes-internal-ip"))
			return vxt_fail(ctx, EINVAL, "underlay method 'kubernetes-internal-ip' needs the node's "
			                "InternalIP: use address=IP with the downward API's status.hostIP");
		const char *best = NULL;
		unsigned int bestd = 4;
		for (size_t j = 0; j < VXT_ARRAY_SIZE(methods); j++) {
			unsigned int d = vxt_edit_distance(buf, methods[j].name, 3);
			if (d < bestd) {
				bestd = d;
				best = methods[j].usage;
			}
		}
		if (best)
			return vxt_fail(ctx, EINVAL, "unknown underlay method '%s' (did you mean '%s'?); known: " KNOWN, buf, best);
		return vxt_fail(ctx, EINVAL, "unknown underlay method '%s'; known: " KNOWN, buf);
	}
	m->kind = methods[k].kind;
	if (methods[k].arg && !arg)
		return vxt_fail(ctx, EINVAL, "underlay method '%s' needs an argument: %s", buf, methods[k].usage);
	if (!methods[k].arg && arg)
		return vxt_fail(ctx, EINVAL, "underlay method '%s' takes no argument (got '%s=%s')", buf, buf, arg);

	char what[64];
	snprintf(what, sizeof(what), "%s=", methods[k].name);
	size_t clen = (size_t)snprintf(canon, sizeof(canon), "%s%s", methods[k].name, arg ? "=" : "");

	if (m->kind == VXT_M_INTERFACE || m->kind == VXT_M_SKIP_INTERFACE || m->kind == VXT_M_CIDR) {
		/* Calico splits on \s*,\s*; an empty element would become a regex
		 * matching every interface there, so it is an error here. */
		unsigned int idx = 0;
		char *p = arg;
		for (;;) {
			char *comma = strchr(p, ',');
			char *end = comma ? comma : p + strlen(p);
			char *b = p;
			while (b < end && blank(*b))
				b++;
			char *e = end;
			while (e > b && blank(e[-1]))
				e--;
			idx++;
			if (e == b) {
				rc = vxt_fail(ctx, EINVAL, "empty element #%u in '%s%s' (elements are separated by commas)",
				              idx, what, arg);
				goto fail;
			}
			if ((size_t)(e - b) >= MAX_ITEM) {
				rc = vxt_fail(ctx, EINVAL, "element #%u in '%s...' is longer than %d characters",
				              idx, what, MAX_ITEM - 1);
				goto fail;
			}
			char item[MAX_ITEM];
			memcpy(item, b, (size_t)(e - b));
			item[e - b] = '\0';
			rc = m->kind == VXT_M_CIDR ? parse_cidr(ctx, m, what, item) : add_regex(ctx, m, what, item);
			if (rc < 0)
				goto fail;
			clen += (size_t)snprintf(canon + clen, sizeof(canon) - clen, "%s%s", idx > 1 ? "," : "", item);
			if (!comma)
				break;
			p = comma + 1;
		}
	} else if (m->kind == VXT_M_CAN_REACH) {
		if ((rc = parse_dest(ctx, m, arg)) < 0)
			goto fail;
		snprintf(canon + clen, sizeof(canon) - clen, "%s", m->dest);
	} else if (m->kind == VXT_M_ADDRESS) {
		if (strchr(arg, '/')) {
			rc = vxt_fail(ctx, EINVAL, "bad address '%s' in address=: give the address without a prefix length", arg);
			goto fail;
		}
		if (vxt_ip_parse(arg, &m->addr) < 0) {
			rc = vxt_fail(ctx, EINVAL, "bad address '%s' in address=: not an IPv4 or IPv6 address", arg);
			goto fail;
		}
		vxt_ip_format(&m->addr, canon + clen);
	} else if (m->kind == VXT_M_VXLAN) {
		if (vxt_ifname_valid(arg) < 0) {
			rc = vxt_fail(ctx, EINVAL, "bad interface name '%s' in vxlan=: 1-15 characters, no '/', ':' or blanks", arg);
			goto fail;
		}
		snprintf(m->vxlan, sizeof(m->vxlan), "%s", arg);
		snprintf(canon + clen, sizeof(canon) - clen, "%s", arg);
	}
	m->canon = strdup(canon);
	if (!m->canon) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory");
		goto fail;
	}
	return 0;
fail:
	vxt_method_clear(m);
	return rc;
}
