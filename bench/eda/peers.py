"""The same pipeline as bench/eda/eda.yaml with pandas or polars: load, PariVision's bronze→silver steps,
describe (count, mean, std, min, quantiles, max, skew) and Pearson + Spearman correlations.
Usage: python peers.py pandas|polars shots.csv"""
import sys

which, path = sys.argv[1], sys.argv[2]
DROP = ["Game ID", "Game Event ID", "Player Name", "Team ID", "Team Name", "Period", "Season Type", "Game Date", "Home Team", "Away Team"]
SILVER = ["Player ID", "X Location", "Y Location", "Total_Seconds_Remaining", "Shot_Type_Encoded", "Shot_Distance_Meters", "Shot_Zone_Combined", "Shot Made Flag"]
Q = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

if which == "pandas":
    import numpy as np
    import pandas as pd
    df = pd.read_csv(path)
    df = df.drop(columns=DROP).drop_duplicates()
    num = df.select_dtypes("number").columns
    df[num] = df[num].fillna(df[num].median())
    df["Total_Seconds_Remaining"] = pd.to_numeric(df["Minutes Remaining"], errors="coerce") * 60 + pd.to_numeric(df["Seconds Remaining"], errors="coerce")
    df = df.dropna(subset=["Total_Seconds_Remaining"])
    df["Shot_Type_Encoded"] = np.select([df["Shot Type"] == "2PT Field Goal", df["Shot Type"] == "3PT Field Goal"], [2, 3], 0)
    df["Shot_Distance_Meters"] = df["Shot Distance"].astype(float) * 0.3048
    b, a = df["Shot Zone Basic"], df["Shot Zone Area"]
    df["Shot_Zone_Combined"] = np.select(
        [b == "Restricted Area", b == "In The Paint (Non-RA)", (b == "Mid-Range") & a.isin(["Left Side(L)", "Left Side Center(LC)"]),
         b == "Mid-Range", b == "Above the Break 3", b.str.contains("Corner 3", regex=False), b == "Backcourt"],
        [1, 2, 3, 4, 5, 6, 7], 0)
    silver = df[SILVER].astype({"Total_Seconds_Remaining": "int64"})
    d = silver.describe(percentiles=Q)
    s = silver.skew()
    p = silver.corr()
    sp = silver.corr(method="spearman")
    print(len(silver), float(d.loc["mean", "Shot_Distance_Meters"]), float(p.loc["Shot_Distance_Meters", "Shot Made Flag"]))
else:
    import polars as pl
    df = pl.read_csv(path)
    df = df.drop(DROP).unique(maintain_order=True)
    num = [c for c, t in df.schema.items() if t.is_numeric()]
    df = df.with_columns([pl.col(c).fill_null(pl.col(c).median()) for c in num])
    df = df.with_columns((pl.col("Minutes Remaining").cast(pl.Int64, strict=False) * 60 + pl.col("Seconds Remaining").cast(pl.Int64, strict=False)).alias("Total_Seconds_Remaining"))
    df = df.filter(pl.col("Total_Seconds_Remaining").is_not_null())
    b, a = pl.col("Shot Zone Basic"), pl.col("Shot Zone Area")
    df = df.with_columns([
        pl.when(pl.col("Shot Type") == "2PT Field Goal").then(2).when(pl.col("Shot Type") == "3PT Field Goal").then(3).otherwise(0).alias("Shot_Type_Encoded"),
        (pl.col("Shot Distance").cast(pl.Float64) * 0.3048).alias("Shot_Distance_Meters"),
        pl.when(b == "Restricted Area").then(1).when(b == "In The Paint (Non-RA)").then(2)
          .when((b == "Mid-Range") & a.is_in(["Left Side(L)", "Left Side Center(LC)"])).then(3).when(b == "Mid-Range").then(4)
          .when(b == "Above the Break 3").then(5).when(b.str.contains("Corner 3", literal=True)).then(6).when(b == "Backcourt").then(7)
          .otherwise(0).alias("Shot_Zone_Combined"),
    ])
    silver = df.select(SILVER)
    d = silver.describe(percentiles=Q, interpolate="linear") if "interpolate" in pl.DataFrame.describe.__code__.co_varnames else silver.describe(percentiles=Q)
    s = silver.select([pl.col(c).skew(bias=False) for c in SILVER])
    p = silver.corr()
    sp = silver.select([pl.col(c).rank("average") for c in SILVER]).corr()
    print(silver.height, silver["Shot_Distance_Meters"].mean(), p[SILVER.index("Shot Made Flag"), SILVER.index("Shot_Distance_Meters")])
