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
  - With a vxlantune responder on the peers (C(vxlantune watch --responder)) the result
    says which node's transmit path breaks packets, and where to apply each remedy.
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
  - The library call is C(Context.check(peers=PEERS, timeout=SECONDS, underlay_method=METHOD)); the module returns
    its C(to_dict()), the document of doc/check-schema.json (schema C(vxlantune-check/2)),
    as C(vxlantune check --json) prints it.
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
# The check result of doc/check-schema.json ("vxlantune-check/2"), the same
# document as "vxlantune check --json" and CheckResult.to_dict().
schema:
  description: Schema name and version of this result.
  returned: always
  type: str
  sample: vxlantune-check/2
verdict:
  description: The diagnosis (healthy, overlay-data-path, segmentation, mtu, unreachable, ...).
  returned: always
  type: str
  sample: overlay-data-path
status:
  description: As a monitoring plugin exits, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
  returned: always
  type: int
status_name:
  description: C(OK), C(WARNING), C(CRITICAL) or C(UNKNOWN).
  returned: always
  type: str
summary:
  description: One paragraph on the data path, with the localization when a responder answered.
  returned: always
  type: str
remedies:
  description: The changes the verdict recommends, in order (node, peer, kind, device, key, value).
  returned: always
  type: list
  elements: dict
evidence:
  description: Probe results and counter rises behind the verdict.
  returned: always
  type: list
  elements: str
underlay:
  description: The underlay interface used, or null.
  returned: always
  type: str
duration_us:
  description: How long the check took, in microseconds.
  returned: always
  type: int
findings:
  description: What the check found, passed checks included (severity ok).
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: "Stable identifier of the finding."
      type: str
    severity:
      description: "C(ok), C(info), C(warning) or C(error)."
      type: str
    object:
      description: "Interface, peer, key or counter concerned."
      type: str
    message:
      description: "What is wrong."
      type: str
    remedies:
      description: "Structured changes that fix it (node, peer, kind, device, key, value)."
      type: list
      elements: dict
probes:
  description: Probe results (kind, peer, port, outcome, ok, rtt_us, ...).
  returned: always
  type: list
  elements: dict
counters:
  description: This node's kernel counters before and after the probes.
  returned: always
  type: list
  elements: dict
localization:
  description: Per peer, which node's transmit path breaks packets (out, in, fault, explanation, the peer's counters).
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vxlantune.node.plugins.module_utils.vxlantune_common import (
    SELECTOR_ARGS, fail_error, require_bindings)
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_common as vc

# fail_on: the lowest severity (the library's names) that fails the task.
FAIL_AT = {'warning': ('warning', 'error'), 'error': ('error',), 'never': ()}


def failing(result, fail_on):
    """Findings at or above the fail_on threshold, as message fragments."""
    return ["[%s] %s: %s" % (f['severity'], f['object'] or '-', f['message'])
            for f in result['findings'] if f['severity'] in FAIL_AT[fail_on]]


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
            result = ctx.check(peers=p['peers'] or None, timeout=p['timeout'],
                               underlay_method=p['underlay_method']).to_dict()
    except vc.vxlantune.Error as e:
        fail_error(module, e, "health check")
    bad = failing(result, p['fail_on'])
    if bad:
        module.fail_json(msg="health check: %s; %d finding(s) at or above %s: %s"
                             % (result['verdict'], len(bad), p['fail_on'], '; '.join(bad)),
                         changed=False, **result)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
