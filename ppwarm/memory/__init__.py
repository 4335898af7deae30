"""Memory planning before the first step: measured probes (probe), the fitted estimate and the batch that
fits (estimate), and `batch_size: auto` (auto_batch)."""
