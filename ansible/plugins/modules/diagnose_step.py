#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# One step of the fleet diagnosis on one node, through libvxlantune.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: diagnose_step
short_description: One step of vxlantune's fleet diagnosis on a node - snapshot, trial, finish or restore
version_added: "0.2.0"
description:
  - The per-node half of the role M(vxlantune.node.diagnose) (which runs the steps in
    lockstep over the inventory and decides with M(vxlantune.node.diagnose_plan)).
  - C(info) returns the node's VXLAN-device addresses and whether a responder answers there.
  - C(snapshot) records every feature and sysctl any diagnose candidate touches
    (libvxlantune's snapshot) and probes the peers once.
  - C(trial) puts the node back to the snapshot, makes the given candidates and probes
    the peers. C(finish) puts the node back to the snapshot and makes the given
    candidates (the chosen set; none = exactly as found). C(restore) only puts the node back.
  - Probes are libvxlantune's check through the peers' responders; the result says
    whether every probe passed and which candidates the evidence names for this node
    and for each peer.
author:
  - libvxlantune developers
requirements:
  - libvxlantune with its Python bindings (C(import vxlantune)), with diagnose
options:
  action:
    description: The step.
    type: str
    choices: [info, snapshot, trial, finish, restore]
    required: true
  peers:
    description: The other nodes' overlay (VXLAN-device) addresses.
    type: list
    elements: str
    default: []
  candidates:
    description: Diagnose candidates to make (C(trial), C(finish)), see C(vxlantune diagnose --help).
    type: list
    elements: str
    default: []
  snapshot:
    description:
      - The snapshot C(snapshot) returned (C(trial), C(finish), C(restore)).
      - C(finish) without it changes nothing and only returns the role variables (no trial ran).
    type: raw
  timeout:
    description: Seconds per probe.
    type: float
    default: 0.5
  bulk_size:
    description: Bytes of each bulk probe.
    type: int
    default: 262144
  underlay_method:
    description: How the underlay is found (Calico's syntax); default default-route.
    type: str
  vxlan_interfaces:
    description: The VXLAN devices (default the library's VXLAN class - vxlan.calico, vxlan-v6.calico, flannel.1, cilium_vxlan).
    type: list
    elements: str
notes:
  - Check mode - C(info) and C(snapshot) run (they only read and probe); the other
    actions change nothing and report what they would make.
'''

EXAMPLES = r'''
- name: Snapshot and probe
  vxlantune.node.diagnose_step:
    action: snapshot
    peers: ["203.0.113.1"]
  register: snap

- name: Try the underlay's tx checksum off
  vxlantune.node.diagnose_step:
    action: trial
    snapshot: "{{ snap.snapshot }}"
    candidates: [underlay-tx-csum]
    peers: ["203.0.113.1"]
'''

RETURN = r'''
addresses:
  description: The VXLAN devices' addresses (C(info)).
  returned: when action is info
  type: list
  elements: str
responder:
  description: Whether a responder answers on this node's first VXLAN address (C(info)).
  returned: when action is info
  type: bool
snapshot:
  description: The snapshot (libvxlantune's JSON), to pass back to later steps.
  returned: when action is snapshot
  type: dict
order:
  description: Every candidate, cheapest first (C(snapshot)).
  returned: when action is snapshot
  type: list
  elements: str
probe:
  description: passed, verdict, summary, candidates (for this node), peers (address, out, back, fault, candidates).
  returned: when action is snapshot or trial
  type: dict
role_vars:
  description: vxlantune_preset, vxlantune_offloads, vxlantune_rp_filter for the role vxlantune.node.vxlantune (C(finish)).
  returned: when action is finish
  type: dict
policy:
  description: The chosen set as a policy file (C(finish)).
  returned: when action is finish
  type: str
'''

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_common as vc


def _policy(v, names, module):
    return v.candidate_policy(names, module.params['vxlan_interfaces'], module.params['underlay_method'])


def _snapshot_text(module):
    snap = module.params['snapshot']
    if snap is None:
        module.fail_json(msg="diagnose_step %s: give the snapshot the snapshot step returned"
                             % module.params['action'])
    return snap if isinstance(snap, str) else json.dumps(snap)


def _probe(ctx, module):
    p = module.params
    return ctx.diagnose_probe(p['peers'], timeout=p['timeout'], vxlan=p['vxlan_interfaces'],
                              underlay_method=p['underlay_method'], bulk_size=p['bulk_size']).to_dict()


def _addresses(ctx, vxlan):
    out = []
    for link in ctx.links():
        if link.name in vxlan:
            out.extend(a.address for a in link.addresses if a.scope not in ('host', 'link'))
    return out


def main():
    module = AnsibleModule(argument_spec=dict(
        action=dict(type='str', required=True, choices=['info', 'snapshot', 'trial', 'finish', 'restore']),
        peers=dict(type='list', elements='str', default=[]),
        candidates=dict(type='list', elements='str', default=[]),
        snapshot=dict(type='raw'),
        timeout=dict(type='float', default=0.5),
        bulk_size=dict(type='int', default=262144),
        **vc.SELECTOR_ARGS
    ), supports_check_mode=True)
    vc.require_bindings(module)
    v = vc.vxlantune
    p = module.params
    act = p['action']
    try:
        with v.Context() as ctx:
            if act == 'info':
                addrs = _addresses(ctx, p['vxlan_interfaces'] or v.default_vxlan())
                up = bool(addrs) and ctx.probe_tcp(addrs[0], 9475, 300).ok
                module.exit_json(changed=False, addresses=addrs, responder=up)
            if act == 'snapshot':
                names = [c.name for c in v.candidates()]
                text = ctx.snapshot(ctx.policy(text=_policy(v, names, module)))
                module.exit_json(changed=False, snapshot=json.loads(text), order=names, probe=_probe(ctx, module))
            names = p['candidates']
            if act == 'finish' and p['snapshot'] is None:
                # No trial ran (healthy as found): nothing to put back.
                module.exit_json(changed=False, candidates=names, role_vars=v.role_vars(names),
                                 policy=_policy(v, names, module))
            snap = _snapshot_text(module)
            if module.check_mode:
                module.exit_json(changed=bool(names), candidates=names, policy=_policy(v, names, module))
            ctx.restore(snap)
            if names:
                ctx.apply(ctx.policy(text=_policy(v, names, module)))
            result = dict(changed=bool(names), candidates=names)
            if act == 'trial':
                result['probe'] = _probe(ctx, module)
            if act == 'finish':
                result.update(role_vars=v.role_vars(names), policy=_policy(v, names, module))
            module.exit_json(**result)
    except v.Error as e:
        # Whatever failed, leave the node as it was found.
        try:
            if act in ('trial', 'finish') and p['snapshot'] is not None:
                with v.Context() as ctx:
                    ctx.restore(_snapshot_text(module))
        except v.Error:
            pass
        vc.fail_error(module, e, "diagnose_step %s" % act)


if __name__ == '__main__':
    main()
