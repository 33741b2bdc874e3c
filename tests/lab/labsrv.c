/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* labsrv: the lab's tiny servers and clients.
 *
 *   labsrv serve [--tcp PORT] [--udp PORT] [--bind ADDR]
 *       TCP: answers every connection with one fixed HTTP/1.0 response,
 *       except two bulk-transfer requests: `GET /bytes/N` is answered with
 *       N bytes, `PUT /sink` (or POST) with a Content-Length of N reads
 *       them and answers "received N" (N at most 64 MiB; each connection
 *       is served by its own process, for at most 30 s).
 *       UDP: answers a datagram that parses as a DNS query with a DNS
 *       answer (A 192.0.2.53), echoes every other datagram.
 *       Listens on [::] (dual stack) unless --bind is given, prints
 *       "labsrv: ready" on stdout once every socket listens, and exits 0 on
 *       SIGTERM/SIGINT.
 *   labsrv tcp ADDR PORT [TIMEOUT_MS]   GET / and print the status line
 *   labsrv udp ADDR PORT [TIMEOUT_MS]   send one datagram, await the echo
 *       Exit 0 on success, 1 on timeout or error (message on stderr).
 *
 * Why not python3 -m http.server or nc: http.server calls getfqdn() before
 * it listens, which hangs for seconds in namespaces whose resolv.conf
 * points at servers they cannot reach; netcat variants differ between
 * distributions.  This program does no name lookups at all. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char http_response[] =
	"HTTP/1.0 200 OK\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 13\r\n"
	"Connection: close\r\n"
	"\r\n"
	"labsrv hello\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_port(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

