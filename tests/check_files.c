/* Untrusted bytes and files (issue 14): vxt_text_escape, the kernel's
 * interface-name rule, vxt_file_write_atomic's failure modes (the old file
 * intact, nothing left behind, nothing planted followed) and
 * vxt_file_read's refusals.  No networking. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vxlantune.h"

static const struct {
	const char *in, *text, *json;
} escapes[] = {
	{"plain", "plain", "plain"},
	{"caliü", "caliü", "caliü"},
	{"\x1b[2J", "\\x1b[2J", "\x1b[2J"},
	{"bell\a", "bell\\x07", "bell\a"},
	{"del\x7f", "del\\x7f", "del\x7f"},
	{"c1 \xc2\x9b", "c1 \\x9b", "c1 \xc2\x9b"},             /* U+009B CSI, valid UTF-8 */
	{"latin1 \xff", "latin1 \\xff", "latin1 \\u00ff"},        /* not UTF-8 */
	{"overlong \xc0\xaf", "overlong \\xc0\\xaf", "overlong \\u00c0\\u00af"},
	{"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80", "surrogate \\u00ed\\u00a0\\u0080"},
	{"cut \xe2\x82", "cut \\xe2\\x82", "cut \\u00e2\\u0082"},
	{"euro \xe2\x82\xac", "euro \xe2\x82\xac", "euro \xe2\x82\xac"},
	{"max \xf4\x8f\xbf\xbf", "max \xf4\x8f\xbf\xbf", "max \xf4\x8f\xbf\xbf"},
	{"above \xf4\x90\x80\x80", "above \\xf4\\x90\\x80\\x80", "above \\u00f4\\u0090\\u0080\\u0080"},
};

START_TEST(text_escape)
{
	char *t = NULL, *j = NULL;
	ck_assert_int_eq(vxt_text_escape(escapes[_i].in, VXT_ESCAPE_TEXT, &t), 0);
	ck_assert_int_eq(vxt_text_escape(escapes[_i].in, VXT_ESCAPE_JSON, &j), 0);
	ck_assert_str_eq(t, escapes[_i].text);
	ck_assert_str_eq(j, escapes[_i].json);
	free(t);
	free(j);
}
END_TEST

START_TEST(text_escape_args)
{
	char *t = NULL;
	ck_assert_int_eq(vxt_text_escape("x", 7, &t), -EINVAL);
	ck_assert_int_eq(vxt_text_escape("x", VXT_ESCAPE_TEXT, NULL), -EINVAL);
	ck_assert_int_eq(vxt_text_escape(NULL, VXT_ESCAPE_TEXT, &t), 0);
	ck_assert_str_eq(t, "");
	free(t);
}
END_TEST

/* The kernel's dev_valid_name(): any byte but '/', ':' and its isspace(). */
START_TEST(ifname_kernel_rule)
{
	ck_assert_int_eq(vxt_ifname_valid("caliü"), 0);
	ck_assert_int_eq(vxt_ifname_valid("cali\xff"), 0);
	ck_assert_int_eq(vxt_ifname_valid("cali*"), 0);
	ck_assert_int_eq(vxt_ifname_valid("a=b"), 0);
	ck_assert_int_eq(vxt_ifname_valid("esc\x1b"), 0);
	ck_assert_int_eq(vxt_ifname_valid("nbsp\xa0"), -EINVAL);
	ck_assert_int_eq(vxt_ifname_valid("vt\v"), -EINVAL);
	ck_assert_int_eq(vxt_ifname_valid("a:b"), -EINVAL);
}
END_TEST

/* The context's message is escaped for every caller. */
START_TEST(errmsg_escaped)
{
	struct vxt_ctx *ctx = NULL;
	ck_assert_int_eq(vxt_ctx_new(&ctx), 0);
	struct vxt_features *f = NULL;
	ck_assert_int_lt(vxt_features_get(ctx, "\x1b[2J/", &f), 0);
	ck_assert_ptr_null(strchr(vxt_ctx_errmsg(ctx), '\x1b'));
	vxt_ctx_unref(ctx);
}
END_TEST

static char dir[64];
static struct vxt_ctx *ctx;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vxt-check-files.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(vxt_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	vxt_ctx_unref(ctx);
}

