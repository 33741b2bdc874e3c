/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vxlantune watch: apply a policy, then keep it applied.  Foreground,
 * one log line per action; SIGTERM/SIGINT stop it (exit 0), SIGHUP reloads
 * the policy file; readiness goes to systemd's $NOTIFY_SOCKET if set. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
"Usage: vxlantune watch [--config FILE | --preset NAME] [--dry-run] [--quiet]\n"
"                       [--ready-file FILE] [--responder[=ADDR]]... [--responder-port N]\n"
"\n"
"Apply the policy, then wait for link notifications (RTNLGRP_LINK; no\n"
"polling: an idle watcher never wakes up) and re-apply it within\n"
"milliseconds whenever a selected interface appears, is re-created (e.g.\n"
"calico-node re-creating vxlan.calico), is renamed into a selector (a new\n"
"name is a new device) or has its features changed behind our back.  New\n"
"interfaces and new names also get the policy's sysctls.  With underlay\n"
"rules it also follows route and address changes and tunes a new underlay\n"
"(a default route added later, a lower-metric one via another NIC).  If\n"
"notifications are lost (socket overrun) the whole policy is re-applied.\n"
"\n"
"A policy whose feature rules contradict each other for one interface\n"
"([interface cali*] gro off, [interface cali1] gro on) is refused at start.\n"
"A device that something else keeps changing back is re-applied at most 4\n"
"times a second, then after 1 s, 2 s ... up to every 60 s until it settles\n"
"(one warning when it starts backing off, one when it settles).  When a part of\n"
"the policy cannot be applied (at start or later), the error is logged and\n"
"the watcher keeps going: the next event or SIGHUP tries again, and\n"
"'vxlantune check' reports the difference meanwhile.\n"
"\n"
"%s"
"\n"
"Options:\n"
"  -n, --dry-run   log what would change; change nothing\n"
"  -q, --quiet     log only changes and errors, not the start-up report\n"
"  --state FILE    keep the watcher's state there for 'vxlantune check'\n"
"                  (the devices it backs off from), rewritten atomically\n"
"                  when it changes, removed on exit; default\n"
"                  " WATCH_STATE_DEFAULT " when /run/vxlantune\n"
"                  exists (systemd: RuntimeDirectory=vxlantune)\n"
"  --no-state      keep no state file\n"
"  --ready-file FILE  create FILE (empty) while the last apply succeeded,\n"
"                  remove it while some part failed and on exit: a\n"
"                  readiness probe for containers (test -e FILE)\n"
"  --responder[=ADDR]  also run the responder (as 'vxlantune responder') in\n"
"                  the same process: on ADDR (repeatable; the node's overlay\n"
"                  address), or on every address without =ADDR\n"
"  --responder-port N  its TCP/UDP port (default %d)\n"
"  -h, --help      this help\n"
"\n"
"Signals: SIGTERM/SIGINT stop (exit 0); SIGHUP reloads --config FILE.\n"
"Runs under systemd (Type=notify) and as a Kubernetes DaemonSet: see\n"
"examples/vxlantune.service and examples/kubernetes/.\n"
"\n"
"Exit status: 0 stopped by a signal; 2 bad policy or usage; 4 permission\n"
"denied; 5 other errors.\n",
		policy_opts_help, VXT_RESPONDER_PORT);
}

