"""Every read of training, scoped to the person asking (training.permissions), one module per area."""
