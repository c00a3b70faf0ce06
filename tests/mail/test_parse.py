"""Reading mail: headers, charsets, HTML and quoted text (hypothesis for the decoders)."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.policy import SMTP

from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk.mail.html import html_to_text, sanitise
from supportdesk.mail.parse import decode_bytes, parse
from supportdesk.mail.quotes import split_reply

# Printable text without line breaks, including non-Latin scripts and emoji.
header_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=80,
).filter(lambda s: s.strip() == s and s.strip() and "  " not in s)


def _mail(subject: str = "Hello", filename: str | None = None) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = "Alice <alice@alpha.example>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = "<x@alpha.example>"
    message.set_content("Body text åäö\n")
    if filename is not None:
        message.add_attachment(
            b"data", maintype="application", subtype="octet-stream", filename=filename
        )
    return message.as_bytes()


@settings(max_examples=60, deadline=None)
@given(header_text)
def test_rfc2047_subjects_read_back_as_written(subject):
    assert parse(_mail(subject=subject)).subject == subject


@settings(max_examples=60, deadline=None)
@given(header_text.filter(lambda s: "/" not in s and "\\" not in s))
def test_rfc2231_file_names_read_back_as_written(name):
    mail = parse(_mail(filename=name))
    assert [p.filename for p in mail.attachments] == [name.strip()[-255:]]


@settings(deadline=None)
@given(
    st.text(max_size=200), st.sampled_from([None, "us-ascii", "iso-8859-1", "latin1", "utf-8", ""])
)
def test_utf8_bodies_survive_a_wrong_or_missing_charset(text, declared):
    assert decode_bytes(text.encode("utf-8"), declared) == text


@settings(deadline=None)
@given(st.text(st.characters(codec="cp1252", blacklist_categories=("Cs",)), max_size=200))
def test_windows_1252_bodies_declared_as_utf8_still_read(text):
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert decode_bytes(data, "utf-8") == text


@settings(deadline=None)
@given(st.binary(max_size=300), st.text(max_size=20))
def test_any_bytes_in_any_declared_charset_decode_without_error(data, declared):
    assert isinstance(decode_bytes(data, declared), str)


@settings(deadline=None)
@given(st.text(max_size=300))
def test_sanitised_html_never_keeps_scripts_or_handlers(text):
    html = f"<div onclick='x()'>{text}<script>alert(1)</script><img src=x onerror=y></div>"
    clean = sanitise(html)
    assert "<script" not in clean and "onclick" not in clean and "onerror" not in clean


@settings(deadline=None)
@given(st.text(max_size=300))
def test_html_to_text_reads_any_input(text):
    assert isinstance(html_to_text(text), str)


def test_html_to_text_keeps_paragraphs_links_and_quotes():
    text = html_to_text(
        "<p>Hello</p><p>See <a href='https://alpha.odoo.com/odoo/sales/42'>the order</a></p>"
        "<blockquote><p>old text</p></blockquote>"
    )
    assert text.splitlines()[0] == "Hello"
    assert "the order <https://alpha.odoo.com/odoo/sales/42>" in text
    assert "> old text" in text


@settings(deadline=None)
@given(st.text(max_size=400))
def test_folding_keeps_every_character(text):
    visible, folded = split_reply(text)
    assert visible + folded == text
    if text.strip():
        assert visible.strip()


def test_folding_recognises_common_reply_styles():
    cases = {
        "Thanks!\n\nOn Tue, 3 Mar 2026 at 10:00, Support <s@x> wrote:\n> old\n": "Thanks!\n\n",
        "Tack!\n\nDen 3 mars 2026 kl. 10:12 skrev Support <s@x>:\n> old\n": "Tack!\n\n",
        "OK\n\nFrån: Support\nSkickat: den 3 mars 2026\nTill: Alice\n": "OK\n\n",
        "Fine\n-----Original Message-----\nFrom: x\n": "Fine\n",
        "Yes\n-- \nAlice\n": "Yes\n",
        "Sure\n\nSent from my iPhone\n": "Sure\n\n",
    }
    for text, visible in cases.items():
        assert split_reply(text)[0] == visible


def test_interleaved_answers_are_not_folded():
    text = "> question one\nanswer one\n> question two\nanswer two\n"
    assert split_reply(text) == (text, "")


def test_a_message_without_a_sender_is_unreadable():
    import pytest

    from supportdesk.mail.parse import UnreadableMail

    with pytest.raises(UnreadableMail):
        parse(b"Subject: hi\r\n\r\nbody\r\n")
    with pytest.raises(UnreadableMail):
        parse(b"")


def test_charsets_are_read_the_way_mail_clients_read_them():
    # Chinese spam in SpamScope's corpus says GB2312 and writes GBK (镕 is not in GB2312);
    # Korean mail says ks_c_5601-1987 and writes CP949 (똠); Hebrew iso-8859-8-i is a
    # label Python does not know. Read strictly, each became Latin-1 mojibake or U+FFFD.
    assert decode_bytes("朱镕基".encode("gbk"), "gb2312") == "朱镕基"
    assert decode_bytes("똠방각하".encode("cp949"), "ks_c_5601-1987") == "똠방각하"
    assert decode_bytes("שלום".encode("iso-8859-8"), "iso-8859-8-i") == "שלום"

    hebrew = "=?iso-8859-8-i?B?7vLw5CAn4PDpIOzgIPDu9uAnOiBJbnZvaWNlIDAyNzIyMDI3?="
    chinese = "=?gb2312?B?" + base64.b64encode("朱镕基的信".encode("gbk")).decode() + "?="
    for encoded, subject in [
        (hebrew, "מענה 'אני לא נמצא': Invoice 02722027"),
        (chinese, "朱镕基的信"),
    ]:
        raw = _mail().replace(b"Subject: Hello", b"Subject: " + encoded.encode())
        assert parse(raw).subject == subject
