"""Deployment: exporting a detector or a text recognizer with paddle.jit.save and running it through Paddle
Inference (`export.py`, `export_rec.py`; shared folder layout and predictor in `runtime.py`)."""
