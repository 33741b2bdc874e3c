/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Snapshot and restore: the state of everything a policy touches, as JSON
 * (json-c), and putting it back with a report and a dry run.
 *
 * {"format": "vxlantune-snapshot", "version": 1, "policy": "calico-incident",
 *  "created": 1795000000,
 *  "features": {"vxlan.calico": {"rx-checksum": "on", ...}, ...},
 *  "sysctl": {"net.ipv4.conf.all.rp_filter": "2",
 *             "net/ipv4/conf/vxlan.calico/rp_filter": "1", ...}} */
#include "config.h"

#include <fnmatch.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "features.h"
#include "policy.h"

#define SNAPSHOT_FORMAT "vxlantune-snapshot"
#define SNAPSHOT_MAX (16u << 20) /* refuse snapshot texts over 16 MiB */

/* Record, for every interface a feature rule selects, the active state of
 * every kernel feature its words resolve to. */
static int snapshot_features(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *underlay,
                             json_object *out)
{
	struct vxt_strset *names;
	int rc = vxt_feature_names(ctx, &names);
	if (rc < 0)
		return rc;
	struct vxt_features_list *all;
	if ((rc = vxt_features_get_all(ctx, &all)) < 0)
		return rc;
	for (unsigned int r = 0; r < p->nfrules && rc == 0; r++) {
		struct vxt_resolved res;
		if ((rc = vxt_feature_req_resolve(ctx, p->frules[r].req, names, &res)) < 0)
			break;
		for (unsigned int d = 0; d < all->n; d++) {
			const struct vxt_features *f = all->v[d];
			if (!vxt_policy_selects(p, p->frules[r].selector, f->ifname, underlay))
				continue;
			json_object *dev = NULL;
			if (!json_object_object_get_ex(out, f->ifname, &dev)) {
				dev = json_object_new_object();
				json_object_object_add(out, f->ifname, dev);
			}
			for (unsigned int b = 0; b < f->nbits && b < res.nbits; b++)
				if (res.word_of[b])
					json_object_object_add(dev, names->names[b],
					                       json_object_new_string(vxt_bit(f->active, b) ? "on" : "off"));
		}
		vxt_resolved_free(&res);
	}
	vxt_features_list_unref(all);
	return rc;
}

static int snapshot_sysctl(struct vxt_ctx *ctx, const struct vxt_policy *p, const char *underlay,
                           json_object *out)
{
	int rc = 0;
	for (unsigned int i = 0; i < p->nsrules && rc == 0; i++) {
		const struct vxt_sysctl_rule *s = &p->srules[i];
		char **ifaces = NULL;
		unsigned int n = 0;
		if (s->selector) {
			char **globs = NULL;
			unsigned int ng = 0;
			rc = vxt_policy_expand(p, s->selector, underlay[0] ? underlay : NULL, &globs, &ng);
			for (unsigned int g = 0; rc == 0 && g < ng; g++)
				if (vxt_is_glob(globs[g]) || !strcmp(globs[g], "all") ||
				    !strcmp(globs[g], "default") || if_nametoindex(globs[g]))
					rc = vxt_policy_expand(p, globs[g], NULL, &ifaces, &n);
			vxt_strv_free(globs);
			if (rc == 0 && !n)
				continue; /* selects nothing that exists now */
		}
		const char *keys[] = {s->key, NULL};
		struct vxt_sysctl_list *l = NULL;
		if (rc == 0)
			rc = vxt_sysctl_show(ctx, keys, (const char *const *)ifaces, 0, &l);
		vxt_strv_free(ifaces);
		for (unsigned int e = 0; rc == 0 && e < vxt_sysctl_list_count(l); e++)
			json_object_object_add(out, vxt_sysctl_list_key(l, e),
			                       json_object_new_string(vxt_sysctl_list_value(l, e)));
		vxt_sysctl_list_unref(l);
	}
	return rc;
}

/* JSON strings are UTF-8; interface names are bytes.  A name that is not
 * UTF-8 cannot be recorded faithfully: refused, named (escaped). */
static int names_are_utf8(struct vxt_ctx *ctx, json_object *feats, json_object *sys)
{
	json_object *both[] = {feats, sys};
	for (size_t i = 0; i < VXT_ARRAY_SIZE(both); i++) {
		json_object_object_foreach(both[i], name, val) {
			(void)val;
			if (!vxt_utf8_valid(name, strlen(name)))
				return vxt_fail(ctx, EILSEQ, "'%s' is not UTF-8, which a JSON snapshot "
				                "cannot record: rename the interface or leave it out of the "
				                "policy", name);
		}
	}
	return 0;
}

