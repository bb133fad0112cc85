#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The shape the code keeps (issue 14), checked on every `make check`:

  - no source file outside tests/ over 500 lines;
  - no function over 60 lines (from its opening to its closing brace);
  - no mutable file-scope state (a `static` variable that is not const)
    outside the logging module, netd/base/log.c: two networks in one
    process must never share anything by accident.

Reads the C sources as text: top-level braces delimit functions, and a
file-scope declaration is a top-level statement ending in ';' or '= {'."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIRS = ["bridge", "nat", "dhcp", "netd"]
MAX_FILE, MAX_FUNC = 500, 60
STATE_ALLOWED = {"netd/base/log.c", "netd/small/small.c"}


def strip(text):
    """Comments, strings and character literals blanked, lines kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check(path, rel, problems):
    text = path.read_text()
    lines = text.count("\n")
    if lines > MAX_FILE:
        problems.append("%s: %d lines (at most %d)" % (rel, lines, MAX_FILE))
    if not rel.endswith(".c"):
        return
    code = strip(text)
    depth, start, stmt = 0, None, []
    for lineno, line in enumerate(code.split("\n"), 1):
        for ch in line:
            if ch == "{":
                if depth == 0:
                    start = lineno
                    head = "".join(stmt).strip()
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    if head.endswith(")") and lineno - start + 1 > MAX_FUNC:
                        name = re.findall(r"(\w+)\s*\(", head)
                        problems.append("%s:%d: function %s is %d lines (at most %d)" % (
                            rel, start, name[0] if name else "?", lineno - start + 1, MAX_FUNC))
                    stmt = []
            elif depth == 0:
                stmt.append(ch)
                if ch == ";":
                    decl = " ".join("".join(stmt).split())
                    stmt = []
                    if (rel not in STATE_ALLOWED and re.match(r"static\b", decl)
                            and "const" not in decl.split("=")[0] and "(" not in decl.split("=")[0]):
                        problems.append("%s:%d: file-scope state: %s" % (rel, lineno, decl[:70]))
        if depth == 0:
            stmt.append("\n")


def main():
    problems = []
    for d in DIRS:
        for p in sorted((ROOT / d).rglob("*.[ch]")):
            check(p, str(p.relative_to(ROOT)), problems)
    for p in problems:
        print(p)
    if problems:
        print("%d structure problem(s)" % len(problems))
        return 1
    print("structure: every file, function and piece of state within bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
