"""A small PNG made in memory, for pasting as a screenshot."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 240, height: int = 135) -> bytes:
    """An RGB PNG with a band of colour, so that it shows as a picture in screenshots."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            header = y < height // 5
            row += bytes(
                (113, 75, 103) if header else (245, 246, 248) if x % 40 else (200, 200, 210)
            )
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
