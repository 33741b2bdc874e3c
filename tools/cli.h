/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared declarations of the vxlantune command-line tool. */
#ifndef VXT_CLI_H
#define VXT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "vxlantune.h"

/* Exit codes (documented in --help and vxlantune(8)). */
enum {
	EXIT_DONE = 0,     /* done, also when nothing needed changing */
	EXIT_UNMET = 1,    /* some request could not be met (fixed feature, ...) */
	EXIT_USAGE = 2,    /* bad command line or input */
	EXIT_NOTFOUND = 3, /* no such interface or file */
	EXIT_PERM = 4,     /* permission denied (needs CAP_NET_ADMIN / root) */
	EXIT_SYSTEM = 5,   /* any other system error */
};

extern int cli_verbose;

/* Where `watch` keeps its state for `check` (watch --state, check --watch-state). */
#define WATCH_STATE_DEFAULT "/run/vxlantune/watch.json"

/* "vxlantune: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: message, then a pointer to --help; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as it may be shown on a terminal: itself, or (control characters,
 * bytes that are not UTF-8) an escaped copy that *tofree owns. */
const char *cli_text(const char *s, char **tofree);
/* Exit code for a negative errno. */
int cli_exit_for(int err);
/* Print the context's message for a failed call; returns its exit code. */
int cli_fail(struct vxt_ctx *ctx, int rc);
/* A context whose log goes to stderr at the -v level. */
int cli_ctx_new(struct vxt_ctx **ctx);
/* Print a JSON object to stdout (pretty), then free it. */
void cli_print_json(json_object *obj);
/* The library's preset names, "calico-incident, checksum" (static). */
const char *cli_preset_names(void);
/* A decimal integer in min..max (whole string); sets *out. */
bool cli_parse_long(const char *s, long min, long max, long *out);
/* A port 1..65535 (sets *port). */
bool cli_parse_port(const char *s, long *port);
/* Block SIGTERM, SIGINT (and SIGHUP) and return a signalfd for them, or -1
 * after printing why. */
int cli_signalfd(const char *cmd, bool hup);
/* What a long-running command (watch, responder) sets up first: stdout
 * line-buffered (a journal sees each line), the signalfd above, a context.
 * EXIT_DONE, or EXIT_SYSTEM after printing why (nothing left open). */
int cli_daemon_start(const char *cmd, bool hup, int *sfd, struct vxt_ctx **ctx);
/* The probe options `check` and `diagnose` share (peers, timeout, the
 * responder's port, the bulk size, the VXLAN devices (NULL-terminated),
 * the underlay method) in a new *out.  EXIT_DONE, or the exit code after
 * printing why (a --peer that is no numeric address: a usage error). */
int cli_probe_opts(const char *cmd, const char *const *peers, unsigned int npeers, long timeout_ms,
                   long responder_port, long bulk_size, const char *const *vxlan,
                   const char *method, struct vxt_check_opts **out);
/* True if s is "on"/"off" (sets *on); accepts ethtool's words only. */
bool cli_parse_onoff(const char *s, bool *on);

/* Reports: text (changes and problems; all entries with show_all) or JSON. */
struct json_stream;
/* The JSON report in three parts: {"dry_run", "entries": [ ... entries of
 * one or more reports ... ], "changed", "unmet", "summary"} with the
 * totals of the report given to the end. */
void report_json_begin(struct json_stream *js, bool dry_run);
void report_json_entries(struct json_stream *js, const struct vxt_report *r);
void report_json_end(struct json_stream *js, const struct vxt_report *totals);
/* All three to stdout; 0 or -errno of a failed write. */
int report_print_json(const struct vxt_report *r);
void report_print_text(const struct vxt_report *r, bool show_all);
/* The two halves of report_print_text: the entries (grouped by object),
 * and the one-line summary of the counts. */
void report_print_entries(const struct vxt_report *r, bool show_all);
void report_print_summary(const struct vxt_report *r);
/* Print the report (JSON or text) and return report_exit_code(). */
int report_emit(const struct vxt_report *r, bool json, bool show_all);
/* Exit code for a finished operation: EXIT_UNMET if vxt_report_unmet(). */
int report_exit_code(const struct vxt_report *r);

/* A remedy as the command that makes it, prefixed "on the peer's node
 * (ADDR): " for the peer (remedy_text.c). */
void remedy_format(const struct vxt_remedy *r, char *buf, size_t len);

/* The responder on addrs (none: every IPv4 and IPv6 address), port 0 =
 * the default, reporting the underlay that method (NULL: default-route)
 * finds; prints where it answers (responder_opts.c).  EXIT_DONE or the
 * exit code after printing the error. */
int responder_open(struct vxt_ctx *ctx, const char *const *addrs, unsigned int naddrs,
                   unsigned int port, const char *method, struct vxt_responder **out);
extern const char *responder_opts_help;
#define VXT_STR_(x) #x
#define VXT_STR(x) VXT_STR_(x)

/* --config / --preset (policy_opts.c). */
struct policy_opts {
	const char *config;
	const char *preset;
	bool strict_modes; /* refuse a file another user could change (watch) */
};
/* Load the policy; EXIT_DONE or the exit code after printing the error. */
int policy_opts_load(struct vxt_ctx *ctx, const struct policy_opts *o, const char *cmd,
                     struct vxt_policy **out);
extern const char *policy_opts_help;

/* Commands: argv[0] is the command name. */
int cmd_offloads(int argc, char **argv);
int cmd_sysctl(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_underlay(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
/* check with several peers: the mesh as one table (check_matrix.c). */
void check_print_matrix(const struct vxt_check *c);
int cmd_responder(int argc, char **argv);

#endif
