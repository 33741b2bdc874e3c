#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# The mesh's health: health_info results of every host as one node x node matrix.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: health_matrix
short_description: Aggregate every host's health check into a node x node matrix
version_added: "0.2.0"
description:
  - Takes what M(vxlantune.node.health_info) returned on each host (the check result,
    schema vxlantune-check/2, whose C(localization) says per peer which direction is
    broken and whose transmit path is at fault) and returns one matrix - which pairs
    fail, and which nodes' transmit paths the counters blame. Run it once (C(run_once)).
  - Pure computation; changes nothing.
author:
  - libvxlantune developers
options:
  results:
    description: Per host, its M(vxlantune.node.health_info) result.
    type: dict
    required: true
  addresses:
    description: Per host, its overlay addresses (the peers the others probe), to name hosts instead of addresses.
    type: dict
    default: {}
  fail_on_failing:
    description: Fail when any pair fails.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Probe every other host
  vxlantune.node.health_info:
    peers: "{{ groups['k8s_cluster'] | difference([inventory_hostname]) | map('extract', hostvars, 'vxlan_address') | list }}"
    fail_on: never
  register: health

- name: One matrix for the cluster
  vxlantune.node.health_matrix:
    results: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'health'))) }}"
    addresses: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'vxlan_address') | map('ansible.builtin.split', ' '))) }}"
  run_once: true
'''

RETURN = r'''
rows:
  description: prober -> peer host -> out, back (path states), fault (unknown, none, this, peer, both).
  returned: always
  type: dict
failing_pairs:
  description: "Pairs with a broken direction, as C(prober -> peer)."
  returned: always
  type: list
  elements: str
blamed_transmit_paths:
  description: Hosts whose transmit path the counters blame.
  returned: always
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_fleet as fleet


def main():
    module = AnsibleModule(argument_spec=dict(
        results=dict(type='dict', required=True),
        addresses=dict(type='dict', default={}),
        fail_on_failing=dict(type='bool', default=False),
    ), supports_check_mode=True)
    m = fleet.matrix(module.params['results'], module.params['addresses'])
    if module.params['fail_on_failing'] and m['failing_pairs']:
        module.fail_json(msg="failing pairs: %s; transmit paths blamed: %s"
                             % (', '.join(m['failing_pairs']), ', '.join(m['blamed_transmit_paths']) or 'none'), **m)
    module.exit_json(changed=False, **m)


if __name__ == '__main__':
    main()
