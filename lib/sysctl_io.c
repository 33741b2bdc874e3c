/* Reading /proc/sys values: open/read/close relative to one /proc/sys
 * directory descriptor, so that a path is never longer than the key. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

int vxt_proc_sys_open(struct vxt_ctx *ctx)
{
	int fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		return vxt_fail(ctx, err, "cannot open /proc/sys: %s (is /proc mounted?)",
		                strerror(err));
	}
	return fd;
}

int vxt_proc_pread(int fd, char *buf, size_t len)
{
	char raw[VXT_SK_VALUE_MAX];
	size_t n = 0;
	while (n < sizeof(raw) - 1) {
		ssize_t r = pread(fd, raw + n, sizeof(raw) - 1 - n, (off_t)n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/* /proc/sys hands out the whole value in one read when the
		 * buffer is large enough: a short read is the end.  (Asking
		 * again only to see 0 costs a kernel round trip per file.) */
		if (n < sizeof(raw) - 1)
			break;
	}
	if (n == sizeof(raw) - 1)
		return -EFBIG; /* longer than any value we manage */
	raw[n] = '\0';
	vxt_svalue_norm(raw, buf, len);
	return 0;
}

int vxt_proc_read(int sysfd, const char *path, char *buf, size_t len)
{
	int fd = openat(sysfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = vxt_proc_pread(fd, buf, len);
	close(fd);
	return rc;
}
