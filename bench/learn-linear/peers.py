"""sklearn peer for the logistic-regression benchmark: same data, same split, whole fit timed.

Usage: peers.py FEATURES_200K_CSV OUT_DIR [SCALING_CSV]
Writes OUT_DIR/train.csv and OUT_DIR/test.csv (stratified 80/20, seed 42, sklearn's train_test_split) for the
Swift driver, then prints one JSON object per configuration: {"model", "fit_seconds", "n_iter", "auc", "coef"}.
Configurations: StandardScaler + LogisticRegression(C=1) with sklearn's default tol (1e-4, max_iter 1000 as in
PariVision's notebook) and with tol 1e-10 (converged like ours). Fit time is the best of 3 runs (scaler included).
With SCALING_CSV: fit times on its first 50k … 1M rows (default configuration).
"""
import json, os, sys, time, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.simplefilter('ignore')
features_csv, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(features_csv)
X, y = df.drop(columns=['Shot_Made_Flag']), df['Shot_Made_Flag']
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
Xtr.assign(Shot_Made_Flag=ytr.values).to_csv(f'{out}/train.csv', index=False)
Xte.assign(Shot_Made_Flag=yte.values).to_csv(f'{out}/test.csv', index=False)
if os.environ.get('SPLIT_ONLY'):  # bench/compare: only the split files
    sys.exit(0)
Xtr, Xte, ytr, yte = Xtr.to_numpy(float), Xte.to_numpy(float), ytr.to_numpy(), yte.to_numpy()

def fit(tol, Xs, ys):
    best, model = float('inf'), None
    for _ in range(3):
        m = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=tol, max_iter=1000))
        start = time.perf_counter()
        m.fit(Xs, ys)
        best = min(best, time.perf_counter() - start)
        model = m
    return best, model

for name, tol in (('sklearn_lbfgs_default_tol', 1e-4), ('sklearn_lbfgs_tol_1e-10', 1e-10)):
    seconds, model = fit(tol, Xtr, ytr)
    auc = roc_auc_score(yte, model.predict_proba(Xte)[:, 1])
    print(json.dumps({'model': name, 'fit_seconds': round(seconds, 4), 'n_iter': int(model[-1].n_iter_[0]),
                      'auc': round(auc, 6), 'coef': [round(c, 6) for c in model[-1].coef_[0]]}), flush=True)

if len(sys.argv) > 3:
    big = pd.read_csv(sys.argv[3])
    for rows in (50_000, 100_000, 200_000, 500_000, 1_000_000):
        part = big.iloc[:rows]
        seconds, _ = fit(1e-4, part.drop(columns=['Shot_Made_Flag']).to_numpy(float), part['Shot_Made_Flag'].to_numpy())
        print(json.dumps({'scaling': 'sklearn_lbfgs_default_tol', 'rows': rows, 'fit_seconds': round(seconds, 4)}), flush=True)
