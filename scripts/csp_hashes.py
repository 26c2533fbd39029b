#!/usr/bin/env python3
"""Trunk post-build hook: allow exactly the inline scripts Trunk injected, by hash.

Trunk starts the app with one inline module script whose text names the hashed file names, so
its SHA-256 changes with every build. This script reads the staged index.html, hashes the text of
each inline <script>, and replaces the CSP-INLINE-SCRIPT-HASHES marker in the Content-Security-
Policy with those hashes. It fails the build if the marker or an inline script is missing, rather
than ship a page whose policy blocks its own start-up.
"""

import base64
import hashlib
import os
import re
import sys

MARKER = "CSP-INLINE-SCRIPT-HASHES"


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("csp_hashes.py: TRUNK_STAGING_DIR is not set; run me as a Trunk hook", file=sys.stderr)
        return 2
    path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    if MARKER not in html:
        print(f"csp_hashes.py: no {MARKER} marker in {path}", file=sys.stderr)
        return 1
    # Inline scripts are <script> elements without a src attribute.
    bodies = [m.group(2) for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S) if "src=" not in m.group(1)]
    if not bodies:
        print("csp_hashes.py: Trunk injected no inline script; expected its start-up script", file=sys.stderr)
        return 1
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in bodies
    )
    with open(path, "w", encoding="utf-8") as f:
        f.write(html.replace(MARKER, hashes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
