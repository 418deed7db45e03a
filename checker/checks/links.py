"""Helpers for checks that read links."""

from __future__ import annotations

from collections.abc import Iterator

from checker.checks.base import Context
from checker.model import Link, Page, Span


def links_with_department(context: Context) -> Iterator[tuple[Page, str | None, Link]]:
    """Every link of every page, with the department whose statement holds it (if any)."""
    for page in context.pages:
        owner: dict[Span, str | None] = {}
        for block in page.departments:
            if block.statement is not None:
                for link in block.statement.links:
                    owner[link.span] = block.name
        for link in page.links:
            yield page, owner.get(link.span), link
