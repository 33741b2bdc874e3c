#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# The fleet diagnosis's decisions: from every host's probe, the next trial.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: diagnose_plan
short_description: Decide the fleet diagnosis's next trial from every host's probe results
version_added: "0.2.0"
description:
  - The deciding half of the role M(vxlantune.node.diagnose); run it once (C(run_once))
    with every host's probe results. Pure computation, no bindings, changes nothing.
  - C(start) takes the baseline probes; the next trial is the first candidate the
    evidence names (on the hosts it names, or all), else the cheapest. C(step) records a
    trial's results; every probe passing keeps the trial and starts the reduction, which
    drops each kept (host, candidate) that is not needed.
  - Also returns the node x node matrix of the last results - which pairs fail, and whose
    transmit paths the counters blame.
author:
  - libvxlantune developers
options:
  phase:
    description: C(start) with the baseline, C(step) after a trial.
    type: str
    choices: [start, step]
    required: true
  results:
    description: Per host, the C(probe) that M(vxlantune.node.diagnose_step) returned.
    type: dict
    required: true
  addresses:
    description: Per host, its VXLAN-device addresses (to tell whose peer an address is).
    type: dict
    required: true
  order:
    description: The candidates, cheapest first (C(start)).
    type: list
    elements: str
    default: []
  state:
    description: The C(state) the previous call returned (C(step)).
    type: dict
'''

EXAMPLES = r'''
- name: Plan the next trial
  vxlantune.node.diagnose_plan:
    phase: step
    state: "{{ fleet.state }}"
    results: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, ['trial', 'probe']))) }}"
    addresses: "{{ addresses }}"
  run_once: true
  register: fleet
'''

RETURN = r'''
state:
  description: The search state to pass back; C(state.pending) is the next trial's candidates per host, C(state.phase) C(done) at the end, C(state.kept) the result.
  returned: always
  type: dict
matrix:
  description: rows (prober -> peer host -> out, back, fault), failing_pairs, blamed_transmit_paths.
  returned: always
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_fleet as fleet


def main():
    module = AnsibleModule(argument_spec=dict(
        phase=dict(type='str', required=True, choices=['start', 'step']),
        results=dict(type='dict', required=True),
        addresses=dict(type='dict', required=True),
        order=dict(type='list', elements='str', default=[]),
        state=dict(type='dict'),
    ), supports_check_mode=True)
    p = module.params
    if p['phase'] == 'start':
        state = fleet.start(p['results'], p['addresses'], p['order'])
    else:
        if not p['state']:
            module.fail_json(msg="diagnose_plan step: give the state the previous call returned")
        state = fleet.step(p['state'], p['results'])
    module.exit_json(changed=False, state=state, matrix=fleet.matrix(p['results'], p['addresses']),
                     done=state['phase'] == 'done')


if __name__ == '__main__':
    main()
