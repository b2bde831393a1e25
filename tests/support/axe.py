"""axe-core in real Chromium: inject the vendored script, run it, report violations readably."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def violations(page: Any) -> list[str]:
    """Every axe violation on the page (WCAG 2.x A and AA rules and best practice)."""
    # Evaluated over the DevTools protocol, not added as an inline <script>: the pages'
    # Content-Security-Policy (rightly) refuses inline scripts without its nonce.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at `
                + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    return list(found)
