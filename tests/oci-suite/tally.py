#!/usr/bin/env python3
"""Per-program counts over the passes tests/oci-suite/rounds.sh made:

    tests/oci-suite/tally.py OUTDIR

For each program and each of cvisor/runc, idle/busy: in how many of the
passes it was "alike" (every assertion with the same result as in the
program's most common pass; assertions are matched by description and
occurrence, since programs that check each mount or device list them in
a different order from pass to pass), and that common result as
passed/failed.  A program with no failed assertion in its common result
that is alike in x of N passes passed x of N times.  Then the totals of
each pass, all programs and without the four that one of the runtimes
cannot start on this host (issue 17's like-for-like count: mount labels,
AppArmor, privileged capabilities and process_capabilities_fail).
"""
import collections, os, re, sys

out = sys.argv[1]
RUNS = ['cvisor-idle', 'cvisor-busy', 'runc-idle', 'runc-busy']
FOUR = {'linux_mount_label', 'linux_process_apparmor_profile', 'process_capabilities',
        'process_capabilities_fail'}


def parse(path):
    """The pass's assertions: a sorted tuple of (description, k, ok)."""
    seen = collections.Counter()
    res = []
    for line in open(path, errors='replace'):
        m = re.match(r'^(not ok|ok)\s+\d+\s*-?\s*(.*)$', line.rstrip('\n'))
        if not m:
            continue
        skip = '# SKIP' in line or '# skip' in line
        desc = re.sub(r'\s+#.*$', '', m.group(2)).strip()
        seen[desc] += 1
        res.append((desc, seen[desc], 'skip' if skip else m.group(1) == 'ok'))
    return tuple(sorted(res))


passes = collections.defaultdict(list)          # run -> [dir]
for d in sorted(os.listdir(out)):
    m = re.match(r'^(cvisor|runc)-(idle|busy)-(\d+)$', d)
    if m and os.path.isdir(f'{out}/{d}'):
        passes[f'{m.group(1)}-{m.group(2)}'].append(f'{out}/{d}')
progs = sorted({f[:-4] for ds in passes.values() for d in ds
                for f in os.listdir(d) if f.endswith('.tap')})

print('| program | ' + ' | '.join(f'{r}: alike (common pass/fail)' for r in RUNS) + ' |')
print('|---|' + '--:|' * len(RUNS))
for x in progs:
    cells = []
    for r in RUNS:
        got = [parse(f'{d}/{x}.tap') for d in passes[r] if os.path.exists(f'{d}/{x}.tap')]
        if not got:
            cells.append('—')
            continue
        common, n = collections.Counter(got).most_common(1)[0]
        ok = sum(1 for a in common if a[2] is True)
        bad = sum(1 for a in common if a[2] is False)
        cells.append(f'{n}/{len(got)} ({ok}/{bad})')
    print(f'| `{x}` | ' + ' | '.join(cells) + ' |')


def totals(d, names):
    t = [0, 0, 0]
    for x in names:
        p = f'{d}/{x}.tap'
        for a in parse(p) if os.path.exists(p) else ():
            t[0 if a[2] is True else 1 if a[2] is False else 2] += 1
    return t


print()
for r in RUNS:
    for d in passes[r]:
        t = totals(d, progs)
        u = totals(d, [x for x in progs if x not in FOUR])
        print(f'{os.path.basename(d)}: passed {t[0]}, failed {t[1]}, skipped {t[2]}; '
              f'without the four: passed {u[0]}, failed {u[1]}, skipped {u[2]}')
