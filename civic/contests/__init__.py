"""Project contests: participatory budgeting from proposal to implementation."""
