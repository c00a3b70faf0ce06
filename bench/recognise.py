"""How fast find_references + find_urls scan mixed mail text.

Run: PYTHONPATH=src .venv/bin/python bench/recognise.py [size in KB, default 2048]

The reference rate is a bare ``re.findall(r"https?://\\S+", text)`` over the same text:
the cheapest scan that still looks at every character, so the ratio says what the
recognisers cost on top of reading the text once.
"""

import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

LINES = [
    "Hi team, our invoice {inv} for order {so} shows the wrong VAT rate.",
    "Hej! Fakturan {inv} och ordern {so} har fel moms, se {url}.",
    "The delivery {pick} left on 2026-03-04 but the customer got 1/2 of the goods.",
    "Leveransen {pick} skickades 15/01/2026, men kunden fick bara halva.",
    "Screenshot: {url} (and the old one {legacy}).",
    "Please call me on +46 8 749 0995 or 08-749 09 95 and quote SD-24017.",
    "Ring mig på 070-123 45 67, ärende SD-24017, belopp 1 000,00 kr.",
    "Bill {bill} from our supplier and the payment {pay} do not match.",
    "The POS receipt Order 00012-003-0004 from Shop/0421 has no tax.",
    "We upgraded to 18.0+e last week; version 17.0.1.3 worked fine.",
    "Docs: https://www.odoo.com/documentation/18.0/applications/sales.html",
    "Portal link {portal} does not open for the customer.",
    "-- Jane Doe, jane.doe@acme.se, https://www.acme.se/contact",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
    "Vi har problem med lagret sedan i måndags och behöver hjälp snarast möjligt.",
    "",
]


def mail_text(size_kb: int, seed: int = 42) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size_kb * 1024:
        n = rng.randint(1, 99999)
        line = rng.choice(LINES).format(
            inv=f"INV/2026/{n:05d}",
            so=f"S{n:05d}",
            pick=f"WH/OUT/{n:05d}",
            bill=f"BILL/2026/{rng.randint(1, 12):02d}/{n % 10000:04d}",
            pay=f"PBNK1/2026/{n:05d}",
            url=f"https://acme.odoo.com/odoo/sales/{n}?debug=1",
            legacy=f"https://acme.odoo.com/web#id={n}&cids=1-2&action=423&model=sale.order",
            portal=f"https://acme.odoo.com/my/orders/{n}?access_token=abc{n}",
        )
        parts.append(line)
        total += len(line.encode()) + 1
    return "\n".join(parts)


def rate(scan: Callable[[str], object], text: str, repeat: int = 5) -> float:
    """KB/s over the best of `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        scan(text)
        best = min(best, time.perf_counter() - start)
    return len(text.encode()) / 1024 / best


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from supportdesk.tickets.recognise import find_references, find_urls

    size_kb = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    text = mail_text(size_kb)
    bare = re.compile(r"https?://\S+")

    def recognise(body: str) -> tuple[list[object], list[object]]:
        return list(find_references(body)), list(find_urls(body))

    refs, urls = recognise(text)
    ours = rate(recognise, text)
    baseline = rate(bare.findall, text)
    print(f"text: {len(text.encode()) / 1024:,.0f} KB mixed mail, {len(refs)} distinct references,")
    print(f"      {len(urls)} distinct Odoo URLs")
    print(f"find_references + find_urls : {ours:12,.0f} KB/s")
    print(f're.findall(r"https?://\\S+") : {baseline:12,.0f} KB/s')
    print(f"ratio (baseline / ours)     : {baseline / ours:12,.1f}x")


if __name__ == "__main__":
    main()
