"""`python -m reader` and the `reader` command."""

import sys


def main() -> None:
    if getattr(sys, "frozen", False):  # import workers in a frozen (PyInstaller) app
        import multiprocessing  # not otherwise: 5 ms of every command's start-up

        multiprocessing.freeze_support()
    from reader.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
