"""Maps NBA.com shots (2003-04 … 2020-21, ../shared/datasets/nba_shots/nba_com_2004_2024) to PariVision's 7 features.

Mapping (SOURCE.md of the dataset): X Location = -10·LOC_X, Y Location = 10·(LOC_Y − 5.25), made = SHOT_MADE,
Shot Distance = SHOT_DISTANCE, Minutes/Seconds Remaining = MINS_LEFT/SECS_LEFT, Shot Zone Area = ZONE_NAME(ZONE_ABB).
PariVision's rules (docs: ../shared/notes/parivision.md) then give Total_Seconds_Remaining, Shot_Type_Encoded,
Shot_Distance_Meters and Shot_Zone_Combined. Writes features_200k.csv and features_1m.csv (uniform samples, seed 42).
"""
import glob, os, sys
import numpy as np, pandas as pd

src, out = sys.argv[1], sys.argv[2]
cols = ['PLAYER_ID', 'SHOT_MADE', 'SHOT_TYPE', 'BASIC_ZONE', 'ZONE_NAME', 'ZONE_ABB', 'LOC_X', 'LOC_Y',
        'SHOT_DISTANCE', 'MINS_LEFT', 'SECS_LEFT']
df = pd.concat([pd.read_csv(f, usecols=cols) for f in sorted(glob.glob(os.path.join(src, 'NBA_*_Shots.csv.gz')))],
               ignore_index=True)
area = df['ZONE_NAME'].astype(str) + '(' + df['ZONE_ABB'].astype(str) + ')'
basic = df['BASIC_ZONE'].astype(str)
zone = np.select(
    [basic == 'Restricted Area', basic == 'In The Paint (Non-RA)',
     (basic == 'Mid-Range') & area.isin(['Left Side(L)', 'Left Side Center(LC)']), basic == 'Mid-Range',
     basic == 'Above the Break 3', basic.str.contains('Corner 3'), basic == 'Backcourt'],
    [1, 2, 3, 4, 5, 6, 7], default=0)
made = df['SHOT_MADE'].astype(str).str.upper().eq('TRUE').astype(int)
features = pd.DataFrame({
    'Player_ID': df['PLAYER_ID'].astype(int),
    'X_Location': (-10 * df['LOC_X']).round().astype(int),
    'Y_Location': (10 * (df['LOC_Y'] - 5.25)).round().astype(int),
    'Total_Seconds_Remaining': (df['MINS_LEFT'] * 60 + df['SECS_LEFT']).astype(int),
    'Shot_Type_Encoded': df['SHOT_TYPE'].map({'2PT Field Goal': 2, '3PT Field Goal': 3}).fillna(0).astype(int),
    'Shot_Distance_Meters': df['SHOT_DISTANCE'].astype(float) * 0.3048,
    'Shot_Zone_Combined': zone,
    'Shot_Made_Flag': made,
})
rng = np.random.default_rng(42)
million = features.iloc[rng.choice(len(features), size=1_000_000, replace=False)]
million.to_csv(os.path.join(out, 'features_1m.csv'), index=False, float_format='%.4f')
sample = features.iloc[np.random.default_rng(42).choice(len(features), size=200_000, replace=False)]
sample.to_csv(os.path.join(out, 'features_200k.csv'), index=False, float_format='%.4f')
print(f'{len(features)} shots; wrote 200k and 1M samples to {out}; made rate {sample.Shot_Made_Flag.mean():.4f}')
