#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# Health findings and verdict of the VXLAN data path, through libvxlantune.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: health_info
short_description: Check the VXLAN data path of a node - findings and a verdict, optionally with probes to peers
version_added: "0.1.0"
description:
  - Runs libvxlantune's health check on the node. Local findings cover offloads,
    rp_filter, MTU and checksum-error counters; with I(peers) it also probes each peer
    (ICMP, TCP connect, UDP/DNS) and gives the differential verdict - for example
    "ICMP passes, TCP/UDP fail - overlay data path, suspect offloads / rp_filter / MTU".
  - Never changes anything; always reports C(changed=false). Runs in check mode too.
  - Fails according to I(fail_on), so that a playbook can stop on a broken node.
  - Needs a libvxlantune whose bindings have C(vxlantune.Context.check); with older
    bindings the task fails and says so.
author:
  - libvxlantune developers
requirements:
  - libvxlantune with its Python bindings (C(import vxlantune)), with the health check
options:
  peers:
    description:
      - Addresses (overlay or pod addresses of other nodes) to probe. Without peers only
        local findings are produced.
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds to wait for each probe.
    type: float
    default: 2.0
  fail_on:
    description:
      - C(error) fails the task when a finding has severity C(error); C(warning) also on
        warnings; C(never) only returns the findings.
    type: str
    choices: [warning, error, never]
    default: error
  underlay_method:
    description:
      - How the check finds the underlay it inspects, in Calico's C(IP_AUTODETECTION_METHOD)
        syntax (as for C(vxlantune.node.offload)); give what calico-node uses, or on a node
        with a management NIC the check looks at the default-route NIC. The library's
        default (C(default-route)) when omitted.
    type: str
notes:
  - The library call is C(Context.check(peers=PEERS, timeout=SECONDS, underlay_method=METHOD)); it returns a
    mapping with C(verdict), C(status) and C(findings) (each with C(code), C(severity),
    C(object), C(message), C(remedy)).
seealso:
  - module: vxlantune.node.offload
  - module: vxlantune.node.sysctl_iface
'''

EXAMPLES = r'''
- name: Local findings only, never fail
  vxlantune.node.health_info:
    fail_on: never
  register: health

- name: Probe the other nodes' overlay addresses; stop on errors
  vxlantune.node.health_info:
    peers: "{{ groups['k8s_cluster'] | map('extract', hostvars, 'vxlan_address') | list }}"
    timeout: 1.5
'''

RETURN = r'''
verdict:
  description: One sentence on the node's data path.
  returned: always
  type: str
  sample: "ICMP passes, TCP/UDP fail: overlay data path, suspect offloads / rp_filter / MTU"
status:
  description: Overall status as the library names it (for example C(ok), C(degraded), C(broken)).
  returned: always
  type: str
findings:
  description: What the check found.
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: "Stable identifier of the finding."
      type: str
    severity:
      description: "C(info), C(warning) or C(error)."
      type: str
    object:
      description: "Interface, peer or key concerned."
      type: str
    message:
      description: "What is wrong."
      type: str
    remedy:
      description: "How to fix it."
      type: str
counts:
  description: Number of findings per severity.
  returned: always
  type: dict
  sample: {info: 1, warning: 0, error: 1}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vxlantune.node.plugins.module_utils.vxlantune_common import (
    SELECTOR_ARGS, fail_error, require_bindings)
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_common as vc

SEVERITY_RANK = {'info': 0, 'notice': 0, 'ok': 0, 'warning': 1, 'warn': 1,
                 'error': 2, 'err': 2, 'critical': 2, 'fatal': 2}
FIELDS = ('code', 'severity', 'object', 'message', 'remedy')


def _get(obj, key, default=None):
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def normalize(data):
    """The check's result as plain data, whatever shape the bindings use."""
    if hasattr(data, 'to_dict'):
        data = data.to_dict()
    findings = []
    for f in _get(data, 'findings', None) or []:
        if hasattr(f, 'to_dict'):
            f = f.to_dict()
        findings.append({k: ('' if _get(f, k) is None else str(_get(f, k))) for k in FIELDS})
    counts = {'info': 0, 'warning': 0, 'error': 0}
    for f in findings:
        rank = SEVERITY_RANK.get(f['severity'].lower(), 1)
        counts[('info', 'warning', 'error')[rank]] += 1
    return dict(verdict=str(_get(data, 'verdict', '') or ''), status=str(_get(data, 'status', '') or ''),
                findings=findings, counts=counts)


def failing(result, fail_on):
    """Findings at or above the fail_on threshold, as message fragments."""
    if fail_on == 'never':
        return []
    limit = 1 if fail_on == 'warning' else 2
    return ["[%s] %s: %s%s" % (f['severity'], f['object'] or '-', f['message'],
                               " (fix: %s)" % f['remedy'] if f['remedy'] else '')
            for f in result['findings'] if SEVERITY_RANK.get(f['severity'].lower(), 1) >= limit]


def main():
    module = AnsibleModule(argument_spec=dict(
        peers=dict(type='list', elements='str', default=[]),
        timeout=dict(type='float', default=2.0),
        fail_on=dict(type='str', choices=['warning', 'error', 'never'], default='error'),
        underlay_method=SELECTOR_ARGS['underlay_method'],
    ), supports_check_mode=True)
    require_bindings(module)
    p = module.params
    try:
        with vc.vxlantune.Context() as ctx:
            if not hasattr(ctx, 'check'):
                module.fail_json(msg="health_info needs the health check (vxlantune.Context.check), "
                                     "which the installed libvxlantune bindings do not have: "
                                     "upgrade libvxlantune")
            data = ctx.check(peers=p['peers'] or None, timeout=p['timeout'],
                             underlay_method=p['underlay_method'])
    except vc.vxlantune.Error as e:
        fail_error(module, e, "health check")
    result = normalize(data)
    result['changed'] = False
    bad = failing(result, p['fail_on'])
    if bad:
        module.fail_json(msg="health check: %s; %d finding(s) at or above %s: %s"
                             % (result['verdict'] or result['status'], len(bad), p['fail_on'],
                                '; '.join(bad)), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
