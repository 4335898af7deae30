"""The training engine: a small loop with hooks, AMP, accumulation, EMA, NaN guard, checkpoints."""
