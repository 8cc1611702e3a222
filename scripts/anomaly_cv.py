#!/usr/bin/env python3
"""Leave-one-category-out cross-validation of the anomaly detector's tuned constants on NAB.

    scripts/anomaly_cv.py VIGIE [--grid NAME=V1,V2,...]... [--sensitivity S] [--tools DIR] [--score]

VIGIE is a `vigie` binary. Every combination of the grid's values (the constants of
`AnomalyTuning`, passed to the hidden `vigie detect --tune`; constants not in the grid keep
their shipped values) is run over the NAB files of ../shared/data/nab through
../shared/tools/nab_run.sh, and its `alarm` column scored at the fixed threshold 0.5 (standard
profile): what an operator receives at that sensitivity.

Printed:
  * each combination's in-sample score (all 23 files);
  * the cross-validated score: for each of the 7 categories, the combination that scores best
    on the other 6 is chosen and its raw score on the category left out is kept; the sum over
    the categories is normalised like NAB's (null and perfect detectors on all files). That is
    the estimate of the score on files not used to choose the constants;
  * the in-sample score of the shipped defaults (a run without --tune).
The last line is `cv: shipped=NN.N cross_validated=NN.N best_in_sample=NN.N`.

With --score, the `anomaly_score` column is scored instead, threshold optimised as the NAB
scoreboard does, and the threshold is cross-validated with the constants: each combination is
scored at every threshold of THRESHOLDS, a fold chooses the (combination, threshold) pair that
scores best on the other categories, and `shipped` is the shipped defaults' in-sample score at
the threshold optimised on all files.
"""
import argparse, itertools, json, os, subprocess, sys, tempfile



THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99]


def run(vigie, tune, sensitivity, out, tools, score):
    """Standard-profile results of one combination: one entry per threshold with --score (the
    threshold as key), else the `alarm` column at 0.5 (key None)."""
    command = f"{vigie} detect --input - --sensitivity {sensitivity}" + (f" --tune {tune}" if tune else "")
    column = ['-c', 'anomaly_score'] if score else ['-c', 'alarm', '-t', '0.5']
    subprocess.run([os.path.join(tools, 'nab_run.sh'), *column, '-p', 'standard',
                    '-o', out, '--', command], check=True, capture_output=True, text=True)
    with open(os.path.join(out, 'scores.json')) as f:
        results = {None: json.load(f)['profiles']['standard']}
    if not score:
        return results
    nab = os.path.join(tools, '..', 'data', 'nab')
    for threshold in THRESHOLDS:
        scores = os.path.join(out, f'scores-{threshold}.json')
        subprocess.run([sys.executable, os.path.join(tools, 'nab_score.py'), '--data', os.path.join(nab, 'data'),
                        '--labels', os.path.join(nab, 'labels.json'), '--results', out, '--profile', 'standard',
                        '--threshold', str(threshold), '--json', scores], check=True, capture_output=True, text=True)
        with open(scores) as f:
            results[threshold] = json.load(f)['profiles']['standard']
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('vigie')
    ap.add_argument('--grid', action='append', default=[], help='NAME=V1,V2,... (repeatable)')
    ap.add_argument('--sensitivity', default='medium')
    ap.add_argument('--tools', default='../shared/tools', help='the folder of nab_run.sh (default ../shared/tools)')
    ap.add_argument('--score', action='store_true', help='score anomaly_score, threshold optimised and cross-validated')
    args = ap.parse_args()
    names, values = [], []
    for g in args.grid:
        name, _, vs = g.partition('=')
        names.append(name)
        values.append(vs.split(','))
    combos = list(itertools.product(*values)) or [()]
    describe = lambda r: (f'in-sample {r["score"]:5.1f}  windows {r["windows_detected"]}/'
                          f'{r["windows_detected"] + r["windows_missed"]}  fp_rows {r["fp_rows"]}')
    results = {}
    with tempfile.TemporaryDirectory() as work:
        shipped = run(args.vigie, '', args.sensitivity, os.path.join(work, 'shipped'), args.tools, args.score)[None]
        print(f'{"(shipped defaults)":40s} {describe(shipped)}', flush=True)
        for i, combo in enumerate(combos):
            tune = ','.join(f'{n}={v}' for n, v in zip(names, combo))
            results[tune] = run(args.vigie, tune, args.sensitivity, os.path.join(work, str(i)), args.tools, args.score)
            print(f'{tune or "(defaults)":40s} {describe(results[tune][None])}', flush=True)
    # The candidates a fold chooses among: (combination, threshold); the threshold is fixed
    # (None: 0.5 on the alarm column) unless --score.
    candidates = {(tune, threshold): r for tune, by_threshold in results.items()
                  for threshold, r in by_threshold.items() if (threshold is not None) == args.score}
    any_result = next(iter(candidates.values()))
    null, perfect = any_result['null_raw'], any_result['perfect_raw']
    normalise = lambda raw: 100 * (raw - null) / (perfect - null)
    files = list(any_result['per_file_raw'])
    categories = sorted({f.split('/')[0] for f in files})
    held_out_raw = 0.0
    for category in categories:
        inside = [f for f in files if f.split('/')[0] == category]
        others = [f for f in files if f.split('/')[0] != category]
        chosen = max(candidates, key=lambda c: (sum(candidates[c]['per_file_raw'][f] for f in others), c[0], c[1] or 0))
        raw = sum(candidates[chosen]['per_file_raw'][f] for f in inside)
        held_out_raw += raw
        label = (chosen[0] or '(defaults)') + (f' @{chosen[1]}' if args.score else '')
        print(f'  {category:24s} chosen on the others: {label:40s} raw on it {raw:7.3f}')
    best = max(results, key=lambda t: results[t][None]['score'])
    print(f'best in-sample: {best} {results[best][None]["score"]:.1f}; shipped defaults: {shipped["score"]:.1f}')
    print(f'cv: shipped={shipped["score"]:.1f} cross_validated={normalise(held_out_raw):.1f} '
          f'best_in_sample={results[best][None]["score"]:.1f}')


if __name__ == '__main__':
    sys.exit(main())
