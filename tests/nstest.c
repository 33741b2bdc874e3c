/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nstest.h"
#include "vxlantune.h"

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	return s;
}

void nstest_enter(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0,
	              "unshare(CLONE_NEWNET) failed: %m (tests must run as root)");
	nstest_sh("ip link set lo up");
}

static int run(const char *cmd)
{
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int nstest_sh_rc(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = vformat(fmt, ap);
	va_end(ap);
	int rc = run(cmd);
	free(cmd);
	return rc;
}

void nstest_sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = vformat(fmt, ap);
	va_end(ap);
	int rc = run(cmd);
	ck_assert_msg(rc == 0, "command failed (exit %d): %s", rc, cmd);
	free(cmd);
}

char *nstest_capture(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = vformat(fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "popen %s: %m", cmd);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = '\0';
	pclose(p);
	free(cmd);
	return buf;
}

char *nstest_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 65536);
	size_t n = buf ? fread(buf, 1, 65535, f) : 0;
	(void)n;
	fclose(f);
	return buf;
}

int nstest_ethtool(const char *ifname, const char *feature, bool *fixed)
{
	char *out = nstest_capture("ethtool -k '%s' 2>/dev/null", ifname);
	int state = -1;
	size_t flen = strlen(feature);
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		while (*line == '\t' || *line == ' ')
			line++;
		if (strncmp(line, feature, flen) || line[flen] != ':')
			continue;
		const char *v = line + flen + 1;
		while (*v == ' ')
			v++;
		state = !strncmp(v, "on", 2) ? 1 : !strncmp(v, "off", 3) ? 0 : -1;
		if (fixed)
			*fixed = strstr(v, "[fixed]") != NULL;
		break;
	}
	free(out);
	return state;
}

void nstest_cap_effective(int cap, bool on)
{
	cap_t caps = cap_get_proc();
	ck_assert_ptr_nonnull(caps);
	cap_value_t v = cap;
	ck_assert_int_eq(cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, on ? CAP_SET : CAP_CLEAR), 0);
	ck_assert_int_eq(cap_set_proc(caps), 0);
	cap_free(caps);
}

void nstest_drop_net_admin(void)
{
	nstest_cap_effective(CAP_NET_ADMIN, false);
}

void nstest_veths(const char *prefix, unsigned int n)
{
	char path[] = "/tmp/nstest-batch-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	for (unsigned int i = 0; i < n; i++)
		fprintf(f, "link add %s%ua type veth peer name %s%ub\n", prefix, i, prefix, i);
	fclose(f);
	nstest_sh("ip -batch %s", path);
	unlink(path);
}

struct vxt_ctx *nstest_ctx(void)
{
	struct vxt_ctx *ctx = NULL;
	ck_assert_int_eq(vxt_ctx_new(&ctx), 0);
	return ctx;
}

unsigned int nstest_find_entry(const struct vxt_report *r, const char *object, const char *key)
{
	for (unsigned int i = 0; i < vxt_report_count(r); i++)
		if ((!object || !strcmp(vxt_report_object(r, i), object)) &&
		    (!key || !strcmp(vxt_report_key(r, i), key)))
			return i;
	ck_abort_msg("no report entry for %s %s", object ? object : "*", key ? key : "*");
	return 0;
}

char *nstest_grep_key(const char *family, const char *key)
{
	return nstest_capture("cd /proc/sys/net/%s/conf && grep -H . */%s", family, key);
}

const char *nstest_grep_value(const char *out, const char *obj, const char *key)
{
	static char v[64];
	char pat[96];
	snprintf(pat, sizeof(pat), "%s/%s:", obj, key);
	for (const char *p = out; (p = strstr(p, pat)); p++) {
		if (p != out && p[-1] != '\n')
			continue;
		p += strlen(pat);
		size_t n = strcspn(p, "\n");
		ck_assert_uint_lt(n, sizeof(v));
		memcpy(v, p, n);
		v[n] = '\0';
		return v;
	}
	ck_abort_msg("no %s in grep output", pat);
	return NULL;
}

/* ---- a hook before the first write ------------------------------------ */

static struct {
	const char *cmd;
	int pipe[2]; /* the listener fd goes to the helper through it */
} hook;

/* Answers every notification with "go ahead"; the first one after running
 * the command.  Started before the filter exists, so neither this thread
 * nor the command it runs is filtered. */
static void *hook_main(void *arg)
{
	(void)arg;
	int fd;
	if (read(hook.pipe[0], &fd, sizeof(fd)) != sizeof(fd))
		return NULL;
	for (bool first = true;; first = false) {
		struct seccomp_notif req;
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;
		if (first && run(hook.cmd) != 0)
			fprintf(stderr, "nstest hook: '%s' failed\n", hook.cmd);
		struct seccomp_notif_resp resp = {.id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return NULL;
}

bool nstest_before_first_write_open(const char *cmd)
{
	/* openat() whose flags ask for writing waits for the helper. */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_WRONLY | O_RDWR, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	pthread_t th;
	hook.cmd = cmd;
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &(unsigned int){SECCOMP_RET_USER_NOTIF}) &&
	    errno == ENOSYS)
		return false; /* valgrind does not emulate seccomp */
	ck_assert_int_eq(pipe(hook.pipe), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, hook_main, NULL), 0);
	pthread_detach(th);
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	ck_assert_msg(fd >= 0, "seccomp listener: %m");
	ck_assert_int_eq(write(hook.pipe[1], &fd, sizeof(fd)), (ssize_t)sizeof(fd));
	return true;
}

void nstest_in_child(int (*fn)(void), const char *what)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn());
	int st = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s step %d failed", what,
	              WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
