# SPDX-License-Identifier: LGPL-2.1-or-later
# -*- coding: utf-8 -*-
# The fleet diagnosis's search, as pure functions over the hosts' probe
# results (no bindings, no I/O): the role vxlantune.node.diagnose runs one
# trial at a time on every host (module diagnose_step) and hands the
# results to diagnose_plan, which calls step() here for the next trial.
#
#   search   candidates in order (evidence first, then cheapest first);
#            each one is added, on the hosts the evidence names for it (or
#            all), to what is kept; kept when every probe passes (then
#            reduce) or when fewer paths fail, reverted otherwise.
#   reduce   drop each (host, candidate) kept, most expensive first; keep
#            the drop when every probe still passes: 1-minimal.
#   done     healthy as found, fixed (the kept set), or no fleet-wide
#            change suffices (nothing kept: everything reverted).

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def _paths(r):
    """(address, out, back, fault) per peer, from a diagnose_step probe
    (peers: address/out/back) or a check result (schema vxlantune-check/2,
    localization: peer/out/in)."""
    for p in r.get('peers') or []:
        yield p.get('address'), p.get('out'), p.get('back'), p.get('fault')
    for p in r.get('localization') or []:
        yield p.get('peer'), p.get('out'), p.get('in'), p.get('fault')


def _bad(results):
    """How broken the mesh is: failed hosts plus directions not ok."""
    n = 0
    for r in results.values():
        n += 0 if r.get('passed') else 1
        n += sum(1 for _a, out, back, _f in _paths(r) for s in (out, back) if s not in ('ok', 'unknown'))
    return n


def _passed(results):
    return bool(results) and all(r.get('passed') for r in results.values())


def evidence(results, addresses):
    """{candidate: set of hosts} that the hosts' checks name."""
    owner = dict((a, h) for h, addrs in addresses.items() for a in addrs)
    named = {}
    for host, r in results.items():
        for c in r.get('candidates', []):
            named.setdefault(c, set()).add(host)
        for p in r.get('peers', []):
            h = owner.get(p.get('address'))
            for c in p.get('candidates', []) if h else []:
                named.setdefault(c, set()).add(h)
    return named


def matrix(results, addresses):
    """Node x node: for each prober and each peer host, the paths' states
    and whose transmit path the counters blame."""
    owner = dict((a, h) for h, addrs in addresses.items() for a in addrs)
    rows, blamed = {}, set()
    for host, r in sorted(results.items()):
        row = rows.setdefault(host, {})
        for addr, out, back, fault in _paths(r):
            peer = owner.get(addr, addr)
            row[peer] = {'out': out, 'back': back, 'fault': fault}
            if fault in ('this', 'both'):
                blamed.add(host)
            if fault in ('peer', 'both'):
                blamed.add(peer)
    failing = sorted('%s -> %s' % (h, peer) for h, row in rows.items() for peer, v in row.items()
                     if v['out'] != 'ok' or v['back'] != 'ok')
    return {'rows': rows, 'failing_pairs': failing, 'blamed_transmit_paths': sorted(blamed)}


def _assign(kept, hosts, add=None, drop=None):
    out = dict((h, list(kept.get(h, []))) for h in hosts)
    if add:
        for h in add[1]:
            if add[0] not in out[h]:
                out[h].append(add[0])
    if drop and drop[1] in out[drop[0]]:
        out[drop[0]].remove(drop[1])
    return out


def start(results, addresses, order):
    """The state after the baseline probe: done when healthy, else the
    first trial."""
    hosts = sorted(results)
    named = evidence(results, addresses)
    plan = [c for c in order if c in named] + [c for c in order if c not in named]
    state = {'hosts': hosts, 'order': list(order), 'plan': plan,
             'named': dict((c, sorted(h)) for c, h in named.items()),
             'kept': dict((h, []) for h in hosts), 'phase': 'search', 'idx': 0,
             'bad': _bad(results), 'trials': [], 'outcome': None, 'pending': None, 'queue': []}
    if _passed(results):
        state.update(phase='done', outcome='healthy')
        return state
    return _next(state)


def _next(state):
    hosts = state['hosts']
    if state['phase'] == 'search':
        if state['idx'] >= len(state['plan']):
            state.update(phase='done', outcome='no-fleet-fix', kept=dict((h, []) for h in hosts),
                         pending=None)
            return state
        c = state['plan'][state['idx']]
        targets = state['named'].get(c) or hosts
        state['pending'] = _assign(state['kept'], hosts, add=(c, targets))
        state['trial'] = 'add %s on %s' % (c, ', '.join(targets))
        return state
    if state['phase'] == 'reduce':
        if not state['queue']:
            state.update(phase='done', outcome='fixed', pending=None)
            return state
        h, c = state['queue'][0]
        state['pending'] = _assign(state['kept'], hosts, drop=(h, c))
        state['trial'] = 'drop %s on %s' % (c, h)
        return state
    return state


def step(state, results):
    """Record the results of state['pending'] and plan the next trial."""
    ok = _passed(results)
    bad = _bad(results)
    state['trials'].append({'trial': state.get('trial'), 'assignment': state['pending'],
                            'passed': ok, 'bad': bad})
    if state['phase'] == 'search':
        if ok:
            state['kept'] = state['pending']
            rank = dict((c, i) for i, c in enumerate(state['order']))
            state['queue'] = sorted(([h, c] for h in state['hosts'] for c in state['kept'][h]),
                                    key=lambda hc: (-rank[hc[1]], hc[0]))
            state['phase'] = 'reduce'
        else:
            if bad < state['bad']:
                state['kept'], state['bad'] = state['pending'], bad
            state['idx'] += 1
    elif state['phase'] == 'reduce':
        if ok:
            state['kept'] = state['pending']
        state['queue'] = state['queue'][1:]
    return _next(state)
