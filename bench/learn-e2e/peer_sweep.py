"""The same sweep in scikit-learn: stratified 80/20 split (seed 42), 5-fold stratified CV on the training part,
grid over LR (C), RandomForest (100 trees, depth 8/12) and HistGradientBoosting (100/300 rounds, lr 0.05/0.1,
depth 6, depth-wise), selection by CV ROC-AUC, refit, one test evaluation. Prints seconds and the best test AUC."""
import sys
import time

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

df = pd.read_csv(sys.argv[1])
features = ["Player ID", "X Location", "Y Location", "Total_Seconds_Remaining", "Shot_Type_Encoded",
            "Shot_Distance_Meters", "Shot_Zone_Combined"]
X, y = df[features].to_numpy(float), df["Shot Made Flag"].to_numpy()
start = time.perf_counter()
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
configs = [make_pipeline(StandardScaler(), LogisticRegression(C=c)) for c in (0.01, 0.1, 1)]
configs += [RandomForestClassifier(n_estimators=100, max_depth=d, n_jobs=2, random_state=42) for d in (8, 12)]
configs += [HistGradientBoostingClassifier(max_iter=r, learning_rate=lr, max_depth=6, max_leaf_nodes=None,
                                           early_stopping=False, random_state=42)
            for r in (100, 300) for lr in (0.05, 0.1)]
cv = StratifiedKFold(5, shuffle=True, random_state=42)
scores = [cross_val_score(m, Xtr, ytr, cv=cv, scoring="roc_auc", n_jobs=1).mean() for m in configs]
best = configs[max(range(len(configs)), key=lambda i: scores[i])]
best.fit(Xtr, ytr)
p = best.predict_proba(Xte)[:, 1]
elapsed = time.perf_counter() - start
print(f"sklearn sweep: {elapsed:.1f} s, best CV AUC {max(scores):.4f}, test AUC {roc_auc_score(yte, p):.4f}, "
      f"test accuracy {accuracy_score(yte, p > 0.5):.4f} ({type(best[-1] if hasattr(best, 'steps') else best).__name__})")
