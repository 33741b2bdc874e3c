#!/bin/bash
# vxlantune responder between two namespaces of this test's own: the
# protocol (doc/responder.md), malformed requests, many clients, the rate
# limit, and proof that it changes nothing (snapshot, ethtool, /proc).
# Clients are plain Python sockets, not vxlantune's own probe code.
. "${top_srcdir:-.}/tests/lib.sh"
V=$VXLANTUNE
OUT=$(mktemp -d)
RPID=""
stop_responder() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null; RPID=""; }
trap 'stop_responder; rm -rf "$OUT"; t_cleanup' EXIT
trap 'stop_responder; rm -rf "$OUT"; t_cleanup; exit 130' INT TERM

S=$(t_netns rsp)   # the responder's node
C=$(t_netns rcl)   # the clients
ip link add rsp0 netns "$S" type veth peer name rcl0 netns "$C" || { t_fail "veth"; t_done; exit 1; }
in_ns "$S" ip addr add 192.0.2.1/24 dev rsp0
in_ns "$S" ip link set rsp0 up
in_ns "$C" ip link set rcl0 up
for i in $(seq 2 21); do in_ns "$C" ip addr add 192.0.2.$i/24 dev rcl0; done
# a second address for the "listens only where told" check
in_ns "$S" ip addr add 192.0.2.200/24 dev rsp0
# a node's devices: the snapshot covers their features and sysctls
in_ns "$S" ip route add default via 192.0.2.254
in_ns "$S" ip link add vxlan.calico type vxlan id 4096 dstport 4789 local 192.0.2.1 dev rsp0 nolearning
in_ns "$S" ip link set vxlan.calico up
sleep 0.2

state() { # everything a responder could change, as text
	in_ns "$S" "$V" snapshot --preset calico-incident -o - | grep -v '"created"'
	in_ns "$S" ethtool -k rsp0
	in_ns "$S" ip -d link show
	in_ns "$S" sh -c 'cd /proc/sys/net && grep -r . ipv4/conf ipv4/ip_forward core/rmem_max 2>/dev/null'
}
snmp_cfg() { # the configuration values and error counters of /proc/net/snmp
	in_ns "$S" awk '$1 == "Ip:" && $2 ~ /^[0-9]/ { print "Ip", $2, $3 }
		$1 == "Udp:" && !h { split($0, n); h = 1; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) if (n[i] ~ /Errors/) print n[i], $i }' /proc/net/snmp
}
state >"$OUT/before"
snmp_cfg >"$OUT/snmp.before"

# Not through in_ns (a function): $! must be the responder itself.
ip netns exec "$S" "$V" responder --listen 192.0.2.1 >"$OUT/log" 2>&1 &
RPID=$!
for _ in $(seq 50); do in_ns "$S" ss -ltn | grep -q '192.0.2.1:9475' && break; sleep 0.1; done
t_check "responder listens on 192.0.2.1 TCP and UDP 9475" eval 'in_ns "$S" ss -ltn | grep -q "192.0.2.1:9475" && in_ns "$S" ss -lun | grep -q "192.0.2.1:9475"'
t_check "and nowhere else" eval '! in_ns "$S" ss -ltnu | grep -q "192.0.2.200:9475\|\*:9475\|0.0.0.0:9475"'

py() { in_ns "$C" python3 -c "$1"; }
HEAD='
import socket, time, sys
R = ("192.0.2.1", 9475)
def udp(msg, src="192.0.2.2", timeout=0.5):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 0)); s.settimeout(timeout)
    s.sendto(msg, R)
    try: return s.recv(1024)
    except socket.timeout: return None
def tcp(req, src="192.0.2.2", data=b""):
    t = socket.create_connection(R, timeout=3, source_address=(src, 0)); t.sendall(req + data)
    got = b""
    while True:
        try: d = t.recv(65536)
        except ConnectionResetError: d = b""   # closed with our bytes unread
        if not d: return got
        got += d
