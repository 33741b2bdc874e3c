#!/bin/bash
# Files written and read as root, in a directory another user can write
# (a node_exporter textfile directory often is one): as `nobody`, plant
# symlinks to root's files, FIFOs, pre-created world-writable files and
# foreign-owned files at every temporary and final name the project could
# use, then run the root command.  No file outside the target may change
# (checksums of the victims), nothing may hang (timeouts), no temporary may
# be left, and the target is root's own regular file.  Run with
# VXLANTUNE=<an older build> to see the test fail.
. "${top_srcdir:-.}/tests/lib.sh"
SRC=$(cd "$top_srcdir" && pwd)
BUILD=$(cd "$top_builddir" && pwd)
V=$VXLANTUNE
PY=${PYTHON:-/usr/bin/python3}
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

ns=$(t_netns hfiles)
in_ns "$ns" sh -e -c '
ip link add eth0 type veth peer name eth0p; ip link set eth0 up; ip link set eth0p up
ip addr add 198.51.100.10/24 dev eth0; ip route add default via 198.51.100.1 dev eth0
ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0; ip link set vxlan.calico up
ip link add cali1 type veth peer name cali1p
echo 1 > /proc/sys/net/ipv4/ip_forward'
NS=(ip netns exec "$ns")

BASE=$(mktemp -d /tmp/vxt-hfiles.XXXXXX)
trap 't_cleanup; rm -rf "$BASE"' EXIT
chmod 755 "$BASE"
W=$BASE/root-only      # root's files the attacker points at
mkdir -m 700 "$W"
mkdir -m 1777 "$BASE/d1777"
mkdir -m 0777 "$BASE/d0777"
chmod 0777 "$BASE/d0777"

victims() { (cd "$W" && sha256sum -- * 2>/dev/null; stat -c '%n %a %u' -- * 2>/dev/null) | sort; }
# A directory's entries: name, type, owner, mode, inode, checksum of regular files.
listing() {
	local f
	for f in "$1"/.[!.]* "$1"/*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		printf '%s %s %s\n' "${f##*/}" "$(stat -c '%F %u %a %i' -- "$f")" \
			"$( [ -f "$f" ] && [ ! -L "$f" ] && sha256sum < "$f" | cut -c1-16)"
	done | sort
}

# plant DIR NAME VARIANT: the attacker's preparations for target DIR/NAME.
# Temporary names (NAME.tmp, the old code's; .NAME.tmp, NAME.new, NAME~,
# .NAME.swp) get symlinks to victims, FIFOs and a world-writable file; the
# target itself gets VARIANT: none, symlink, fifo or foreign (nobody's 0666).
plant() {
	local d=$1 n=$2 variant=$3 v
	rm -rf "${d:?}/$n" "$d/$n.tmp" "$d/.$n.tmp" "$d/$n.new" "$d/$n~" "$d/.$n.swp"
	for v in tmp new final; do
		printf 'root secret %s %s\n' "$n" "$v" > "$W/victim-$n-$v"
		chmod 600 "$W/victim-$n-$v"
	done
	"${NOBODY[@]}" sh -e -c '
		cd "$1"; n=$2; W=$3
		ln -s "$W/victim-$n-tmp" "$n.tmp"
		ln -s "$W/victim-$n-new" "$n.new"
		mkfifo ".$n.tmp" "$n~"
		printf "attacker\n" > ".$n.swp"; chmod 666 ".$n.swp"
		case "$4" in
		symlink) ln -s "$W/victim-$n-final" "$n" ;;
		fifo) mkfifo "$n" ;;
		foreign) printf "attacker wrote this\n" > "$n"; chmod 666 "$n" ;;
		esac' sh "$d" "$n" "$W" "$variant"
}

