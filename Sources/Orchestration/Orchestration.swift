/// Executing a workbook plan elsewhere: Slurm, Airflow (see docs/scale-out.md, docs/orchestration.md).
public enum Orchestration {}
