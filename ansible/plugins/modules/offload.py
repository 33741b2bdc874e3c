#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# Set NIC offload features (ethtool -K) through libvxlantune.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: offload
short_description: Set NIC offload features (ethtool -K) on interfaces, globs, the underlay or the VXLAN devices
version_added: "0.1.0"
description:
  - Sets offload features the way C(ethtool -K) does, over ethtool netlink (with the
    ioctl fallback on old kernels), through libvxlantune's Python bindings.
  - Selects interfaces by name, by glob (C(cali*)), and by role - C(vxlan) for the
    CNI's VXLAN devices, C(underlay) for the NIC that carries the VXLAN packets - so
    that it works on devices a CNI creates (C(vxlan.calico), C(flannel.1)), which
    NetworkManager-based roles cannot manage.
  - Reads the current state first; a second run with the same request reports
    C(changed=false). Check mode reports what would change and changes nothing;
    diff mode shows before/after per interface.
  - Features the driver cannot change (C([fixed]) in C(ethtool -k)) make the task
    fail when I(fail_on_fixed=true), since the node then does not have the
    requested state.
author:
  - libvxlantune developers
requirements:
  - libvxlantune with its Python bindings (C(import vxlantune)) on the managed node
  - CAP_NET_ADMIN on the managed node to change features (C(become) or root)
options:
  interfaces:
    description:
      - Interfaces to change. Each item is an interface name, a glob over the node's
        interfaces (C(cali*), C(eth[01])), or one of the keywords C(vxlan) (whichever of
        I(vxlan_interfaces) exist) and C(underlay) (the underlay NIC, found with
        I(underlay_method)). libvxlantune expands them, as C(vxlantune apply) does.
      - A plain name that does not exist fails the task; a glob or C(vxlan) that
        matches nothing changes nothing and warns.
    type: list
    elements: str
    required: true
  features:
    description:
      - Features to set, C(true) for on and C(false) for off. Keys are what
        C(ethtool -K) accepts, checked by the kernel's own feature list - kernel names
        (C(tx-checksum-ip-generic)), long names (C(generic-receive-offload)) or the
        short aliases C(rx tx sg tso gso gro lro rxvlan txvlan ntuple rxhash), which
        expand exactly as ethtool expands them.
      - An unknown name fails the task before anything changes.
    type: dict
    required: true
  fail_on_fixed:
    description:
      - Fail when a requested feature is fixed by the driver and therefore not in the
        requested state (for example C(tx-udp_tnl-segmentation) on a vxlan device).
        Features already in the requested state never count, fixed or not.
      - With C(false) such features are returned in C(fixed) and the task succeeds.
    type: bool
    default: true
  underlay_method:
    description:
      - How to find the C(underlay), in Calico's C(IP_AUTODETECTION_METHOD) syntax -
        C(default-route), C(first-found), C(interface=REGEX), C(skip-interface=REGEX),
        C(cidr=CIDR), C(can-reach=DEST), C(address=IP) - plus C(vxlan=NAME) (the
        parent device of a VXLAN interface). The library's default when omitted.
    type: str
  vxlan_interfaces:
    description:
      - What the keyword C(vxlan) stands for (names or globs); only those that exist
        are used.
      - Omitted, the library's default VXLAN class applies (C(vxlan.calico),
        C(vxlan-v6.calico), C(flannel.1), C(cilium_vxlan)).
    type: list
    elements: str
  state:
    description:
      - C(present) makes the features have the requested values. Restoring earlier
        values is the job of C(vxlantune snapshot)/C(restore).
    type: str
    choices: [present]
    default: present
notes:
  - Supports check mode and diff mode.
  - Changing one feature can change others (turning C(tx-checksum-ip-generic) off
    also turns off TSO); such side effects appear in C(report) with status
    C(side-effect) after a real run.
  - Settings do not survive a reboot or the CNI re-creating its device; the role
    C(vxlantune.node.vxlantune) installs the C(vxlantune watch) service for that.
seealso:
  - module: vxlantune.node.sysctl_iface
  - module: vxlantune.node.health_info
'''

EXAMPLES = r'''
- name: The narrow VXLAN fix - no transmit checksum offload on the overlay devices
  vxlantune.node.offload:
    interfaces: [vxlan]
    features:
      tx-checksum-ip-generic: false

- name: The incident's broad fix on the underlay found like Calico does
  vxlantune.node.offload:
    interfaces: [underlay]
    underlay_method: can-reach=198.51.100.1
    features: {rx: false, tx: false, tso: false, gso: false, gro: false}

