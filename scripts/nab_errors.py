#!/usr/bin/env python3
"""Error analysis of a NAB run, file by file: which windows are detected (where, and what the
detection earns), which are missed (and the strongest score inside them), and every
false-positive row (its score and what it costs under NAB's weighting).

    scripts/nab_errors.py RESULTS [--threshold T] [--column C] [--tools DIR]

RESULTS is the folder `nab_run.sh -o RESULTS` kept (one results CSV per data file). The
threshold defaults to the column's optimum (standard profile, as nab_score.py chooses it);
give `--column alarm --threshold 0.5` for what an operator receives. Rows are counted as
nab_score.py counts them (the probationary period is not scored, only the first detection in
a window counts, a false positive right after a window costs less).
"""
import argparse, json, os, sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('results')
    ap.add_argument('--threshold', type=float)
    ap.add_argument('--column', default='anomaly_score')
    ap.add_argument('--tools', default='../shared/tools', help='the folder of nab_score.py (default ../shared/tools)')
    args = ap.parse_args()
    sys.path.insert(0, args.tools)
    import nab_score
    nab = os.path.join(args.tools, '..', 'data', 'nab')
    with open(os.path.join(nab, 'labels.json')) as f:
        labels = json.load(f)
    nab_score.SCORE_COLUMN = args.column
    cases = [nab_score.FileCase(key, os.path.join(nab, 'data', key), labels[key]) for key in sorted(labels)]
    scores_of = {case.key: nab_score.load_scores(os.path.join(args.results, case.key), case) for case in cases}
    threshold = args.threshold
    if threshold is None:
        threshold = nab_score.score_profile(nab_score.Corpus(cases, scores_of), 'standard')['threshold']
    fp_weight = nab_score.PROFILES['standard']['fp']
    missed = fp_rows = 0
    fp_cost = 0.0
    print(f'threshold {threshold} on column {args.column}')
    for case in cases:
        key, scores = case.key, scores_of[case.key]
        hits = [i for i in range(case.first_scored, case.n) if scores[i] >= threshold]
        print(f'{key}: {case.n} rows, scored from row {case.first_scored}')
        for a, b in case.spans:
            inside = [i for i in hits if a <= i <= b]
            if inside:
                print(f'  window rows {a}-{b}: detected at row {inside[0]} (score {scores[inside[0]]:.3f}), '
                      f'earns {case.value[inside[0]]:.2f}')
            elif b >= case.first_scored:
                missed += 1
                strongest = max(scores[max(a, case.first_scored):b + 1])
                print(f'  window rows {a}-{b}: MISSED (strongest score inside {strongest:.3f})')
        for i in hits:
            if case.window_of[i] < 0:
                fp_rows += 1
                fp_cost += fp_weight * case.value[i]
                print(f'  false positive row {i} (score {scores[i]:.3f}), costs {-fp_weight * case.value[i]:.3f}')
    print(f'missed windows {missed}, false-positive rows {fp_rows} costing {-fp_cost:.2f} (raw)')


if __name__ == '__main__':
    sys.exit(main())