int vxt_snapshot_take(struct vxt_ctx *ctx, const struct vxt_policy *p, char **text)
{
	int rc = vxt_policy_check(ctx, p);
	if (rc < 0)
		return rc;
	char underlay[IFNAMSIZ];
	if ((rc = vxt_policy_underlay_name(ctx, p, underlay)) < 0)
		return rc;
	json_object *root = json_object_new_object();
	json_object *feats = json_object_new_object(), *sys = json_object_new_object();
	json_object_object_add(root, "format", json_object_new_string(SNAPSHOT_FORMAT));
	json_object_object_add(root, "version", json_object_new_int(1));
	/* The policy's name is informational: a file name that is not UTF-8
	 * is recorded escaped (\xNN) rather than making the JSON invalid. */
	char pname[512];
	vxt_escape_buf(p->name ? p->name : "", pname, sizeof(pname), VXT_ESCAPE_TEXT);
	json_object_object_add(root, "policy", json_object_new_string(pname));
	json_object_object_add(root, "created", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(root, "underlay", underlay[0] ? json_object_new_string(underlay) : NULL);
	json_object_object_add(root, "features", feats);
	json_object_object_add(root, "sysctl", sys);
	rc = snapshot_features(ctx, p, underlay, feats);
	if (rc == 0)
		rc = snapshot_sysctl(ctx, p, underlay, sys);
	if (rc == 0 && !vxt_utf8_valid(underlay, strlen(underlay)))
		rc = vxt_fail(ctx, EILSEQ, "the underlay '%s' has a name that is not UTF-8, which a "
		              "JSON snapshot cannot record: rename the interface", underlay);
	if (rc == 0)
		rc = names_are_utf8(ctx, feats, sys);
	if (rc == 0) {
		const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
		                                                     JSON_C_TO_STRING_NOSLASHESCAPE);
		if (!(*text = strdup(s)))
			rc = -ENOMEM;
	}
	json_object_put(root);
	if (rc < 0)
		return vxt_fail_prefix(ctx, rc, "snapshot");
	/* Whatever a snapshot records, restore must accept: check it with
	 * restore's own validation (a dry run) before anyone relies on it,
	 * and refuse up front, naming the value, if restore would not. */
	struct vxt_report *r = NULL;
	rc = vxt_snapshot_restore(ctx, *text, VXT_DRY_RUN, &r);
	vxt_report_unref(r);
	if (rc < 0) {
		free(*text);
		*text = NULL;
		char why[sizeof(ctx->errmsg)];
		const char *m = ctx->errmsg;
		snprintf(why, sizeof(why), "%s", !strncmp(m, "snapshot: ", 10) ? m + 10 : m);
		return vxt_fail(ctx, rc, "snapshot refused, nothing saved: restore could not put this "
		                "state back: %s (fix the value first, or leave it out of the policy)", why);
	}
	return 0;
}

/* ---- restore ----------------------------------------------------------- */

/* The interface of a full conf key ("net.ipv4.conf.IF.KEY" or
 * "net/ipv4/conf/IF/KEY"), copied to ifname; false for plain keys. */
static bool conf_key_iface(const char *key, char ifname[IFNAMSIZ])
{
	const char *rest = NULL;
	char sep;
	if (!strncmp(key, "net.ipv4.conf.", 14) || !strncmp(key, "net.ipv6.conf.", 14))
		rest = key + 14, sep = '.';
	else if (!strncmp(key, "net/ipv4/conf/", 14) || !strncmp(key, "net/ipv6/conf/", 14))
		rest = key + 14, sep = '/';
	else
		return false;
	const char *last = strrchr(rest, sep);
	if (!last || last == rest || (size_t)(last - rest) >= IFNAMSIZ)
		return false;
	memcpy(ifname, rest, (size_t)(last - rest));
	ifname[last - rest] = '\0';
	return true;
}

static bool is_string(json_object *o)
{
	return o && json_object_is_type(o, json_type_string);
}

/* Offset of the first "\u0000" escape inside a string, or -1.  json-c
 * keeps it in values (visible by length) but cuts keys at it, so that
 * "cali1\u0000x" would silently become "cali1": look at the text. */
