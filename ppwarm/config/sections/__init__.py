"""The typed schema: one frozen dataclass per config section, one module per top-level section family.

`run.Config` is the whole config; import a section's class from its module (`sections.lr.LrConfig`).
"""
