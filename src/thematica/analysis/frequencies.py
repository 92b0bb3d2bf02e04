"""Word frequencies over sources, optionally over participants' speech only."""

from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

from ..model import Role, Turn
from ..text import words

#: English function words and transcript fillers left out of word counts.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
    don't down during each few for from further get got had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
    into is isn't it it's its itself just let's like me more most mustn't my myself no nor not of off
    on once only or other ought our ours ourselves out over own really same shan't she she'd she'll
    she's should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up very
    was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
    while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your
    yours yourself yourselves um umm uh er erm mm mhm yeah yes okay ok oh ah actually sort kind
    know mean think thing things said say says going gonna one two lot bit quite
    """.split()
)


def word_frequencies(
    texts: Mapping[int, str], turns: Sequence[Turn] | None, limit: int = 50
) -> list[tuple[str, int]]:
    """Most frequent words (stop words and one-letter words out).

    With ``turns`` given, only participants' turns are counted (sources
    without any turns are counted whole); without, whole texts.
    """
    counts: Counter[str] = Counter()
    spans: dict[int, list[tuple[int, int]]] = {}
    with_turns: set[int] = set()
    for t in turns or ():
        with_turns.add(t.source_id)
        if t.role is Role.PARTICIPANT:
            spans.setdefault(t.source_id, []).append((t.start, t.end))
    for source_id, text in texts.items():
        if turns is not None and source_id in with_turns:
            pieces = [text[s:e] for s, e in spans.get(source_id, [])]
        else:
            pieces = [text]
        for piece in pieces:
            counts.update(w for w in words(piece) if len(w) > 1 and w not in STOP_WORDS)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