'
t_check "udp echo of the check's token" py "$HEAD"'
m = b"VXTPROBE" + bytes(range(16)); sys.exit(udp(m) != m)'
t_check "counters: Udp/Tcp InCsumErrors and InErrors, answer no longer than the padded request" py "$HEAD"'
req = b"VXT1 COUNTERS 0123456789abcdef".ljust(255) + b"\n"
raw = udp(req); assert len(raw) <= len(req), (len(raw), len(req))   # no amplification
assert udp(b"VXT1 COUNTERS 0123456789abcdef", src="192.0.2.7") is None   # unpadded: dropped
r = raw.decode().split()
assert r[:3] == ["VXT1", "COUNTERS", "0123456789abcdef"], r
kv = dict(x.split("=") for x in r[3:])
snmp = open("/dev/stdin").read().split("\n")
for k in ("Udp:InCsumErrors", "Udp:InErrors", "Tcp:InCsumErrors", "Tcp:InErrs"):
    assert k in kv, (k, kv)
' <<<"" 
t_check "counters agree with the responder node's own /proc/net/snmp" eval '
	want=$(in_ns "$S" awk "\$1==\"Tcp:\" && !h {split(\$0,n); h=1; next} \$1==\"Tcp:\" {for(i=2;i<=NF;i++) if(n[i]==\"InCsumErrors\") print \$i}" /proc/net/snmp)
	got=$(py "$HEAD"'"'"'print(dict(x.split("=") for x in udp(b"VXT1 COUNTERS 00000000".ljust(256)).decode().split()[3:])["Tcp:InCsumErrors"])'"'"')
	[ -n "$want" ] && [ "$want" = "$got" ]'
t_check "one-way tests IN and OUT answered" py "$HEAD"'
sys.exit(udp(b"VXT1 IN 0badcafe") != b"VXT1 IN 0badcafe\n" or udp(b"VXT1 OUT 0badcafe") != b"VXT1 OUT 0badcafe\n")'
t_check "bulk GET 4 MiB arrives whole" py "$HEAD"'sys.exit(len(tcp(b"VXT1 GET 4194304\n")) != 4194304)'
t_check "bulk PUT 4 MiB acknowledged" py "$HEAD"'sys.exit(tcp(b"VXT1 PUT 4194304\n", data=bytes(4194304)) != b"VXT1 OK 4194304\n")'
t_check "a bare TCP connect (the connect probe) is fine" py "$HEAD"'socket.create_connection(R, timeout=2).close()'

# ---- malformed requests: no answer, the responder goes on, logged once
t_check "malformed UDP (garbage, bad token, bad version, 600 bytes) get no answer" py "$HEAD"'
for m in [b"hello", b"VXT1 COUNTERS xyz!", b"VXT1 COUNTERS 12", b"VXT2 COUNTERS 0123456789", b"VXT1 NOPE 0123456789",
          b"VXTPROBE" + b"x" * 30, b"VXT1 COUNTERS " + b"a" * 600, b""]:
    assert udp(m, src="192.0.2.3", timeout=0.2) is None, m'
t_check "malformed TCP (bad line, too long, over 16 MiB, no newline) closed without data" py "$HEAD"'
for m in [b"HELLO\n", b"VXT1 GET " + b"9" * 80 + b"\n", b"VXT1 GET 16777217\n", b"VXT1 PUT -1\n", b"VXT1 GET 10 junk\n"]:
    assert tcp(m, src="192.0.2.3") == b"", m'
t_check "still answering after the malformed ones" py "$HEAD"'sys.exit(udp(b"VXT1 IN 12345678", src="192.0.2.3") is None)'
sleep 0.2
t_check "the malformed requests were logged once for that client" [ "$(grep -c 'malformed .* from 192.0.2.3' "$OUT/log")" -eq 1 ]

