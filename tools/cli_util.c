/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error printing, exit codes and small parsers shared by the commands. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"

int cli_verbose;

/* Every message that can quote input goes through here: control
 * characters and bytes that are not UTF-8 are shown as \xNN (the library's
 * own messages are escaped the same way already). */
static void put_escaped(const char *fmt, va_list ap)
{
	char raw[4096], *safe = NULL;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	if (vxt_text_escape(raw, VXT_ESCAPE_TEXT, &safe) == 0)
		fputs(safe, stderr);
	free(safe);
}

const char *cli_text(const char *s, char **tofree)
{
	*tofree = NULL;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c >= 0x7f) /* rare: only then decode and escape */
			return vxt_text_escape(s, VXT_ESCAPE_TEXT, tofree) == 0 ? *tofree : "?";
	return s;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("vxlantune: ", stderr);
	va_start(ap, fmt);
	put_escaped(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("vxlantune: ", stderr);
	va_start(ap, fmt);
	put_escaped(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vxlantune %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int cli_exit_for(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return EXIT_DONE;
	case EINVAL: case ERANGE: case E2BIG: case EISDIR: case EILSEQ: return EXIT_USAGE;
	case ENODEV: case ENOENT: case ENXIO: return EXIT_NOTFOUND;
	case EPERM: case EACCES: case EROFS: return EXIT_PERM;
	default: return EXIT_SYSTEM;
	}
}

int cli_fail(struct vxt_ctx *ctx, int rc)
{
	const char *msg = ctx ? vxt_ctx_errmsg(ctx) : "";
	if (msg && *msg)
		cli_error("%s", msg);
	else
		cli_error("%s", strerror(rc < 0 ? -rc : rc));
	return cli_exit_for(rc);
}

static void log_stderr(struct vxt_ctx *ctx, int prio, const char *file, int line,
                       const char *fn, const char *format, va_list args)
{
	fprintf(stderr, "vxlantune: %s: ", prio <= LOG_ERR ? "error" : prio <= LOG_WARNING ? "warning" :
	        prio <= LOG_INFO ? "info" : "debug");
	put_escaped(format, args);
	fputc('\n', stderr);
}

int cli_ctx_new(struct vxt_ctx **ctx)
{
	int rc = vxt_ctx_new(ctx);
	if (rc < 0) {
		cli_error("cannot create a context: %s", strerror(-rc));
		return rc;
	}
	vxt_ctx_set_log_fn(*ctx, log_stderr);
	vxt_ctx_set_log_priority(*ctx, cli_verbose >= 2 ? LOG_DEBUG : cli_verbose ? LOG_INFO : LOG_WARNING);
	return 0;
}

/* JSON output is valid UTF-8: names are bytes to the kernel, and a byte
 * that is not UTF-8 is printed as \u00NN, the Latin-1 character of that
 * byte (documented in vxlantune(8)). */
void cli_print_json(json_object *obj)
{
	char *safe = NULL;
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
	                                                       JSON_C_TO_STRING_NOSLASHESCAPE);
	if (vxt_text_escape(text, VXT_ESCAPE_JSON, &safe) == 0)
		fputs(safe, stdout);
	free(safe);
	fputc('\n', stdout);
	json_object_put(obj);
}

bool cli_parse_onoff(const char *s, bool *on)
{
	if (!strcmp(s, "on")) {
		*on = true;
		return true;
	}
	if (!strcmp(s, "off")) {
		*on = false;
		return true;
	}
	return false;
}

const char *cli_preset_names(void)
{
	static char names[256];
	size_t used = 0;
	names[0] = '\0';
	for (unsigned int i = 0; i < vxt_preset_count() && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
		                         vxt_preset_name(i));
	return names;
}

bool cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_port(const char *s, long *port) { return cli_parse_long(s, 1, 65535, port); }

int cli_signalfd(const char *cmd, bool hup)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (hup)
		sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (fd < 0)
		cli_error("%s: signalfd: %s", cmd, strerror(errno));
	return fd;
}

int cli_daemon_start(const char *cmd, bool hup, int *sfd, struct vxt_ctx **ctx)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	*sfd = cli_signalfd(cmd, hup);
	if (*sfd < 0)
		return EXIT_SYSTEM;
	if (cli_ctx_new(ctx) < 0) {
		close(*sfd);
		*sfd = -1;
		return EXIT_SYSTEM;
	}
	return EXIT_DONE;
}

int cli_probe_opts(const char *cmd, const char *const *peers, unsigned int npeers, long timeout_ms,
                   long responder_port, long bulk_size, const char *const *vxlan,
                   const char *method, struct vxt_check_opts **out)
{
	struct vxt_check_opts *o = NULL;
	if (vxt_check_opts_new(&o) < 0) {
		cli_error("out of memory");
		return EXIT_SYSTEM;
	}
	for (unsigned int i = 0; i < npeers; i++)
		if (vxt_check_opts_add_peer(o, peers[i]) < 0) {
			vxt_check_opts_unref(o);
			return cli_usage(cmd, "--peer '%s': give a numeric IPv4 or IPv6 address "
			                      "(no names: nothing is looked up)", peers[i]);
		}
	vxt_check_opts_set_timeout(o, (int)timeout_ms);
	vxt_check_opts_set_responder_port(o, (unsigned int)responder_port);
	vxt_check_opts_set_bulk_size(o, (unsigned int)bulk_size);
	if (vxlan && vxlan[0])
		vxt_check_opts_set_vxlan(o, vxlan);
	if (method)
		vxt_check_opts_set_underlay_method(o, method);
	*out = o;
	return EXIT_DONE;
}
