"""``python -m civic.contests.tally FILE.pb --rule ...``: see :mod:`civic.contests.tally.cli`."""
import sys

from civic.contests.tally.cli import main

sys.exit(main(prog="python -m civic.contests.tally"))
