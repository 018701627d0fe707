"""SMTP sending only: ``[smtp]`` settings in, one message out, :class:`MailError` on failure.

``security`` is ``starttls`` (plain connection upgraded with STARTTLS; refused if the server does
not offer it), ``ssl`` (TLS from the first byte, usually port 465) or ``none``. When ``username``
is set, the password is read from the env var named by ``password_env`` at send time; it is never
logged, and error messages are scrubbed of it.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from tracker.settings import SmtpSettings

SECURITY = ("starttls", "ssl", "none")
DEFAULT_TIMEOUT = 20.0


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server (one line, no secrets)."""


def _scrub(text: str, secret: str | None) -> str:
    line = " ".join(str(text).split())
    return line.replace(secret, "***") if secret else line


def _connect(smtp: SmtpSettings, timeout: float, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=timeout, context=context or ssl.create_default_context()
        )
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    if smtp.security == "starttls":
        client.ehlo()
        if not client.has_extn("starttls"):
            client.close()
            raise MailError(f"SMTP server {smtp.host}:{smtp.port} does not offer STARTTLS")
        client.starttls(context=context or ssl.create_default_context())
        client.ehlo()
    return client


def send_message(
    smtp: SmtpSettings,
    message: EmailMessage,
    recipients: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    context: ssl.SSLContext | None = None,
) -> list[str]:
    """Send ``message`` to ``recipients`` (the envelope; headers are the caller's).

    Returns the recipients the server refused while accepting the others (usually none); when it
    refuses all of them, or anything else fails, raises :class:`MailError`.
    """
    if smtp.security not in SECURITY:
        raise MailError(f"bad [smtp] security {smtp.security!r}: use one of {', '.join(SECURITY)}")
    if not recipients:
        raise MailError("no recipients")
    password = smtp.password if smtp.username else None
    if smtp.username and password is None:
        raise MailError(
            f"[smtp] username is set but the env var {smtp.password_env} (the password) is empty"
        )
    where = f"{smtp.host}:{smtp.port}"
    try:
        with _connect(smtp, timeout, context) as client:
            if smtp.username and password is not None:
                client.login(smtp.username, password)
            refused = client.send_message(message, to_addrs=list(recipients))
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"SMTP login to {where} as {smtp.username!r} failed ({exc.smtp_code})"
        ) from None
    except smtplib.SMTPException as exc:
        raise MailError(f"SMTP {where}: {_scrub(str(exc), password)}") from None
    except ssl.SSLError as exc:
        reason = _scrub(getattr(exc, "verify_message", None) or exc.reason or str(exc), password)
        raise MailError(f"TLS with SMTP server {where} failed: {reason}") from None
    except OSError as exc:
        reason = _scrub(exc.strerror or str(exc) or type(exc).__name__, password)
        raise MailError(f"cannot reach SMTP server {where}: {reason}") from None
    return sorted(refused)
