/// The shared vocabulary of every Workbench module (see docs/architecture.md).
public enum WorkbenchCore {}
