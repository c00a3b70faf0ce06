"""Real servers for the mail tests: a private Dovecot (IMAP) and an aiosmtpd SMTP sink."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from imapclient import IMAPClient

USER = "support"
PASSWORD = "imap-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require(program: str) -> str:
    found = shutil.which(program) or (
        f"/usr/sbin/{program}" if os.path.exists(f"/usr/sbin/{program}") else None
    )
    if found is None:
        message = f"{program} is not installed (scripts/system-packages.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


class Dovecot:
    """A throwaway Dovecot on a loopback port with one mailbox, as stack-notes.md describes."""

    def __init__(self) -> None:
        self.binary = require("dovecot")
        self.dir = Path(tempfile.mkdtemp(prefix="sd-dovecot-"))
        # Dovecot's own users must traverse it.
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        root = os.getuid() == 0
        mail_uid = 5000 if root else os.getuid()
        mail_gid = 5000 if root else os.getgid()
        (self.dir / "mail").mkdir()
        if root:
            os.chown(self.dir / "mail", mail_uid, mail_gid)
        (self.dir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        unprivileged = ""
        if not root:
            import pwd

            name = pwd.getpwuid(os.getuid()).pw_name
            unprivileged = (
                f"default_internal_user = {name}\ndefault_internal_group = {name}\n"
                f"default_login_user = {name}\n"
                "service anvil {\n  chroot =\n}\n"
            )
        config = f"""
base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
mail_location = maildir:{self.dir}/mail/%u/Maildir
mail_uid = {mail_uid}
mail_gid = {mail_gid}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = {self.dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = {self.dir}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  {"chroot =" if not root else ""}
}}
{unprivileged}
"""
        (self.dir / "dovecot.conf").write_text(config)
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.dir / "dovecot.conf")],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"Dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            if not uids:
                return {}
            return {uid: data[b"FLAGS"] for uid, data in client.fetch(uids, ["FLAGS"]).items()}
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class SmtpSink:
    """An aiosmtpd SMTP server on loopback that keeps what it receives."""

    received: list[Envelope] = field(default_factory=list)
    fail_next: int = 0

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 Try again later"
        self.received.append(envelope)
        return "250 OK"


def start_smtp() -> tuple[SmtpSink, Controller]:
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return sink, controller
