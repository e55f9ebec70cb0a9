import WorkbenchCLI

await WorkbenchMain.main()