- name: Pods' veths, by glob, tolerating fixed features
  vxlantune.node.offload:
    interfaces: ["cali*"]
    features: {gro: false}
    fail_on_fixed: false
  register: r

- name: Show what would change
  vxlantune.node.offload:
    interfaces: [eth0, vxlan.calico]
    features: {tx: false}
  check_mode: true
  diff: true
'''

RETURN = r'''
changed:
  description: Whether any feature changed (in check mode - would change).
  returned: always
  type: bool
interfaces:
  description: The interfaces the request resolved to (keywords and globs expanded).
  returned: always
  type: list
  elements: str
  sample: [eth0, vxlan.calico]
report:
  description: One entry per interface and kernel feature touched, from libvxlantune's report.
  returned: always
  type: list
  elements: dict
  contains:
    area:
      description: "Always C(feature)."
      type: str
    object:
      description: "Interface name."
      type: str
      sample: vxlan.calico
    key:
      description: "Kernel feature name."
      type: str
      sample: tx-checksum-ip-generic
    before:
      description: "State before, C(on) or C(off)."
      type: str
    after:
      description: "State after (in check mode - planned)."
      type: str
    requested:
      description: "Requested state; empty for side effects."
      type: str
    via:
      description: "The word of I(features) that selected this feature (C(tx)); empty for side effects."
      type: str
    status:
      description: C(changed), C(unchanged), C(fixed) (the driver refuses), C(side-effect), C(gone) (the interface vanished), C(failed).
      type: str
    error:
      description: "errno of a C(failed) entry, else 0."
      type: int
fixed:
  description: Requested features the driver could not change, as C(IFACE FEATURE (wanted X, stays Y)).
  returned: always
  type: list
  elements: str
  sample: ["vxlan.calico tx-udp_tnl-segmentation (wanted on, stays off)"]
unmet:
  description: Number of requests not met (fixed or failed features).
  returned: always
  type: int
underlay:
  description: The detected underlay as libvxlantune's C(Underlay) gives it (ifname, ifindex, address, prefixlen, family, mtu, kind, method, explanation) when C(underlay) was used.
  returned: when I(interfaces) contains C(underlay)
  type: dict
  sample: {ifname: eth0, address: 192.0.2.10, method: default-route}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.vxlantune.node.plugins.module_utils.vxlantune_common import (
    SELECTOR_ARGS, apply_policy, failed_entries, fail_error, new_policy, report_diff,
    require_bindings, underlay_info)
from ansible_collections.vxlantune.node.plugins.module_utils import vxlantune_common as vc


def main():
    args = dict(
        interfaces=dict(type='list', elements='str', required=True),
        features=dict(type='dict', required=True),
        fail_on_fixed=dict(type='bool', default=True),
        state=dict(type='str', choices=['present'], default='present'),
    )
    args.update(SELECTOR_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    require_bindings(module)
    p = module.params

    features = {}
    for word, value in (p['features'] or {}).items():
        try:
            features[str(word)] = boolean(value, strict=True)
        except TypeError:
            module.fail_json(msg="features: '%s' must be true or false, not %r" % (word, value))
    if not features:
        module.fail_json(msg="features: nothing requested")

    result = dict(changed=False, interfaces=[], report=[], fixed=[], unmet=0)
    what = "offload %s" % ', '.join(p['interfaces'])
    try:
        with vc.vxlantune.Context() as ctx:
            policy = new_policy(module)
            for selector in p['interfaces']:
                for word, on in features.items():
                    policy.add_feature(selector, word, on)
            underlay = underlay_info(module, ctx, p['interfaces'])
            if underlay:
                result['underlay'] = underlay
            report = apply_policy(module, ctx, policy, what, result)
    except vc.vxlantune.Error as e:
        fail_error(module, e, what, **result)

    result['report'] = report.to_dicts()
    result['unmet'] = report.unmet
    result['interfaces'] = sorted({e.object for e in report})
    result['changed'] = report.changed
    result['fixed'] = ["%s %s (wanted %s, stays %s)" % (e.object, e.key, e.requested, e.after)
                       for e in report if e.status == 'fixed']
    if module._diff:
        result['diff'] = report_diff(report)
    if not len(report):
        module.warn("offload: no interface matched %s" % ', '.join(p['interfaces']))

    failed = failed_entries(report)
    if failed:
        module.fail_json(msg="offload: could not set %s" % '; '.join(failed), **result)
    if result['fixed'] and p['fail_on_fixed']:
        module.fail_json(msg="offload: fixed by the driver, not in the requested state: %s "
                             "(set fail_on_fixed: false to accept)" % '; '.join(result['fixed']),
                         **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
