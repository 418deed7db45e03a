"""The types that cross the parts: pages, link results, the registry, findings, the report.

Every part (parse, crawl, checks, engine, output, cli) may import the model; the model
imports no part. The page model's names are re-exported here, as they are the most used.
"""

from checker.model.page import (
    DepartmentBlock,
    Fault,
    Heading,
    Link,
    LinkKind,
    Page,
    PageKind,
    Position,
    Problem,
    Span,
    Statement,
)

__all__ = [
    "DepartmentBlock",
    "Fault",
    "Heading",
    "Link",
    "LinkKind",
    "Page",
    "PageKind",
    "Position",
    "Problem",
    "Span",
    "Statement",
]
