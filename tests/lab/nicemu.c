/* nicemu: the lab's emulated NICs and the wire between them.
 *
 *   nicemu [--node1 MODE] [--node2 MODE] [--vxlan-port N] [--keep-offloads]
 *          NETNS1 IFNAME1 NETNS2 IFNAME2
 *       Attach to the TAP device IFNAME1 in the network namespace NETNS1
 *       (a path such as /run/netns/NAME, or "-" for this process's own) and
 *       to IFNAME2 in NETNS2 (created if absent; the lab creates them
 *       persistent with `ip tuntap add ... mode tap`), offer the kernel
 *       checksum offload (TUN_F_CSUM), TSO4/TSO6 and UDP-tunnel GSO on both,
 *       and move frames between them until SIGTERM or SIGINT.  Each
 *       direction's frames go through its sender's NIC (nicemu_nic.c):
 *       node 1's NIC for what IFNAME1 transmits, node 2's for IFNAME2.
 *       Frames reach the peer with an empty virtio header, so the peer's
 *       kernel verifies every checksum.
 *       --keep-offloads: do not offer the offloads again (TUNSETOFFLOAD
 *       resets what `ethtool -K` set on the tap: a restarted relay keeps
 *       the user's settings this way).
 *   nicemu set PID n1|n2|both MODE
 *       Switch the NIC mode of the relay PID at run time (a queued signal,
 *       SIGRTMIN with the mode as its value; nothing else changes).
 *
 * MODE: good, encap-csum, inner-csum, no-csum, tnl-gso, drop-over=N (see
 * tests/lab/README.md).  The relay reads and writes nothing but its two
 * taps; it writes one line to stderr when ready and one with its counters
 * when it exits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nicemu.h"

_Static_assert(sizeof(struct nic_vnet_hdr) == 24, "virtio_net_hdr_v1_hash_tunnel is 24 bytes");

#define NIC_TUN_F_UDP_TUNNEL_GSO 0x080
#define NIC_TUN_F_UDP_TUNNEL_GSO_CSUM 0x100
#define OFFLOADS_PLAIN (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
#define OFFLOADS_TUNNEL (NIC_TUN_F_UDP_TUNNEL_GSO | NIC_TUN_F_UDP_TUNNEL_GSO_CSUM)

/* The signal value of `nicemu set`: a tag, which nodes, mode, limit. */
#define SET_TAG 0x40000000
#define SET_NODES(v) (((v) >> 24) & 3)
#define SET_MODE(v) (((v) >> 16) & 0xff)
#define SET_LIMIT(v) ((v) & 0xffff)

static volatile sig_atomic_t stop;
/* The mode each node's NIC should have (mode << 16 | limit), written by
 * the signal handler and taken over by the loop before each frame. */
static volatile sig_atomic_t wanted[2];

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_set(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	int v = si->si_value.sival_int;
	if (si->si_code != SI_QUEUE || (v & SET_TAG) != SET_TAG || SET_MODE(v) >= NIC_MODE_COUNT)
		return;
	for (int i = 0; i < 2; i++)
		if (SET_NODES(v) & (1 << i))
			wanted[i] = v & 0xffffff;
}

static int usage(void)
{
	fprintf(stderr,
	        "usage: nicemu [--node1 MODE] [--node2 MODE] [--vxlan-port N] [--keep-offloads]\n"
	        "              NETNS1 IFNAME1 NETNS2 IFNAME2\n"
	        "       nicemu set PID n1|n2|both MODE\n"
	        "MODE: good encap-csum inner-csum no-csum tnl-gso drop-over=N\n");
	return 2;
}

