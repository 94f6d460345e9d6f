"""`python -m reader` and the `reader` command."""

import multiprocessing
import sys


def main() -> None:
    multiprocessing.freeze_support()  # import workers in a frozen (PyInstaller) app
    from reader.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
