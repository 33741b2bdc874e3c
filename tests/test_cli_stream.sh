#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# offloads show streams: every device is written as it is read, so the
# JSON document is valid (and valid UTF-8) whatever bytes interface names
# hold, it says what ethtool -k says, and the process's memory does not
# grow with the number of devices.
. "${top_srcdir:-.}/tests/lib.sh"
ns=$(t_netns stream)
V() { in_ns "$ns" "$VXLANTUNE" "$@"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vxt-stream.XXXXXX")
trap 'rm -rf "$tmp"; t_cleanup' EXIT

# Names the kernel accepts that JSON must escape: a quote, a backslash, a
# control character, a byte that is not UTF-8, an encoded surrogate (not
# UTF-8 either), and a name that is valid UTF-8.
in_ns "$ns" ip link add $'q"\\\x01\xff' type veth peer name $'cali\xc3\xbc'
in_ns "$ns" ip link add $'s\xed\xb2\x81' type veth peer name plain0
in_ns "$ns" ethtool -K plain0 tso off gro off
V offloads show --json >"$tmp/all.json"; rc=$?
t_check "show --json exits 0" test $rc -eq 0
t_check "document is strict UTF-8 and JSON" python3 -c '
import json, sys
raw = open(sys.argv[1], "rb").read()
json.loads(raw.decode("utf-8", errors="strict"))' "$tmp/all.json"
t_check "names: escaped, invalid bytes as their Latin-1 characters" python3 -c '
import json, sys
names = [d["ifname"] for d in json.load(open(sys.argv[1], encoding="utf-8"))]
want = ["lo", "cali\u00fc", "q\"\\\x01\u00ff", "plain0", "s\u00ed\u00b2\u0081"]
assert sorted(names) == sorted(want), names' "$tmp/all.json"

# Every feature of every device as ethtool -k prints it.  ethtool names a
# one-member legacy group by the group (rx-checksum -> rx-checksumming ...);
# compare the members ethtool lists under their own kernel names.
for dev in lo plain0 $'cali\xc3\xbc'; do
	in_ns "$ns" ethtool -k "$dev" >"$tmp/ethtool.txt"
	t_check "$(printf '%q' "$dev"): every state matches ethtool -k" python3 -c '
import json, sys
dev = sys.argv[2].encode("utf-8", "surrogateescape").decode("utf-8")
doc = [d for d in json.load(open(sys.argv[1], encoding="utf-8")) if d["ifname"] == dev]
assert len(doc) == 1, dev
d = doc[0]
seen = 0
for line in open(sys.argv[3], encoding="utf-8", errors="replace"):
    line = line.strip()
    if ":" not in line or line.startswith("Features for"):
        continue
    name, rest = line.split(":", 1)
    if name not in d:
        continue
    words = rest.split()
    assert d[name]["active"] == (words[0] == "on"), (name, d[name], line)
    assert d[name]["fixed"] == ("[fixed]" in rest), (name, d[name], line)
    seen += 1
assert seen >= 20, seen
' "$tmp/all.json" "$dev" "$tmp/ethtool.txt"
done
t_check "plain0: tso and gro off in the document" python3 -c '
import json, sys
d = [d for d in json.load(open(sys.argv[1])) if d["ifname"] == "plain0"][0]
assert not d["tx-tcp-segmentation"]["active"] and not d["rx-gro"]["active"], d["rx-gro"]' "$tmp/all.json"

# The streamed document of every device holds the same objects as asking
# for each device by name.
t_check "whole dump = per-device documents" python3 -c '
import json, subprocess, sys
all_ = {d["ifname"]: d for d in json.load(open(sys.argv[1], encoding="utf-8"))}
one = json.loads(subprocess.run(["ip", "netns", "exec", sys.argv[2], sys.argv[3], "offloads",
                                 "show", "--json", "plain0", "lo"], check=True,
                                capture_output=True).stdout)
assert [d["ifname"] for d in one] == ["plain0", "lo"]
assert one[0] == all_["plain0"] and one[1] == all_["lo"]' "$tmp/all.json" "$ns" "$VXLANTUNE"
t_check "glob selects: 'cali*' only" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run(["ip", "netns", "exec", sys.argv[1], sys.argv[2], "offloads",
                               "show", "--json", "cali*"], check=True, capture_output=True).stdout)