static long nul_escape(const char *text)
{
	bool in_string = false;
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			in_string = !in_string;
		else if (in_string && *p == '\\') {
			if (p[1] == 'u' && !strncmp(p + 2, "0000", 4))
				return p - text;
			if (p[1])
				p++;
		}
	}
	return -1;
}

/* One JSON document, strictly (RFC 8259, valid UTF-8), nothing after it
 * but blanks, no NUL inside any string. */
static int parse_strict(struct vxt_ctx *ctx, const char *text, json_object **out)
{
	size_t len = strlen(text);
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return vxt_fail(ctx, ENOMEM, "snapshot: out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
	                            JSON_TOKENER_VALIDATE_UTF8);
	json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	int rc = 0;
	if (!root || jerr != json_tokener_success)
		rc = vxt_fail(ctx, EINVAL, "snapshot: not JSON: %s at offset %zu",
		              root ? "incomplete" : json_tokener_error_desc(jerr), end);
	else if (end + strspn(text + end, " \t\r\n") != len)
		rc = vxt_fail(ctx, EINVAL, "snapshot: not one JSON document: data after it at offset %zu", end);
	else if (nul_escape(text) >= 0)
		rc = vxt_fail(ctx, EINVAL, "snapshot: a string holds a NUL character (\\u0000) at offset %ld: "
		              "not a vxlantune snapshot", nul_escape(text));
	if (rc < 0) {
		json_object_put(root);
		return rc;
	}
	*out = root;
	return 0;
}

/* Check the whole document before anything is changed. */
static int restore_parse(struct vxt_ctx *ctx, const char *text, json_object **root_out,
                         json_object **feats, json_object **sys)
{
	if (!text)
		return vxt_fail(ctx, EINVAL, "snapshot: no text");
	if (strnlen(text, SNAPSHOT_MAX + 1) > SNAPSHOT_MAX)
		return vxt_fail(ctx, E2BIG, "snapshot: larger than %u bytes", SNAPSHOT_MAX);
	json_object *root = NULL;
	int prc = parse_strict(ctx, text, &root);
	if (prc < 0)
		return prc;
	json_object *fmt = NULL, *ver = NULL;
	int rc = 0;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "format", &fmt) || !is_string(fmt) ||
	    strcmp(json_object_get_string(fmt), SNAPSHOT_FORMAT))
		rc = vxt_fail(ctx, EINVAL, "snapshot: not a vxlantune snapshot (\"format\" is missing)");
	else if (!json_object_object_get_ex(root, "version", &ver) ||
	         !json_object_is_type(ver, json_type_int) || json_object_get_int(ver) != 1)
		rc = vxt_fail(ctx, EINVAL, "snapshot: unsupported version (this build reads version 1)");
	else if (!json_object_object_get_ex(root, "features", feats) ||
	         !json_object_is_type(*feats, json_type_object) ||
	         !json_object_object_get_ex(root, "sysctl", sys) ||
	         !json_object_is_type(*sys, json_type_object))
		rc = vxt_fail(ctx, EINVAL, "snapshot: \"features\" and \"sysctl\" must be objects");
	if (rc == 0) {
		json_object_object_foreach(*feats, ifname, dev) {
			if (vxt_ifname_valid(ifname) < 0) {
				rc = vxt_fail(ctx, EINVAL, "snapshot: invalid interface name '%s'", ifname);
				break;
			}
			if (!json_object_is_type(dev, json_type_object)) {
				rc = vxt_fail(ctx, EINVAL, "snapshot: features of '%s' must be an object", ifname);
				break;
			}
			json_object_object_foreach(dev, feat, val) {
				const char *v = is_string(val) ? json_object_get_string(val) : "";
				if (strcmp(v, "on") && strcmp(v, "off")) {
					rc = vxt_fail(ctx, EINVAL, "snapshot: %s: %s must be \"on\" or \"off\"", ifname, feat);
					break;
				}
			}
			if (rc)
				break;
		}
	}
	if (rc == 0) {
		json_object_object_foreach(*sys, key, val) {
			if (!is_string(val)) {
				rc = vxt_fail(ctx, EINVAL, "snapshot: sysctl %s must be a string", key);
				break;
			}
		}
	}
	if (rc < 0) {
		json_object_put(root);
		return rc;
	}
	*root_out = root;
	return 0;
}

