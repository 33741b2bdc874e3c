/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Printing struct vxt_report as text (what an operator reads) and JSON
 * (what scripts and Ansible read). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_stream.h"

/* The report as JSON, written as it goes (tools/json_stream.c): entries
 * first, the totals after them, so that a run over every interface can
 * hand its entries over an interface at a time (offloads set --all). */
void report_json_begin(struct json_stream *js, bool dry_run)
{
	json_stream_begin_object(js);
	json_stream_key(js, "dry_run");
	json_stream_bool(js, dry_run);
	json_stream_key(js, "entries");
	json_stream_begin_array(js);
}

void report_json_entries(struct json_stream *js, const struct vxt_report *r)
{
	unsigned int n = vxt_report_count(r);
	for (unsigned int i = 0; i < n; i++) {
		int st = vxt_report_status(r, i);
		static const char *const keys[] = {"object", "key", "before", "after", "requested", "via"};
		const char *values[] = {vxt_report_object(r, i), vxt_report_key(r, i), vxt_report_before(r, i),
		                        vxt_report_after(r, i), vxt_report_requested(r, i), vxt_report_via(r, i)};
		json_stream_begin_object(js);
		json_stream_key(js, "area");
		json_stream_string(js, vxt_report_area(r, i) == VXT_AREA_SYSCTL ? "sysctl" : "feature");
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_stream_key(js, keys[k]);
			json_stream_string(js, values[k]);
		}
		json_stream_key(js, "status");
		json_stream_string(js, vxt_status_name(st));
		if (st == VXT_STATUS_FAILED) {
			json_stream_key(js, "errno");
			json_stream_int(js, vxt_report_error(r, i));
			json_stream_key(js, "error");
			json_stream_string(js, strerror(vxt_report_error(r, i)));
		}
		json_stream_end_object(js);
	}
}

void report_json_end(struct json_stream *js, const struct vxt_report *totals)
{
	json_stream_end_array(js);
	json_stream_key(js, "changed");
	json_stream_bool(js, vxt_report_count_status(totals, VXT_STATUS_CHANGED) +
	                     vxt_report_count_status(totals, VXT_STATUS_SIDE_EFFECT) > 0);
	json_stream_key(js, "unmet");
	json_stream_int(js, vxt_report_unmet(totals));
	json_stream_key(js, "summary");
	json_stream_begin_object(js);
	for (int st = VXT_STATUS_UNCHANGED; st <= VXT_STATUS_ROLLED_BACK; st++) {
		json_stream_key(js, vxt_status_name(st));
		json_stream_int(js, vxt_report_count_status(totals, st));
	}
	json_stream_end_object(js);
	json_stream_end_object(js);
}

int report_print_json(const struct vxt_report *r)
{
	struct json_stream *js = json_stream_new(stdout);
	if (!js)
		return -ENOMEM;
	report_json_begin(js, vxt_report_dry_run(r));
	report_json_entries(js, r);
	report_json_end(js, r);
	return json_stream_free(js);
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
		char *o_esc = NULL, *k_esc; /* interface names are bytes: shown escaped */
		if (!last || strcmp(last, obj)) {
			printf("%s%s:\n", obj[0] ? cli_text(obj, &o_esc) : "(global)", dry ? " (dry run)" : "");
			free(o_esc);
			last = obj;
		}
		const char *key = cli_text(vxt_report_key(r, i), &k_esc);
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
		free(k_esc);
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
	if (json) {
		int rc = report_print_json(r);
		if (rc < 0) {
			cli_error("writing the JSON report: %s", strerror(-rc));
			return EXIT_SYSTEM;
		}
	} else {
		report_print_text(r, show_all);
	}
	return report_exit_code(r);
}

int report_exit_code(const struct vxt_report *r)
{
	return vxt_report_unmet(r) ? EXIT_UNMET : EXIT_DONE;
}
