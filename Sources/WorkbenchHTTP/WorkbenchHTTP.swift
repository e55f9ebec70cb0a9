import WorkbenchCore
/// The one HTTP transport of Workbench (see docs/architecture.md).
public enum WorkbenchHTTP {}
