"""The few exceptions a user can meet, each carrying a message written for a practice manager."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from finance.problems import Problem


class FinanceError(Exception):
    """Base class: every message is a plain sentence a user can act on."""


class UploadError(FinanceError):
    """A file cannot be read at all (not a spreadsheet, corrupt, protected, empty, too big)."""


class ValidationError(FinanceError):
    """Data was read but breaks the upload contract; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(FinanceError):
    """A scenario (JSON file, saved scenario or shared link) is not valid; one line per problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StoreError(FinanceError):
    """The saved-scenarios store cannot do what was asked (name taken or unknown, file unreadable, busy)."""


class ExportError(FinanceError):
    """An export cannot be made here (for example PNG/PDF images without a browser on the server)."""
