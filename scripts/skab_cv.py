#!/usr/bin/env python3
"""Leave-one-experiment-out cross-validation of the device layer's constants on SKAB.

    scripts/skab_cv.py VIGIE [--grid NAME=V1,V2,...]... [--sensitivity S] [--tools DIR] [--data DIR]

VIGIE is a `vigie` binary. Every combination of the grid's values (constants of
`DeviceCorroboration` or `AnomalyTuning`, passed to the hidden `vigie detect --tune`; the
others keep their shipped values) runs every experiment of DATA/valve1 (default
../shared/data/skab) through ../shared/tools/skab_incidents.py, one file at a time, and
DATA/anomaly-free.csv (normal running only: false alarms).

A combination is judged by J = (faults detected / faults) - 0.1 x (false alarm onsets per hour
of normal running): one missed fault in 16 weighs as much as 0.6 false alarms an hour.

Printed:
  * each combination's in-sample figures (the 16 experiments; anomaly-free apart);
  * the cross-validated figures: for each experiment, the combination with the best J on the
    15 others (and anomaly-free) is chosen (ties: the first in the grid's order, so list each
    constant's shipped or most conservative value first) and its result on the one left out is kept;
    detected, median delay and false alarms per hour are then computed over the 16 held-out
    results: the estimate on experiments not used to choose the constants.
The last line is `skab_cv: shipped=D/N,S s,F/h cross_validated=D/N,S s,F/h`.
"""
import argparse, csv, glob, itertools, os, re, statistics, subprocess, sys, tempfile


def normal_hours(path):
    rows = list(csv.reader(open(path), delimiter=';'))[1:]
    labels = [len(r) > 9 and float(r[9]) == 1 for r in rows]
    start = labels.index(True) if any(labels) else len(labels)
    end = len(labels) - 1 - labels[::-1].index(True) if any(labels) else len(labels)
    return sum(1 for i in range(300, len(labels)) if i < start or i > end) / 3600


def false_alarms_without_fault(args, path, tune):
    """skab_incidents.py's count for a file without a fault (which that script refuses): alarm
    onsets (any sensor's alarm, onsets under 60 s apart merged) from the 300th row on."""
    rows = list(csv.reader(open(path), delimiter=';'))
    sensors = [s.replace(' ', '_') for s in rows[0][1:9]]
    with tempfile.NamedTemporaryFile('w', suffix='.csv') as t:
        t.write('sensor,timestamp,value\n')
        for r in rows[1:]:
            for i, s in enumerate(sensors):
                t.write(f'{s},{r[0]},{r[1 + i]}\n')
        t.flush()
        out = subprocess.run([args.vigie, 'detect', '--input', t.name, '--sensitivity', args.sensitivity]
                             + (['--tune', tune] if tune else []), check=True, capture_output=True, text=True).stdout
    alarmed = sorted({k // len(sensors) for k, line in enumerate(out.splitlines()[1:]) if line.endswith(',1')})
    onsets = []
    for i in alarmed:
        if not onsets or i - onsets[-1] >= 60:
            onsets.append(i)
    return 0, None, sum(1 for i in onsets if i >= 300)


def run(args, path, tune):
    if os.path.basename(path) == 'anomaly-free.csv':
        return false_alarms_without_fault(args, path, tune)
    extra = ['--sensitivity', args.sensitivity] + (['--tune', tune] if tune else [])
    out = subprocess.run([sys.executable, os.path.join(args.tools, 'skab_incidents.py'), args.vigie, path] + extra,
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r'detected (\d+)/\d+, median delay (\S+) s, false alarms (\d+)', out)
    detected, delay, false_alarms = int(m.group(1)), float(m.group(2)), int(m.group(3))
    return detected, delay if detected else None, false_alarms


def summary(results, hours):
    """results: (detected, delay, false alarms) per experiment; hours: normal hours in all."""
    detected = sum(r[0] for r in results)
    delays = [r[1] for r in results if r[1] is not None]
    faults = sum(1 for r in results if r[3])
    per_hour = sum(r[2] for r in results) / hours
    return detected, faults, statistics.median(delays) if delays else float('nan'), per_hour


def merit(results, hours):
    detected, faults, _, per_hour = summary(results, hours)
    return detected / max(1, faults) - 0.1 * per_hour


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('vigie')
    ap.add_argument('--grid', action='append', default=[], help='NAME=V1,V2,... (repeatable)')
    ap.add_argument('--sensitivity', default='medium')
    ap.add_argument('--tools', default='../shared/tools')
    ap.add_argument('--data', default='../shared/data/skab')
    args = ap.parse_args()
    names = [g.partition('=')[0] for g in args.grid]
    values = [g.partition('=')[2].split(',') for g in args.grid]
    tunes = []
    for combo in itertools.product(*values):
        pairs = dict(zip(names, combo))
        if float(pairs.get('corroborate', 1)) == 0:  # no corroboration: its other constants do nothing
            pairs = {n: v for n, v in pairs.items() if not n.startswith('corroboration_')}
        tune = ','.join(f'{n}={v}' for n, v in pairs.items())
        if tune not in tunes:
            tunes.append(tune)
    experiments = sorted(glob.glob(os.path.join(args.data, 'valve1', '*.csv')))
    free = os.path.join(args.data, 'anomaly-free.csv')
    hours = {path: normal_hours(path) for path in experiments + [free]}
    # per tune: {path: (detected, delay, false alarms, is a fault file)}
    table = {}
    for tune in [''] + tunes:
        table[tune] = {p: run(args, p, tune) + (p != free,) for p in experiments + [free]}
        rows = [table[tune][p] for p in experiments]
        d, n, delay, per_hour = summary(rows, sum(hours[p] for p in experiments))
        fa_free = table[tune][free][2] / hours[free]
        print(f'{tune or "(shipped)":60s} {d}/{n} median {delay:5.1f} s  {per_hour:5.2f} /h  '
              f'anomaly-free {fa_free:5.2f} /h', flush=True)
    held_out = []
    for path in experiments:
        train = [p for p in experiments if p != path] + [free]
        # Ties go to the combination that comes first in the grid's order.
        candidates = tunes or ['']
        chosen = max(candidates, key=lambda t: (merit([table[t][p] for p in train], sum(hours[p] for p in train)),
                                                -candidates.index(t)))
        held_out.append(table[chosen][path])
        print(f'  {os.path.basename(path):8s} chosen on the others: {chosen or "(shipped)":52s} -> {table[chosen][path][:3]}')
    shipped = summary([table[''][p] for p in experiments], sum(hours[p] for p in experiments))
    cv = summary(held_out, sum(hours[p] for p in experiments))
    fmt = lambda s: f'{s[0]}/{s[1]},{s[2]:.1f} s,{s[3]:.2f}/h'
    print(f'skab_cv: shipped={fmt(shipped)} cross_validated={fmt(cv)}')


if __name__ == '__main__':
    sys.exit(main())
