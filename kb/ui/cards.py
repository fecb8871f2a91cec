"""Tables as cards for phones. A Gradio Dataframe squeezes every column into a 390 px screen (one
character a column); under 600 px the app hides it (class ``kb-wide-only``) and shows the same
rows as cards (class ``kb-narrow-only``): the first column as the card's title, each other
non-empty cell under its column's name. The CSS is in kb/ui/style.py."""

from __future__ import annotations

from collections.abc import Sequence

from kb.ui.render import esc

WIDE = ["kb-wide-only"]
NARROW = ["kb-narrow-only"]


def cards_html(headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str = "没有记录") -> str:
    if not rows:
        return f'<div class="kb-cards kb-dim">{esc(empty)}</div>'
    cards = []
    for row in rows:
        title, *rest = ["" if v is None else str(v) for v in row]
        fields = "".join(f"<dt>{esc(h)}</dt><dd>{esc(v)}</dd>" for h, v in zip(headers[1:], rest) if v.strip())
        cards.append(f'<div class="kb-card"><div class="kb-card-title">{esc(title)}</div><dl>{fields}</dl></div>')
    return f'<div class="kb-cards">{"".join(cards)}</div>'