static int enter_netns(const char *path)
{
	if (!strcmp(path, "-"))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "nicemu: cannot enter network namespace %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Open the tap ifname in the namespace at nspath; *offered says what the
 * kernel accepted (0 when keep is set). */
static int tap_open(const char *nspath, const char *ifname, int keep, unsigned *offered, int home)
{
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
	int hdrsz = sizeof(struct nic_vnet_hdr), fd = -1;
	if (strlen(ifname) >= IFNAMSIZ) {
		fprintf(stderr, "nicemu: interface name too long: %s\n", ifname);
		return -1;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	if (enter_netns(nspath) < 0)
		return -1;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) < 0) {
		fprintf(stderr, "nicemu: cannot attach tap %s in %s: %s\n", ifname, nspath, strerror(errno));
		goto fail;
	}
	*offered = 0;
	if (!keep) {
		/* Kernels before 6.17 know no UDP-tunnel GSO: offer the rest. */
		*offered = OFFLOADS_PLAIN | OFFLOADS_TUNNEL;
		if (ioctl(fd, TUNSETOFFLOAD, *offered) < 0) {
			*offered = OFFLOADS_PLAIN;
			if (ioctl(fd, TUNSETOFFLOAD, *offered) < 0) {
				fprintf(stderr, "nicemu: TUNSETOFFLOAD on %s: %s\n", ifname, strerror(errno));
				goto fail;
			}
		}
	}
	if (setns(home, CLONE_NEWNET) < 0) {
		perror("nicemu: setns back");
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

struct port {
	int fd;
	const char *name;
	struct nic nic;
	int mode_code;
};

struct emit_to {
	int fd;
	unsigned long *dropped;
};

static void emit(void *arg, const uint8_t *frame, size_t len)
{
	struct emit_to *to = arg;
	static const struct nic_vnet_hdr none; /* flags 0: the receiver verifies */
	struct iovec iov[2] = {{(void *)&none, sizeof(none)}, {(void *)frame, len}};
	if (writev(to->fd, iov, 2) < 0)
		(*to->dropped)++;
}

static void take_mode(struct port *p, int i)
{
	int code = wanted[i];
	if (code == p->mode_code)
		return;
	p->mode_code = code;
	p->nic.mode = (enum nic_mode)SET_MODE(code);
	p->nic.limit = SET_LIMIT(code);
}

static int mode_code(enum nic_mode m, unsigned limit) { return (int)m << 16 | (int)limit; }

static int cmd_set(int argc, char **argv)
{
	if (argc != 3)
		return usage();
	char *end;
	long pid = strtol(argv[0], &end, 10);
	int nodes = !strcmp(argv[1], "n1") ? 1 : !strcmp(argv[1], "n2") ? 2 : !strcmp(argv[1], "both") ? 3 : 0;
	enum nic_mode m;
	unsigned limit;
	if (*end || pid <= 1 || !nodes || nic_mode_parse(argv[2], &m, &limit) < 0)
		return usage();
	union sigval v = {.sival_int = SET_TAG | nodes << 24 | mode_code(m, limit)};
	if (sigqueue((pid_t)pid, SIGRTMIN, v) < 0) {
		fprintf(stderr, "nicemu set: relay %ld: %s\n", pid, strerror(errno));
		return 1;
	}
	return 0;
}

static void print_stats(const struct port *p, unsigned long tx_errors)
{
	const struct nic_stats *s = &p->nic.stats;
	fprintf(stderr,
	        " %s: %s frames %lu gso %lu segments %lu csum %lu skipped %lu corrupted %lu"
	        " lost: gso %lu size %lu malformed %lu unreadable %lu write %lu;",
	        p->name, nic_mode_name(p->nic.mode), s->frames, s->gso_frames, s->segments,
	        s->csum_done, s->csum_skipped, s->corrupted, s->gso_dropped, s->size_dropped,
	        s->malformed, s->unreadable, tx_errors);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "set"))
		return cmd_set(argc - 2, argv + 2);
	struct port port[2] = {{.fd = -1}, {.fd = -1}};
	unsigned vxlan_port = 4789;
	int keep = 0, i;
	for (i = 0; i < 2; i++)
		port[i].mode_code = mode_code(NIC_GOOD, 0);
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		enum nic_mode m;
		unsigned limit;
		if ((!strcmp(argv[i], "--node1") || !strcmp(argv[i], "--node2")) && i + 1 < argc) {
			if (nic_mode_parse(argv[i + 1], &m, &limit) < 0)
				return usage();
			port[argv[i][6] - '1'].mode_code = mode_code(m, limit);
			i++;
		} else if (!strcmp(argv[i], "--vxlan-port") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (*end || !v || v > 65535)
				return usage();
			vxlan_port = (unsigned)v;
		} else if (!strcmp(argv[i], "--keep-offloads")) {
			keep = 1;
		} else {
			return usage();
		}
	}
	if (argc - i != 4)
		return usage();

	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		perror("nicemu: /proc/self/ns/net");
		return 1;
	}
	unsigned offered[2];
	for (int k = 0; k < 2; k++) {
		port[k].name = argv[i + 2 * k + 1];
		port[k].fd = tap_open(argv[i + 2 * k], port[k].name, keep, &offered[k], home);
		if (port[k].fd < 0)
			return 1;
		port[k].nic.vxlan_port = vxlan_port;
		wanted[k] = port[k].mode_code;
		port[k].mode_code = -1;
		take_mode(&port[k], k);
	}
	close(home);

	struct sigaction sa = {.sa_handler = on_stop};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct sigaction ss = {.sa_sigaction = on_set, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigaction(SIGRTMIN, &ss, NULL);

	fprintf(stderr, "nicemu: ready: %s (%s) <-> %s (%s), VXLAN port %u, offloads %s\n",
	        port[0].name, nic_mode_name(port[0].nic.mode), port[1].name,
	        nic_mode_name(port[1].nic.mode), vxlan_port,
	        keep ? "kept as they were"
	             : (offered[0] & offered[1] & OFFLOADS_TUNNEL) ? "csum tso4 tso6 udp-tunnel-gso"
	                                                         : "csum tso4 tso6 (no udp-tunnel-gso: kernel < 6.17)");

	/* A GSO frame is at most 64 KiB plus headers; a read that fills the
	 * buffer was truncated. */
	static uint8_t buf[sizeof(struct nic_vnet_hdr) + 65536 + 4096];
	unsigned long write_errors[2] = {0, 0};
	struct pollfd pfd[2] = {{.fd = port[0].fd, .events = POLLIN}, {.fd = port[1].fd, .events = POLLIN}};
	while (!stop) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("nicemu: poll");
			break;
		}
		for (int k = 0; k < 2; k++) {
			struct emit_to to = {port[1 - k].fd, &write_errors[k]};
			for (int n = 0; n < 64 && !stop; n++) {
				ssize_t r = read(port[k].fd, buf, sizeof(buf));
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
					break; /* nothing more for now */
				if (r < 0) {
					/* tun dropped a frame its header cannot
					 * describe (e.g. tunnel GSO with only
					 * tx-udp_tnl-csum-segmentation on) */
					port[k].nic.stats.unreadable++;
					continue;
				}
				take_mode(&port[k], k);
				if ((size_t)r < sizeof(struct nic_vnet_hdr) + 14 || (size_t)r == sizeof(buf)) {
					port[k].nic.stats.malformed++;
					continue;
				}
				struct nic_vnet_hdr h;
				memcpy(&h, buf, sizeof(h));
				nic_tx(&port[k].nic, &h, buf + sizeof(h), (size_t)r - sizeof(h), emit, &to);
			}
		}
	}
	fprintf(stderr, "nicemu: exit:");
	for (int k = 0; k < 2; k++) {
		print_stats(&port[k], write_errors[k]);
		close(port[k].fd);
	}
	fprintf(stderr, "\n");
	return 0;
}
