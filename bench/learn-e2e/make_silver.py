"""Builds a PariVision-style silver table (7 features + target + game id) from one NBA.com season.

Usage: python make_silver.py <season csv.gz> <rows> <out.csv>. Rules as in ../../docs (parivision notes):
X = -10·LOC_X, Y = 10·(LOC_Y - 5.25), seconds left in the period, 2/3 shot type, distance in metres, 7 zones.
"""
import sys

import numpy as np
import pandas as pd

source, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
df = pd.read_csv(source).sample(rows, random_state=1)
zone = np.select(
    [df.BASIC_ZONE == "Restricted Area", df.BASIC_ZONE == "In The Paint (Non-RA)",
     (df.BASIC_ZONE == "Mid-Range") & df.ZONE_ABB.isin(["L", "LC"]), df.BASIC_ZONE == "Mid-Range",
     df.BASIC_ZONE == "Above the Break 3", df.BASIC_ZONE.str.contains("Corner 3"), df.BASIC_ZONE == "Backcourt"],
    [1, 2, 3, 4, 5, 6, 7], 0)
pd.DataFrame({
    "Player ID": df.PLAYER_ID, "X Location": (-10 * df.LOC_X).round().astype(int),
    "Y Location": (10 * (df.LOC_Y - 5.25)).round().astype(int),
    "Total_Seconds_Remaining": df.MINS_LEFT * 60 + df.SECS_LEFT,
    "Shot_Type_Encoded": np.where(df.SHOT_TYPE.str.startswith("3"), 3, 2),
    "Shot_Distance_Meters": df.SHOT_DISTANCE * 0.3048, "Shot_Zone_Combined": zone,
    "Game ID": df.GAME_ID, "Shot Made Flag": df.SHOT_MADE.astype(int),
}).to_csv(out, index=False)
