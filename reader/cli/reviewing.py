"""`reader review`: today's highlights, answers, progress."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import UsageError, _open, _print_json, shown


def cmd_review(args: argparse.Namespace) -> int:
    with _open(args) as library:
        if args.id is not None:
            if not args.grade:
                raise UsageError("say how well you remembered it: --grade again|hard|good|easy|never")
            result = library.answer_review(args.id, args.grade)
            if args.json:
                _print_json(
                    {
                        "highlight": result.highlight_id,
                        "answer": result.answer,
                        "next_due": result.next_due.isoformat() if result.next_due else None,
                    }
                )
            elif result.next_due is None:
                print(f"highlight {result.highlight_id}: will not come back")
            else:
                print(f"highlight {result.highlight_id}: next on {result.next_due.astimezone():%Y-%m-%d}")
            return 0
        if args.grade:
            raise UsageError("--grade needs the highlight's id: reader review ID --grade good")
        if args.stats:
            stats = library.review_stats()
            if args.json:
                _print_json(
                    {
                        "due": stats.due,
                        "reviewed_today": stats.reviewed_today,
                        "streak": stats.streak,
                        "week": [
                            {"day": d.day.isoformat(), "made": d.made, "reviewed": d.reviewed} for d in stats.week
                        ],
                    }
                )
            else:
                print(f"due today: {stats.due}, reviewed today: {stats.reviewed_today}, streak: {stats.streak} days")
                for d in stats.week:
                    print(f"  {d.day:%a %d %b}  made {d.made:3}  reviewed {d.reviewed:3}")
            return 0
        items = library.review_queue(limit=args.limit)
    if args.json:
        _print_json(
            [
                {
                    "highlight": item.highlight.id,
                    "uid": item.highlight.uid,
                    "quote": item.highlight.quote,
                    "note": item.highlight.note,
                    "tags": list(item.highlight.tags),
                    "color": item.highlight.color,
                    "article": item.highlight.article_id,
                    "title": item.article_title,
                    "site": item.article_site,
                    "url": item.article_url,
                    "published": item.article_published,
                    "due": item.due.isoformat() if item.due else None,
                    "reviews": item.reviews,
                }
                for item in items
            ]
        )
        return 0
    if not items:
        print("nothing to review today", file=sys.stderr)
        return 0
    for item in items:
        quote = " ".join(item.highlight.quote.split())
        quote = quote if len(quote) <= 100 else quote[:99] + "…"
        print(f"{item.highlight.id:6}  {shown(quote)}\n        — {shown(item.article_title)}")
    return 0
