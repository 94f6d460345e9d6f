"""The PyInstaller entry point: the same `main` as the `reader` command and `python -m reader`.

reader.__main__.main calls multiprocessing.freeze_support() first, so the import worker
processes (spawned from this executable) run their task instead of a second window.
"""

from reader.__main__ import main

if __name__ == "__main__":
    main()
