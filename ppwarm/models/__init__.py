"""Models: ppwarm.models.toy for tests; det and rec arrive with the detection and OCR tasks."""
