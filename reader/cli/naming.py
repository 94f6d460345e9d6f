"""`reader name`: the display name recorded with your highlights and notes
(reader.core.identity), shared with the window's File > Your Name…"""

from __future__ import annotations

import argparse

from reader.cli.common import UsageError
from reader.core import identity


def cmd_name(args: argparse.Namespace) -> int:
    if args.clear and args.new_name is not None:
        raise UsageError("give a NAME or --clear, not both")
    if args.clear or args.new_name is not None:
        name = "" if args.clear else identity.tidy(args.new_name)
        if not args.clear and not name:
            raise UsageError("the name is empty (use --clear to go back to your login name)")
        identity.store_name(name)
        print(f"Your highlights and notes are now recorded as {name or identity.login_name()}.")
        return 0
    given = identity.tidy(getattr(args, "user", None) or "")
    print(given or identity.display_name())
    print(f"  ({'--user, for this run' if given else identity.name_source()})")
    return 0
