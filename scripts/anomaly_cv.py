#!/usr/bin/env python3
"""Leave-one-category-out cross-validation of the anomaly detector's tuned constants on NAB.

    scripts/anomaly_cv.py VIGIE [--grid NAME=V1,V2,...]... [--sensitivity S] [--tools DIR]

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
"""
import argparse, itertools, json, os, subprocess, sys, tempfile



def run(vigie, tune, sensitivity, out, tools):
    command = f"{vigie} detect --input - --sensitivity {sensitivity}" + (f" --tune {tune}" if tune else "")
    subprocess.run([os.path.join(tools, 'nab_run.sh'), '-c', 'alarm', '-t', '0.5', '-p', 'standard',
                    '-o', out, '--', command], check=True, capture_output=True, text=True)
    with open(os.path.join(out, 'scores.json')) as f:
        return json.load(f)['profiles']['standard']


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('vigie')
    ap.add_argument('--grid', action='append', default=[], help='NAME=V1,V2,... (repeatable)')
    ap.add_argument('--sensitivity', default='medium')
    ap.add_argument('--tools', default='../shared/tools', help='the folder of nab_run.sh (default ../shared/tools)')
    args = ap.parse_args()
    names, values = [], []
    for g in args.grid:
        name, _, vs = g.partition('=')
        names.append(name)
        values.append(vs.split(','))
    combos = list(itertools.product(*values)) or [()]
    results = {}
    with tempfile.TemporaryDirectory() as work:
        shipped = run(args.vigie, '', args.sensitivity, os.path.join(work, 'shipped'), args.tools)
        print(f'{"(shipped defaults)":40s} in-sample {shipped["score"]:5.1f}  windows {shipped["windows_detected"]}/'
              f'{shipped["windows_detected"] + shipped["windows_missed"]}  fp_rows {shipped["fp_rows"]}', flush=True)
        for i, combo in enumerate(combos):
            tune = ','.join(f'{n}={v}' for n, v in zip(names, combo))
            results[tune] = run(args.vigie, tune, args.sensitivity, os.path.join(work, str(i)), args.tools)
            r = results[tune]
            print(f'{tune or "(defaults)":40s} in-sample {r["score"]:5.1f}  windows {r["windows_detected"]}/'
                  f'{r["windows_detected"] + r["windows_missed"]}  fp_rows {r["fp_rows"]}', flush=True)
    any_result = next(iter(results.values()))
    null, perfect = any_result['null_raw'], any_result['perfect_raw']
    normalise = lambda raw: 100 * (raw - null) / (perfect - null)
    files = list(any_result['per_file_raw'])
    categories = sorted({f.split('/')[0] for f in files})
    held_out_raw = 0.0
    for category in categories:
        inside = [f for f in files if f.split('/')[0] == category]
        others = [f for f in files if f.split('/')[0] != category]
        chosen = max(results, key=lambda t: (sum(results[t]['per_file_raw'][f] for f in others), t))
        raw = sum(results[chosen]['per_file_raw'][f] for f in inside)
        held_out_raw += raw
        print(f'  {category:24s} chosen on the others: {chosen or "(defaults)":32s} raw on it {raw:7.3f}')
    best = max(results, key=lambda t: results[t]['score'])
    print(f'best in-sample: {best} {results[best]["score"]:.1f}; shipped defaults: {shipped["score"]:.1f}')
    print(f'cv: shipped={shipped["score"]:.1f} cross_validated={normalise(held_out_raw):.1f} '
          f'best_in_sample={results[best]["score"]:.1f}')


if __name__ == '__main__':
    sys.exit(main())
