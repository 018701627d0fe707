"""tracker.mail against a real SMTP server on loopback: none / starttls / ssl, login, errors."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.jobs.smtp import SmtpServer, free_port
from tracker.mail import MailError, send_message
from tracker.settings import SmtpSettings

PASSWORD = "mail-Secret-123"
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "Hello", "tracker@example.com", "a@example.com"
    msg.set_content("Data center roles: 13 (+8)")
    return msg


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A self-signed certificate for 127.0.0.1 (needs the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not installed: cannot make a test certificate")
    folder = tmp_path_factory.mktemp("cert")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(crt), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    yield crt, key


def test_plain_smtp_without_login() -> None:
    with SmtpServer() as smtp:
        settings = SmtpSettings(host="127.0.0.1", port=smtp.port, security="none")
        assert send_message(settings, message(), ["a@example.com", "b@example.com"]) == []
        [got] = smtp.messages
        assert got.rcpt_tos == ["a@example.com", "b@example.com"]
        assert got.message["Subject"] == "Hello"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_login(
    security: str, cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    crt, key = cert
    monkeypatch.setenv("TEST_MAIL_PW", PASSWORD)
    context = ssl.create_default_context(cafile=str(crt))
    with SmtpServer(login=("tracker", PASSWORD), tls=security, cert=crt, key=key) as smtp:
        settings = SmtpSettings("127.0.0.1", smtp.port, security, "tracker", "TEST_MAIL_PW")
        send_message(settings, message(), ["a@example.com"], context=context)
        assert len(smtp.messages) == 1 and smtp.logins == [("tracker", True)]


def test_starttls_refuses_an_untrusted_certificate(cert: tuple[Path, Path]) -> None:
    crt, key = cert
    with SmtpServer(tls="starttls", cert=crt, key=key) as smtp:
        settings = SmtpSettings("127.0.0.1", smtp.port, "starttls")
        with pytest.raises(MailError, match=r"TLS with SMTP server .* failed: self.signed"):
            send_message(settings, message(), ["a@example.com"], timeout=5)
        assert smtp.messages == []


def test_starttls_required_but_not_offered() -> None:
    with SmtpServer() as smtp:
        settings = SmtpSettings("127.0.0.1", smtp.port, "starttls")
        with pytest.raises(MailError, match="does not offer STARTTLS"):
            send_message(settings, message(), ["a@example.com"])


def test_errors_are_one_line_and_never_show_the_password(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_MAIL_PW", PASSWORD)
    port = free_port()
    with pytest.raises(MailError) as refused:
        send_message(SmtpSettings("127.0.0.1", port, "none", "tracker", "TEST_MAIL_PW"),
                     message(), ["a@example.com"])  # fmt: skip
    assert f"cannot reach SMTP server 127.0.0.1:{port}" in str(refused.value)
    with SmtpServer(login=("tracker", "other")) as smtp:
        settings = SmtpSettings("127.0.0.1", smtp.port, "none", "tracker", "TEST_MAIL_PW")
        with pytest.raises(MailError, match=r"login to .* as 'tracker' failed \(535\)") as bad:
            send_message(settings, message(), ["a@example.com"])
    monkeypatch.delenv("TEST_MAIL_PW")
    with pytest.raises(MailError, match="TEST_MAIL_PW"):
        send_message(settings, message(), ["a@example.com"])
    with pytest.raises(MailError, match="bad \\[smtp\\] security"):
        send_message(SmtpSettings(security="tls"), message(), ["a@example.com"])
    for error in (str(refused.value), str(bad.value)):
        assert PASSWORD not in error and "\n" not in error
    assert PASSWORD not in caplog.text
