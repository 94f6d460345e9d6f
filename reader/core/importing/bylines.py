"""Turn a raw byline ("By Emma Soteriou, 4 February 2023 | 10:30") into names.

The result names the people and nothing else: no "By"/"Written by", no dates,
times, "Updated ..." stamps, Twitter handles, e-mail addresses or job titles.
Several authors are joined with ", ". Short professional credentials after a
name ("Brenda Goodman, MA") are kept, since they are part of how the person is
credited; organisations that are the only credit ("BBC News") are kept too.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_BYLINE = 200

_SPACES = re.compile(r"\s+")
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    # a few other languages, for the common news sites
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre|januar|februar|märz|juni|juli|oktober|dezember|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre"
)
# Where a byline stops being names: a date, a time, an "updated" stamp, a handle...
_CUT = re.compile(
    r"""(
        \b(?:%(m)s)\.?\s+\d{1,2}\b            # March 25
      | \b\d{1,2}\.?\s+(?:de\s+)?(?:%(m)s)\b  # 25 March, 1 de diciembre
      | \b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b  # 2015-03-25, 25.03.2015, 3/25/15
      | \b\d{4}\b                            # a year
      | \b\d{1,2}:\d{2}\b                    # 8:02
      | \b(?:updated|published|posted|last\s+updated|modified|aktualisiert|mis\s+à\s+jour|publié)\b
      | \b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b,?
      | \b(?:today|yesterday|hours?\s+ago|minutes?\s+ago|days?\s+ago|před)\b
      | (?<!\w)@\w                           # @handle
      | \S+@\S+\.\w+                        # e-mail
      | https?://\S*
      | \s[|•·–—]\s | \s-\s
      | \n
    )"""
    % {"m": _MONTHS},
    re.I | re.X,
)
# "By", "Written by" anywhere; "Par", "Von", "Por", "Door", "Di" only at the start.
_BY = re.compile(
    r"""(?:^|\s)(?:(?:written|words|text|story|reporting|reported|posted|published|
        report|edited)\s+)?by\s*:?\s+(?=\S)""",
    re.I | re.X,
)
_BY_FOREIGN = re.compile(r"^\s*(?:par|von|por|door|di|av|af|de|da)\s*:?\s+(?=[A-ZÀ-Þ])", re.I)
_BARE_BY = re.compile(r"^(?:(?:written|posted|published|edited)\s+)?(?:by|par|von|por|door|di|av|af)\s*:?$", re.I)
_LEADING_LABEL = re.compile(
    r"^\s*(?:authors?|author\(s\)|autor(?:in)?|auteur|byline|writer|posted|credits?)\s*[:\-]\s*", re.I
)
_SPLIT_PEOPLE = re.compile(
    r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|&|\bavec\b|\bwith\b|\bmit\b|\bcon\b)\s*",
    re.I,
)
# Words that make a comma-separated part a job title / section, not a person.
_ROLE_WORDS = frozenset(
    """editor editors editorial reporter reporters correspondent correspondents writer writers
    columnist columnists contributor contributors contributing staff senior chief deputy
    associate assistant managing executive director producer producers analyst analysts
    technologist technologists professor lecturer researcher fellow student intern
    photographer photographers photos photo video host anchor critic critics
    reviewer manager officer president founder ceo cto cfo head lead leader
    specialist expert advisor adviser consultant strategist scientist engineer developer
    designer journalist journalists blogger bureau desk team newsroom department
    politics political business technology tech science sports sport entertainment health
    culture opinion world national local international news industry security policy
    economics economy finance markets travel lifestyle""".split()
)
_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z]?\.?){1,4}$|^(?:Jr|Sr|II|III|IV|PhD|MD|MPH|RN|MBA|MSc|BSc|DO|DDS)\.?$")
_NAME_PARTICLES = frozenset("de da del della der den di du la le van von y bin al el ibn ter ten st st. mc".split())
_NOT_PEOPLE = frozenset(
    """follow author authors share comments comment email e-mail twitter facebook linkedin
    instagram subscribe more view profile bio biography read posts articles contact sign in up log
    login logout register account menu search home""".split()
)


def clean_byline(raw: str | None) -> str | None:
    """Names only, or None when nothing that looks like a name is left."""
    if not raw:
        return None
    text = _SPACES.sub(" ", raw.replace("\u00a0", " ")).strip()
    if not text or _is_url(text):
        return None
    # Work line by line on the original: a byline block often has the names on
    # one line and a date or a role on the next.
    lines: list[str] = []
    for line in raw.replace("\u00a0", " ").splitlines():
        line = _SPACES.sub(" ", line).strip()
        if not line:
            continue
        if lines and _BARE_BY.match(lines[-1]):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    if len(lines) > 1:
        text = next((ln for ln in lines if _BY.search(ln) or _BY_FOREIGN.match(ln)), lines[0])
    text = _LEADING_LABEL.sub("", text)
    m = _BY.search(text) or _BY_FOREIGN.match(text)
    if m and text[m.end() :].strip():
        text = text[m.end() :]
    cut = _CUT.search(text)
    if cut:
        text = text[: cut.start()]
    text = text.strip(" \t,;:|-–—·•()[]")
    if not text:
        return None
    people = _people(text)
    if not people:
        return None
    result = ", ".join(people)
    return result if 0 < len(result) <= MAX_BYLINE else None


def join_names(names: list[str]) -> str | None:
    """Several authors (from JSON-LD, repeated meta tags) as one byline."""
    seen: list[str] = []
    for name in names:
        cleaned = clean_byline(name)
        if not cleaned:
            continue
        for part in cleaned.split(", "):
            if part.lower() not in {s.lower() for s in seen}:
                seen.append(part)
    return ", ".join(seen) if seen else None


def _people(text: str) -> list[str]:
    # "(avec X et Y)" -> more people; "Richard (R.J.) Eskow" stays as it is.
    text = re.sub(r"\(\s*(?:avec|with|and|et|und|y|con|mit)\b([^)]*)\)?", r", \1", text, flags=re.I)
    parts = [p.strip(" .,;:-–—") for p in _SPLIT_PEOPLE.split(text)]
    people: list[str] = []
    for part in parts:
        if not part:
            continue
        if part[:1].isdigit():
            break  # a date or a count: the names are over
        words = part.split()
        lowered = [w.lower().strip(".,") for w in words]
        if all(w.strip("|") in _NOT_PEOPLE for w in lowered):
            continue
        if people and _CREDENTIAL.match(part) and len(part) <= 5:
            people[-1] = f"{people[-1]}, {part}"
            continue
        if any(w in _ROLE_WORDS for w in lowered):
            if people:
                # "Daniel Kahn Gillmor, Senior Staff Technologist, ACLU ..." -> stop here
                break
            if len(parts) == 1 and len(words) <= 5:
                people.append(part)  # an organisation credited alone: "BBC News"
            continue
        if len(words) > 6:
            # A sentence, not a name: keep only when it is all there is.
            if not people:
                return [part] if len(part) <= 60 else []
            break
        people.append(part)
    return people


def _is_url(text: str) -> bool:
    if text.startswith(("http://", "https://", "www.")):
        return True
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)