# ---- many clients: 20 addresses x 8 connections held open at once
t_check "many clients: at most 4 connections per client, 64 in all, then service again" py "$HEAD"'
held, refused = [], 0
for a in range(2, 22):
    for k in range(8):
        try:
            t = socket.create_connection(R, timeout=2, source_address=("192.0.2.%d" % a, 0))
            t.sendall(b"VXT1 GET 1")      # an unfinished request line: held
            held.append(t)
        except OSError:
            refused += 1
time.sleep(0.5)
alive = 0
for t in held:
    t.settimeout(0.05)
    try:
        d = t.recv(1)
        alive += d != b""     # b"": closed by the responder
    except socket.timeout:
        alive += 1
    except ConnectionResetError:
        pass
print("held", len(held), "alive", alive, file=sys.stderr)
assert alive <= 64, alive
for t in held: t.close()
time.sleep(0.3)
assert udp(b"VXT1 IN 01234567", src="192.0.2.21") is not None
assert len(tcp(b"VXT1 GET 1000\n", src="192.0.2.21")) == 1000'
t_check "idle connections are closed after about 5 s" py "$HEAD"'
t = socket.create_connection(R, timeout=8, source_address=("192.0.2.4", 0)); t.sendall(b"VXT1 G")
t0 = time.time(); d = t.recv(10); dt = time.time() - t0
assert d == b"" and 4 <= dt <= 7.5, (d, dt)'

# ---- rate limit: one client blasting 400 datagrams is cut off near the
# burst (100) + 50/s; another client is still answered meanwhile
t_check "rate limit: a flood from one client is cut near 100 answers, another client is served" py "$HEAD"'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("192.0.2.5", 0)); s.setblocking(False)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
for i in range(400):
    s.sendto(b"VXT1 IN %08x" % i, R)
    if i % 50 == 49: time.sleep(0.01)
time.sleep(0.5)
n = 0
while True:
    try: s.recv(100); n += 1
    except BlockingIOError: break
print("answered", n, "of 400", file=sys.stderr)
assert 90 <= n <= 160, n
assert udp(b"VXT1 IN 77777777", src="192.0.2.6") is not None'
t_check "memory stays bounded (RSS under 8 MiB after all that)" eval '[ "$(awk "/VmRSS/ {print \$2}" /proc/$RPID/status)" -lt 8192 ]'

# ---- read-only
stop_responder
t_check "stops on SIGTERM with its counts" grep -q "stopping (.* answered, .* malformed dropped, .* over a limit)" "$OUT/log"
state >"$OUT/after"
snmp_cfg >"$OUT/snmp.after"
t_check "changes nothing: snapshot, ethtool -k, ip -d link, /proc/sys/net identical" diff -u "$OUT/before" "$OUT/after"
t_check "/proc/net/snmp: Ip forwarding/TTL and every Udp error counter unchanged" diff -u "$OUT/snmp.before" "$OUT/snmp.after"

# ---- usage and errors
t_expect_rc 2 "usage: bad port" "$V" responder --port 0
t_expect_rc 2 "usage: a name, not an address" in_ns "$S" "$V" responder --listen node1.example
# another responder on the port: the second one fails at once (timeout:
# a test that cannot hang)
ip netns exec "$S" "$V" responder --listen 192.0.2.200 >/dev/null 2>&1 &
RPID=$!
for _ in $(seq 50); do in_ns "$S" ss -ltn | grep -q '192.0.2.200:9475' && break; sleep 0.1; done
rc=0; in_ns "$S" timeout 5 "$V" responder --listen 192.0.2.200 2>"$OUT/busy" >/dev/null || rc=$?
echo $rc >"$OUT/busy.rc"
stop_responder
t_check "port in use: exit 5 and the message names the port and --port" eval '[ "$(cat "$OUT/busy.rc")" = 5 ] && grep -q "9475.*--port" "$OUT/busy"'
t_done
