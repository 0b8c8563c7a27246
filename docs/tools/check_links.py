#!/usr/bin/python3
"""Checks that every relative link of the manual points somewhere.

    /usr/bin/python3 docs/tools/check_links.py

Reads README.md, docs/*.md, docs/tutorials/*.md and models/*.md; for every Markdown link
`[text](target)` that is not a URL, the target file or directory must exist, and an anchor
(`page.md#anchor`, `#anchor`) must be a heading of that page (GitHub's rule: lower case,
punctuation dropped, spaces to hyphens, a suffix -1, -2, ... for repeated headings) or an explicit
`<a id="...">`. Exit status 1 when one does not.
"""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "docs" / "tutorials").glob("*.md")),
         *sorted((ROOT / "models").glob("*.md"))]

LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def prose_lines(text: str):
    """The page's lines outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def slug(heading: str) -> str:
    text = re.sub(r"<[^>]+>", "", heading)                # inline HTML
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = text.replace("`", "").strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(page: pathlib.Path) -> set:
    found, seen = set(), {}
    text = page.read_text(encoding="utf-8")
    for line in prose_lines(text):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            found.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
        found.update(EXPLICIT.findall(line))
    return found


def main() -> int:
    cache = {}
    problems = checked = 0
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for line in prose_lines(text):
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                    continue
                checked += 1
                path_part, _, anchor = target.partition("#")
                destination = (page.parent / path_part).resolve() if path_part else page
                where = f"{page.relative_to(ROOT)}: ({target})"
                if not destination.exists():
                    print(f"FAIL {where}: no such file or directory")
                    problems += 1
                    continue
                if anchor and destination.suffix == ".md":
                    if destination not in cache:
                        cache[destination] = anchors(destination)
                    if anchor not in cache[destination]:
                        print(f"FAIL {where}: no heading or anchor #{anchor} in {destination.relative_to(ROOT)}")
                        problems += 1
    print(f"{checked} relative links in {len(PAGES)} pages, {problems} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
