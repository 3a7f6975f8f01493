"""What every domain shares: database helpers, htmx, security, audit log, errors, mail."""
