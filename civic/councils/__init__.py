"""Bodies of local self-government, their sessions, votes, protocols and decisions."""
