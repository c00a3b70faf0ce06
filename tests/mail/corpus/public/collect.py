"""Copy the public messages of other mail parsers' test suites into this folder.

Each source is pinned to a commit; its messages are copied byte for byte from ``git show
<commit>:<path>`` of a local clone, with its licence beside them, and every file is listed
in ``MANIFEST.tsv`` (path, size, SHA-256, source path) so the test can tell that the
checkout holds the originals. Run it again to refresh after changing a pin::

    python tests/mail/corpus/public/collect.py \\
        mikel/mail=/path/to/clone-of-mikel-mail SpamScope/mail-parser=/path/to/… …

A source whose clone is not named is left as it is. What is left out, and why, is listed
with each source (README.md says the same).
"""

from __future__ import annotations

import fnmatch
import hashlib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
MAX_BYTES = 1_000_000  # larger messages stay out, to keep the repository small


@dataclass(frozen=True)
class Source:
    folder: str  # the folder under public/
    repo: str  # owner/name on GitHub
    commit: str
    licence: str  # SPDX identifier
    licence_files: tuple[str, ...]  # copied beside the messages
    base: str  # the folder of messages in the source
    include: tuple[str, ...] = ("*",)  # patterns on the path under ``base``
    # path under ``base`` -> why it is left out
    exclude: dict[str, str] = field(default_factory=dict)


HUNNYSOFT = "a Hunnysoft sample (Doug Sauder): copyrighted, no licence to redistribute"
MALWARE = "its attachment is a malware program (an .exe or .js in an archive)"

SOURCES = (
    Source(
        "mikel-mail",
        "mikel/mail",
        "d645d7b5b7d03218b0bc8971ef041c991a63f5f7",
        "MIT",
        ("MIT-LICENSE",),
        "spec/fixtures/emails",
        ("*.eml",),
    ),
    Source(
        "stalwart-mail-parser",
        "stalwartlabs/mail-parser",
        "339a4306d3bd60bbfeae8f5de0e8f29c17d665a1",
        "Apache-2.0 OR MIT",
        ("LICENSES/Apache-2.0.txt", "LICENSES/MIT.txt"),
        "resources/eml",
        (
            "rfc/*.eml",
            "malformed/*.eml",
            "thirdparty/*.eml",
            "malformed/COPYING",
            "thirdparty/COPYING",
        ),
        # legacy/ is left out whole: its COPYING says it is Hunnysoft's samples.
    ),
    Source(
        "flanker",
        "mailgun/flanker",
        "c7f70738dbb39eda2861b03917b63ec9fa828f5d",
        "Apache-2.0",
        ("LICENSE",),
        "tests/fixtures/messages",
        ("*.eml",),  # bounce/, complaints/ and spam/ too
    ),
    Source(
        "php-mime-mail-parser",
        "php-mime-mail-parser/php-mime-mail-parser",
        "059dcc38fbfb559b0644e9c26c65a759b21801bc",
        "MIT",
        ("LICENSE",),
        "tests/mails",
        ("*",),
        {"m0014": HUNNYSOFT, "m0016": HUNNYSOFT},
    ),
    Source(
        "spamscope-mail-parser",
        "SpamScope/mail-parser",
        "01c177fecddd9db1def23ba509ab31b12ab4fbc5",
        "Apache-2.0",
        ("LICENSE.txt", "NOTICE.txt"),
        "tests/mails",
        ("*",),
        {
            "mail_malformed_1": MALWARE,
            "mail_test_1": MALWARE,
            "mail_test_4": MALWARE,
            "mail_test_11": MALWARE,
            "mail_test_15": MALWARE,
        },
    ),
    Source(
        "james-mime4j",
        "apache/james-mime4j",
        "2602a9a9703db9df4088b7e88bf8a307ecdfe968",
        "Apache-2.0",
        ("LICENSE", "NOTICE"),
        "core/src/test/resources/testmsgs",
        ("*.msg",),
        # mimetools-testmsgs/ (Artistic License, from Perl's MIME-tools) is left out.
    ),
    Source(
        "mimekit",
        "jstedfast/MimeKit",
        "cf6d38dd0a1a26b5145c10b35e971efc133e1fb3",
        "MIT",
        ("LICENSE",),
        "UnitTests/TestData/messages",
        ("*.txt", "*.eml"),
        {f"body.{n}.txt": "a message body without its header" for n in range(1, 10)},
    ),
    Source(
        "nodemailer-mailparser",
        "nodemailer/mailparser",
        "bb1881eb35c0d406c68c8613443827ccbad00065",
        "MIT",
        ("LICENSE",),
        "test/fixtures",
        ("*.eml",),
    ),
    Source(
        "talon",
        "mailgun/talon",
        "71d9b6eb78e985bcdfbf99b69c20c001b4b818c4",
        "Apache-2.0",
        ("LICENSE",),
        "tests/fixtures",
        ("standard_replies/*.eml", "reply-quotations-share-block.eml"),
    ),
    Source(
        "django-helpdesk",
        "django-helpdesk/django-helpdesk",
        "360bace463c78314adb07d6b8bffc4676b73be29",
        "BSD-3-Clause",
        ("LICENSE",),
        "tests/test_files",
        ("*.eml",),
    ),
    Source(
        "zbateson-mail-mime-parser",
        "zbateson/mail-mime-parser",
        "3db681988a48fdffdba551dcc6b2f4c2da574540",
        "BSD-2-Clause",
        ("LICENSE",),
        "tests/_data/emails",
        # The other messages there are Hunnysoft's samples or made from them.
        ("m4006.txt", "m4007.txt", "m4009.txt"),
    ),
)

