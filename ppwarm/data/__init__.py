"""Data pipeline pieces: batch order, sharding across ranks and mid-epoch resume."""
