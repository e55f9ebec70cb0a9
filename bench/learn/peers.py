"""Python peers for the tree benchmark: same data, same split, same hyper-parameters, 2 threads, whole fit timed.

Usage: peers.py FEATURES_CSV OUT_DIR [SCALING_CSV]
Writes OUT_DIR/train.csv and OUT_DIR/test.csv (stratified 80/20, seed 42) for the Swift driver and prints one
JSON object per model: {"model", "fit_seconds", "cpu_seconds", "auc"} (best of REPEAT=3 fits); with SCALING_CSV also XGBoost fit times on its first
50k…1M rows ({"scaling": "xgboost", "rows", "fit_seconds"}).
"""
import json, os, sys, time
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.metrics import roc_auc_score

features_csv, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(features_csv)
X, y = df.drop(columns=['Shot_Made_Flag']), df['Shot_Made_Flag']
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
Xtr.assign(Shot_Made_Flag=ytr.values).to_csv(f'{out}/train.csv', index=False)
Xte.assign(Shot_Made_Flag=yte.values).to_csv(f'{out}/test.csv', index=False)
if os.environ.get('SPLIT_ONLY'):  # bench/compare: only the split files
    sys.exit(0)

import xgboost as xgb, lightgbm as lgb
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

models = {
    'xgboost_hist': lambda: xgb.XGBClassifier(n_estimators=100, learning_rate=0.1, max_depth=6, tree_method='hist',
                                              n_jobs=2, random_state=42),
    'lightgbm': lambda: lgb.LGBMClassifier(n_estimators=100, learning_rate=0.1, num_leaves=31, n_jobs=2,
                                           random_state=42, verbose=-1),
    'sklearn_hist_gb': lambda: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, early_stopping=False,
                                                              random_state=42),
    'sklearn_random_forest': lambda: RandomForestClassifier(n_estimators=100, max_depth=12, n_jobs=2, random_state=42),
}
repeats = int(os.environ.get('REPEAT', '3'))
for name, make in models.items():
    best, best_cpu = float('inf'), float('inf')
    for _ in range(repeats):
        model = make()
        start, start_cpu = time.perf_counter(), time.process_time()
        model.fit(Xtr, ytr)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    auc = roc_auc_score(yte, model.predict_proba(Xte)[:, 1])
    print(json.dumps({'model': name, 'fit_seconds': round(best, 3), 'cpu_seconds': round(best_cpu, 3),
                      'auc': round(auc, 4)}), flush=True)

if len(sys.argv) > 3:
    big = pd.read_csv(sys.argv[3])
    for rows in (50_000, 100_000, 200_000, 500_000, 1_000_000):
        part = big.iloc[:rows]
        Xs, ys = part.drop(columns=['Shot_Made_Flag']), part['Shot_Made_Flag']
        model = models['xgboost_hist']()
        start, start_cpu = time.perf_counter(), time.process_time()
        model.fit(Xs, ys)
        print(json.dumps({'scaling': 'xgboost_hist', 'rows': rows, 'fit_seconds': round(time.perf_counter() - start, 3),
                          'cpu_seconds': round(time.process_time() - start_cpu, 3)}), flush=True)
