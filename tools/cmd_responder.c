/* vxlantune responder: the peer side of vxlantune check, in the
 * foreground until SIGTERM/SIGINT. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
"Usage: vxlantune responder [--listen ADDR]... [--port N] [--underlay-method SPEC]\n"
"\n"
"%s"
"\n"
"Run one on every node (watch --responder does it in the watcher), then\n"
"  vxlantune check --peer OTHER-NODE-OVERLAY-ADDR\n"
"on any node probes the responder and says which node's transmit path\n"
"breaks packets.\n"
"\n"
"Options:\n"
"  --listen ADDR          numeric address to answer on (repeatable, at most\n"
"                         16; it need not exist yet): the node's overlay\n"
"                         address, e.g. vxlan.calico's; default: every\n"
"                         address (then firewall the port)\n"
"  --port N               TCP and UDP port (default %d)\n"
"  --underlay-method SPEC the underlay to report to probers (as 'vxlantune\n"
"                         underlay --method'; default default-route)\n"
"  -h, --help             this help\n"
"\n"
"Signals: SIGTERM/SIGINT stop (exit 0).\n"
"Exit status: 0 stopped by a signal; 2 usage error; 4 permission denied\n"
"(a port below 1024 without CAP_NET_BIND_SERVICE); 5 other errors (e.g. the\n"
"port is in use).\n"
"\n"
"Example:\n"
"  vxlantune responder --listen 203.0.113.1\n",
		responder_opts_help, VXT_RESPONDER_PORT);
}

static const struct option opts[] = {
	{"listen", required_argument, NULL, 'l'},
	{"port", required_argument, NULL, 'P'},
	{"underlay-method", required_argument, NULL, 'm'},
	{"help", no_argument, NULL, 'h'},
	{0},
};

int cmd_responder(int argc, char **argv)
{
	const char *addrs[17] = {0}, *method = NULL;
	unsigned int n = 0;
	long port = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (n >= 16)
				return cli_usage("responder", "at most 16 --listen addresses");
			addrs[n++] = optarg;
			break;
		case 'P':
			if (!cli_parse_port(optarg, &port))
				return cli_usage("responder", "--port '%s': give a port 1..65535", optarg);
			break;
		case 'm': method = optarg; break;
		case 'h': usage(stdout); return EXIT_DONE;
		default: return cli_usage("responder", "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage("responder", "unexpected argument '%s'", argv[optind]);
	int sfd;
	struct vxt_ctx *ctx;
	if (cli_daemon_start("responder", false, &sfd, &ctx) != EXIT_DONE)
		return EXIT_SYSTEM;
	struct vxt_responder *r = NULL;
	int ret = responder_open(ctx, addrs, n, (unsigned int)port, method, &r);
	while (ret == EXIT_DONE) {
		struct pollfd pfd[2] = {{.fd = vxt_responder_fd(r), .events = POLLIN},
		                        {.fd = sfd, .events = POLLIN}};
		if (poll(pfd, 2, vxt_responder_timeout_ms(r)) < 0 && errno != EINTR) {
			cli_error("responder: poll: %s", strerror(errno));
			ret = EXIT_SYSTEM;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				printf("responder: %s: stopping (%lu answered, %lu malformed dropped, "
				       "%lu over a limit)\n", strsignal((int)si.ssi_signo),
				       vxt_responder_answered(r), vxt_responder_dropped(r),
				       vxt_responder_limited(r));
				break;
			}
		}
		if (vxt_responder_dispatch(r) < 0)
			cli_error("responder: %s", vxt_ctx_errmsg(ctx));
	}
	vxt_responder_unref(r);
	vxt_ctx_unref(ctx);
	close(sfd);
	return ret;
}
