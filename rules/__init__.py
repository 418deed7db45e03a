"""The rules that ship with checker, installed as the package ``checker.builtin_rules``."""