NOTES = ("COPYING",)  # copied with the licence, not messages


def _git(clone: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(clone), *args], check=True, capture_output=True).stdout


def _listing(clone: Path, source: Source) -> list[tuple[str, int | None]]:
    out = _git(clone, "ls-tree", "-r", "-l", source.commit, source.base + "/").decode()
    rows = []
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        rows.append((path[len(source.base) + 1 :], int(size) if size.isdigit() else None))
    return rows


def collect(source: Source, clone: Path) -> tuple[list[str], list[str]]:
    """Copy one source; return its manifest lines and what was left out, with why."""
    target = HERE / source.folder
    for old in sorted(target.rglob("*"), reverse=True) if target.exists() else []:
        old.unlink() if old.is_file() else old.rmdir()
    target.mkdir(exist_ok=True)
    for name in source.licence_files:
        (target / Path(name).name).write_bytes(_git(clone, "show", f"{source.commit}:{name}"))
    manifest, left_out = [], []
    for relative, size in _listing(clone, source):
        if not any(fnmatch.fnmatch(relative, p) for p in source.include):
            continue
        if relative in source.exclude:
            left_out.append(f"{relative}: {source.exclude[relative]}")
            continue
        if size is None or size > MAX_BYTES:
            left_out.append(f"{relative}: larger than 1 MB")
            continue
        data = _git(clone, "show", f"{source.commit}:{source.base}/{relative}")
        if Path(relative).name in NOTES:
            (target / f"{relative.replace('/', '-')}").write_bytes(data)
            continue
        path = target / "mail" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        manifest.append(
            f"{path.relative_to(HERE)}\t{len(data)}\t{digest}\t{source.base}/{relative}"
        )
    return manifest, left_out


def main(argv: list[str]) -> None:
    clones = dict(arg.split("=", 1) for arg in argv)
    manifest_path = HERE / "MANIFEST.tsv"
    before = manifest_path.read_text().splitlines()[1:] if manifest_path.exists() else []
    kept = [
        line
        for line in before
        if not any(line.startswith(s.folder + "/") for s in SOURCES if s.repo in clones)
    ]
    for source in SOURCES:
        if source.repo not in clones:
            continue
        lines, left_out = collect(source, Path(clones[source.repo]))
        kept.extend(lines)
        print(f"{source.folder}: {len(lines)} messages from {source.repo}@{source.commit[:12]}")
        for reason in left_out:
            print(f"  left out {reason}")
    header = "path\tbytes\tsha256\tsource_path"
    manifest_path.write_text("\n".join([header, *sorted(kept)]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
