"""Check kinds: one small module each. The engine registers them (``checker.engine.kinds``)."""
