"""Learning-rate schedules: pure curves, Paddle schedulers, batch-scaled rules and the resolved plan.

Import `ppwarm.lr.schedulers` or `ppwarm.lr.build` for the Paddle side; the rest does not import Paddle.
"""
