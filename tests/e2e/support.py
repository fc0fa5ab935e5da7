"""Helpers for the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control labelled `label`, whether or not the label carries the
    required-field mark."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
