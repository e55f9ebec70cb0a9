import Foundation
import Testing
import TestSupport
@testable import Learn

/// Prepares PariVision's 7 features from the Kaggle 10k sample (PariVision's cleaning rules), splits it
/// 80/20 stratified with seed 42, and fits scikit-learn's RandomForest and LightGBM as references.
private let oracleScript = #"""
import sys, json, pandas as pd, numpy as np
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
import lightgbm as lgb
src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
df = df.drop(columns=['Game ID','Game Event ID','Player Name','Team ID','Team Name','Period','Season Type',
                      'Game Date','Home Team','Away Team']).drop_duplicates()
df['TSR'] = pd.to_numeric(df['Minutes Remaining'], errors='coerce')*60 + pd.to_numeric(df['Seconds Remaining'], errors='coerce')
df = df.dropna(subset=['TSR'])
def zone(b, a):
    if b == 'Restricted Area': return 1
    if b == 'In The Paint (Non-RA)': return 2
    if b == 'Mid-Range': return 3 if a in ('Left Side(L)','Left Side Center(LC)') else 4
    if b == 'Above the Break 3': return 5
    if isinstance(b, str) and 'Corner 3' in b: return 6
    if b == 'Backcourt': return 7
    return 0
X = pd.DataFrame({'Player_ID': df['Player ID'].astype(int), 'X_Location': df['X Location'].astype(int),
  'Y_Location': df['Y Location'].astype(int), 'Total_Seconds_Remaining': df['TSR'].astype(int),
  'Shot_Type_Encoded': df['Shot Type'].map({'2PT Field Goal': 2, '3PT Field Goal': 3}).fillna(0).astype(int),
  'Shot_Distance_Meters': df['Shot Distance'].astype(float)*0.3048,
  'Shot_Zone_Combined': [zone(b, a) for b, a in zip(df['Shot Zone Basic'], df['Shot Zone Area'])]})
y = df['Shot Made Flag'].astype(int)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
Xtr.assign(Shot_Made_Flag=ytr.values).to_csv(out + '/train.csv', index=False)
Xte.assign(Shot_Made_Flag=yte.values).to_csv(out + '/test.csv', index=False)
rf = RandomForestClassifier(n_estimators=200, max_depth=8, random_state=42, n_jobs=2).fit(Xtr, ytr)
gbm = lgb.LGBMClassifier(n_estimators=100, learning_rate=0.1, num_leaves=31, verbose=-1).fit(Xtr, ytr)
print(json.dumps({'rf': roc_auc_score(yte, rf.predict_proba(Xte)[:, 1]),
                  'lgbm': roc_auc_score(yte, gbm.predict_proba(Xte)[:, 1])}))
"""#

@Test(.needsDataset("nba_shots/kaggle_random_10000.csv"), .needsPython("anchors")) func ensemblesMatchScikitLearnAndLightGBMOnPariVisionFeatures() throws {
  let csv = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
  let py = try #require(try Oracles.python("anchors"))
  let dir = try makeTemporaryDirectory("learn-trees-oracle")
  defer { try? FileManager.default.removeItem(at: dir) }
  let output = try runPython(py, oracleScript, arguments: [csv.path, dir.path])
  let reference = try #require(
    try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])
  let train = try TreeTestData.readCSV(dir.appendingPathComponent("train.csv"))
  let test = try TreeTestData.readCSV(dir.appendingPathComponent("test.csv"))
  #expect(train.featureCount == 7 && train.rowCount > 7_000 && test.rowCount > 1_900)

  let forest = try RandomForestModel.fit(train, task: .classification,
                                         parameters: .init(treeCount: 200, maxDepth: 8, seed: 42), threads: 2)
  let forestAUC = TreeTestData.auc(forest.predictProbability(test), test.target)
  let boosting = try GradientBoostingModel.fit(train, task: .classification,
                                               parameters: .lightGBM(rounds: 100, learningRate: 0.1, leaves: 31), threads: 2)
  let boostingAUC = TreeTestData.auc(boosting.predictProbability(test), test.target)
  let rfAUC = try #require(reference["rf"]), lgbmAUC = try #require(reference["lgbm"])
  print("learn-trees oracle: forest \(forestAUC) vs sklearn \(rfAUC); boosting \(boostingAUC) vs LightGBM \(lgbmAUC)")
  #expect(abs(forestAUC - rfAUC) <= 0.003)
  #expect(abs(boostingAUC - lgbmAUC) <= 0.003)
}
