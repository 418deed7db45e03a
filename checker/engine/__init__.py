"""The staged engine that owns a run: plan -> collect -> parse -> links -> evaluate -> filter -> report.

Import what you need from the stage modules (``checker.engine.run``, ``checker.engine.plan`` ...);
this package imports nothing on its own, so check kinds can import ``checker.engine.api``.
"""
