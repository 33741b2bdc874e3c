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
	json_object_object_add(root, "policy", json_object_new_string(p->name ? p->name : ""));
	json_object_object_add(root, "created", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(root, "underlay", underlay[0] ? json_object_new_string(underlay) : NULL);
	json_object_object_add(root, "features", feats);
	json_object_object_add(root, "sysctl", sys);
	rc = snapshot_features(ctx, p, underlay, feats);
	if (rc == 0)
		rc = snapshot_sysctl(ctx, p, underlay, sys);
	if (rc == 0) {
		const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
		                                                     JSON_C_TO_STRING_NOSLASHESCAPE);
		if (!(*text = strdup(s)))
			rc = -ENOMEM;
	}
	json_object_put(root);
	return rc < 0 ? vxt_fail_prefix(ctx, rc, "snapshot") : 0;
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

/* Check the whole document before anything is changed. */
static int restore_parse(struct vxt_ctx *ctx, const char *text, json_object **root_out,
                         json_object **feats, json_object **sys)
{
	if (!text)
		return vxt_fail(ctx, EINVAL, "snapshot: no text");
	if (strnlen(text, SNAPSHOT_MAX + 1) > SNAPSHOT_MAX)
		return vxt_fail(ctx, E2BIG, "snapshot: larger than %u bytes", SNAPSHOT_MAX);
	enum json_tokener_error jerr;
	json_object *root = json_tokener_parse_verbose(text, &jerr);
	if (!root)
		return vxt_fail(ctx, EINVAL, "snapshot: not JSON: %s", json_tokener_error_desc(jerr));
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