static void stamp(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	printf("%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	       tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* One line per interface that changed (or failed): what and how. */
static void log_report(const struct vxt_report *r, const char *why)
{
	unsigned int n = vxt_report_count(r);
	for (unsigned int i = 0; i < n;) {
		const char *obj = vxt_report_object(r, i);
		unsigned int j = i, shown = 0;
		for (; j < n && !strcmp(vxt_report_object(r, j), obj); j++) {
			int st = vxt_report_status(r, j);
			if (st == VXT_STATUS_UNCHANGED)
				continue;
			if (!shown++) {
				stamp();
				printf("%s: %s:", why, obj[0] ? obj : "(global)");
			}
			if (st == VXT_STATUS_FAILED)
				printf(" %s failed (%s)", vxt_report_key(r, j), strerror(vxt_report_error(r, j)));
			else if (st == VXT_STATUS_GONE)
				printf(" gone");
			else if (st == VXT_STATUS_ROLLED_BACK)
				printf(" %s rolled back to %s", vxt_report_key(r, j), vxt_report_after(r, j));
			else
				printf(" %s %s->%s%s", vxt_report_key(r, j), vxt_report_before(r, j),
				       vxt_report_after(r, j), st == VXT_STATUS_FIXED ? " [fixed]" : "");
		}
		if (shown)
			putchar('\n');
		i = j;
	}
	fflush(stdout);
}

static void summary(const struct vxt_report *r, const char *what)
{
	stamp();
	printf("%s: %u changed, %u unchanged, %u side effects, %u fixed, %u gone, %u failed\n", what,
	       vxt_report_count_status(r, VXT_STATUS_CHANGED),
	       vxt_report_count_status(r, VXT_STATUS_UNCHANGED),
	       vxt_report_count_status(r, VXT_STATUS_SIDE_EFFECT),
	       vxt_report_count_status(r, VXT_STATUS_FIXED),
	       vxt_report_count_status(r, VXT_STATUS_GONE),
	       vxt_report_count_status(r, VXT_STATUS_FAILED));
	fflush(stdout);
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

/* The readiness file says whether the last apply succeeded.  It is a
 * marker only (no content), created without following a symlink. */
static void set_ready(const char *path, bool ready)
{
	if (!path)
		return;
	if (!ready) {
		if (unlink(path) < 0 && errno != ENOENT)
			cli_error("watch: %s: cannot remove the ready file: %s", path, strerror(errno));
		return;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		cli_error("watch: %s: cannot create the ready file: %s", path, strerror(errno));
	else
		close(fd);
}

static bool applied(const struct vxt_report *r)
{
	return vxt_report_count_status(r, VXT_STATUS_FAILED) == 0;
}

static const struct option opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"preset", required_argument, NULL, 'p'},
	{"dry-run", no_argument, NULL, 'n'},
	{"quiet", no_argument, NULL, 'q'},
	{"ready-file", required_argument, NULL, 'Y'},
	{"state", required_argument, NULL, 's'},
	{"no-state", no_argument, NULL, 'S'},
	{"responder", optional_argument, NULL, 'R'},
	{"responder-port", required_argument, NULL, 'P'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

/* A watcher for the policy, with the whole policy applied if it can be:
 * when it cannot, the error is logged and the watcher is kept, as later
 * (*ok says which). */
static int start(struct vxt_ctx *ctx, const struct policy_opts *po, unsigned int flags, bool quiet,
                 struct vxt_watch **out, bool *ok)
{
	struct vxt_policy *p = NULL;
	int ret = policy_opts_load(ctx, po, "watch", &p);
	if (ret != EXIT_DONE)
		return ret;
	struct vxt_watch *w = NULL;
	int rc = vxt_watch_new(ctx, p, flags, &w);
	vxt_policy_unref(p);
	if (rc < 0)
		return cli_fail(ctx, rc);
	struct vxt_report *r = NULL;
	if ((rc = vxt_watch_resync(w, &r)) < 0) {
		cli_error("watch: the policy was not applied: %s", vxt_ctx_errmsg(ctx));
		*ok = false;
	} else {
		log_report(r, "apply");
		if (!quiet)
			summary(r, "policy applied");
		*ok = applied(r);
		vxt_report_unref(r);
	}
	*out = w;
	return EXIT_DONE;
}

/* The state file for `vxlantune check` (which devices the watcher backs
 * off from): rewritten, atomically, whenever that changes. */
struct state_file {
	const char *path; /* NULL: none */
	char *last;       /* the back-off part last written */
	bool warned;
};

static void state_update(struct vxt_ctx *ctx, struct state_file *sf, const struct vxt_watch *w,
                         bool force)
{
	if (!sf->path)
		return;
	char *json = NULL;
	if (vxt_watch_state_json(w, &json) < 0)
		return;
	/* Only the back-offs matter to check: compare those. */
	const char *b = strstr(json, "\"backoff\"");
	if (!force && sf->last && b && !strcmp(sf->last, b)) {
		free(json);
		return;
	}
	free(sf->last);
	sf->last = b ? strdup(b) : NULL;
	if (vxt_file_write_atomic(ctx, sf->path, json, strlen(json), 0644) < 0 && !sf->warned) {
		cli_error("watch: %s; vxlantune check will not see back-offs (use --state FILE or "
		          "--no-state)", vxt_ctx_errmsg(ctx));
		sf->warned = true;
	}
	free(json);
}

int cmd_watch(int argc, char **argv)
{
	/* watch re-applies the file as root on every event (and SIGHUP):
	 * refuse a policy that another user could change. */
	struct policy_opts po = {.strict_modes = true};
	const char *ready_file = NULL;
	/* By default only where the service's runtime directory exists
	 * (systemd's RuntimeDirectory=vxlantune, a DaemonSet's mount). */
	struct stat st;
	struct state_file sf = {.path = stat("/run/vxlantune", &st) == 0 && S_ISDIR(st.st_mode)
	                                    ? WATCH_STATE_DEFAULT : NULL};
	bool dry = false, quiet = false, ok = false, responder = false;
	const char *raddrs[17] = {0};
	unsigned int nraddrs = 0;
	long rport = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:nqh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': po.config = optarg; break;
		case 'p': po.preset = optarg; break;
		case 'n': dry = true; break;
		case 'q': quiet = true; break;
		case 'Y': ready_file = optarg; break;
		case 's': sf.path = optarg; break;
		case 'S': sf.path = NULL; break;
		case 'R':
			responder = true;
			if (optarg && nraddrs >= 16)
				return cli_usage("watch", "at most 16 --responder addresses");
			if (optarg)
				raddrs[nraddrs++] = optarg;
			break;
		case 'P':
			if (!cli_parse_port(optarg, &rport))
				return cli_usage("watch", "--responder-port '%s': give a port 1..65535", optarg);
			break;
		case 'h': usage(stdout); return EXIT_DONE;
		default: return cli_usage("watch", "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage("watch", "unexpected argument '%s'", argv[optind]);
	int sfd;
	struct vxt_ctx *ctx;
	if (cli_daemon_start("watch", true, &sfd, &ctx) != EXIT_DONE)
		return EXIT_SYSTEM;
	unsigned int flags = dry ? VXT_DRY_RUN : 0;
	struct vxt_watch *w = NULL;
	struct vxt_responder *resp = NULL;
	set_ready(ready_file, false);
	int ret = start(ctx, &po, flags, quiet, &w, &ok);
	if (ret != EXIT_DONE)
		goto out;
	if (responder) {
		stamp();
		ret = responder_open(ctx, raddrs, nraddrs, (unsigned int)rport, NULL, &resp);
		if (ret != EXIT_DONE)
			goto out;
	}
	set_ready(ready_file, ok);
	stamp();
	printf("watching for link changes (underlay: %s)%s\n",
	       vxt_watch_underlay(w)[0] ? vxt_watch_underlay(w) : "none", dry ? " [dry run]" : "");
	state_update(ctx, &sf, w, true);
	notify("READY=1");
	for (;;) {
		struct pollfd pfd[3] = {{.fd = vxt_watch_fd(w), .events = POLLIN},
		                        {.fd = sfd, .events = POLLIN},
		                        {.fd = resp ? vxt_responder_fd(resp) : -1, .events = POLLIN}};
		/* A backed-off device is due even when nothing happens; the
		 * responder closes idle connections on time. */
		int wt = vxt_watch_timeout(w), rt = resp ? vxt_responder_timeout_ms(resp) : -1;
		int t = wt < 0 ? rt : rt < 0 || wt <= rt ? wt : rt;
		int n = poll(pfd, 3, t);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_error("watch: poll: %s", strerror(errno));
			ret = EXIT_SYSTEM;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				notify("RELOADING=1");
				struct vxt_watch *nw = NULL;
				stamp();
				printf("SIGHUP: reloading the policy\n");
				if (start(ctx, &po, flags, quiet, &nw, &ok) == EXIT_DONE) {
					vxt_watch_unref(w);
					w = nw;
					set_ready(ready_file, ok);
					state_update(ctx, &sf, w, true);
				} else {
					stamp();
					printf("reload failed: keeping the previous policy\n");
				}
				notify("READY=1");
				continue;
			}
			stamp();
			printf("%s: stopping\n", strsignal((int)si.ssi_signo));
			notify("STOPPING=1");
			ret = EXIT_DONE;
			break;
		}
		if (resp && vxt_responder_dispatch(resp) < 0)
			cli_error("responder: %s", vxt_ctx_errmsg(ctx));
		if ((n == 0 && t == wt) || (pfd[0].revents & (POLLIN | POLLERR))) {
			struct vxt_report *r = NULL;
			unsigned long resyncs = vxt_watch_resyncs(w);
			int rc = vxt_watch_dispatch(w, &r);
			if (rc < 0) {
				/* Log and go on: the next event may succeed. */
				cli_error("watch: %s", vxt_ctx_errmsg(ctx));
				set_ready(ready_file, false);
				continue;
			}
			/* Ready again only if the whole policy was applied at
			 * start (or this was a full resync). */
			if (vxt_watch_resyncs(w) != resyncs)
				ok = applied(r);
			set_ready(ready_file, ok && applied(r));
			if (vxt_watch_resyncs(w) != resyncs) {
				log_report(r, "resync");
				summary(r, "overrun: policy re-applied");
			} else {
				log_report(r, dry ? "would re-apply" : "re-applied");
			}
			vxt_report_unref(r);
			state_update(ctx, &sf, w, false);
		}
	}
out:
	set_ready(ready_file, false);
	/* No watcher, no state: check must not report a stale back-off. */
	if (sf.path && w)
		unlink(sf.path);
	free(sf.last);
	vxt_responder_unref(resp);
	vxt_watch_unref(w);
	vxt_ctx_unref(ctx);
	close(sfd);
	return ret;
}
