#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune offloads show/set in a namespace, checked with ethtool -k.
. "${top_srcdir:-.}/tests/lib.sh"
ns=$(t_netns cli)
in_ns "$ns" ip link add veth0 type veth peer name veth1
in_ns "$ns" ip link add vxlan0 type vxlan id 42 dstport 4789 dev veth0
V() { in_ns "$ns" "$VXLANTUNE" "$@"; }

# The acceptance sequence: the runbook's line, ethtool agrees, rerun no-op.
t_expect_rc 0 "set rx tx tso gso gro off" V offloads set vxlan0 rx off tx off tso off gso off gro off
for g in rx-checksumming tx-checksumming tcp-segmentation-offload generic-segmentation-offload generic-receive-offload; do
	t_check "ethtool: $g off" test "$(feature "$ns" vxlan0 $g)" = off
done
out=$(V offloads set vxlan0 rx off tx off tso off gso off gro off); rc=$?
t_check "second run exits 0" test $rc -eq 0
t_check "second run reports no change" sh -c "echo '$out' | grep -q '^0 changed'"

# Dry run on a fresh device changes nothing but says what it would do.
in_ns "$ns" ip link add vxlan1 type vxlan id 43 dstport 4789 dev veth0
before=$(in_ns "$ns" ethtool -k vxlan1)
out=$(V offloads set vxlan1 gro on rx off --dry-run)
t_check "dry run: would change rx" sh -c "echo '$out' | grep -q 'rx-checksum: on -> off (would change)'"
t_check "dry run: ethtool -k unchanged" test "$before" = "$(in_ns "$ns" ethtool -k vxlan1)"

# JSON report.
json=$(V offloads set vxlan1 rx off --json)
t_check "json: valid and changed" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d['changed'] and not d['dry_run']
e=[x for x in d['entries'] if x['key']=='rx-checksum'][0]
assert (e['before'],e['after'],e['status'],e['via'])==('on','off','changed','rx'), e" "$json"
json=$(V offloads show --json vxlan1)
t_check "show --json: ethtool shape" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d[0]['ifname']=='vxlan1'
assert d[0]['rx-checksum']=={'active':False,'fixed':False,'requested':False}, d[0]['rx-checksum']
assert d[0]['tx-udp_tnl-segmentation']['fixed'] is True" "$json"

# show text like ethtool -k, every device when none is named.
t_check "show: fixed marker" sh -c "V() { ip netns exec $ns $VXLANTUNE \"\$@\"; }; V offloads show vxlan0 | grep -qx 'tx-udp_tnl-segmentation: off \[fixed\]'"
t_check "show: all devices" test "$(V offloads show | grep -c '^Features for')" -eq 5

# Exit codes and messages.
t_expect_rc 1 "fixed feature exits 1" V offloads set vxlan0 tx-udp_tnl-segmentation on
t_expect_rc 2 "unknown feature exits 2" V offloads set vxlan0 grox on
msg=$(V offloads set vxlan0 grox on 2>&1)
t_check "did you mean" test "$msg" = "vxlantune: unknown feature 'grox' (did you mean 'gro'?)"
t_expect_rc 3 "missing interface exits 3" V offloads set eth9 gro off
msg=$(V offloads show eth9 2>&1)
t_check "no such interface message" test "$msg" = "vxlantune: no such interface 'eth9'"
t_expect_rc 2 "bad value exits 2" V offloads set vxlan0 gro maybe
t_expect_rc 2 "odd argument count exits 2" V offloads set vxlan0 gro
t_expect_rc 2 "invalid name exits 2" V offloads set ../../etc gro off
t_expect_rc 2 "no subcommand exits 2" V offloads
t_expect_rc 0 "--help exits 0" V offloads --help
t_check "--help documents exit codes" sh -c "'$VXLANTUNE' offloads --help | grep -q 'Exit status'"
msg=$(in_ns "$ns" capsh --drop=cap_net_admin -- -c "$VXLANTUNE offloads set vxlan0 gro on" 2>&1); rc=$?
t_check "no CAP_NET_ADMIN exits 4" test $rc -eq 4
t_check "no CAP_NET_ADMIN message" test "$msg" = "vxlantune: vxlan0: changing features needs CAP_NET_ADMIN (run as root)"

# Globs.
in_ns "$ns" ip link add cali1 type veth peer name cali2
t_expect_rc 0 "glob set" V offloads set 'cali*' gso off
t_check "glob: cali1 gso off" test "$(feature "$ns" cali1 generic-segmentation-offload)" = off
t_check "glob: cali2 gso off" test "$(feature "$ns" cali2 generic-segmentation-offload)" = off
t_check "glob: veth1 untouched" test "$(feature "$ns" veth1 generic-segmentation-offload)" = on
t_expect_rc 3 "glob matching nothing exits 3" V offloads set 'nomatch*' gso off
t_done
