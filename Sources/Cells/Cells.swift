// Cells module.
