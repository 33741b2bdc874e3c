/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The watcher's state as a small JSON document, for other processes:
 * `vxlantune watch` writes it to a file (/run/vxlantune/watch.json) when
 * it changes, `vxlantune check` reads it and reports every device the
 * watcher backs off from as a finding (watch-backoff), so that a fight
 * with another program shows up in monitoring, not only in a log.
 *
 *   {"format": "vxlantune-watch-state", "version": 1, "updated": 1764612000,
 *    "underlay": "eth0", "events": 120, "resyncs": 1,
 *    "backoff": [{"interface": "cali1", "delay_ms": 4000, "since": 1764611990}]}
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "health.h"

#define FORMAT "vxlantune-watch-state"

int vxt_watch_state_json(const struct vxt_watch *w, char **json)
{
	if (!w || !json)
		return -EINVAL;
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return -ENOMEM;
	}
	json_object_object_add(root, "format", json_object_new_string(FORMAT));
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "updated", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(root, "underlay", json_object_new_string(vxt_watch_underlay(w)));
	json_object_object_add(root, "events", json_object_new_int64((int64_t)vxt_watch_events(w)));
	json_object_object_add(root, "resyncs", json_object_new_int64((int64_t)vxt_watch_resyncs(w)));
	for (unsigned int i = 0; i < vxt_watch_backoff_count(w); i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "interface", json_object_new_string(vxt_watch_backoff_ifname(w, i)));
		json_object_object_add(e, "delay_ms", json_object_new_int64(vxt_watch_backoff_delay_ms(w, i)));
		json_object_object_add(e, "since", json_object_new_int64(vxt_watch_backoff_since(w, i)));
		json_object_array_add(arr, e);
	}
	json_object_object_add(root, "backoff", arr);
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	*json = s ? strdup(s) : NULL;
	json_object_put(root);
	return *json ? 0 : -ENOMEM;
}

int vxt_check_opts_set_watch_state(struct vxt_check_opts *o, const char *json)
{
	if (!o)
		return -EINVAL;
	char *copy = NULL;
	if (json && !(copy = strdup(json)))
		return -ENOMEM;
	free(o->watch_state);
	o->watch_state = copy;
	return 0;
}

static bool get(json_object *o, const char *key, json_type type, json_object **out)
{
	return json_object_object_get_ex(o, key, out) && json_object_is_type(*out, type);
}

/* Findings from the watcher's state: one warning per device it backs off
 * from, or one OK finding when it backs off from none. */
int vxt_check_watch_findings(struct vxt_check *c, const struct vxt_check_opts *o)
{
	if (!o->watch_state)
		return 0;
	json_tokener *tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_object *root = json_tokener_parse_ex(tok, o->watch_state, (int)strlen(o->watch_state));
	bool whole = json_tokener_get_error(tok) == json_tokener_success &&
	             json_tokener_get_parse_end(tok) == strlen(o->watch_state);
	json_tokener_free(tok);
	json_object *v, *arr;
	int rc = 0;
	if (!whole || !root || !get(root, "format", json_type_string, &v) ||
	    strcmp(json_object_get_string(v), FORMAT) || !get(root, "backoff", json_type_array, &arr)) {
		rc = vxt_check_add(c, VXT_SEVERITY_WARNING, "watch-backoff", "", NULL,
		                   "the watcher's state is not a vxlantune watch state (ignored)");
		json_object_put(root);
		return rc;
	}
	size_t n = json_object_array_length(arr);
	unsigned int shown = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		json_object *e = json_object_array_get_idx(arr, i), *name, *delay, *since;
		if (!json_object_is_type(e, json_type_object) || !get(e, "interface", json_type_string, &name) ||
		    vxt_ifname_valid(json_object_get_string(name)) < 0)
			continue;
		long long d = get(e, "delay_ms", json_type_int, &delay) ? json_object_get_int64(delay) : 0;
		long long s = get(e, "since", json_type_int, &since) ? json_object_get_int64(since) : 0;
		time_t t = (time_t)s;
		struct tm tm;
		char when[32] = "?";
		if (s > 0 && gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		rc = vxt_check_add(c, VXT_SEVERITY_WARNING, "watch-backoff", json_object_get_string(name), NULL,
		                   "the watcher backs off from %s (re-applied only every %lld s, since %s): "
		                   "another program keeps changing it back, or its apply fails; see the "
		                   "watcher's log and stop the other writer or fix the policy",
		                   json_object_get_string(name), (d + 999) / 1000, when);
		shown++;
	}
	if (rc >= 0 && !shown)
		rc = vxt_check_add(c, VXT_SEVERITY_OK, "watch-backoff", "", NULL,
		                   "the watcher re-applies every device at once (it backs off from none)");
	json_object_put(root);
	return rc;
}
