"""The ``flask civic …`` commands."""
from __future__ import annotations

import getpass
import sys

import click
from flask import Flask

from civic.extensions import db


def register_cli(app: Flask) -> None:
    register_contest_cli(app)

    @app.cli.group("civic")
    def civic():
        """Ortaq administration commands."""

    @civic.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--surname", prompt=True)
    @click.option("--name", "given_name", prompt=True)
    @click.option("--password", envvar="ORTAQ_ADMIN_PASSWORD", default=None,
                  help="Read from ORTAQ_ADMIN_PASSWORD, or asked for.")
    def create_admin(email, surname, given_name, password):
        """Create (or promote) a site administrator."""
        from civic.accounts.services import create_admin as make_admin
        from civic.core.errors import DomainError
        if password is None:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Repeat: ") != password:
                raise click.ClickException("The passwords do not match.")
        try:
            user = make_admin(email=email, password=password, surname=surname, given_name=given_name)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message))
        db.session.commit()
        click.echo(f"Administrator {user.email} is ready.")

    @civic.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
    def demo(if_empty):
        """Load the demo community (never twice)."""
        from civic.demo import build_demo, is_empty
        if not is_empty():
            if if_empty:
                click.echo("The database already has data; the demo is not loaded again.")
                return
            raise click.ClickException("The database already has data; the demo loads only into an empty one.")
        from flask import current_app
        backend = current_app.config["MAIL_BACKEND"]
        current_app.config["MAIL_BACKEND"] = "memory"   # the demo's review letters go nowhere
        try:
            info = build_demo()
            db.session.commit()
        finally:
            current_app.config["MAIL_BACKEND"] = backend
        click.echo("Demo community loaded. Logins (password for all: %s):" % info["password"])
        for login, what in info["logins"]:
            click.echo(f"  {login:45} {what}")

    @civic.command("audit-verify")
    def audit_verify():
        """Recompute the audit log's hash chain; name the first broken row."""
        from civic.core.audit import verify_chain
        report = verify_chain()
        if report.ok:
            click.echo(f"Audit chain intact: {report.count} entries.")
            return
        click.echo(f"Audit chain BROKEN at entry {report.first_broken_id}: {report.reason} "
                   f"({report.count} entries before it are intact).", err=True)
        sys.exit(1)


def register_contest_cli(app: Flask) -> None:
    @app.cli.group("contests")
    def contests():
        """Project contest commands."""

    @contests.command("tally", context_settings={"ignore_unknown_options": True, "help_option_names": []})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def tally_command(args):
        """Count a pabulib .pb file: FILE.pb --rule greedy|mes [--completion none|add1|add1-greedy] [--compare].

        Prints the selected project ids, one per line, so anyone can check a published result.
        """
        from civic.contests.tally.cli import main
        sys.exit(main(list(args), prog="flask contests tally"))
