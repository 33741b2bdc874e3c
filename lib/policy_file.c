/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Policy files: a small INI format read with libinih, and the presets,
 * which are policy files built into the library.
 *
 *   [underlay]
 *   method = default-route          ; Calico IP_AUTODETECTION_METHOD syntax
 *   features = rx off tx off tso off gso off gro off
 *
 *   [vxlan]
 *   interfaces = vxlan.calico vxlan-v6.calico flannel.1 cilium_vxlan
 *   features = tx-checksum-ip-generic off
 *
 *   [interface cali* eth1]          ; any names and globs
 *   features = gro off
 *
 *   [sysctl all default vxlan underlay cali*]   ; per-interface keys
 *   rp_filter = 0
 *
 *   [sysctl]                        ; plain keys
 *   net.ipv4.ip_forward = 1
 *
 * Errors name the file, the line, the section and the key. */
#include "config.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct parse_state {
	/* input, read line by line so that errors carry their line */
	const char *text, *end;
	int line;          /* of the line inih is handling */
	int err_line;
	struct vxt_ctx *ctx;
	struct vxt_policy *p;
	const char *source; /* file name or preset, for messages */
	int err;            /* first error (negative), 0 if none */
	char msg[512];
	int lines;          /* handler calls, to tell an empty file */
	char last_section[128];
	/* [vxlan] interfaces: every line adds up; set once at the end, so
	 * that 20,000 lines cost 20,000 appends, not 20,000 copies */
	char **vxlan;
	unsigned int nvxlan, capvxlan;
	bool vxlan_seen;
};

__attribute__((format(printf, 5, 6)))
static int bad(struct parse_state *st, int err, const char *section, const char *key,
               const char *fmt, ...)
{
	if (!st->err) {
		st->err_line = st->line;
		char what[256];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		st->err = err;
		snprintf(st->msg, sizeof(st->msg), "[%s] %s: %s", section, key, what);
	}
	return 0; /* inih records the line */
}

/* Split a space/comma separated list in place-independent copies and call
 * fn(word) for each; returns the first failure. */
static int each_word(const char *value, int (*fn)(struct parse_state *, const char *, void *),
                     struct parse_state *st, void *arg)
{
	char *copy = strdup(value), *save = NULL;
	if (!copy)
		return -ENOMEM;
	int rc = 0, n = 0;
	for (char *w = strtok_r(copy, " \t,", &save); w && rc == 0; w = strtok_r(NULL, " \t,", &save)) {
		rc = fn(st, w, arg);
		n++;
	}
	free(copy);
	return rc ? rc : (n ? 0 : -ENODATA);
}

/* "features = WORD on|off WORD on|off ..." for one selector. */
static int add_features(struct parse_state *st, const char *selector, const char *section,
                        const char *value)
{
	char *copy = strdup(value), *save = NULL;
	if (!copy)
		return bad(st, -ENOMEM, section, "features", "%s", "out of memory");
	int n = 0;
	for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		char *v = strtok_r(NULL, " \t,", &save);
		if (!v || (strcmp(v, "on") && strcmp(v, "off"))) {
			bad(st, -EINVAL, section, "features", "'%s' needs 'on' or 'off' after it", w);
			free(copy);
			return 0;
		}
		if (vxt_policy_add_feature_line(st->p, selector, w, !strcmp(v, "on"), st->line) < 0) {
			bad(st, -EINVAL, section, "features", "invalid feature name '%s'", w);
			free(copy);
			return 0;
		}
		n++;
	}
	free(copy);
	if (!n)
		return bad(st, -EINVAL, section, "features", "%s", "empty: expected 'FEATURE on|off ...'");
	return 1;
}

static int add_selector_feature(struct parse_state *st, const char *sel, void *arg)
{
	if (vxt_policy_selector_valid(sel) < 0 || !strcmp(sel, "all") || !strcmp(sel, "default")) {
		bad(st, -EINVAL, st->last_section, "features", "invalid interface selector '%s'", sel);
		return -EINVAL;
	}
	return add_features(st, sel, st->last_section, arg) ? 0 : -EINVAL;
}

static int add_selector_sysctl(struct parse_state *st, const char *sel, void *arg)
{
	const char *const *kv = arg;
	int rc = vxt_policy_add_sysctl(st->p, kv[0], kv[1], sel);
	if (rc < 0)
		bad(st, rc, st->last_section, kv[0], "invalid interface selector '%s'", sel);
	return rc;
}

static int collect_vxlan(struct parse_state *st, const char *g, void *arg)
{
	(void)arg;
	if (vxt_grow((void **)&st->vxlan, &st->capvxlan, st->nvxlan + 2, sizeof(*st->vxlan)) < 0)
		return -ENOMEM;
	if (!(st->vxlan[st->nvxlan] = strdup(g)))
		return -ENOMEM;
	st->vxlan[++st->nvxlan] = NULL;
	return 0;
}

