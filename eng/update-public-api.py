#!/usr/bin/env python3
"""Brings each library's PublicAPI.Unshipped.txt in line with its code, from a build log read on stdin.

    dotnet build AsyncMcp.Dapr.sln 2>&1 | python3 eng/update-public-api.py

Every RS0016 (a public member missing from the lists) is added and every RS0017 (a listed member that is gone) is
removed, in the PublicAPI.Unshipped.txt beside the project the diagnostic names. Build again afterwards: a project
that failed early may report more once the first ones are listed.
"""
import collections
import os
import re
import sys

DIAGNOSTIC = re.compile(r"error (RS001[67]): Symbol '(.*)' is (?:not )?part of the declared.*\[(.*\.csproj)\]")

added = collections.defaultdict(set)
removed = collections.defaultdict(set)
for line in sys.stdin:
    match = DIAGNOSTIC.search(line)
    if match:
        code, symbol, project = match.groups()
        lists = os.path.join(os.path.dirname(project), "PublicAPI.Unshipped.txt")
        (added if code == "RS0016" else removed)[lists].add(symbol)

for path in sorted(set(added) | set(removed)):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = [l for l in lines if l.startswith("#")]
    members = {l for l in lines if l and not l.startswith("#")} - removed[path] | added[path]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(header + sorted(members)) + "\n")
    print(f"{path}: {len(added[path])} added, {len(removed[path])} removed")
