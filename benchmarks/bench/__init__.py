"""The parts of ``benchmarks/compare.py``: a local server in its own process, generated corpora,
the tools as measured child processes, their verdicts and the table.

Each module is small and imports only the standard library, so the harness measures checker
without importing it (checker is always run as a user runs it: a child process).
"""
