#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# Per-interface sysctls (rp_filter, ...) by glob, through libvxlantune.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: sysctl_iface
short_description: Set per-interface sysctls (rp_filter and friends) by name, glob or role, with an optional sysctl.d drop-in
version_added: "0.1.0"
description:
  - Sets C(net.ipv4.conf.IFACE.KEY) / C(net.ipv6.conf.IFACE.KEY) values for interfaces
    selected by name, glob (C(cali*)), C(all), C(default), or the keywords C(vxlan) and
    C(underlay), through libvxlantune. It complements C(ansible.posix.sysctl), which takes
    one fully spelled key and cannot glob over interfaces.
  - Interface names with dots (C(vxlan.calico)) are handled in slash notation
    (C(net/ipv4/conf/vxlan.calico/rp_filter)), which is what C(/etc/sysctl.d) needs.
  - Selectors are expanded by libvxlantune, as C(vxlantune apply) does. Rules may
    overlap only where they agree - two values for one key (C("*") = 0 and C(cali*) = 1)
    fail the task with the library's message before anything is written. Reruns report
    C(changed=false).
  - Optionally writes the same settings as a C(/etc/sysctl.d) drop-in (I(file)), beside
    Kubespray's C(sysctl_file_path), and returns them in Kubespray's
    C(additional_sysctl) shape.
  - Check mode reports what would change and changes nothing; diff mode shows
    before/after per interface (and for the file).
author:
  - libvxlantune developers
requirements:
  - libvxlantune with its Python bindings (C(import vxlantune)) on the managed node
  - root (or CAP_NET_ADMIN and write access to /proc/sys/net) to change values
options:
  interfaces:
    description:
      - Interfaces the I(settings) apply to. Names, globs over the live interfaces,
        C(all), C(default), C(vxlan) (whichever of I(vxlan_interfaces) exist) or
        C(underlay) (detected with I(underlay_method)).
      - Omit it when I(settings) uses full keys (C(net.ipv4.ip_forward)).
      - Globs expand over the interfaces that exist now; set C(default) too, so that
        interfaces created later inherit the value.
    type: list
    elements: str
  settings:
    description:
      - Keys and values, with short conf keys (C(rp_filter), C(ipv6.forwarding)) for
        I(interfaces) or full keys without I(interfaces). Values are checked against the
        key's range before anything is written.
    type: dict
  rules:
    description:
      - Several I(interfaces)/I(settings) pairs applied as one policy; two rules that give
        one key different values fail the task. Use instead of I(interfaces) and I(settings).
    type: list
    elements: dict
    suboptions:
      interfaces:
        description: As I(interfaces) above.
        type: list
        elements: str
      settings:
        description: As I(settings) above.
        type: dict
        required: true
  apply:
    description:
      - Write the values to C(/proc/sys). With C(false) only I(file) is managed.
    type: bool
    default: true
  file:
    description:
      - Path of a C(/etc/sysctl.d) drop-in holding the same values (rendered by the
        library; globs are listed as they expand now). Kubespray keeps its own values
        in C(sysctl_file_path) (C(/etc/sysctl.d/99-sysctl.conf)); put this file beside
        it, e.g. C(/etc/sysctl.d/99-vxlantune.conf), which sorts after it and wins.
      - The directory must exist. The file is replaced as a whole (atomically).
    type: path
  mode:
    description: Permissions of I(file).
    type: raw
    default: '0644'
  underlay_method:
    description:
      - How C(underlay) is found, in Calico's C(IP_AUTODETECTION_METHOD) syntax
        (see M(vxlantune.node.offload)).
    type: str
  vxlan_interfaces:
    description:
      - What the keyword C(vxlan) stands for; only those that exist are used.
      - Omitted, the library's default VXLAN class applies (C(vxlan.calico),
        C(vxlan-v6.calico), C(flannel.1), C(cilium_vxlan)).
    type: list
    elements: str
