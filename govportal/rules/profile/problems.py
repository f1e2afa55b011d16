"""Problems of a profile or column table (file, row, field, Chinese message), and the error carrying them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem: where (file or sheet, 1-based row, field) and what (Chinese message)."""

    source: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.field:
            where += f"「{self.field}」"
        return f"{where}: {self.message}"


class ProfileError(ValueError):
    """A profile or column table that cannot be accepted; ``problems`` lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [f"发现{len(self.problems)}处问题："]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._text()
