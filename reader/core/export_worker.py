"""The worker process of reader.core.export.renderpool: `python -m reader.core.export_worker`.

Outside the export package, which works from the library's records only: the
worker opens the library, reads a batch of articles, renders their files and
sends the bytes back (renderpool.py says how).
"""

from __future__ import annotations

import os
import sys
from typing import IO

from reader.core.export.renderpool import receive, send


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    from reader.core import Library
    from reader.core.export.common import ExportOptions
    from reader.core.export.files import FORMATS, get_existing

    location, fmt, options = receive(requests)
    kind = FORMATS[fmt]
    with Library.open(location) as library:
        formatter = kind(ExportOptions(**options, assets=library.asset))
        send(answers, ("ready", None))
        while True:
            try:
                ids = receive(requests)
            except EOFError:
                return
            try:
                files = []
                for article in get_existing(library, ids, kind.needs_content):
                    text = formatter.render([article])
                    files.append((article.id, text if isinstance(text, bytes) else text.encode("utf-8", "replace")))
                send(answers, ("files", files))
            except Exception as exc:  # sent back, raised there: a template error names its line
                send(answers, ("error", exc))
                return


if __name__ == "__main__":
    # Answers on a copy of standard output; anything printed goes to standard error.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, answers)
