/* Printing struct vxt_report as text (what an operator reads) and JSON
 * (what scripts and Ansible read). */
#include "config.h"

#include <string.h>

#include "cli.h"

json_object *report_to_json(const struct vxt_report *r)
{
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();
	unsigned int n = vxt_report_count(r);
	for (unsigned int i = 0; i < n; i++) {
		json_object *e = json_object_new_object();
		int st = vxt_report_status(r, i);
		json_object_object_add(e, "area", json_object_new_string(
			vxt_report_area(r, i) == VXT_AREA_SYSCTL ? "sysctl" : "feature"));
		json_object_object_add(e, "object", json_object_new_string(vxt_report_object(r, i)));
		json_object_object_add(e, "key", json_object_new_string(vxt_report_key(r, i)));
		json_object_object_add(e, "before", json_object_new_string(vxt_report_before(r, i)));
		json_object_object_add(e, "after", json_object_new_string(vxt_report_after(r, i)));
		json_object_object_add(e, "requested", json_object_new_string(vxt_report_requested(r, i)));
		json_object_object_add(e, "via", json_object_new_string(vxt_report_via(r, i)));
		json_object_object_add(e, "status", json_object_new_string(vxt_status_name(st)));
		if (st == VXT_STATUS_FAILED) {
			json_object_object_add(e, "errno", json_object_new_int(vxt_report_error(r, i)));
			json_object_object_add(e, "error", json_object_new_string(strerror(vxt_report_error(r, i))));
		}
		json_object_array_add(arr, e);
	}
	json_object *sum = json_object_new_object();
	for (int st = VXT_STATUS_UNCHANGED; st <= VXT_STATUS_ROLLED_BACK; st++)
		json_object_object_add(sum, vxt_status_name(st),
		                       json_object_new_int((int)vxt_report_count_status(r, st)));
	json_object_object_add(root, "dry_run", json_object_new_boolean(vxt_report_dry_run(r)));
	json_object_object_add(root, "changed", json_object_new_boolean(
		vxt_report_count_status(r, VXT_STATUS_CHANGED) + vxt_report_count_status(r, VXT_STATUS_SIDE_EFFECT) > 0));
	json_object_object_add(root, "unmet", json_object_new_int((int)vxt_report_unmet(r)));
	json_object_object_add(root, "summary", sum);
	json_object_object_add(root, "entries", arr);
	return root;
}

void report_print_entries(const struct vxt_report *r, bool show_all)
{
	unsigned int n = vxt_report_count(r);
	bool dry = vxt_report_dry_run(r);
	const char *last = NULL;
	/* One lock for the whole report: stdio otherwise takes it per call,
	 * seven times per line over tens of thousands of lines. */
	flockfile(stdout);
	for (unsigned int i = 0; i < n; i++) {
		int st = vxt_report_status(r, i);
		if (st == VXT_STATUS_UNCHANGED && !show_all)
			continue;
		const char *obj = vxt_report_object(r, i);
		if (!last || strcmp(last, obj)) {
			printf("%s%s:\n", obj[0] ? obj : "(global)", dry ? " (dry run)" : "");
			last = obj;
		}
		const char *key = vxt_report_key(r, i);
		const char *before = vxt_report_before(r, i), *after = vxt_report_after(r, i);
		switch (st) {
		case VXT_STATUS_CHANGED:
			/* The common line of large runs: no printf parsing. */
			putc_unlocked('\t', stdout);
			fputs_unlocked(key, stdout);
			fputs_unlocked(": ", stdout);
			fputs_unlocked(before, stdout);
			fputs_unlocked(" -> ", stdout);
			fputs_unlocked(after, stdout);
			fputs_unlocked(dry ? " (would change)\n" : "\n", stdout);
			break;
		case VXT_STATUS_UNCHANGED:
			printf("\t%s: %s (unchanged)\n", key, after);
			break;
		case VXT_STATUS_FIXED:
			printf("\t%s: %s [fixed] [requested %s]\n", key, after, vxt_report_requested(r, i));
			break;
		case VXT_STATUS_SIDE_EFFECT:
			printf("\t%s: %s -> %s [not requested]\n", key, before, after);
			break;
		case VXT_STATUS_GONE:
			printf("\t%s: interface vanished meanwhile\n", key);
			break;
		case VXT_STATUS_FAILED:
			if (!strcmp(vxt_report_via(r, i), "rollback"))
				printf("\t%s: could not be put back to %s: %s\n", key,
				       vxt_report_requested(r, i), strerror(vxt_report_error(r, i)));
			else
				printf("\t%s: failed: %s\n", key, strerror(vxt_report_error(r, i)));
			break;
		case VXT_STATUS_ROLLED_BACK: {
			/* A side effect requested nothing: it had flipped. */
			const char *mid = vxt_report_requested(r, i);
			if (!mid[0])
				mid = strcmp(before, "on") ? "on" : "off";
			printf("\t%s: %s -> %s, rolled back to %s (another write failed)\n", key, before,
			       mid, after);
			break;
		}
		}
	}
	funlockfile(stdout);
}

void report_print_summary(const struct vxt_report *r)
{
	bool dry = vxt_report_dry_run(r);
	unsigned int changed = vxt_report_count_status(r, VXT_STATUS_CHANGED);
	unsigned int side = vxt_report_count_status(r, VXT_STATUS_SIDE_EFFECT);
	unsigned int fixed = vxt_report_count_status(r, VXT_STATUS_FIXED);
	unsigned int gone = vxt_report_count_status(r, VXT_STATUS_GONE);
	unsigned int failed = vxt_report_count_status(r, VXT_STATUS_FAILED);
	unsigned int rolled = vxt_report_count_status(r, VXT_STATUS_ROLLED_BACK);
	printf("%s%u %s, %u unchanged, %u side effects, %u fixed, %u gone, %u failed", dry ? "dry run: " : "",
	       changed, dry ? "would change" : "changed", vxt_report_count_status(r, VXT_STATUS_UNCHANGED),
	       side, fixed, gone, failed);
	if (rolled)
		printf(", %u rolled back (a write failed; see the failed entries)", rolled);
	putchar('\n');
}

void report_print_text(const struct vxt_report *r, bool show_all)
{
	report_print_entries(r, show_all);
	report_print_summary(r);
}

int report_emit(const struct vxt_report *r, bool json, bool show_all)
{
	if (json)
		cli_print_json(report_to_json(r));
	else
		report_print_text(r, show_all);
	return report_exit_code(r);
}

int report_exit_code(const struct vxt_report *r)
{
	return vxt_report_unmet(r) ? EXIT_UNMET : EXIT_DONE;
}
