/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linked into every fuzz target: the parsers under test must not reach
 * the network, resolve names or write files.  These definitions take the
 * place of libc's (and of the sanitizers' weak interceptors) in the fuzz
 * binaries only, so a parser that tried would abort and count as a crash.
 * Reading files stays allowed: libFuzzer reads its corpus. */
#include "config.h"

#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noreturn)) static void forbidden(const char *what)
{
	fprintf(stderr, "fuzz guard: the code under test called %s()\n", what);
	abort();
}

int socket(int domain, int type, int protocol)
{
	(void)domain, (void)type, (void)protocol;
	forbidden("socket");
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd, (void)addr, (void)len;
	forbidden("connect");
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
	(void)node, (void)service, (void)hints, (void)res;
	forbidden("getaddrinfo");
}

struct hostent *gethostbyname(const char *name)
{
	(void)name;
	forbidden("gethostbyname");
}

/* openat(2) for reading only: /proc/sys must never be written. */
int openat(int dirfd, const char *path, int flags, ...)
{
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
		forbidden("openat for writing");
	return (int)syscall(SYS_openat, dirfd, path, flags, 0);
}
