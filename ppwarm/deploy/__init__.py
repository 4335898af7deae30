"""Deployment: exporting a detector with paddle.jit.save and running it through Paddle Inference."""
