#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune sysctl: the CLI against a namespace with real devices; results
# checked with cat/grep/sysctl, not with vxlantune itself.
. "${top_srcdir:-.}/tests/lib.sh"
V=$VXLANTUNE
ns=$(t_netns sysctl)
rp() { rp_filter "$ns" "$1"; }

in_ns "$ns" sh -c 'for i in $(seq 0 49); do echo "link add cali${i}a type veth peer name cali${i}b"; done > /tmp/vxt-sysctl-batch.$$ && ip -batch /tmp/vxt-sysctl-batch.$$; rm -f /tmp/vxt-sysctl-batch.$$'
in_ns "$ns" ip link add vxlan.calico type vxlan id 4096 dstport 4789
in_ns "$ns" ip link add eth0 type veth peer name eth1
in_ns "$ns" sh -c 'i=0; for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo $((i % 3)) > $f; i=$((i+1)); done; echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter'

# help
out=$($V sysctl --help); t_check "help names the subcommands" grep -q "sysctl render" <<<"$out"
t_check "help documents exit status" grep -q "EXIT STATUS" <<<"$out"
t_expect_rc 2 "no subcommand is a usage error" $V sysctl
t_expect_rc 2 "unknown subcommand" $V sysctl frobnicate

# show: effective = max(all, iface)
out=$(in_ns "$ns" $V sysctl show --iface vxlan.calico)
t_check "show prints slash form for dotted names" grep -q "^vxlan.calico *net/ipv4/conf/vxlan.calico/rp_filter *[0-2] *2$" <<<"$out"
out=$(in_ns "$ns" $V sysctl show --iface eth0 --json)
t_check "show --json has effective" grep -q '"effective":"2"' <<<"$out"

# dry run writes nothing
# (globs over /proc are expanded inside the namespace, never on the host)
before=$(in_ns "$ns" sh -c 'grep -h . /proc/sys/net/ipv4/conf/cali*/rp_filter' | sort | uniq -c)
in_ns "$ns" $V sysctl set rp_filter=0 --iface 'cali*' --dry-run >/dev/null
after=$(in_ns "$ns" sh -c 'grep -h . /proc/sys/net/ipv4/conf/cali*/rp_filter' | sort | uniq -c)
t_check "dry run writes nothing" test "$before" = "$after"
t_check "the state was mixed" test "$(wc -l <<<"$before")" = 3

# refused requests write nothing
t_expect_rc 2 "traversal ../../kernel refused" in_ns "$ns" $V sysctl set rp_filter=0 --iface all --iface ../../kernel
t_expect_rc 2 "name with / refused" in_ns "$ns" $V sysctl set rp_filter=0 --iface all --iface a/b
t_expect_rc 2 "traversal in key refused" in_ns "$ns" $V sysctl set net/ipv4/conf/../../kernel/x=0
t_expect_rc 2 "rp_filter=3 refused" in_ns "$ns" $V sysctl set rp_filter=3 --iface all
t_expect_rc 3 "unknown interface" in_ns "$ns" $V sysctl set rp_filter=0 --iface all --iface nosuch0
t_expect_rc 3 "unknown key" in_ns "$ns" $V sysctl set rp_filer=0 --iface all
t_expect_rc 4 "kernel.* refused without --any-key" in_ns "$ns" $V sysctl set kernel.pid_max=4194304
t_check "nothing written by refused requests" test "$(rp all)" = 2
err=$(in_ns "$ns" $V sysctl set rp_filer=0 --iface all 2>&1)
t_check "unknown key suggests rp_filter" grep -q "did you mean 'rp_filter'" <<<"$err"

# acceptance 1
eth0_before=$(rp eth0)
out=$(in_ns "$ns" $V sysctl set rp_filter=0 --iface 'cali*' --iface vxlan.calico --iface all --iface default --json)
t_check "set --json reports no unmet request" grep -q '"unmet":0' <<<"$out"
n=$(in_ns "$ns" sh -c 'cd /proc/sys/net/ipv4/conf && grep -l "^0$" cali*/rp_filter all/rp_filter default/rp_filter vxlan.calico/rp_filter' | wc -l)
t_check "every matching file reads 0" test "$n" = 103
t_check "eth0 untouched" test "$(rp eth0)" = "$eth0_before"
out=$(in_ns "$ns" $V sysctl show --iface 'cali*' --iface vxlan.calico --iface all --iface default --json)
t_check "show reports effective 0 everywhere" test "$(grep -c '"effective":"0"' <<<"$out")" = 103
out=$(in_ns "$ns" $V sysctl set rp_filter=0 --iface 'cali*' --iface all)
t_check "second run changes nothing" grep -q "^0 changed, 101 unchanged" <<<"$out"

# non-root: named file, operation and fix; exit 4; nothing written
err=$(in_ns "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups $V sysctl set rp_filter=1 --iface all 2>&1); rc=$?
t_check "non-root exits 4" test "$rc" = 4
t_check "non-root message names file and fix" grep -q "cannot write /proc/sys/net/ipv4/conf/all/rp_filter.*CAP_NET_ADMIN" <<<"$err"
t_check "non-root wrote nothing" test "$(rp all)" = 0

# render: sysctl.d loads with sysctl -p in a fresh namespace
in_ns "$ns" $V sysctl set net.ipv4.conf.eth0.rp_filter=2 net.ipv4.ip_forward=1 >/dev/null
f=$(mktemp /tmp/vxt-sysctl-XXXXXX.conf)
in_ns "$ns" $V sysctl render rp_filter=0 --iface 'cali*' --iface vxlan.calico --iface all net.ipv4.conf.eth0.rp_filter=2 net.ipv4.ip_forward=1 >"$f"
t_check "drop-in uses slash form for vxlan.calico" grep -qx "net/ipv4/conf/vxlan.calico/rp_filter = 0" "$f"
t_check "drop-in carries default for the glob" grep -qx "net.ipv4.conf.default.rp_filter = 0" "$f"
ns2=$(t_netns sysctl2)
in_ns "$ns2" sh -c 'for i in $(seq 0 49); do ip link add cali${i}a type veth peer name cali${i}b; done; ip link add vxlan.calico type vxlan id 4096 dstport 4789; ip link add eth0 type veth peer name eth1'
in_ns "$ns2" sysctl -q -p "$f"; rc=$?
t_check "sysctl -p loads the drop-in" test "$rc" = 0
files="conf/all/rp_filter conf/default/rp_filter conf/vxlan.calico/rp_filter conf/eth0/rp_filter ip_forward"
for i in $(seq 0 49); do files="$files conf/cali${i}a/rp_filter conf/cali${i}b/rp_filter"; done
s1=$(in_ns "$ns" sh -c "cd /proc/sys/net/ipv4 && grep -H . $files")
s2=$(in_ns "$ns2" sh -c "cd /proc/sys/net/ipv4 && grep -H . $files")
t_check "the drop-in reproduces the state" test "$s1" = "$s2"
t_check "the state compared is complete" test "$(wc -l <<<"$s1")" = 105
out=$(in_ns "$ns" $V sysctl render --format kubespray rp_filter=0 --iface vxlan.calico --iface all)
t_check "kubespray lists expressible keys" grep -q "^  - name: net.ipv4.conf.all.rp_filter$" <<<"$out"
t_check "kubespray comments on dotted names" grep -q "cannot express it in dotted form" <<<"$out"
rm -f "$f"
t_done