int vxt_snapshot_restore(struct vxt_ctx *ctx, const char *text, unsigned int flags,
                         struct vxt_report **report)
{
	vxt_clear_error(ctx);
	json_object *root = NULL, *feats = NULL, *sys = NULL;
	int rc = restore_parse(ctx, text, &root, &feats, &sys);
	if (rc < 0)
		return rc;
	struct vxt_report *r = NULL;
	struct vxt_sysctl_req *sreq = NULL;
	unsigned int ndev = (unsigned int)json_object_object_length(feats);
	struct vxt_feature_req **reqs = calloc(ndev ? ndev : 1, sizeof(*reqs));
	if (!reqs || vxt_report_new_internal(flags & VXT_DRY_RUN, &r) < 0 ||
	    vxt_sysctl_req_new(&sreq) < 0) {
		rc = vxt_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	/* Build and validate every request first: nothing changes if any
	 * part is wrong. */
	unsigned int d = 0;
	json_object_object_foreach(feats, ifname, dev) {
		if ((rc = vxt_feature_req_new(&reqs[d])) < 0)
			goto oom;
		json_object_object_foreach(dev, feat, val)
			if ((rc = vxt_feature_req_add(reqs[d], feat, !strcmp(json_object_get_string(val), "on"))) < 0) {
				rc = vxt_fail(ctx, EINVAL, "snapshot: %s: invalid feature name '%s'", ifname, feat);
				goto out;
			}
		if (vxt_feature_req_count(reqs[d]) && (rc = vxt_feature_req_check(ctx, reqs[d])) < 0) {
			rc = vxt_fail_prefix(ctx, rc, "snapshot: %s", ifname);
			goto out;
		}
		d++;
	}
	json_object_object_foreach(sys, key, val) {
		char conf_if[IFNAMSIZ];
		if (conf_key_iface(key, conf_if) && strcmp(conf_if, "all") && strcmp(conf_if, "default") &&
		    vxt_ifname_valid(conf_if) == 0 && !if_nametoindex(conf_if)) {
			/* Its interface is gone: nothing to put back. */
			if ((rc = vxt_report_add(r, VXT_AREA_SYSCTL, conf_if, key, json_object_get_string(val),
			                         "", json_object_get_string(val), key, VXT_STATUS_GONE, 0)) < 0)
				goto oom;
			continue;
		}
		if ((rc = vxt_sysctl_req_add(sreq, key, json_object_get_string(val), NULL)) < 0) {
			rc = vxt_fail(ctx, EINVAL, "snapshot: invalid sysctl key '%s'", key);
			goto out;
		}
	}
	if (vxt_sysctl_req_count(sreq) && (rc = vxt_sysctl_req_check(ctx, sreq, flags)) < 0) {
		rc = vxt_fail_prefix(ctx, rc, "snapshot");
		goto out;
	}
	/* Features, interface by interface. */
	d = 0;
	json_object_object_foreach(feats, ifname2, dev2) {
		(void)dev2;
		struct vxt_feature_req *req = reqs[d++];
		if (!vxt_feature_req_count(req))
			continue;
		struct vxt_report *sub = NULL;
		rc = vxt_features_set(ctx, ifname2, req, flags, &sub);
		if (rc == -ENODEV) {
			rc = vxt_report_add(r, VXT_AREA_FEATURE, ifname2, "", "", "", "", "snapshot",
			                    VXT_STATUS_GONE, 0);
			if (rc < 0)
				goto oom;
			continue;
		}
		if (rc < 0)
			goto out;
		rc = vxt_report_append(r, sub);
		vxt_report_unref(sub);
		if (rc < 0)
			goto oom;
	}
	if (vxt_sysctl_req_count(sreq)) {
		struct vxt_report *sub = NULL;
		if ((rc = vxt_sysctl_set(ctx, sreq, flags, &sub)) < 0)
			goto out;
		rc = vxt_report_append(r, sub);
		vxt_report_unref(sub);
		if (rc < 0)
			goto oom;
	}
	vxt_clear_error(ctx);
	*report = r;
	r = NULL;
	rc = 0;
	goto out;
oom:
	rc = vxt_fail(ctx, ENOMEM, "out of memory");
out:
	for (unsigned int i = 0; reqs && i < ndev; i++)
		vxt_feature_req_unref(reqs[i]);
	free(reqs);
	vxt_sysctl_req_unref(sreq);
	vxt_report_unref(r);
	json_object_put(root);
	return rc;
}
