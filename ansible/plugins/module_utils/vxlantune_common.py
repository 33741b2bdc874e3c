# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# Shared by the vxlantune.node modules: importing the bindings (with
# Ansible's missing-library message instead of a traceback), the interface
# selectors every module understands (names, globs, and the keywords
# "underlay" and "vxlan"), and turning a libvxlantune Report into an Ansible
# result with per-interface diffs.
#
# The modules never talk netlink or write /proc/sys themselves: every
# capability lives in libvxlantune and comes in through its Python package.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import traceback

from ansible.module_utils.basic import missing_required_lib

try:
    import vxlantune
    HAS_VXLANTUNE = True
    VXLANTUNE_IMPORT_ERROR = None
except ImportError:  # the package or its C extension/library is missing
    vxlantune = None
    HAS_VXLANTUNE = False
    VXLANTUNE_IMPORT_ERROR = traceback.format_exc()

INSTALL_HINT = (
    "Install libvxlantune and its Python bindings on the managed node for the "
    "interpreter Ansible uses there: from the release tarball "
    "'./configure --enable-python PYTHON=/usr/bin/python3 && make && make install' "
    "(needs swig, python3-dev, libnl-3/genl-3/route-3, json-c, inih), or let the "
    "role vxlantune.node.vxlantune do it with vxlantune_install: source.")

# What the CNIs call their VXLAN devices (Calico v4/v6, Flannel, Cilium):
# the keyword "vxlan" means whichever of these exist on the node.
DEFAULT_VXLAN = ["vxlan.calico", "vxlan-v6.calico", "flannel.1", "cilium_vxlan"]

# Options every module that selects interfaces shares.
SELECTOR_ARGS = dict(
    underlay_method=dict(type='str'),
    vxlan_interfaces=dict(type='list', elements='str', default=list(DEFAULT_VXLAN)),
)


def require_bindings(module):
    """Fail with Ansible's missing-library message when the import failed."""
    if not HAS_VXLANTUNE:
        module.fail_json(msg=missing_required_lib('vxlantune') + " " + INSTALL_HINT,
                         exception=VXLANTUNE_IMPORT_ERROR)


def fail_error(module, err, what, **extra):
    """Report a library error: its message names interface, operation and fix."""
    module.fail_json(msg="%s: %s" % (what, err), errno=getattr(err, 'errno', None), **extra)


def is_glob(name):
    return any(c in name for c in '*?[')


def _attr(obj, *names):
    """Attribute or key of an object the bindings return (dicts or objects)."""
    for n in names:
        if isinstance(obj, dict) and obj.get(n) is not None:
            return obj[n]
        if getattr(obj, n, None) is not None:
            return getattr(obj, n)
    return None


def detect_underlay(module, ctx, method):
    """The underlay interface as the library detects it, or fail clearly.

    Context.underlay(method=..., family=...) comes with the library's
    underlay detection; older bindings do not have it."""
    if not hasattr(ctx, 'underlay'):
        module.fail_json(msg="interfaces: the keyword 'underlay' needs underlay detection "
                             "(vxlantune.Context.underlay), which the installed libvxlantune "
                             "bindings do not have: upgrade libvxlantune, or name the underlay "
                             "interface (e.g. eth0) instead of 'underlay'")
    try:
        u = ctx.underlay(method=method) if method else ctx.underlay()
    except vxlantune.Error as e:
        fail_error(module, e, "underlay detection (%s)" % (method or 'default method'))
    name = _attr(u, 'name', 'ifname')
    if not name:
        module.fail_json(msg="underlay detection (%s) returned no interface" % (method or 'default method'))
    info = {'name': name}
    for k in ('address', 'prefixlen', 'family', 'mtu', 'kind', 'method', 'explanation'):
        v = _attr(u, k)
        if v is not None:
            info[k] = v
    return info


def resolve(module, ctx, selectors, live=None, allow_conf=False):
    """Expand keywords in a list of interface selectors.

    Returns (selectors, underlay_info).  "vxlan" becomes whichever of
    vxlan_interfaces exist (names or globs); "underlay" the detected NIC.
    Plain names must exist when ``live`` (the set of interface names) is
    given; globs are left to the library, which expands them over the live
    interfaces.  "all" and "default" are sysctl conf objects, accepted only
    with allow_conf."""
    out, underlay, vx_live = [], None, None
    p = module.params
    for sel in selectors:
        if sel == 'vxlan':
            if vx_live is None:
                vx_live = live if live is not None else live_interfaces(module, ctx)
            out.extend(n for n in p['vxlan_interfaces'] if is_glob(n) or n in vx_live)
        elif sel == 'underlay':
            underlay = detect_underlay(module, ctx, p.get('underlay_method'))
            out.append(underlay['name'])
        elif sel in ('all', 'default'):
            if not allow_conf:
                module.fail_json(msg="interfaces: '%s' is a sysctl object, not an interface "
                                     "(use names, globs, 'underlay' or 'vxlan')" % sel)
            out.append(sel)
        else:
            if not is_glob(sel) and live is not None and sel not in live:
                module.fail_json(msg="interfaces: no interface '%s' on this node (see 'ip link "
                                     "show'); use the keyword 'vxlan' or a glob for devices a CNI "
                                     "creates later" % sel)
            out.append(sel)
    seen = set()
    return [s for s in out if not (s in seen or seen.add(s))], underlay


def live_interfaces(module, ctx):
    """Names of the interfaces in the node's network namespace."""
    try:
        return set(ctx.features_all())
    except vxlantune.Error as e:
        fail_error(module, e, "listing interfaces")


def report_diff(entries, fmt="%s: %s"):
    """One Ansible diff per object with changes: before/after lines per key.

    ``entries`` are report dicts; unchanged keys of a changed object stay
    as context lines."""
    by_obj = {}
    for e in entries:
        by_obj.setdefault(e['object'], []).append(e)
    diffs = []
    for obj, es in by_obj.items():
        if not any(e['status'] in ('changed', 'side-effect') for e in es):
            continue
        diffs.append(dict(
            before_header=obj or '(global)', after_header=obj or '(global)',
            before=''.join(fmt % (e['key'], e['before']) + '\n' for e in es),
            after=''.join(fmt % (e['key'], e['after']) + '\n' for e in es)))
    return diffs


def report_changed(entries):
    return any(e['status'] in ('changed', 'side-effect') for e in entries)


def failed_entries(entries):
    return ["%s %s: %s" % (e['object'], e['key'], os.strerror(e['error']) if e['error'] else 'failed')
            for e in entries if e['status'] == 'failed']
