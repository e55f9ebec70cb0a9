// Tracking module.
