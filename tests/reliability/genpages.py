"""Generators of saved pages for the reliability tests (nothing big is committed)."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

WORDS = (
    "harbour ledger boat herring pier storm lighthouse tide anchor sail rope net keel mast gull island "
    "river winter summer morning evening village market bridge council budget repair north south east "
    "west fisher captain crew weather season history archive record letter journey coast cliff wave"
).split()


def png(width: int = 16, height: int = 12, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    raw = b"".join(b"\x00" + bytes(color) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def article(index: int, paragraphs: int = 4, image: str | None = None, seed: int | None = None) -> str:
    """A small article page, different text for each index (so none is a duplicate)."""
    rng = random.Random(index if seed is None else seed)
    body = "".join(
        f"<p>Entry {index}, part {p}. " + " ".join(sentence(rng) for _ in range(3)) + "</p>" for p in range(paragraphs)
    )
    figure = f"<figure><img src='{image}' alt=''><figcaption>Figure {index}</figcaption></figure>" if image else ""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Article {index}</title>"
        f"<link rel='canonical' href='https://example.org/articles/{index}'></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>Article {index}</h1>{body}{figure}</article>"
        f"</body></html>"
    )


def complete_save(folder: Path, index: int) -> Path:
    """page.html + page_files/ with one image unique to the page."""
    name = f"page{index:04d}"
    files = folder / f"{name}_files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "figure.png").write_bytes(png(8 + index % 50, 8 + index // 50 % 50, (index % 256, 80, 160)))
    page = folder / f"{name}.html"
    page.write_text(article(index, image=f"{name}_files/figure.png"), encoding="utf-8")
    return page


def batch(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [complete_save(folder, i) for i in range(count)]
