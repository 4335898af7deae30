"""Tasks: what to train. `ppwarm.tasks.build` builds one (model + data); `ppwarm.tasks.sizes` counts a
training set without Paddle, for the plan tool."""
