// Basketball module.
