"""People: accounts, sign-in sessions, roles in communities, residency verification."""
