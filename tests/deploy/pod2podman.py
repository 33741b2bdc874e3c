#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turn one container of a Kubernetes manifest into `podman run` flags.

  pod2podman.py MANIFEST CONTAINER --netns NAME --field status.hostIP=IP
                --configmap-dir NAME=DIR --hostpath-root DIR  > flags
  pod2podman.py MANIFEST CONTAINER --probe                   > probe command

Prints NUL-separated words: the flags, the image placeholder IMAGE, then
the container's args.  It reads what a kubelet would (command, args, env
with the downward API, securityContext, volumes and volumeMounts,
hostNetwork) and refuses anything it does not know, so a manifest that
grows a field fails the test instead of being run differently.  hostPath
and emptyDir volumes are placed under --hostpath-root (the test's "node"
filesystem; one emptyDir directory shared by the pod's containers),
except paths inside /proc, which are kept as they are: runc must see them
to refuse them as it would on a node.
"""
import argparse
import json
import os
import sys

import yaml

KNOWN_CONTAINER = {"name", "image", "command", "args", "env", "securityContext",
                   "readinessProbe", "resources", "volumeMounts", "ports"}
KNOWN_SECURITY = {"privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem",
                  "capabilities"}


def fail(msg):
    sys.exit("pod2podman: " + msg)


def load(path, name):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    pods = [d for d in docs if d.get("kind") in ("DaemonSet", "Deployment", "Pod")]
    if len(pods) != 1:
        fail("%s: want exactly one DaemonSet" % path)
    spec = pods[0]["spec"]["template"]["spec"]
    ctrs = [c for c in spec["containers"] if c["name"] == name]
    if not ctrs:
        fail("no container named %s" % name)
    maps = {d["metadata"]["name"]: d["data"] for d in docs if d.get("kind") == "ConfigMap"}
    return spec, ctrs[0], maps


def env_flags(ctr, fields):
    out = []
    for e in ctr.get("env", []):
        if "value" in e:
            val = e["value"]
        elif "fieldRef" in e.get("valueFrom", {}):
            path = e["valueFrom"]["fieldRef"]["fieldPath"]
            if path not in fields:
                fail("env %s needs --field %s=VALUE" % (e["name"], path))
            val = fields[path]
        else:
            fail("env %s: unsupported source %r" % (e["name"], e))
        out += ["--env", "%s=%s" % (e["name"], val)]
    return out


def security_flags(ctr):
    sc = ctr.get("securityContext", {})
    unknown = set(sc) - KNOWN_SECURITY
    if unknown:
        fail("securityContext: unsupported %s" % sorted(unknown))
    out = []
    if sc.get("privileged"):
        out.append("--privileged")
    if sc.get("allowPrivilegeEscalation") is False:
        out += ["--security-opt", "no-new-privileges"]
    if sc.get("readOnlyRootFilesystem"):
        # Only the declared volumes are writable, as under a kubelet.
        out += ["--read-only", "--read-only-tmpfs=false"]
    caps = sc.get("capabilities", {})
    for c in caps.get("drop", []):
        out += ["--cap-drop", c.lower()]
    for c in caps.get("add", []):
        out += ["--cap-add", c.upper()]
    return out


def volume_flags(spec, ctr, maps, cm_dirs, hostpath_root):
    vols = {v["name"]: v for v in spec.get("volumes", [])}
    out = []
    for m in ctr.get("volumeMounts", []):
        v = vols.get(m["name"]) or fail("volumeMount %s: no such volume" % m["name"])
        dest, ro = m["mountPath"], ":ro" if m.get("readOnly") else ""
        if "configMap" in v:
            cm = v["configMap"]["name"]
            if cm not in cm_dirs:
                fail("configMap %s needs --configmap-dir %s=DIR" % (cm, cm))
            out += ["--volume", "%s:%s:ro" % (cm_dirs[cm], dest)]
        elif "emptyDir" in v:
            # One directory per pod, shared by its containers.
            src = os.path.join(hostpath_root, "emptydir", m["name"])
            os.makedirs(src, exist_ok=True)
            out += ["--volume", "%s:%s%s" % (src, dest, ro)]
        elif "hostPath" in v:
            src = v["hostPath"]["path"]
            if not (src == "/proc" or src.startswith("/proc/")):
                src = os.path.join(hostpath_root, src.lstrip("/"))
                if v["hostPath"].get("type") == "DirectoryOrCreate":
                    os.makedirs(src, exist_ok=True)
            out += ["--volume", "%s:%s%s" % (src, dest, ro)]
        else:
            fail("volume %s: unsupported type" % m["name"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manifest")
    ap.add_argument("container")
    ap.add_argument("--netns")
    ap.add_argument("--field", action="append", default=[])
    ap.add_argument("--configmap-dir", action="append", default=[])
    ap.add_argument("--hostpath-root", default="/nonexistent")
    ap.add_argument("--probe", action="store_true", help="print the readinessProbe command")
    ap.add_argument("--configmap", metavar="NAME", help="print the ConfigMap's data as JSON")
    a = ap.parse_args()
    spec, ctr, maps = load(a.manifest, a.container)
    if a.configmap:
        print(json.dumps(maps[a.configmap]))
        return
    unknown = set(ctr) - KNOWN_CONTAINER
    if unknown:
        fail("container: unsupported %s" % sorted(unknown))
    if a.probe:
        words = ctr["readinessProbe"]["exec"]["command"]
    else:
        fields = dict(f.split("=", 1) for f in a.field)
        cm_dirs = dict(f.split("=", 1) for f in a.configmap_dir)
        words = []
        if ctr.get("ports") and not spec.get("hostNetwork"):
            fail("ports without hostNetwork: not modelled (the node's namespace is the pod's)")
        if spec.get("hostNetwork"):
            # ports: the node's own, i.e. the namespace's; nothing to map.
            if not a.netns:
                fail("hostNetwork needs --netns NAME (the test's node)")
            words += ["--network", "ns:/run/netns/" + a.netns]
        if "command" in ctr:
            words += ["--entrypoint", json.dumps(ctr["command"])]
        mem = ctr.get("resources", {}).get("limits", {}).get("memory")
        if mem:
            words += ["--memory", mem.replace("Mi", "m").replace("Gi", "g")]
        words += env_flags(ctr, fields) + security_flags(ctr)
        words += volume_flags(spec, ctr, maps, cm_dirs, a.hostpath_root)
        words += ["IMAGE"] + list(ctr.get("args", []))
    sys.stdout.write("".join(w + "\0" for w in words))


if __name__ == "__main__":
    main()
