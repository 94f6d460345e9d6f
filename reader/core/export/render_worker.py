"""The worker process of renderpool.py: `python -m reader.core.export.render_worker`
(a module of its own, which the package does not import)."""

import sys

from reader.core.export.renderpool import serve

if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