notes:
  - Supports check mode and diff mode.
  - Effective rp_filter is max(C(all), interface); setting an interface to 0 while
    C(all) is 1 or 2 leaves the stricter value in force. Calico sets rp_filter=1 on
    C(cali*) on purpose (anti-spoofing); think twice before loosening it.
  - Globs are expanded to the interfaces that exist when the module runs. One that is
    deleted before its value is written (a CNI re-creating devices) is reported with
    status C(gone) and left out of I(settings) and the drop-in.
  - A plain interface name that does not exist fails the task.
seealso:
  - module: vxlantune.node.offload
  - name: ansible.posix.sysctl
    description: One fully spelled key at a time (Kubespray's own sysctls).
    link: https://docs.ansible.com/ansible/latest/collections/ansible/posix/sysctl_module.html
'''

EXAMPLES = r'''
- name: Loose reverse-path filtering on the overlay devices and new devices
  vxlantune.node.sysctl_iface:
    interfaces: [vxlan, default]
    settings:
      rp_filter: 2
    file: /etc/sysctl.d/99-vxlantune.conf

- name: Loose mode on the overlay and underlay, Calico's strict mode on the pods' veths
  vxlantune.node.sysctl_iface:
    rules:
      - interfaces: [vxlan, underlay]
        settings: {rp_filter: 2}
      - interfaces: ["cali*"]
        settings: {rp_filter: 1}
  register: sysctls

- name: Hand the values to Kubespray's own sysctl handling
  ansible.builtin.debug:
    var: sysctls.additional_sysctl
'''

RETURN = r'''
changed:
  description: Whether a value or the file changed (in check mode - would change).
  returned: always
  type: bool
report:
  description: One entry per key, from libvxlantune's report.
  returned: always
  type: list
  elements: dict
  contains:
    area:
      description: "Always C(sysctl)."
      type: str
    object:
      description: "Interface, C(all), C(default), or empty for plain keys."
      type: str
    key:
      description: "Full key as sysctl.d spells it."
      type: str
      sample: net/ipv4/conf/vxlan.calico/rp_filter
    before:
      description: "Value before."
      type: str
    after:
      description: "Value after (in check mode - planned)."
      type: str
    requested:
      description: "Requested value."
      type: str
    via:
      description: "The key as requested."
      type: str
    status:
      description: "C(changed), C(unchanged), C(fixed), C(gone), C(failed), C(rolled-back) (changed, then put back because another key of the task failed: the task fails and changes nothing)."
      type: str
    error:
      description: "errno of a C(failed) entry, else 0."
      type: int
settings:
  description: The full keys and values after expanding globs and keywords.
  returned: always
  type: dict
  sample: {"net.ipv4.conf.all.rp_filter": "0", "net/ipv4/conf/vxlan.calico/rp_filter": "2"}
additional_sysctl:
  description:
    - The same values in Kubespray's C(additional_sysctl) shape (for group_vars), which
      C(ansible.posix.sysctl) applies. Keys of interfaces with a dot in their name are in
      slash form (C(net/ipv4/conf/vxlan.calico/rp_filter)), which C(ansible.posix.sysctl)
      and C(sysctl) accept; the dotted form would be ambiguous.
  returned: always
  type: list
  elements: dict
  sample: [{name: net.ipv4.conf.all.rp_filter, value: 0}, {name: net/ipv4/conf/vxlan.calico/rp_filter, value: 2}]
file:
  description: Path of the drop-in, when I(file) is set.
  returned: when I(file) is set
  type: str
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible_collections.vxlantune.node.plugins.module_utils.vxlantune_common import (
    SELECTOR_ARGS, apply_policy, failed_entries, fail_error, new_policy, report_diff,
    require_bindings)
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_common as vc
from ansible_collections.vxlantune.node.plugins.module_utils.vxlantune_files import read_own_file, replace_file

FILE_HEADER = "# Managed by Ansible (vxlantune.node.sysctl_iface): local edits are overwritten.\n"


def build_policy(module, rules):
    """One policy holding every rule; the library expands the selectors and
    refuses a key that two rules give different values."""
    policy = new_policy(module)
    for i, rule in enumerate(rules):
        if not rule.get('settings'):
            module.fail_json(msg="rules[%d]: settings: nothing requested" % i)
        for key, value in rule['settings'].items():
            for selector in rule.get('interfaces') or [None]:
                policy.add_sysctl(str(key), value, selector)
    return policy


def write_file(module, path, content, result):
    """Replace the drop-in if its content differs; returns whether it did.
    Nothing planted at the path (symlink, FIFO, another user's file) is
    read, followed or kept (vxlantune_files)."""
    old = read_own_file(path)
    before = to_native(old, errors='surrogate_or_strict') if old is not None else ''
    changed = old is None or before != content
    if changed and module._diff:
        result['diff'].append(dict(before_header=path, after_header=path, before=before, after=content))
    if changed and not module.check_mode:
        d = os.path.dirname(path) or '.'
        if not os.path.isdir(d):
            module.fail_json(msg="file: directory %s does not exist (create it first)" % d, **result)
        mode = module.params['mode']
        try:
            octal = int(mode, 8) if isinstance(mode, str) else int(mode)
        except ValueError:
            octal = 0o644  # symbolic: set below
        err = replace_file(module, path, to_bytes(content), octal & 0o7777)
        if err:
            module.fail_json(msg="file: " + err, **result)
    if not module.check_mode and os.path.exists(path):
        changed = module.set_mode_if_different(path, module.params['mode'], changed)
    return changed


def main():
    rule_spec = dict(interfaces=dict(type='list', elements='str'),
                     settings=dict(type='dict', required=True))
    args = dict(
        interfaces=dict(type='list', elements='str'),
        settings=dict(type='dict'),
        rules=dict(type='list', elements='dict', options=rule_spec),
        apply=dict(type='bool', default=True),
        file=dict(type='path'),
        mode=dict(type='raw', default='0644'),
    )
    args.update(SELECTOR_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True,
                           mutually_exclusive=[('rules', 'settings'), ('rules', 'interfaces')],
                           required_one_of=[('rules', 'settings')])
    require_bindings(module)
    p = module.params
    rules = p['rules'] or [dict(interfaces=p['interfaces'], settings=p['settings'])]

    result = dict(changed=False, report=[], settings={}, additional_sysctl=[], diff=[])
    content = None
    try:
        with vc.vxlantune.Context() as ctx:
            report = apply_policy(module, ctx, build_policy(module, rules), "sysctl", result,
                                  dry_run=not p['apply'])
            # What the node should hold: every file the plan touched, except
            # interfaces that vanished meanwhile.
            final = dict((e.key, e.requested) for e in report if e.status != 'gone')
            if p['file']:
                content = FILE_HEADER + (ctx.sysctl_render(final, None, format='sysctl.d') if final else '')
    except vc.vxlantune.Error as e:
        fail_error(module, e, "sysctl", **result)

    result['settings'] = final
    if p['apply']:
        result['report'] = report.to_dicts()
    if not len(report):
        module.warn("sysctl_iface: no interface matched")
    if module._diff and p['apply']:
        result['diff'] = report_diff(report, fmt="%s = %s")
    changed = p['apply'] and report.changed
    if p['file']:
        result['file'] = p['file']
        changed = write_file(module, p['file'], content, result) or changed
    result['changed'] = changed
    for key, value in final.items():
        result['additional_sysctl'].append(dict(name=key, value=int(value) if value.lstrip('-').isdigit() else value))
    if not module._diff:
        del result['diff']

    failed = failed_entries(report)
    if failed:
        module.fail_json(msg="sysctl: could not set %s" % '; '.join(failed), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