__attribute__((format(printf, 3, 4)))
static void bad_line(struct parse_state *st, int line, const char *fmt, ...)
{
	if (st->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	st->err = -EINVAL;
	st->err_line = line;
}

/* inih's reader: one line per call from the text, counted.  Refuses what
 * inih would silently misread: a NUL byte (the end of the text for C), a
 * line too long for inih's buffer (it would cut it), and an indented line
 * (libinih is built with INI_ALLOW_MULTILINE: it would append the line to
 * the previous key's value). */
static char *reader(char *buf, int size, void *stream)
{
	struct parse_state *st = stream;
	if (size < 2 || st->err || st->text >= st->end)
		return NULL;
	const char *nl = memchr(st->text, '\n', (size_t)(st->end - st->text));
	size_t n = nl ? (size_t)(nl - st->text) + 1 : (size_t)(st->end - st->text);
	st->line++;
	if (memchr(st->text, '\0', n)) {
		bad_line(st, st->line, "NUL byte: not a text file");
		return NULL;
	}
	if (n > (size_t)size - 1) {
		bad_line(st, st->line, "line longer than %d characters: split it (keys may repeat and add up)",
		         size - 2);
		return NULL;
	}
	size_t lead = strspn(st->text, " \t\v\f");
	if (lead && lead < n && !strchr(";#\r\n", st->text[lead])) {
		bad_line(st, st->line, "indented line: remove the leading blanks "
		         "(an indented line would continue the previous value)");
		return NULL;
	}
	memcpy(buf, st->text, n);
	buf[n] = '\0';
	st->text += n;
	return buf;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	st->lines++;
	if (st->err)
		return 0;
	snprintf(st->last_section, sizeof(st->last_section), "%s", section);
	if (!name) /* inih's section-start call (INI_CALL_HANDLER_ON_NEW_SECTION) */
		return 1;
	if (!value || !*value)
		return bad(st, -EINVAL, section, name, "%s", "empty value");

	if (!strcmp(section, "underlay")) {
		if (!strcmp(name, "method")) {
			if (vxt_policy_set_underlay_method(st->p, value) < 0)
				return bad(st, -EINVAL, section, name, "invalid method '%s'", value);
			return 1;
		}
		if (!strcmp(name, "features"))
			return add_features(st, "underlay", section, value);
		return bad(st, -EINVAL, section, name, "%s", "unknown key (method, features)");
	}
	if (!strcmp(section, "vxlan")) {
		if (!strcmp(name, "interfaces")) {
			if (!st->vxlan_seen) /* the file replaces the default class */
				vxt_strv_free(st->vxlan), st->vxlan = NULL, st->nvxlan = st->capvxlan = 0;
			unsigned int before = st->nvxlan;
			int rc = each_word(value, collect_vxlan, st, NULL);
			for (unsigned int i = before; rc == 0 && i < st->nvxlan; i++)
				if (vxt_policy_selector_valid(st->vxlan[i]) < 0 ||
				    !strcmp(st->vxlan[i], "vxlan") || !strcmp(st->vxlan[i], "underlay"))
					rc = -EINVAL;
			if (rc < 0)
				return bad(st, -EINVAL, section, name, "invalid interface list '%s'", value);
			st->vxlan_seen = true;
			return 1;
		}
		if (!strcmp(name, "features"))
			return add_features(st, "vxlan", section, value);
		return bad(st, -EINVAL, section, name, "%s", "unknown key (interfaces, features)");
	}
	if (!strncmp(section, "interface ", 10)) {
		if (strcmp(name, "features"))
			return bad(st, -EINVAL, section, name, "%s", "unknown key (features)");
		int rc = each_word(section + 10, add_selector_feature, st, (void *)value);
		if (rc == -ENODATA)
			return bad(st, -EINVAL, section, name, "%s", "the section names no interface");
		return rc == 0 && !st->err;
	}
	if (!strcmp(section, "sysctl")) {
		if (vxt_policy_add_sysctl(st->p, name, value, NULL) < 0)
			return bad(st, -EINVAL, section, name, "invalid key or value '%s'", value);
		return 1;
	}
	if (!strncmp(section, "sysctl ", 7)) {
		const char *kv[2] = {name, value};
		int rc = each_word(section + 7, add_selector_sysctl, st, kv);
		if (rc == -ENODATA)
			return bad(st, -EINVAL, section, name, "%s", "the section names no interface");
		return rc == 0;
	}
	return bad(st, -EINVAL, section, name, "unknown section [%s] (underlay, vxlan, interface GLOB..., sysctl [IFACE...])",
	           section);
}

static int load(struct vxt_ctx *ctx, const char *source, const char *text, size_t len,
                struct vxt_policy **out)
{
	struct parse_state st = {.ctx = ctx, .source = source, .text = text, .end = text + len};
	int rc = vxt_policy_new(&st.p);
	if (rc < 0)
		return vxt_fail(ctx, rc, "out of memory");
	st.p->name = strdup(source);
	/* inih reports the first line it could not parse (or whose handler
	 * failed); ours is the first line a handler or the reader refused.
	 * The earlier wins. */
	int line = ini_parse_stream(reader, &st, handler, &st);
	if (line == 0 && !st.err && st.vxlan_seen &&
	    (rc = vxt_policy_set_vxlan_interfaces(st.p, (const char *const *)st.vxlan)) < 0)
		bad_line(&st, st.line, "[vxlan] interfaces: %s", strerror(-rc));
	vxt_strv_free(st.vxlan);
	if (line != 0 || st.err) {
		int err = st.err ? st.err : -EINVAL;
		if (st.err && (line <= 0 || st.err_line <= line))
			vxt_fail(ctx, err, "%s:%d: %s", source, st.err_line, st.msg);
		else if (line > 0)
			vxt_fail(ctx, -EINVAL, "%s:%d: syntax error (expected [section] or key = value)", source, line);
		else
			vxt_fail(ctx, err, "%s: cannot be read", source);
		vxt_policy_unref(st.p);
		return err;
	}
	if (!st.p->nfrules && !st.p->nsrules) {
		vxt_policy_unref(st.p);
		return vxt_fail(ctx, EINVAL, "%s: the policy sets nothing (no features, no sysctl)", source);
	}
	if ((rc = vxt_policy_check_conflicts(ctx, st.p, NULL)) < 0) {
		vxt_policy_unref(st.p);
		return rc;
	}
	*out = st.p;
	return 0;
}

int vxt_policy_load_string(struct vxt_ctx *ctx, const char *text, struct vxt_policy **out)
{
	vxt_clear_error(ctx);
	if (!text)
		return vxt_fail(ctx, EINVAL, "no policy text");
	return load(ctx, "policy", text, strlen(text), out);
}

/* A policy is a few lines; 4 MiB leaves room for generated ones. */
#define POLICY_MAX (4u << 20)

int vxt_policy_load_file_flags(struct vxt_ctx *ctx, const char *path, unsigned int flags,
                               struct vxt_policy **out)
{
	vxt_clear_error(ctx);
	if (!path || !*path)
		return vxt_fail(ctx, EINVAL, "no policy file name");
	char *text = NULL;
	size_t len = 0;
	int rc = vxt_file_read(ctx, path, POLICY_MAX, flags, &text, &len);
	if (rc == -EISDIR || rc == -EINVAL || rc == -E2BIG)
		return vxt_fail_prefix(ctx, rc, "policy");
	if (rc < 0)
		return rc;
	rc = load(ctx, path, text, len, out);
	free(text);
	return rc;
}

int vxt_policy_load_file(struct vxt_ctx *ctx, const char *path, struct vxt_policy **out)
{
	return vxt_policy_load_file_flags(ctx, path, 0, out);
}

/* Presets are policy files too: what they do is readable right here and
 * printed by `vxlantune apply --preset NAME --show-policy`. */
static const struct {
	const char *name, *text;
} presets[] = {
	{"calico-incident",
	 "# Exactly the incident's fix: offloads off on the underlay (the NIC of\n"
	 "# the default route, as the incident's script chose it) and on\n"
	 "# vxlan.calico; rp_filter=0 on all, default and every interface.\n"
	 "# Trade-off: Calico sets rp_filter=1 on cali* for anti-spoofing; this\n"
	 "# preset turns that off as the incident's runbook did.\n"
	 "[underlay]\n"
	 "method = default-route\n"
	 "features = rx off tx off tso off gso off gro off\n"
	 "[vxlan]\n"
	 "interfaces = vxlan.calico\n"
	 "features = rx off tx off tso off gso off gro off\n"
	 "[sysctl all default *]\n"
	 "rp_filter = 0\n"},
	{"checksum",
	 "# The narrow fix Calico Felix, kOps and Flannel's docs apply: transmit\n"
	 "# checksum offload off on the VXLAN devices (the default VXLAN class:\n"
	 "# whichever of vxlan.calico, vxlan-v6.calico, flannel.1, cilium_vxlan\n"
	 "# exist), nothing else.\n"
	 "[vxlan]\n"
	 "features = tx-checksum-ip-generic off\n"},
};

const char *vxt_preset_text(const char *name)
{
	for (size_t i = 0; name && i < VXT_ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			return presets[i].text;
	return NULL;
}

unsigned int vxt_preset_count(void)
{
	return VXT_ARRAY_SIZE(presets);
}

const char *vxt_preset_name(unsigned int i)
{
	return i < VXT_ARRAY_SIZE(presets) ? presets[i].name : NULL;
}

int vxt_policy_preset(struct vxt_ctx *ctx, const char *name, struct vxt_policy **out)
{
	vxt_clear_error(ctx);
	const char *text = vxt_preset_text(name);
	if (!text) {
		char names[128] = "";
		for (size_t i = 0, used = 0; i < VXT_ARRAY_SIZE(presets) && used < sizeof(names); i++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
			                         i ? ", " : "", presets[i].name);
		return vxt_fail(ctx, EINVAL, "unknown preset '%s' (%s)", name ? name : "(null)", names);
	}
	return load(ctx, name, text, strlen(text), out);
}