# written WHAT DIR NAME MODE WANT command...: run as root; the target must
# be root's regular file with MODE holding WANT, nothing else changed.
written() {
	local what=$1 d=$2 n=$3 mode=$4 want=$5; shift 5
	local before_v before_d after_d rc=0 out problems=""
	before_v=$(victims)
	before_d=$(listing "$d" | grep -v "^$n ")
	out=$(timeout "${TIMEOUT:-60}" "$@" 2>&1) || rc=$?
	after_d=$(listing "$d" | grep -v "^$n ")
	[ "$rc" -eq 124 ] && problems="$problems HUNG;"
	[ "$rc" -eq 0 ] || problems="$problems exit $rc;"
	[ "$(victims)" = "$before_v" ] || problems="$problems A VICTIM CHANGED;"
	[ "$after_d" = "$before_d" ] ||
		problems="$problems directory changed besides $n: $(diff <(echo "$before_d") <(echo "$after_d") | grep '^[<>]' | tr '\n' ' ');"
	if [ -L "$d/$n" ] || [ ! -f "$d/$n" ]; then
		problems="$problems $n is not a regular file;"
	else
		[ "$(stat -c '%u %a' "$d/$n")" = "0 $mode" ] ||
			problems="$problems $n is $(stat -c 'uid %u mode %a' "$d/$n") (want uid 0 mode $mode);"
		grep -qF -- "$want" "$d/$n" || problems="$problems $n lacks '$want';"
	fi
	if [ -z "$problems" ]; then t_ok "$what"; else t_fail "$what:$problems"; echo "    output: $(echo "$out" | head -c 300)"; fi
}

# fails WHAT DIR WANT command...: must fail with WANT in its output, without
# hanging, victims and directory unchanged.
fails() {
	local what=$1 d=$2 want=$3; shift 3
	local before_v before_d rc=0 out problems=""
	before_v=$(victims); before_d=$(listing "$d")
	out=$(timeout "${TIMEOUT:-60}" "$@" 2>&1) || rc=$?
	[ "$rc" -eq 124 ] && problems="$problems HUNG;"
	[ "$rc" -ne 0 ] || problems="$problems exit 0;"
	[ "$(victims)" = "$before_v" ] || problems="$problems A VICTIM CHANGED;"
	[ "$(listing "$d")" = "$before_d" ] || problems="$problems directory changed;"
	case "$out" in *"$want"*) ;; *) problems="$problems output lacks '$want';" ;; esac
	if [ -z "$problems" ]; then t_ok "$what"; else t_fail "$what:$problems"; echo "    output: $(echo "$out" | head -c 300)"; fi
}

# The Ansible module's drop-in, run as Ansible runs it: ad hoc, local
# connection, in the namespace, with the build tree's bindings.
mkdir -p "$BASE/coll/ansible_collections/vxlantune" "$BASE/home"
ln -s "$SRC/ansible" "$BASE/coll/ansible_collections/vxlantune/node"
ANSIBLE_ADHOC=("${NS[@]}" env ANSIBLE_COLLECTIONS_PATH="$BASE/coll" ANSIBLE_HOME="$BASE/home"
	ANSIBLE_LOCAL_TEMP="$BASE/home/tmp" ANSIBLE_CONFIG=/nonexistent ANSIBLE_NOCOLOR=1
	PYTHONPATH="$BUILD/bindings/python/.libs:$SRC/bindings/python" LD_LIBRARY_PATH="$BUILD/lib/.libs"
	ansible localhost -c local -e "ansible_python_interpreter=$PY" -m vxlantune.node.sysctl_iface)
dropin_args() { printf '{"interfaces": ["all"], "settings": {"rp_filter": 0}, "apply": false, "file": "%s"}' "$1"; }
# A check whose policy is broken must fail and still write its file.
FAILS=(sh -c '! "$@"' sh)
# A check that ran writes the file whatever its verdict (0 healthy,
# 1 warnings, 2 unhealthy); only "could not run" is an error here.
RAN=(sh -c '"$@"; [ $? -le 2 ]' sh)
printf '[bogus\n' > "$BASE/bad.conf"

