# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drives every public method of every public class of the bindings the
wrong way: after close() (and with the Context closed under a Watch), with
wrong types and out-of-range integers, and from several threads at once.
Run as a subprocess by test_robustness.py, so that a crash of the
interpreter (SIGSEGV, abort) is a test failure, not a dead test runner.
Prints one line per problem and "robust: N calls, M problems"; exits 1 if
there were problems.  Must run as root inside a scratch network namespace
(it creates veths and applies policies to them)."""

import inspect
import os
import signal
import subprocess
import sys
import threading
import time

import vxlantune

problems = []
calls = 0
ALLOWED = (TypeError, ValueError, vxlantune.Error)
BAD = [None, 0, -1, 2**31, 2**64, -2**70, 1.5, float("nan"), "", "x" * 5000, "a\0b",
       b"bytes", [], [None], {}, {"a": object()}, object(), True]

# A plausible value per parameter name: what the other arguments of a call
# get while one of them is bad.
PLAUSIBLE = {
    "ifname": "rbt0", "interfaces": "rbt0", "features": {"gro": False}, "dry_run": True,
    "keys": "rp_filter", "ifaces": "all", "any_key": False, "settings": {"rp_filter": 0},
    "format": "sysctl.d", "method": None, "family": None, "preset": "checksum", "file": None,
    "text": None, "policy": "checksum", "snapshot": "{}", "peer": "127.0.0.1", "port": 9,
    "timeout_ms": 50, "server": "127.0.0.1", "name": "x.example", "size": 100, "peers": None,
    "tcp_port": None, "udp_port": None, "dns": None, "timeout": 0.05, "vxlan": None,
    "underlay_method": None, "large_size": None, "backend": 0, "selector": "rbt0",
    "word": "gro", "on": False, "key": "rp_filter", "value": 0, "names": ["vxlan.*"],
}
FEATURE_LISTS = {"check_features": ["gro"]}


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True, capture_output=True)


def gro(ifname):
    out = subprocess.run(["ethtool", "-k", ifname], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.strip().startswith("generic-receive-offload:"):
            return line.split(":")[1].split()[0]
    return None


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, _alarm)


def call(label, fn, *args, expect=None, **kwargs):
    """Call fn; anything but success or an ALLOWED exception is a problem
    (expect: the exception type that must be raised)."""
    global calls
    calls += 1
    signal.alarm(20)
    try:
        fn(*args, **kwargs)
        if expect is not None:
            problems.append(f"{label}: returned instead of raising {expect.__name__}")
    except Timeout:
        problems.append(f"{label}: still running after 20 s")
    except ALLOWED as e:
        if expect is not None and not isinstance(e, expect):
            problems.append(f"{label}: raised {type(e).__name__} ({e}), not {expect.__name__}")
    except BaseException as e:  # noqa: B902 -- everything else is the bug we look for
        problems.append(f"{label}: raised {type(e).__name__}: {e}")
    finally:
        signal.alarm(0)


def public_members(cls):
    """(name, kind) of the public methods and properties of a class."""
    out = []
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name in ("close", "closed"):
            continue
        if isinstance(member, property):
            out.append((name, "property"))
        elif inspect.isfunction(member):
            out.append((name, "method"))
    return out


def args_for(cls, name, bad_index=None, bad=None):
    """Positional arguments for cls.name: plausible ones, one replaced."""
    params = [p for p in inspect.signature(getattr(cls, name)).parameters.values()
              if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)]
    args = []
    for i, p in enumerate(params):
        if i == bad_index:
            args.append(bad)
        elif name in FEATURE_LISTS and p.name == "features":
            args.append(FEATURE_LISTS[name])
        else:
            args.append(PLAUSIBLE.get(p.name, p.default if p.default is not p.empty else None))
    return args, len(params)


def drive_closed(obj, cls, label):
    """Every public method and property of a closed obj raises ValueError."""
    for name, kind in public_members(cls):
        if kind == "property":
            call(f"{label}.{name}", getattr, obj, name, expect=ValueError)
        else:
            args, _ = args_for(cls, name)
            call(f"{label}.{name}()", getattr(obj, name), *args, expect=ValueError)


def drive_wrong_types(obj, cls, label, skip=()):
    for name, kind in public_members(cls):
        if kind != "method" or name in skip:
            continue
        _, n = args_for(cls, name)
        for i in range(n):
            for bad in BAD:
                if name == "run" and bad == -1:
                    continue  # run(-1) means "forever", by design
                args, _ = args_for(cls, name, i, bad)
                call(f"{label}.{name}(arg {i} = {bad!r:.40})", getattr(obj, name), *args)


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    sh("ip link add rbt0 type veth peer name rbt0p; ip link set rbt0 up; ip link set rbt0p up")
    sh("ethtool -K rbt0 gro off")
    text = "[interface rbt0]\nfeatures = gro on\n"

    # --- after close ------------------------------------------------------
    ctx = vxlantune.Context()
    ctx.close()
    ctx.close()  # idempotent
    drive_closed(ctx, vxlantune.Context, "closed Context")

    ctx = vxlantune.Context()
    w = ctx.watch(ctx.policy(text=text))
    w.close()
    drive_closed(w, vxlantune.Watch, "closed Watch")
    call("closed Watch.run(-1)", w.run, -1, expect=ValueError)

    w = ctx.watch(ctx.policy(text=text))
    ctx.close()
    drive_closed(w, vxlantune.Watch, "Watch of a closed Context")
    if gro("rbt0") != "off":
        problems.append("Watch of a closed Context: resync applied the policy before raising")
    w.close()

    for how in ("close", "__del__"):
        p = vxlantune.Policy()
        getattr(p, how)()
        drive_closed(p, vxlantune.Policy, f"Policy after {how}()")
        with vxlantune.Context() as c:
            for name in ("apply", "snapshot", "check_policy", "watch"):
                call(f"Context.{name}(freed Policy)", getattr(c, name), p, expect=ValueError)
            call("Context.check(policy=freed Policy)", c.check, policy=p, expect=ValueError)

    # --- wrong types and out-of-range integers -----------------------------
    with vxlantune.Context() as c:
        drive_wrong_types(c, vxlantune.Context, "Context")
        drive_wrong_types(vxlantune.Policy(), vxlantune.Policy, "Policy")
        with c.watch(c.policy(text=text)) as w2:
            w2.resync()
            drive_wrong_types(w2, vxlantune.Watch, "Watch")
        for bad in (2**31, 2**64, -2**70):
            call(f"Context(backend={bad})", vxlantune.Context, bad, expect=vxlantune.Error)
            call(f"probe_tcp(port={bad})", c.probe_tcp, "127.0.0.1", bad, 50, expect=vxlantune.Error)
            call(f"check(tcp_port={bad})", c.check, tcp_port=bad, expect=vxlantune.Error)
        # set_features([]): an empty list is no interface (only None is all).
        sh("ethtool -K rbt0 gro on")
        rep = c.set_features([], {"gro": False})
        if len(rep) or gro("rbt0") != "on":
            problems.append(f"set_features([]) changed something: {rep.to_dicts()}")
        # Failing calls leak nothing: RSS stays flat over thousands of them.
        for _ in range(500):
            call("warm-up", c.check, tcp_port=2**70)
        before = rss_kb()
        for i in range(5000):
            call("leak: check(tcp_port=2**70)", c.check, tcp_port=2**70)
            call("leak: set_features(bad word)", c.set_features, "rbt0", {"gro": False, 7: True})
            call("leak: Policy().add_sysctl", vxlantune.Policy().add_sysctl, "rp_filter", 2**70, "a/b")
        grown = rss_kb() - before
        print(f"# RSS growth over 15000 failing calls: {grown} kB")
        if grown > 4096:
            problems.append(f"failing calls leak: RSS grew {grown} kB over 15000 calls")

    # --- several threads on one Context -------------------------------------
    c = vxlantune.Context()
    stop = threading.Event()
    errors = []
    rounds = [0] * 4

    def worker(tid):
        name = f"nosuch{tid}"
        n = 0
        while not stop.is_set() and n < 300:
            n += 1
            rounds[tid] = n
            try:
                c.features(name)
                errors.append(f"thread {tid}: features({name}) did not fail")
            except vxlantune.Error as e:
                if name not in str(e):
                    errors.append(f"thread {tid}: got another thread's message: {e}")
            except ValueError as e:
                errors.append(f"thread {tid}: ValueError on an open Context: {e}")
                return
            try:
                c.links()
                c.features_all()
                c.sysctl_show("rp_filter", "all")
                c.apply(c.policy(text=text), dry_run=True)
            except ValueError as e:
                errors.append(f"thread {tid}: ValueError on an open Context: {e}")
                return
            except vxlantune.Error as e:
                errors.append(f"thread {tid}: {e}")

    w3 = c.watch(c.policy(text=text))
    w3.resync()

    def watcher():
        while not stop.is_set():
            try:
                w3.run(20)
            except ValueError:
                return

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=watcher))
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads[:4]:
        t.join(timeout=120)
    stop.set()
    w3.close()       # under a running run(): it must end with ValueError
    c.close()
    threads[4].join(timeout=10)
    took = time.monotonic() - t0
    alive = [t.name for t in threads if t.is_alive()]
    print(f"# rounds per thread {rounds}; 4 threads x 300 rounds + a watcher on one Context: {took:.1f} s")
    if rounds != [300] * 4:
        problems.append(f"threads did not finish their rounds: {rounds}")
    if alive:
        problems.append(f"threads still running after 120 s (deadlock?): {alive}")
    problems.extend(errors[:10])

    for p in problems:
        print("PROBLEM:", p)
    print(f"robust: {calls} calls, {len(problems)} problems")
    sys.stdout.flush()
    os._exit(1 if problems else 0)


if __name__ == "__main__":
    main()
