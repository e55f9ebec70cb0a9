// WorkbenchCLI module.
