"""checker: link and content compliance checker for department-response pages."""

__version__ = "0.1.0"