for mode in 1777 0777; do
	D=$BASE/d$mode
	for variant in none symlink fifo foreign; do
		tag="d$mode, target: $variant"
		plant "$D" snap.json "$variant"
		written "snapshot -o ($tag)" "$D" snap.json 600 '"vxlantune-snapshot"' \
			"${NS[@]}" "$V" snapshot --preset calico-incident -o "$D/snap.json"
		plant "$D" node.prom "$variant"
		written "check --prometheus ($tag)" "$D" node.prom 644 'vxlantune_check_verdict' \
			"${RAN[@]}" "${NS[@]}" "$V" check --preset checksum --prometheus "$D/node.prom"
		plant "$D" bad.prom "$variant"
		written "check --prometheus, bad policy ($tag)" "$D" bad.prom 644 'vxlantune_check_success 0' \
			"${FAILS[@]}" "${NS[@]}" "$V" check --config "$BASE/bad.conf" --prometheus "$D/bad.prom"
		plant "$D" 60-vxlantune.conf "$variant"
		written "sysctl render -o ($tag)" "$D" 60-vxlantune.conf 644 'rp_filter = 0' \
			"${NS[@]}" "$V" sysctl render rp_filter=0 --iface all -o "$D/60-vxlantune.conf"
		if command -v ansible >/dev/null; then
			plant "$D" 61-ansible.conf "$variant"
			written "ansible sysctl_iface file= ($tag)" "$D" 61-ansible.conf 644 'rp_filter' \
				"${ANSIBLE_ADHOC[@]}" -a "$(dropin_args "$D/61-ansible.conf")"
		else
			t_fail "ansible not installed (tests/install-deps.sh installs ansible-core)"
		fi
	done
	# A directory at the target, or no name: refused, nothing left behind.
	"${NOBODY[@]}" mkdir "$D/dir.json"
	fails "snapshot -o onto a directory (d$mode)" "$D" "is a directory" \
		"${NS[@]}" "$V" snapshot --preset calico-incident -o "$D/dir.json"
	fails "snapshot -o '' (d$mode)" "$D" "an empty name is no file" \
		sh -c 'cd "$1" && shift && "$@"' sh "$D" "${NS[@]}" "$V" snapshot --preset calico-incident -o ""

	# Reading as root: FIFOs, devices and other users' files.
	"${NOBODY[@]}" mkfifo "$D/policy.fifo" "$D/snap.fifo"
	TIMEOUT=10 fails "apply --config FIFO does not hang (d$mode)" "$D" "is a FIFO (named pipe)" \
		"${NS[@]}" "$V" apply --config "$D/policy.fifo" --dry-run
	TIMEOUT=10 fails "restore FIFO does not hang (d$mode)" "$D" "is a FIFO (named pipe)" \
		"${NS[@]}" "$V" restore "$D/snap.fifo"
	"${NOBODY[@]}" ln -s /dev/zero "$D/policy.dev"
	TIMEOUT=10 fails "apply --config symlink to /dev/zero (d$mode)" "$D" "is a character device" \
		"${NS[@]}" "$V" apply --config "$D/policy.dev" --dry-run
	"${NOBODY[@]}" sh -c 'printf "[vxlan]\nfeatures = gro off\n" > "$1"' sh "$D/policy.conf"
	TIMEOUT=10 fails "watch refuses nobody's policy (d$mode)" "$D" "owned by uid 65534" \
		"${NS[@]}" "$V" watch --config "$D/policy.conf" --dry-run
	out=$("${NS[@]}" "$V" apply --config "$D/policy.conf" --dry-run 2>&1)
	case "$out" in
	*"warning:"*"owned by uid 65534"*) t_ok "apply warns about nobody's policy (d$mode)" ;;
	*) t_fail "apply warns about nobody's policy (d$mode)"; echo "    output: $out" ;;
	esac
done

# root's own policy in a world-writable directory without the sticky bit:
# another user could replace it, so watch refuses it too.
printf '[vxlan]\nfeatures = gro off\n' > "$BASE/d0777/root.conf"
TIMEOUT=10 fails "watch refuses a policy in a world-writable directory" "$BASE/d0777" "is writable by every user" \
	"${NS[@]}" "$V" watch --config "$BASE/d0777/root.conf" --dry-run

# A policy that becomes writable by others while watch runs: SIGHUP must
# not load it (the previous policy stays).
mkdir -m 755 "$BASE/etc"
printf '[vxlan]\nfeatures = gro off\n' > "$BASE/etc/p.conf"
"${NS[@]}" "$V" watch --config "$BASE/etc/p.conf" --dry-run > "$BASE/watch.out" 2>&1 &
wpid=$!
for _ in $(seq 50); do grep -q "watching\|READY\|applied\|dry run" "$BASE/watch.out" && break; sleep 0.1; done
chmod 666 "$BASE/etc/p.conf"
kill -HUP "$wpid"
for _ in $(seq 50); do grep -q "reload failed" "$BASE/watch.out" && break; sleep 0.1; done
kill "$wpid"; wait "$wpid" 2>/dev/null
if grep -q "reload failed: keeping the previous policy" "$BASE/watch.out" && grep -q "writable by every user" "$BASE/watch.out"; then
	t_ok "watch: SIGHUP refuses a policy made world-writable, keeps the old one"
else
	t_fail "watch: SIGHUP refuses a policy made world-writable"; sed 's/^/    /' "$BASE/watch.out" | tail -5
fi

t_done
