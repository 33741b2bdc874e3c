/* Files read and written as root, safely.
 *
 * Writing: the one atomic writer every file the project writes goes
 * through (snapshots, Prometheus textfiles, sysctl.d drop-ins).  The
 * temporary is created next to the target with O_CREAT|O_EXCL|O_NOFOLLOW
 * (mkstemp's rule, but relative to a directory descriptor so that the
 * directory cannot be swapped between create and rename): a symlink, FIFO
 * or file planted at any name we might use is never opened, followed or
 * reused.  Then write, fsync, rename over the target (which replaces a
 * planted symlink instead of following it), fsync the directory.  On any
 * failure the temporary is removed and the old target is untouched.
 *
 * Reading: policies and snapshots must be regular files (a FIFO would hang
 * the reader, a device could have side effects on open), of bounded size,
 * and -- like sshd's StrictModes -- neither they nor a directory above
 * them may be writable by a user other than root (or the caller). */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ---- writing ---------------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Create ".BASE.XXXXXX" in dirfd, exclusively; its name goes to tmp. */
static int create_temp(int dirfd, const char *base, unsigned int mode, char *tmp, size_t size)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char rnd[8];
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -EIO;
		char suffix[sizeof(rnd) + 1];
		for (size_t i = 0; i < sizeof(rnd); i++)
			suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
		suffix[sizeof(rnd)] = '\0';
		int n = snprintf(tmp, size, ".%.200s.%s", base, suffix);
		if (n < 0 || (size_t)n >= size)
			return -ENAMETOOLONG;
		int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		                mode & 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int vxt_file_write_atomic(struct vxt_ctx *ctx, const char *path, const void *data, size_t len,
                          unsigned int mode)
{
	vxt_clear_error(ctx);
	if (!path || !*path)
		return vxt_fail(ctx, EINVAL, "no file name given (an empty name is not the current directory)");
	if (!data && len)
		return vxt_fail(ctx, EINVAL, "%s: no data to write", path);
	size_t plen = strnlen(path, PATH_MAX);
	if (plen >= PATH_MAX)
		return vxt_fail(ctx, ENAMETOOLONG, "file name longer than %d bytes", PATH_MAX - 1);
	if (path[plen - 1] == '/')
		return vxt_fail(ctx, EISDIR, "%s: names a directory; give a file name", path);
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!strcmp(base, ".") || !strcmp(base, ".."))
		return vxt_fail(ctx, EISDIR, "%s: names a directory; give a file name", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);

	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return vxt_fail(ctx, errno, "%s: cannot open its directory %s: %s", path, dir, strerror(errno));
	/* A directory (or anything else that rename cannot replace) at the
	 * target is refused before a temporary exists. */
	struct stat st;
	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
		close(dirfd);
		return vxt_fail(ctx, EISDIR, "%s: is a directory; give a file name", path);
	}
	char tmp[NAME_MAX + 1];
	int fd = create_temp(dirfd, base, mode, tmp, sizeof(tmp));
	if (fd < 0) {
		close(dirfd);
		return vxt_fail(ctx, fd, "%s: cannot create a temporary file in %s: %s", path, dir,
		                strerror(-fd));
	}
	const char *step = "write";
	int rc = fchmod(fd, mode & 07777) < 0 ? -errno : 0;
	if (rc == 0)
		rc = write_all(fd, data, len);
	if (rc == 0 && (step = "fsync", fsync(fd) < 0))
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		step = "close", rc = -errno;
	if (rc == 0 && (step = "rename", renameat(dirfd, tmp, dirfd, base) < 0))
		rc = -errno;
	if (rc < 0) {
		unlinkat(dirfd, tmp, 0);
		close(dirfd);
		return vxt_fail(ctx, rc, "%s: cannot write (%s): %s; the old file, if any, is unchanged",
		                path, step, strerror(-rc));
	}
	/* The rename is durable only once the directory is. */
	if (fsync(dirfd) < 0 && errno != EINVAL)
		rc = vxt_fail(ctx, errno, "%s: written, but syncing %s failed: %s", path, dir,
		              strerror(errno));
	close(dirfd);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO (named pipe)" :
	       S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" :
	       S_ISSOCK(m) ? "a socket" : S_ISLNK(m) ? "a symbolic link" : "not a regular file";
}

/* Who besides root and us could change what st describes; NULL if nobody. */
static const char *unsafe_why(const struct stat *st, char *buf, size_t size)
{
	uid_t me = geteuid();
	if (st->st_uid != 0 && st->st_uid != me)
		snprintf(buf, size, "is owned by uid %u", (unsigned int)st->st_uid);
	else if (st->st_mode & S_IWOTH)
		snprintf(buf, size, "is writable by every user");
	else if (st->st_mode & S_IWGRP)
		snprintf(buf, size, "is writable by group %u", (unsigned int)st->st_gid);
	else
		return NULL;
	return buf;
}

/* Every directory from dir (resolved) up to /; child_uid owns the entry
 * below the first one. */
