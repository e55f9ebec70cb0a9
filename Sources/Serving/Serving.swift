/// `workbench serve` (see docs/serving.md).
public enum Serving {}
