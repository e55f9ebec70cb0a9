"""Builds the 1M-row, 22-column Kaggle-schema shots CSV for bench/csv from the real NBA.com season files.

Mapping (../shared/datasets/nba_shots/SOURCE.md): X Location = -10*LOC_X, Y Location = 10*(LOC_Y-5.25) (rounded),
Shot Made Flag = int(SHOT_MADE), Period = QUARTER, Minutes/Seconds Remaining = MINS_LEFT/SECS_LEFT,
Shot Zone Area = ZONE_NAME(ZONE_ABB), Game Date = yyyymmdd. NBA.com has no Game Event ID: we use the shot's
1-based order within its game; Season Type is 'Regular Season'. Seasons 2004, 2005, … are concatenated in file
order until 1,000,000 rows are reached (the last season is cut).
"""
import sys, glob, os
import pandas as pd

src, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
parts, total = [], 0
for path in sorted(glob.glob(os.path.join(src, "NBA_*_Shots.csv.gz"))):
    d = pd.read_csv(path)
    parts.append(d)
    total += len(d)
    if total >= rows:
        break
d = pd.concat(parts, ignore_index=True).iloc[:rows]
date = pd.to_datetime(d["GAME_DATE"], format="%m-%d-%Y")
k = pd.DataFrame({
    "Game ID": d["GAME_ID"],
    "Game Event ID": d.groupby("GAME_ID").cumcount() + 1,
    "Player ID": d["PLAYER_ID"],
    "Player Name": d["PLAYER_NAME"],
    "Team ID": d["TEAM_ID"],
    "Team Name": d["TEAM_NAME"],
    "Period": d["QUARTER"],
    "Minutes Remaining": d["MINS_LEFT"],
    "Seconds Remaining": d["SECS_LEFT"],
    "Action Type": d["ACTION_TYPE"],
    "Shot Type": d["SHOT_TYPE"],
    "Shot Zone Basic": d["BASIC_ZONE"],
    "Shot Zone Area": d["ZONE_NAME"] + "(" + d["ZONE_ABB"] + ")",
    "Shot Zone Range": d["ZONE_RANGE"],
    "Shot Distance": d["SHOT_DISTANCE"],
    "X Location": (-10 * d["LOC_X"]).round().astype("int64"),
    "Y Location": (10 * (d["LOC_Y"] - 5.25)).round().astype("int64"),
    "Shot Made Flag": d["SHOT_MADE"].astype("int64"),
    "Game Date": date.dt.strftime("%Y%m%d").astype("int64"),
    "Home Team": d["HOME_TEAM"],
    "Away Team": d["AWAY_TEAM"],
    "Season Type": "Regular Season",
})
k.to_csv(out, index=False)
print(f"wrote {out}: {len(k)} rows, {len(k.columns)} columns")
