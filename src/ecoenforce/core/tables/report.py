"""The report of every import: counts, one line per problem (row, column, what, what to do), and notices."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class RowProblem:
    """One problem: spreadsheet row number (1 = header), column header, what is wrong, what to do."""

    row: int
    column: str
    problem: str
    action: str


@dataclass
class ImportReport:
    """Outcome of checking or applying one file; with any problem nothing is written."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[RowProblem] = field(default_factory=list)  # worth reading, but they do not stop the import

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, row: int, column: str, problem: str, action: str) -> None:
        """Record a problem (messages are already translated)."""
        self.problems.append(RowProblem(row, column, str(problem), str(action)))

    def note(self, row: int, column: str, notice: str, action: str) -> None:
        """Record something the person should know (an ignored column) that does not stop the import."""
        self.notices.append(RowProblem(row, column, str(notice), str(action)))

    def as_dict(self) -> dict:
        """For storing with the upload (JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        """Back from the stored JSON."""
        report = cls(**{k: v for k, v in data.items() if k not in ("problems", "notices")})
        report.problems = [RowProblem(**p) for p in data.get("problems", [])]
        report.notices = [RowProblem(**p) for p in data.get("notices", [])]
        return report
