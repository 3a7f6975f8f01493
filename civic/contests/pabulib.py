"""Reading and writing pabulib ``.pb`` files (approval ballots only). Pure standard library.

A ``.pb`` file has three sections, each a line ``META``, ``PROJECTS`` or ``VOTES`` followed by a
semicolon-separated header line and rows (CSV rules: fields may be quoted, quoted fields may hold
semicolons). We accept UTF-8 with or without a byte-order mark, CRLF or LF line ends, and project
ids of any text (``"12"``, ``"A-3"``). A voter's ``vote`` field is a comma-separated list of
project ids; a project named twice on one ballot counts once; an empty field is an empty ballot.

Amounts: costs and the budget may be decimals (``1200.50``). They are kept exact by scaling all
of them by the same power of ten, the smallest that makes every amount whole
(:attr:`PabulibData.scale`; 1 for whole tenge). The :class:`~civic.contests.tally.model.Election`
therefore counts in units of ``1 / scale``; since every rule compares costs only with each other
and with the budget, the outcome is the same as in the file's own units.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from civic.contests.tally.model import Election, TallyOutcome

SECTIONS = ("META", "PROJECTS", "VOTES")


@dataclass(frozen=True)
class PabulibData:
    election: Election
    meta: dict[str, str]                                   # META, as written in the file
    projects: dict[str, dict[str, str]] = field(default_factory=dict)  # other PROJECTS columns
    scale: int = 1                                         # amounts in the election are file amounts * scale

    def amount(self, value: int) -> Decimal:
        """An amount of the election back in the file's units."""
        return Decimal(value) / self.scale


def _decimal(text: str, what: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{what} is not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} is not a number: {text!r}")
    if value < 0:
        raise ValueError(f"{what} is negative: {text!r}")
    return value


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_pb(text: str | bytes) -> PabulibData:
    """Parse the text (or raw bytes) of a ``.pb`` file; raise ValueError on anything malformed."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    elif text.startswith("\ufeff"):
        text = text[1:]
    section = None
    header: list[str] | None = None
    meta: dict[str, str] = {}
    project_rows: list[dict[str, str]] = []
    vote_rows: list[tuple[int, str]] = []
    seen = set()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) == 1 and row[0].strip().upper() in SECTIONS:
            section = row[0].strip().upper()
            if section in seen:
                raise ValueError(f"line {line}: section {section} appears twice")
            seen.add(section)
            header = None
            continue
        if section is None:
            raise ValueError(f"line {line}: data before the first section (META, PROJECTS or VOTES)")
        if header is None:
            header = [cell.strip().lower() for cell in row]
            continue
        if section == "META":
            if len(row) < 2:
                raise ValueError(f"line {line}: META row needs a key and a value")
            meta[row[0].strip()] = ";".join(row[1:]).strip()
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        record = {name: cell.strip() for name, cell in zip(header, row)}
        if section == "PROJECTS":
            project_rows.append(record)
        else:
            if "vote" not in record:
                raise ValueError(f"line {line}: the VOTES section has no 'vote' column")
            vote_rows.append((line, record["vote"]))
    for name in ("META", "PROJECTS"):
        if name not in seen:
            raise ValueError(f"the file has no {name} section")
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type != "approval":
        raise ValueError(f"only approval ballots are supported, this file has vote_type {vote_type!r}")
    if "budget" not in meta:
        raise ValueError("META has no budget")
    budget = _decimal(meta["budget"], "budget")
    costs: dict[str, Decimal] = {}
    extras: dict[str, dict[str, str]] = {}
    for record in project_rows:
        pid = record.get("project_id", "")
        if not pid:
            raise ValueError("a PROJECTS row has no project_id")
        if pid in costs:
            raise ValueError(f"project {pid!r} is listed twice")
        if "cost" not in record:
            raise ValueError("the PROJECTS section has no 'cost' column")
        costs[pid] = _decimal(record["cost"], f"cost of project {pid!r}")
        extras[pid] = {k: v for k, v in record.items() if k not in ("project_id", "cost")}
    places = max([_decimals(budget)] + [_decimals(c) for c in costs.values()])
    scale = 10 ** places
    int_costs = {pid: int(cost * scale) for pid, cost in costs.items()}
    ballots = []
    for line, vote in vote_rows:
        ids = [part.strip() for part in vote.split(",") if part.strip()]
        for pid in ids:
            if pid not in costs:
                raise ValueError(f"line {line}: the vote names unknown project {pid!r}")
        ballots.append(ids)
    election = Election.from_ballots(int(budget * scale), int_costs, ballots)
    return PabulibData(election=election, meta=meta, projects=extras, scale=scale)


def read_pb(path: str | Path) -> PabulibData:
    """Read a ``.pb`` file from disk."""
    return parse_pb(Path(path).read_bytes())


def _amount_text(value: int, scale: int) -> str:
    if scale == 1:
        return str(value)
    text = format(Decimal(value) / scale, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_pb(election: Election, outcome: TallyOutcome | None = None,
              meta: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None,
              categories: Mapping[str, str] | None = None, scale: int = 1) -> str:
    """A ``.pb`` file for an election (and its outcome), with pseudonymous voter ids 1, 2, ...

    ``meta`` adds or overrides META entries (description, country, unit, instance, ...);
    ``names`` and ``categories`` fill those PROJECTS columns; ``scale`` turns the election's
    amounts back into the file's units (see :class:`PabulibData`).
    """
    votes = election.approvals()
    selected = set(outcome.selected) if outcome is not None else set()
    entries: dict[str, str] = {
        "description": "", "country": "Kazakhstan", "unit": "", "instance": "",
        "num_projects": str(len(election.projects)), "num_votes": str(election.n_voters),
        "budget": _amount_text(election.budget, scale), "vote_type": "approval",
        "rule": outcome.rule if outcome is not None else "",
    }
    for key, value in (meta or {}).items():
        if key not in ("num_projects", "num_votes", "budget", "vote_type"):
            entries[key] = str(value)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in entries.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(["project_id", "cost", "votes", "name", "category", "selected"])
    for pid in sorted(election.projects, key=_id_order):
        writer.writerow([pid, _amount_text(election.projects[pid], scale), votes[pid],
                         (names or {}).get(pid, ""), (categories or {}).get(pid, ""),
                         1 if pid in selected else 0])
    out.write("VOTES\n")
    writer.writerow(["voter_id", "vote"])
    voter = 0
    for approved, count in election.ballots:
        vote = ",".join(sorted(approved, key=_id_order))
        for _ in range(count):
            voter += 1
            writer.writerow([voter, vote])
    return out.getvalue()


def write_pb(path: str | Path, election: Election, outcome: TallyOutcome | None = None, **kwargs) -> None:
    """Write :func:`format_pb` to a file (UTF-8, LF line ends)."""
    Path(path).write_text(format_pb(election, outcome, **kwargs), encoding="utf-8", newline="")


def _id_order(pid: str):
    """Numeric ids in numeric order, then the others as text."""
    return (0, int(pid), "") if pid.isdigit() else (1, 0, pid)


def ballots_of(data: PabulibData) -> Iterable[frozenset[str]]:
    """Every ballot of the file, one per voter (empty ones included)."""
    for approved, count in data.election.ballots:
        for _ in range(count):
            yield approved
