"""The tally engine of project contests: pure standard-library code, no Flask, no database.

Entry point: :func:`civic.contests.tally.engine.tally`, re-exported here with
:class:`~civic.contests.tally.model.Election` and :class:`~civic.contests.tally.model.TallyOutcome`.
"""
from civic.contests.tally.engine import tally
from civic.contests.tally.model import Election, TallyOutcome

__all__ = ["Election", "TallyOutcome", "tally"]
