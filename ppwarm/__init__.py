"""ppwarm: a PaddlePaddle training toolkit whose heart is the learning-rate schedule."""

__version__ = "0.1.0"