assert [x["ifname"] for x in d] == ["cali\u00fc"], d' "$ns" "$VXLANTUNE"
out=$(V offloads show --json 'nomatch*' 2>/dev/null); rc=$?
t_check "no match: exit 3 and an empty array" test $rc -eq 3 -a "$(echo $out)" = "[ ]"

# Memory: peak RSS with 2,000 more devices stays within 2 MB of the peak
# with 20 (the whole document held in memory took ~14 KB per device).
peak() { in_ns "$ns" /usr/bin/time -f %M "$VXLANTUNE" offloads show "$@" 2>&1 >/dev/null | tail -n 1; }
for i in $(seq 1 10); do echo "link add m${i}a type veth peer name m${i}b"; done >"$tmp/batch"
in_ns "$ns" ip -batch "$tmp/batch"
small_json=$(peak --json); small_text=$(peak)
for i in $(seq 11 1010); do echo "link add m${i}a type veth peer name m${i}b"; done >"$tmp/batch"
in_ns "$ns" ip -batch "$tmp/batch"
big_json=$(peak --json); big_text=$(peak)
n=$(in_ns "$ns" ip -o link show | wc -l)
t_check "$n devices: --json peak RSS $big_json KB vs $small_json KB at 25" test $((big_json - small_json)) -lt 2048
t_check "$n devices: text peak RSS $big_text KB vs $small_text KB at 25" test $((big_text - small_text)) -lt 2048
t_check "$n devices: all in the document" test "$(V offloads show --json | grep -c '"ifname"')" -eq "$n"

# set over a glob prints each interface as it is done and keeps only the
# counts: the same entries and summary as the JSON report, the same exit
# status (lo's scatter-gather is [fixed]: 1), and memory that grows far
# less than a whole report (~2 KB per device for these five words).
V offloads set --all sg off gro off --dry-run >"$tmp/set.txt"; text_rc=$?
V offloads set --all sg off gro off --dry-run --json >"$tmp/set.json"; json_rc=$?
t_check "set --all text and --json: exit 1 both (lo sg fixed)" test "$text_rc$json_rc" = 11
t_check "set --all: text lines = JSON entries, summary = JSON summary" python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
# Names with bytes a terminal must not get are escaped in the text: the
# line-by-line comparison is over the plain names, the count over all.
plain = re.compile(r"^[A-Za-z0-9._-]+$").match
def blocks(lines):
    out = []
    for l in lines:
        if l.startswith("\t"):
            out[-1][1].append(l)
        else:
            out.append([l, []])
    return out
want, obj = [], None
for e in d["entries"]:
    if e["status"] == "unchanged":
        continue
    if e["object"] != obj:
        obj = e["object"]
        want.append("%s (dry run):" % obj)
    if e["status"] == "changed":
        want.append("\t%s: %s -> %s (would change)" % (e["key"], e["before"], e["after"]))
    elif e["status"] == "fixed":
        want.append("\t%s: %s [fixed] [requested %s]" % (e["key"], e["after"], e["requested"]))
s = d["summary"]
summary = ("dry run: %d would change, %d unchanged, %d side effects, %d fixed, %d gone, %d failed"
           % (s["changed"], s["unchanged"], s["side-effect"], s["fixed"], s["gone"], s["failed"]))
got = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
assert got[-1] == summary, (got[-1], summary)
assert s["changed"] > 2000 and s["fixed"] >= 1, s
bw, bg = blocks(want), blocks(got[:-1])
assert len(bw) == len(bg), (len(bw), len(bg))
for (hw, lw), (hg, lg) in zip(bw, bg):
    assert len(lw) == len(lg), (hw, hg)
    if plain(hw.split(" ")[0]):
        assert (hw, lw) == (hg, lg), (hw, hg, lw[:2], lg[:2])' "$tmp/set.json" "$tmp/set.txt"
V offloads set 'm1?a' tso off >/dev/null
t_check "set 'm1?a' tso off: ethtool agrees on m12a, m12b untouched" \
	test "$(feature "$ns" m12a tcp-segmentation-offload)$(feature "$ns" m12b tcp-segmentation-offload)" = offon
set_peak() { in_ns "$ns" /usr/bin/time -f %M "$VXLANTUNE" offloads set "$@" 2>&1 >/dev/null | tail -n 1; }
small_set=$(set_peak 'm[12]?' rx off tx off tso off gso off gro off --dry-run)
big_set=$(set_peak --all rx off tx off tso off gso off gro off --dry-run)
t_check "set --all over $n devices: peak RSS $big_set KB vs $small_set KB for 40" test $((big_set - small_set)) -lt 1536
t_done
