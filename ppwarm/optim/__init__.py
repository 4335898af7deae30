"""Optimizers and parameter groups: roles, parts, composite warmup (bias LR, momentum, layer-wise)."""
