# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# Shared by the vxlantune.node modules: importing the bindings (with
# Ansible's missing-library message instead of a traceback), the
# vxlantune.Policy each module builds from its options, and turning the
# library's Report into an Ansible diff.
#
# The modules never talk netlink or write /proc/sys themselves, and they
# do not interpret selectors: "underlay", "vxlan", names, globs, the default
# VXLAN class and the rule that one key cannot get two values all live in
# libvxlantune, which the modules reach through its Python package.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import dataclasses
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
    "interpreter Ansible uses there: the Debian packages vxlantune and "
    "python3-vxlantune (dpkg-buildpackage -b in the source tree; the role "
    "vxlantune.node.vxlantune installs them with vxlantune_install: package), or "
    "from the release tarball "
    "'./configure --enable-python PYTHON=/usr/bin/python3 && make && make install' "
    "(needs swig, python3-dev, libnl-3/genl-3/route-3, json-c, inih).")

# Options every module that selects interfaces shares.  No default for
# vxlan_interfaces: the library's VXLAN class applies when it is omitted.
SELECTOR_ARGS = dict(
    underlay_method=dict(type='str'),
    vxlan_interfaces=dict(type='list', elements='str'),
)


def require_bindings(module):
    """Fail with Ansible's missing-library message when the import failed."""
    if not HAS_VXLANTUNE:
        module.fail_json(msg=missing_required_lib('vxlantune') + " " + INSTALL_HINT,
                         exception=VXLANTUNE_IMPORT_ERROR)


def fail_error(module, err, what, **extra):
    """Report a library error: its message names interface, operation and fix."""
    module.fail_json(msg="%s: %s" % (what, err), errno=err.errno, **extra)


def new_policy(module):
    """An empty vxlantune.Policy with the module's underlay method and VXLAN
    class; the module adds its rules."""
    p = module.params
    policy = vxlantune.Policy()
    if p['underlay_method']:
        policy.set_underlay_method(p['underlay_method'])
    if p['vxlan_interfaces'] is not None:
        policy.set_vxlan_interfaces(p['vxlan_interfaces'])
    return policy


def underlay_info(module, ctx, selectors):
    """The detected underlay (as the bindings give it) when a selector asks
    for it, else None.  Detection failing fails the task with the library's
    message, where the policy would only record a failed entry."""
    if 'underlay' not in selectors:
        return None
    method = module.params['underlay_method']
    try:
        return dataclasses.asdict(ctx.underlay(method=method))
    except vxlantune.Error as e:
        fail_error(module, e, "underlay detection (%s)" % (method or 'default-route'))


def apply_policy(module, ctx, policy, what, result, dry_run=False):
    """Apply the policy (a plan only in check mode or with dry_run); named
    interfaces must exist."""
    try:
        return ctx.apply(policy, dry_run=dry_run or module.check_mode, names_exist=True)
    except vxlantune.Error as e:
        fail_error(module, e, what, **result)


def report_diff(report, fmt="%s: %s"):
    """One Ansible diff per object with changes: before/after lines per key;
    unchanged keys of a changed object stay as context lines."""
    by_obj = {}
    for e in report:
        by_obj.setdefault(e.object, []).append(e)
    diffs = []
    for obj, es in by_obj.items():
        if not vxlantune.Report(es, report.dry_run, 0).changed:
            continue
        diffs.append(dict(
            before_header=obj or '(global)', after_header=obj or '(global)',
            before=''.join(fmt % (e.key, e.before) + '\n' for e in es),
            after=''.join(fmt % (e.key, e.after) + '\n' for e in es)))
    return diffs


def failed_entries(report):
    """What failed, and (when a failure made the library put the rest back)
    how many changes were rolled back."""
    out = ["%s %s: %s" % (e.object, e.key, os.strerror(e.error) if e.error else 'failed')
           for e in report if e.status == 'failed']
    rolled = sum(e.status == 'rolled-back' for e in report)
    if out and rolled:
        out.append("%d change(s) of this task were rolled back: nothing changed" % rolled)
    return out
