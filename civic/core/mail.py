"""Outgoing mail: console or files in development, SMTP in production."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path
from uuid import uuid4

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    backend = cfg["MAIL_BACKEND"]
    outbox = current_app.extensions.setdefault("ortaq_outbox", [])
    if backend == "memory":
        outbox.append(msg)
    elif backend == "file":
        folder = Path(cfg["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid4().hex}.eml").write_bytes(msg.as_bytes())
    elif backend == "smtp":
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20) as smtp:
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USER"]:
                smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
            smtp.send_message(msg)
    else:  # console
        current_app.logger.warning("Mail to %s: %s\n%s", to, subject, body)
        print(f"--- mail to {to}: {subject}\n{body}\n---", flush=True)
