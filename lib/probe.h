/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: the probe result object and the helpers the probe files share
 * (address parsing, the monotonic deadline, ICMP error-queue reading). */
#ifndef VXT_PROBE_H
#define VXT_PROBE_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "internal.h"

#define VXT_PROBE_MAX_TIMEOUT_MS (10 * 60 * 1000)

struct vxt_probe {
	int refcount;
	int kind;
	int outcome;
	int err;            /* positive errno behind a failed outcome */
	long long rtt_us;   /* -1 without an answer */
	unsigned int port;
	unsigned int size;
	unsigned int mtu;   /* reported by EMSGSIZE / frag-needed */
	int rcode;          /* DNS */
	int timeout_ms;
	bool handshake;     /* bulk: the TCP handshake completed */
	unsigned long long bytes; /* bulk: bytes that got across */
	const char *method; /* static string */
	char peer[INET6_ADDRSTRLEN + 20];
	char reporter[INET6_ADDRSTRLEN + 20];
	char detail[320];
};

/* A peer parsed from a numeric address (never a name lookup). */
struct vxt_peer {
	struct sockaddr_storage sa;
	socklen_t len;
	int family;
};

/* Validate the common arguments, parse peer, allocate the result.
 * Returns 0 or -EINVAL/-ENOMEM with the context's message set. */
int vxt_probe_begin(struct vxt_ctx *ctx, int kind, const char *peer,
                    unsigned int port, int timeout_ms, struct vxt_probe **user_out,
                    struct vxt_peer *out_peer, struct vxt_probe **out);
/* Microseconds on CLOCK_MONOTONIC. */
long long vxt_mono_us(void);
/* poll() fd for events until deadline_us (monotonic).  Returns revents
 * (> 0), 0 when the deadline passed, or -errno. */
int vxt_wait_fd(int fd, short events, long long deadline_us);
struct sockaddr_storage;
int vxt_probe_recv(int fd, void *buf, size_t cap, struct sockaddr_storage *from,
                   long long deadline, struct vxt_probe *p, ssize_t *n);
/* Turn on IP_RECVERR / IPV6_RECVERR so ICMP errors reach us. */
void vxt_probe_recverr(int fd, int family);
/* Read one error from fd's error queue into p (errno, reporter, MTU).
 * Returns the positive errno, or 0 when the queue was empty. */
int vxt_probe_read_errqueue(int fd, struct vxt_probe *p);
/* Open a non-blocking TCP socket (IP_RECVERR on) and connect it to pp by
 * the deadline.  Returns 0 when connected, else the positive errno
 * (ETIMEDOUT after the deadline; an ICMP error read into p); *fd is the
 * socket to close, or -1 when none opened (p is then finished).  */
int vxt_probe_connect(struct vxt_probe *p, const struct vxt_peer *pp, long long deadline, int *fd);
/* Finish a probe: outcome from err (0 = answered at rtt_us), detail text. */
void vxt_probe_finish(struct vxt_probe *p, int err, long long rtt_us);
/* Finish a probe that could not open its socket: outcome "error". */
void vxt_probe_finish_setup(struct vxt_probe *p, int err);
/* Fill buf (n bytes) with random bytes (getrandom, else clock mixing). */
void vxt_random_bytes(void *buf, size_t n);

/* Send req over a connected UDP socket to peer and wait for a datagram
 * that match() accepts (returns 1) until the deadline; finishes p. */
typedef int (*vxt_udp_match_fn)(const unsigned char *buf, size_t n, void *arg);
void vxt_probe_udp_exchange(struct vxt_probe *p, const struct vxt_peer *peer,
                            const unsigned char *req, size_t reqlen,
                            vxt_udp_match_fn match, void *arg);

/* DNS wire format (probe_dns.c). */
int vxt_dns_build_query(unsigned int id, const char *name, unsigned char *buf, size_t cap);
int vxt_dns_check_response(const unsigned char *q, size_t qlen,
                           const unsigned char *r, size_t rlen);

#endif
