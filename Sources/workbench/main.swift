import WorkbenchCLI
WorkbenchMain.main()
