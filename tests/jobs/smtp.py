"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in a thread): collects what it receives.

    with SmtpServer() as smtp:                    # plain SMTP, no auth
        ...settings: host=127.0.0.1, port=smtp.port, security="none"
        smtp.messages[0].message["Subject"]

``SmtpServer(login=("user", "pw"))`` requires AUTH (over plain text, for tests);
``SmtpServer(tls="starttls" | "ssl", cert=..., key=...)`` serves TLS with a self-signed cert.
"""

from __future__ import annotations

import email
import socket
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.data, policy=default)
        assert isinstance(msg, EmailMessage)
        return msg


class _Handler:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(
        self,
        login: tuple[str, str] | None = None,
        tls: str | None = None,
        cert: Path | None = None,
        key: Path | None = None,
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.handler = _Handler()
        self.logins: list[tuple[str, bool]] = []  # (username, accepted)
        kwargs: dict[str, Any] = {}
        if login is not None:
            kwargs.update(
                authenticator=self._authenticator(login),
                auth_require_tls=tls == "starttls",
                auth_required=True,
            )
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert), str(key))
            kwargs["ssl_context" if tls == "ssl" else "tls_context"] = context
            if tls == "starttls":
                kwargs["require_starttls"] = True
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self.tls = tls

    def _authenticator(self, login: tuple[str, str]) -> Any:
        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            ok = (
                isinstance(data, LoginPassword)
                and (
                    data.login.decode(),
                    data.password.decode(),
                )
                == login
            )
            self.logins.append((data.login.decode() if data else "", ok))
            return AuthResult(success=ok, handled=False)

        return check

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