static int check_dirs(const char *path, char *real, uid_t child_uid, char *msg, size_t size)
{
	char why[96];
	for (;;) {
		struct stat st;
		if (stat(real, &st) < 0)
			return 0;
		bool sticky_ok = (st.st_mode & S_ISVTX) && (child_uid == 0 || child_uid == geteuid()) &&
		                 (st.st_uid == 0 || st.st_uid == geteuid());
		if (!sticky_ok && unsafe_why(&st, why, sizeof(why))) {
			snprintf(msg, size, "%s: its directory %s %s", path, real, why);
			return -EPERM;
		}
		child_uid = st.st_uid;
		char *end = strrchr(real, '/');
		if (!end || (end == real && !real[1]))
			return 0;
		if (end == real)
			end[1] = '\0';
		else
			*end = '\0';
	}
}

/* StrictModes: the file and every directory above it -- above the file
 * itself and, when path is a symlink, above the link too (whoever can
 * replace the link chooses the file).  A world-writable sticky directory
 * (/tmp) is fine when the entry below it belongs to root or us: nobody
 * else can remove or rename that entry. */
static int check_modes(const char *path, const struct stat *fst, char *msg, size_t size)
{
	char why[96];
	if (unsafe_why(fst, why, sizeof(why))) {
		snprintf(msg, size, "%s %s", path, why);
		return -EPERM;
	}
	int rc = 0;
	char *real = realpath(path, NULL);
	if (real) {
		char *slash = strrchr(real, '/');
		if (slash && slash != real)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
		rc = check_dirs(path, real, fst->st_uid, msg, size);
		free(real);
	}
	struct stat lst;
	if (rc == 0 && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		if (lst.st_uid != 0 && lst.st_uid != geteuid()) {
			snprintf(msg, size, "%s is a symbolic link owned by uid %u", path,
			         (unsigned int)lst.st_uid);
			return -EPERM;
		}
		char *copy = strdup(path), *dir;
		if (!copy)
			return 0;
		char *slash = strrchr(copy, '/');
		dir = !slash ? realpath(".", NULL) : slash == copy ? strdup("/") : (*slash = '\0', realpath(copy, NULL));
		if (dir)
			rc = check_dirs(path, dir, lst.st_uid, msg, size);
		free(dir);
		free(copy);
	}
	return rc;
}

int vxt_file_read(struct vxt_ctx *ctx, const char *path, size_t max, unsigned int flags,
                  char **text, size_t *len)
{
	vxt_clear_error(ctx);
	if (!text)
		return vxt_fail(ctx, EINVAL, "no place for the text");
	*text = NULL;
	if (len)
		*len = 0;
	if (!path || !*path)
		return vxt_fail(ctx, EINVAL, "no file name given");
	/* Look before opening: opening a FIFO blocks, a device may act. */
	struct stat st;
	if (stat(path, &st) < 0)
		return vxt_fail(ctx, errno, "%s: cannot open: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vxt_fail(ctx, S_ISDIR(st.st_mode) ? EISDIR : EINVAL,
		                "%s: is %s, not a regular file", path, file_kind(st.st_mode));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return vxt_fail(ctx, errno, "%s: cannot open: %s", path, strerror(errno));
	struct stat fst;
	int rc = 0;
	if (fstat(fd, &fst) < 0)
		rc = vxt_fail(ctx, errno, "%s: cannot stat: %s", path, strerror(errno));
	else if (!S_ISREG(fst.st_mode) || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino)
		rc = vxt_fail(ctx, EAGAIN, "%s: was replaced while being opened (now %s): try again",
		              path, S_ISREG(fst.st_mode) ? "another file" : file_kind(fst.st_mode));
	else if ((uintmax_t)fst.st_size > max)
		rc = vxt_fail(ctx, E2BIG, "%s: larger than %zu bytes (%jd): refused", path, max,
		              (intmax_t)fst.st_size);
	if (rc == 0) {
		char msg[PATH_MAX + 160];
		if (check_modes(path, &fst, msg, sizeof(msg)) < 0) {
			if (flags & VXT_FILE_STRICT_MODES)
				rc = vxt_fail(ctx, EPERM, "%s: refused, since another user could change what "
				              "root applies: chown root and chmod go-w it and its directories",
				              msg);
			else
				vxt_warn(ctx, "%s: another user could change what root applies "
				         "(chown root, chmod go-w)", msg);
		}
	}
	/* Read until EOF, never more than max + 1 bytes: a file that grows
	 * past max meanwhile is refused, not cut. */
	size_t cap = (size_t)fst.st_size + 1, n = 0;
	char *buf = NULL;
	while (rc == 0) {
		if (n + 1 >= cap || !buf) {
			cap = buf ? cap * 2 : cap + 1;
			char *nb = realloc(buf, cap);
			if (!nb) {
				rc = vxt_fail(ctx, ENOMEM, "%s: out of memory", path);
				break;
			}
			buf = nb;
		}
		size_t room = cap - 1 - n;
		if (room > max + 1 - n)
			room = max + 1 - n;
		ssize_t got = read(fd, buf + n, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = vxt_fail(ctx, errno, "%s: cannot read: %s", path, strerror(errno));
		else if (got == 0)
			break;
		else if ((n += (size_t)got) > max)
			rc = vxt_fail(ctx, E2BIG, "%s: larger than %zu bytes: refused", path, max);
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	if (len)
		*len = n;
	return 0;
}
