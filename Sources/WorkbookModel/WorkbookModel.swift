// WorkbookModel module.