/* Numeric address only (AI_NUMERICHOST): never a DNS lookup. */
static int resolve(const char *addr, int port, int socktype,
                   struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype,
	                         .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%d", port);
	if (getaddrinfo(addr, portstr, &hints, &res) != 0 || !res)
		return -1;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int listen_on(const char *bind_addr, int port, int socktype)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (resolve(bind_addr ? bind_addr : "::", port, socktype, &ss, &len) < 0) {
		fprintf(stderr, "labsrv: bad address %s\n", bind_addr);
		return -1;
	}
	int fd = socket(ss.ss_family, socktype | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("labsrv: socket");
		return -1;
	}
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (socktype == SOCK_STREAM && listen(fd, 64) < 0)) {
		fprintf(stderr, "labsrv: bind/listen port %d: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

#define BULK_MAX (64L << 20)

static int send_all(int c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* GET /bytes/N: a header and N bytes of a repeating pattern. */
static void serve_bytes(int c, long n)
{
	char head[128], chunk[65536];
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)('a' + i % 26);
	int hl = snprintf(head, sizeof(head),
	                  "HTTP/1.0 200 OK\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n", n);
	if (send_all(c, head, (size_t)hl) < 0)
		return;
	while (n > 0) {
		size_t k = n < (long)sizeof(chunk) ? (size_t)n : sizeof(chunk);
		if (send_all(c, chunk, k) < 0)
			return;
		n -= (long)k;
	}
}

/* PUT /sink with Content-Length N: read the body (got bytes of it are in
 * the request already), answer with how much arrived. */
static void serve_sink(int c, const char *req, long got)
{
	const char *cl = strcasestr(req, "\r\ncontent-length:");
	long want = cl ? strtol(cl + 17, NULL, 10) : -1;
	char buf[65536], reply[128];
	if (want < 0 || want > BULK_MAX)
		return;
	while (got < want) {
		ssize_t r = recv(c, buf, sizeof(buf), 0);
		if (r <= 0)
			return;
		got += r;
	}
	int n = snprintf(buf, sizeof(buf), "received %ld\n", got);
	int hl = snprintf(reply, sizeof(reply),
	                  "HTTP/1.0 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", n);
	if (send_all(c, reply, (size_t)hl) == 0)
		(void)send_all(c, buf, (size_t)n);
}

/* One connection, in its own process: read the request head (bounded,
 * short wait: a probe that only connects still gets the answer), then
 * answer it and close. */
static void serve_conn(int c)
{
	struct pollfd p = {.fd = c, .events = POLLIN};
	char req[8192];
	size_t got = 0;
	char *end = NULL;
	while (got < sizeof(req) - 1 && !end && poll(&p, 1, 500) > 0) {
		ssize_t r = recv(c, req + got, sizeof(req) - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = '\0';
		end = strstr(req, "\r\n\r\n");
	}
	req[got] = '\0';
	long n;
	char tail;
	if (end && sscanf(req, "GET /bytes/%ld%c", &n, &tail) == 2 && tail == ' ' && n >= 0 &&
	    n <= BULK_MAX)
		serve_bytes(c, n);
	else if (end && (!strncmp(req, "PUT /sink ", 10) || !strncmp(req, "POST /sink ", 11)))
		serve_sink(c, req, (long)(got - (size_t)(end + 4 - req)));
	else
		(void)send_all(c, http_response, sizeof(http_response) - 1);
	shutdown(c, SHUT_WR);
	close(c);
}

static void serve_tcp(int lfd)
{
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		alarm(30);
		serve_conn(c);
		_exit(0);
	}
	if (pid < 0)
		serve_conn(c);
	else
		close(c);
}

/* If q (n bytes) is a standard query with one question, write an answer
 * into out (cap bytes) and return its length; else return 0. */
static size_t dns_answer(const unsigned char *q, size_t n, unsigned char *out, size_t cap)
{
	if (n < 12 + 5 || (q[2] & 0x80) || (q[2] & 0x78) ||
	    q[4] != 0 || q[5] != 1 || q[6] || q[7] || q[8] || q[9])
		return 0;
	size_t off = 12;
	while (off < n && q[off] != 0) {
		if (q[off] > 63)
			return 0;
		off += 1 + q[off];
	}
	if (off >= n || off + 5 > n)
		return 0;
	size_t qend = off + 5; /* zero label + QTYPE + QCLASS */
	static const unsigned char rr[] = {
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 53,
	};
	if (qend + sizeof(rr) > cap)
		return 0;
	memcpy(out, q, qend);
	out[2] = 0x80 | (q[2] & 0x01); /* QR, keep RD */
	out[3] = 0x80;                 /* RA, NOERROR */
	out[6] = 0;
	out[7] = 1; /* ANCOUNT */
	memset(out + 8, 0, 4);
	memcpy(out + qend, rr, sizeof(rr));
	return qend + sizeof(rr);
}

static void serve_udp(int fd)
{
	unsigned char buf[65536], out[1024];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&peer, &plen);
	if (n <= 0)
		return;
	size_t alen = dns_answer(buf, (size_t)n, out, sizeof(out));
	if (alen)
		(void)!sendto(fd, out, alen, 0, (struct sockaddr *)&peer, plen);
	else
		(void)!sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
}

static int cmd_serve(int argc, char **argv)
{
	int tcp_port = 0, udp_port = 0;
	const char *bind_addr = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--tcp") && i + 1 < argc)
			tcp_port = parse_port(argv[++i]);
		else if (!strcmp(argv[i], "--udp") && i + 1 < argc)
			udp_port = parse_port(argv[++i]);
		else if (!strcmp(argv[i], "--bind") && i + 1 < argc)
			bind_addr = argv[++i];
		else {
			fprintf(stderr, "labsrv: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (tcp_port < 0 || udp_port < 0 || (!tcp_port && !udp_port)) {
		fprintf(stderr, "labsrv serve: give --tcp PORT and/or --udp PORT (1..65535)\n");
		return 2;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Connections are served by children: nobody waits for them. */
	struct sigaction nochld = {.sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT};
	sigaction(SIGCHLD, &nochld, NULL);

	struct pollfd p[2];
	int np = 0;
	int tfd = -1, ufd = -1;
	if (tcp_port && (tfd = listen_on(bind_addr, tcp_port, SOCK_STREAM)) < 0)
		return 1;
	if (udp_port && (ufd = listen_on(bind_addr, udp_port, SOCK_DGRAM)) < 0)
		return 1;
	if (tfd >= 0)
		p[np++] = (struct pollfd){.fd = tfd, .events = POLLIN};
	if (ufd >= 0)
		p[np++] = (struct pollfd){.fd = ufd, .events = POLLIN};
	printf("labsrv: ready\n");
	fflush(stdout);
	while (!stop) {
		int r = poll(p, (nfds_t)np, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("labsrv: poll");
			return 1;
		}
		for (int i = 0; i < np; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			if (p[i].fd == tfd)
				serve_tcp(tfd);
			else
				serve_udp(ufd);
		}
	}
	if (tfd >= 0)
		close(tfd);
	if (ufd >= 0)
		close(ufd);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline; 1 ready, 0 timeout. */
static int wait_for(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = {.fd = fd, .events = events};
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static int cmd_client(const char *proto, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: labsrv %s ADDR PORT [TIMEOUT_MS]\n", proto);
		return 2;
	}
	int port = parse_port(argv[1]);
	long timeout = argc > 2 ? strtol(argv[2], NULL, 10) : 2000;
	int tcp = !strcmp(proto, "tcp");
	struct sockaddr_storage ss;
	socklen_t len;
	if (port < 0 || timeout <= 0 ||
	    resolve(argv[0], port, tcp ? SOCK_STREAM : SOCK_DGRAM, &ss, &len) < 0) {
		fprintf(stderr, "labsrv %s: bad address, port or timeout\n", proto);
		return 2;
	}
	long long deadline = now_ms() + timeout;
	int fd = socket(ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("labsrv: socket");
		return 1;
	}
	const char *what = "timeout";
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		fprintf(stderr, "labsrv %s %s:%d: connect: %s\n", proto, argv[0], port, strerror(errno));
		close(fd);
		return 1;
	}
	char buf[4096];
	if (tcp) {
		int err = 0;
		socklen_t el = sizeof(err);
		if (wait_for(fd, POLLOUT, deadline) <= 0)
			goto fail;
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			what = strerror(err);
			goto fail;
		}
		static const char req[] = "GET / HTTP/1.0\r\n\r\n";
		(void)!send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL);
		size_t got = 0;
		while (got < sizeof(buf) - 1) {
			if (wait_for(fd, POLLIN, deadline) <= 0)
				goto fail;
			ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
			if (n < 0) {
				what = strerror(errno);
				goto fail;
			}
			if (n == 0)
				break;
			got += (size_t)n;
		}
		buf[got] = '\0';
		char *eol = strstr(buf, "\r\n");
		if (strncmp(buf, "HTTP/1.", 7) || !eol) {
			what = "no HTTP response";
			goto fail;
		}
		*eol = '\0';
		printf("%s\n", buf);
	} else {
		char token[64];
		int tl = snprintf(token, sizeof(token), "labsrv-echo-%d-%lld", (int)getpid(), now_ms());
		(void)!send(fd, token, (size_t)tl, 0);
		for (;;) {
			if (wait_for(fd, POLLIN, deadline) <= 0)
				goto fail;
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				what = strerror(errno);
				goto fail;
			}
			if (n == tl && !memcmp(buf, token, (size_t)tl))
				break;
		}
		printf("echo ok\n");
	}
	close(fd);
	return 0;
fail:
	fprintf(stderr, "labsrv %s %s:%d: %s\n", proto, argv[0], port, what);
	close(fd);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return cmd_serve(argc - 2, argv + 2);
	if (argc >= 2 && (!strcmp(argv[1], "tcp") || !strcmp(argv[1], "udp")))
		return cmd_client(argv[1], argc - 2, argv + 2);
	fprintf(stderr,
	        "usage: labsrv serve [--tcp PORT] [--udp PORT] [--bind ADDR]\n"
	        "       labsrv tcp|udp ADDR PORT [TIMEOUT_MS]\n");
	return 2;
}
