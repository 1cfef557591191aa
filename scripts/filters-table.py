#!/usr/bin/env python3
"""docs/security.md's tables of host calls, from cvisor-filters --list output.

  scripts/filters-table.py CVISOR.list docs/filters/gvisor.list docs/filters/docker.list

CVISOR.list is `cvisor-filters --list` of a live sandbox (its parties
become cvisor-sentry, cvisor-syscall-thread, cvisor-app); the other two
keep their party names (gvisor-*, docker).  Prints markdown: a table of
counts per party, the conditions cvisor's filters set on arguments, and one
row per call any party allows.  scripts/filters-table.sh runs it all.
"""
import sys

REST = {'*', 'i386', 'other-arch', 'x86_64>=1024'}

# (party, label) in the order of the columns
PARTIES = [
    ('cvisor-app', 'cvisor: application threads'),
    ('cvisor-syscall-thread', "cvisor: stub's syscall thread"),
    ('cvisor-sentry', 'cvisor: sentry'),
    ('gvisor-app', 'gVisor systrap: application threads'),
    ('gvisor-stub', 'gVisor systrap: stub process'),
    ('gvisor-sentry', 'gVisor: sentry (runsc defaults)'),
    ('docker', 'Docker 20.10: container (default profile)'),
]
SHORT = {'cvisor-app': 'cvisor app', 'cvisor-syscall-thread': 'cvisor syscall thread',
         'cvisor-sentry': 'cvisor sentry', 'gvisor-app': 'gVisor app',
         'gvisor-stub': 'gVisor stub', 'gvisor-sentry': 'gVisor sentry', 'docker': 'Docker'}


def read(path, prefix=''):
    """{party: {'allow': {call: (from, cond)}, 'other': {call: [answer]},
    'default': answer, 'rest': {what: [answer]}}}"""
    parties = {}

    def party(key):
        return parties.setdefault(key, {'allow': {}, 'other': {}, 'default': '', 'rest': {},
                                        'insns': ''})
    for line in open(path):
        f = line.rstrip('\n').split('\t')
        if f[0] == '#party':
            insns = [x[len('filters='):] for x in f if x.startswith('filters=')]
            party(prefix + f[1])['insns'] = insns[0].replace(',', ' + ') if insns else ''
        if line.startswith('#') or len(f) < 5:
            continue
        p = party(prefix + f[0])
        call, answer, frm, cond = f[1], f[2], f[3], '\t'.join(f[4:])
        if call == '*':
            p['default'] = answer
        elif call in REST:
            p['rest'].setdefault(call, []).append(answer)
        elif answer == 'ALLOW':
            p['allow'][call] = (frm, cond)
        else:
            p['other'].setdefault(call, []).append(answer)
    return parties


def checks_args(cond):
    return 'arg' in cond


def counts(p):
    allow = p['allow']
    return (len(allow), sum(checks_args(c) for _, c in allow.values()),
            sum(f == 'any' for f, _ in allow.values()), sum(f == 'stub' for f, _ in allow.values()))


def cell(p, call):
    if call in p['allow']:
        frm, cond = p['allow'][call]
        parts = (['stub'] if frm == 'stub' else ['ip'] if frm == 'ip' else []) + \
                (['args'] if checks_args(cond) else [])
        return ', '.join(parts) or 'yes'
    answers = [a for a in p['other'].get(call, []) if a != p['default']]
    return answers[0].replace('ERRNO(', '').rstrip(')') if answers else ''


def main():
    cvisor, gvisor, docker = read(sys.argv[1], 'cvisor-'), read(sys.argv[2]), read(sys.argv[3])
    parties = {**cvisor, **gvisor, **docker}
    hostinet = parties.get('gvisor-hostinet', {'allow': {}})['allow']
    missing = [k for k, _ in PARTIES if k not in parties]
    if missing:
        sys.exit('filters-table: no lines for ' + ', '.join(missing))

    print('| party | allowed calls | with argument checks | from any address '
          '| only from stub code | anything else | i386 (`int $0x80`) | BPF instructions |')
    print('|---|--:|--:|--:|--:|---|---|--:|')
    for key, label in PARTIES:
        p = parties[key]
        n, args, any_, stub = counts(p)
        i386 = sorted(set(p['rest'].get('i386', [])))
        i386 = ('some allowed' if 'ALLOW' in i386 else ' or '.join(i386)) or '(not read)'
        insns = p['insns'] or '(not measured)'
        print(f'| {label} | {n} | {args} | {any_} | {stub} | {p["default"]} | {i386} | {insns} |')
        if key == 'gvisor-sentry':
            both = {**p['allow'], **hostinet}
            added = len(set(hostinet) - set(p['allow']))
            print(f'| gVisor: sentry with `--network=host` | {len(both)} (+{added}) | '
                  f'{sum(checks_args(c) for _, c in both.values())} | {len(both)} | 0 '
                  f'| {p["default"]} | {i386} | (not measured) |')

    print()
    print('Conditions on arguments in cvisor\'s filters, as measured:')
    print()
    print('| party | call | allowed when |')
    print('|---|---|---|')
    for key, _ in PARTIES[:3]:
        for call, (frm, cond) in sorted(parties[key]['allow'].items()):
            if checks_args(cond):
                print(f'| {SHORT[key]} | `{call}` | {cond.replace("|", chr(92) + "|")} |')
    for key, _ in PARTIES[:3]:
        ips = {c.split(' (stub code)')[0] for f, c in parties[key]['allow'].values()
               if f == 'stub'}
        if ips:
            print(f'| {SHORT[key]} | every call | {", ".join(sorted(ips))} (stub code) |')

    calls = set()
    for key, _ in PARTIES:
        calls |= set(parties[key]['allow'])
    calls |= set(hostinet)
    print()
    print('| call | ' + ' | '.join(SHORT[k] for k, _ in PARTIES) + ' |')
    print('|---|' + '---|' * len(PARTIES))
    for call in sorted(calls):
        row = []
        for key, _ in PARTIES:
            c = cell(parties[key], call)
            if key == 'gvisor-sentry' and call in hostinet:
                args = checks_args(hostinet[call][1])
                c = f'{c} (host net: {"args" if args else "yes"})' if c else \
                    'host net' + (', args' if args else '')
            row.append(c)
        print(f'| `{call}` | ' + ' | '.join(row) + ' |')


main()
