"""Read a mailbox over IMAP: UID by UID, stored before anything is done to it.

A message is fetched without being marked (``BODY.PEEK[]``), stored raw and committed,
and only then flagged (``$SupportdeskStored`` and ``\\Seen``) or moved to the mailbox's
done folder. Nothing is ever deleted. A crash between the commit and the flag only means
the message is fetched again, and recorded as a second delivery of the same message.
Messages over ``MAIL_MAX_MB`` are not downloaded: their header is stored and the sender
told. ``idle`` waits for new mail with IMAP IDLE between polls.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from imapclient import IMAPClient

from supportdesk.mail.models import InboundMail, Mailbox
from supportdesk.mail.process import BatchResult, process_batch
from supportdesk.mail.store import store_raw

log = logging.getLogger(__name__)
STORED = b"$SupportdeskStored"
SEEN = b"\\Seen"
FETCH_BATCH = 25


@dataclass
class PollResult:
    stored: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    processed: BatchResult = field(default_factory=BatchResult)


def connect(mailbox: Mailbox, *, timeout: float = 30) -> IMAPClient:
    security = mailbox.imap_security
    context = ssl.create_default_context() if security != Mailbox.Security.NONE else None
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=security == Mailbox.Security.SSL,
        ssl_context=context,
        timeout=timeout,
    )
    if security == Mailbox.Security.STARTTLS:
        client.starttls(context)
    if mailbox.imap_auth == Mailbox.Auth.XOAUTH2:
        client.oauth2_login(mailbox.imap_username, mailbox.imap_secret)
    else:
        client.login(mailbox.imap_username, mailbox.imap_secret)
    return client


def _uids_to_fetch(client: IMAPClient, mailbox: Mailbox, keywords: bool) -> list[int]:
    if mailbox.imap_done_folder:
        # What is still in the folder has not been stored and moved.
        return sorted(client.search(["ALL"]))
    if keywords:
        return sorted(client.search(["NOT", "KEYWORD", STORED.decode()]))
    # Servers without keywords: unseen mail after the last UID stored.
    found = client.search(["UID", f"{mailbox.last_uid + 1}:*", "UNSEEN"])
    return sorted(uid for uid in found if uid > mailbox.last_uid)


def _mark_done(client: IMAPClient, mailbox: Mailbox, uids: list[int], keywords: bool) -> None:
    if not uids:
        return
    if mailbox.imap_done_folder:
        if client.has_capability("MOVE"):
            client.move(uids, mailbox.imap_done_folder)
        else:
            client.copy(uids, mailbox.imap_done_folder)
            client.add_flags(uids, [b"\\Deleted"])
            client.uid_expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()
    else:
        client.add_flags(uids, [STORED, SEEN] if keywords else [SEEN])


def poll(mailbox: Mailbox, *, client: IMAPClient | None = None, process: bool = True) -> PollResult:
    """Store every new message of the mailbox's folder, then process them in thread order."""
    own_client = client is None
    result = PollResult()
    try:
        if client is None:
            client = connect(mailbox)
        info = client.select_folder(mailbox.imap_folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        if mailbox.uidvalidity != uidvalidity:
            # A rebuilt folder numbers its messages anew; de-duplication still holds.
            mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
        keywords = b"\\*" in info.get(b"PERMANENTFLAGS", ())
        if mailbox.imap_done_folder and not client.folder_exists(mailbox.imap_done_folder):
            client.create_folder(mailbox.imap_done_folder)
        uids = _uids_to_fetch(client, mailbox, keywords)
        for start in range(0, len(uids), FETCH_BATCH):
            chunk = uids[start : start + FETCH_BATCH]
            sizes = client.fetch(chunk, ["RFC822.SIZE"])
            small = [
                u
                for u in chunk
                if sizes.get(u, {}).get(b"RFC822.SIZE", 0) <= settings.MAIL_MAX_BYTES
            ]
            large = [u for u in chunk if u not in small and u in sizes]
            fetched = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
            headers = client.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
            done: list[int] = []
            for uid in chunk:
                if uid in fetched:
                    raw, size = fetched[uid][b"BODY[]"], None
                elif uid in headers:
                    raw, size = headers[uid][b"BODY[HEADER]"], sizes[uid][b"RFC822.SIZE"]
                else:
                    continue  # expunged meanwhile
                stored = store_raw(
                    raw, source=InboundMail.Source.IMAP, mailbox=mailbox, imap_uid=uid, size=size
                )
                (result.stored if stored.created else result.duplicates).append(stored.inbound.pk)
                done.append(uid)
            # Flag or move only what is committed.
            _mark_done(client, mailbox, done, keywords)
            if done:
                mailbox.last_uid = max(mailbox.last_uid, *done)
        mailbox.last_polled_at = timezone.now()
        mailbox.last_error = ""
    except Exception as exc:
        mailbox.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        raise
    finally:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            uidvalidity=mailbox.uidvalidity,
            last_uid=mailbox.last_uid,
            last_polled_at=mailbox.last_polled_at,
            last_error=mailbox.last_error,
        )
        if own_client and client is not None:
            with contextlib.suppress(Exception):  # the connection is gone either way
                client.logout()
    if process:
        pending = InboundMail.objects.filter(
            mailbox=mailbox, state=InboundMail.State.RECEIVED
        ).values_list("pk", flat=True)
        result.processed = process_batch(list(pending))
    return result


def poll_all() -> dict[str, PollResult | str]:
    """Poll every active IMAP mailbox not served by IDLE; one failing box does not stop others."""
    results: dict[str, PollResult | str] = {}
    for mailbox in (
        Mailbox.objects.filter(active=True).exclude(imap_host="").filter(imap_idle=False)
    ):
        try:
            results[mailbox.name] = poll(mailbox)
        except Exception as exc:
            log.warning("mailbox %s: %s", mailbox.name, exc)
            results[mailbox.name] = f"{exc.__class__.__name__}: {exc}"
    return results


def idle(mailbox: Mailbox, *, stop: threading.Event, wait: float = 300) -> None:
    """Poll, then wait with IDLE for the server to report new mail; until ``stop`` is set."""
    try:
        _idle(mailbox, stop=stop, wait=wait)
    finally:
        connections.close_all()


def _idle(mailbox: Mailbox, *, stop: threading.Event, wait: float) -> None:
    while not stop.is_set():
        try:
            client = connect(mailbox)
            try:
                while not stop.is_set():
                    poll(mailbox, client=client)
                    close_old_connections()
                    client.idle()
                    # Re-issue IDLE well within the 29 minutes servers allow.
                    deadline = time.monotonic() + min(wait, 1500)
                    try:
                        while not stop.is_set() and time.monotonic() < deadline:
                            if client.idle_check(timeout=1):
                                break
                    finally:
                        client.idle_done()
                    mailbox.refresh_from_db()
            finally:
                with contextlib.suppress(Exception):
                    client.logout()
        except Exception as exc:
            log.warning("mailbox %s: %s; reconnecting", mailbox.name, exc)
            stop.wait(10)