static unsigned int entries(void)
{
	DIR *d = opendir(dir);
	unsigned int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static char *path(const char *name)
{
	static char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* name holds exactly want (read back with vxt_file_read). */
static void holds(const char *name, const char *want)
{
	char *text = NULL;
	ck_assert_int_eq(vxt_file_read(ctx, path(name), 1 << 20, 0, &text, NULL), 0);
	ck_assert_str_eq(text, want);
	free(text);
}

START_TEST(write_replaces)
{
	put("f", "old\n");
	ck_assert_int_eq(vxt_file_write_atomic(ctx, path("f"), "new\n", 4, 0640), 0);
	holds("f", "new\n");
	struct stat st;
	ck_assert_int_eq(stat(path("f"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_uint_eq(entries(), 1);
}
END_TEST

START_TEST(write_symlink_replaced_not_followed)
{
	put("victim", "secret\n");
	char target[128];
	snprintf(target, sizeof(target), "%s", path("victim"));
	ck_assert_int_eq(symlink(target, path("link")), 0);
	ck_assert_int_eq(vxt_file_write_atomic(ctx, path("link"), "x", 1, 0644), 0);
	holds("victim", "secret\n");
	struct stat st;
	ck_assert_int_eq(lstat(path("link"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(entries(), 2);
}
END_TEST

/* A write that fails half-way (RLIMIT_FSIZE: EFBIG) keeps the old file
 * and leaves no temporary. */
START_TEST(write_failure_keeps_old)
{
	put("f", "old\n");
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {.rlim_cur = 8, .rlim_max = RLIM_INFINITY};
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	int rc = vxt_file_write_atomic(ctx, path("f"), "a much longer new text\n", 23, 0644);
	rl.rlim_cur = RLIM_INFINITY;
	setrlimit(RLIMIT_FSIZE, &rl);
	ck_assert_int_eq(rc, -EFBIG);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "the old file, if any, is unchanged"));
	holds("f", "old\n");
	ck_assert_uint_eq(entries(), 1);
}
END_TEST

START_TEST(write_refusals)
{
	ck_assert_int_eq(vxt_file_write_atomic(ctx, "", "x", 1, 0644), -EINVAL);
	ck_assert_int_eq(vxt_file_write_atomic(ctx, NULL, "x", 1, 0644), -EINVAL);
	ck_assert_int_eq(vxt_file_write_atomic(ctx, dir, "x", 1, 0644), -EISDIR);
	ck_assert_int_eq(vxt_file_write_atomic(ctx, path("sub/"), "x", 1, 0644), -EISDIR);
	ck_assert_int_eq(vxt_file_write_atomic(ctx, path("none/f"), "x", 1, 0644), -ENOENT);
	ck_assert_uint_eq(entries(), 0);
}
END_TEST

START_TEST(read_refusals)
{
	char *t = NULL;
	ck_assert_int_eq(mkfifo(path("fifo"), 0600), 0);
	ck_assert_int_eq(vxt_file_read(ctx, path("fifo"), 100, 0, &t, NULL), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "is a FIFO"));
	ck_assert_int_eq(vxt_file_read(ctx, dir, 100, 0, &t, NULL), -EISDIR);
	ck_assert_int_eq(vxt_file_read(ctx, "/dev/null", 100, 0, &t, NULL), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "character device"));
	put("big", "0123456789");
	ck_assert_int_eq(vxt_file_read(ctx, path("big"), 9, 0, &t, NULL), -E2BIG);
	size_t len = 0;
	ck_assert_int_eq(vxt_file_read(ctx, path("big"), 10, 0, &t, &len), 0);
	ck_assert_uint_eq(len, 10);
	free(t);
}
END_TEST

START_TEST(read_strict_modes)
{
	char *t = NULL;
	put("p", "x");
	ck_assert_int_eq(chmod(path("p"), 0666), 0);
	ck_assert_int_eq(vxt_file_read(ctx, path("p"), 100, VXT_FILE_STRICT_MODES, &t, NULL), -EPERM);
	ck_assert_ptr_nonnull(strstr(vxt_ctx_errmsg(ctx), "writable by every user"));
	ck_assert_int_eq(vxt_file_read(ctx, path("p"), 100, 0, &t, NULL), 0); /* a warning only */
	free(t);
	ck_assert_int_eq(chmod(path("p"), 0644), 0);
	ck_assert_int_eq(vxt_file_read(ctx, path("p"), 100, VXT_FILE_STRICT_MODES, &t, NULL), 0);
	free(t);
}
END_TEST

static Suite *files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("escape");
	tcase_add_loop_test(tc, text_escape, 0, sizeof(escapes) / sizeof(escapes[0]));
	tcase_add_test(tc, text_escape_args);
	tcase_add_test(tc, ifname_kernel_rule);
	tcase_add_test(tc, errmsg_escaped);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, write_replaces);
	tcase_add_test(tc, write_symlink_replaced_not_followed);
	tcase_add_test(tc, write_failure_keeps_old);
	tcase_add_test(tc, write_refusals);
	tcase_add_test(tc, read_refusals);
	tcase_add_test(tc, read_strict_modes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(files_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
