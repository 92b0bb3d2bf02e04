"""Local assistance: embeddings of units, similar passages, code suggestions (optional, offline).

Units are the full-text index's passages (for similar passages, so that the
embedding ranking and the full-text ranking rank the same things) and the
sentences of participants' speech (for code suggestions). Their vectors are
cached in the project (derived data, rebuilt when a unit's text changes).
The assistant is a coder, ``assist:minilm-l6``: its proposals are its
segments, so the reliability statistics compare it with a researcher; an
accepted suggestion becomes the researcher's segment and keeps its
provenance. Nothing here runs unless asked: a project never needs it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..errors import InvalidInput, NotFound
from ..reliability.units import UnitKind, scopes, text_units
from ..store import assist as store
from ..store.assist import Suggestion
from .guarded import GuardedOutputsMixin

#: The assistant's name as a coder.
ASSIST_CODER = "assist:minilm-l6"
#: Where the vectors of each kind of unit come from.
UNIT_KINDS = ("passage", "sentence", "segment")
#: Scores from which a (unit, code) pair is offered for review, and from which the assistant codes it itself.
OFFER_FROM = 0.3
CODE_FROM = 0.5
#: Reciprocal-rank-fusion constant (Cormack et al. 2009).
RRF_K = 60
_FOLDS = 3

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SimilarPassage:
    """A passage like the query: where, its text, the fused score and its parts."""

    source: str
    source_id: int
    start: int
    end: int
    text: str
    score: float
    cosine: float
    text_rank: int | None


@dataclass(frozen=True)
class SuggestionView:
    """A suggestion as shown for review: the unit's text, the code, and the coded examples that explain it."""

    suggestion: Suggestion
    source: str
    text: str
    code: str
    examples: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class CandidateThemeView:
    """A suggested theme: its codes (names and ids), characteristic words, and how close its codes are (0–1)."""

    codes: tuple[str, ...]
    code_ids: tuple[int, ...]
    keywords: tuple[str, ...]
    cohesion: float


@dataclass(frozen=True)
class SuggestReport:
    """What a suggestion run did."""

    units: int
    trained_on: int
    offered: int
    assistant_segments: int
    method: str
    codes_by_definition: tuple[str, ...]


@dataclass
class _UnitIndex:
    """Units of one kind in memory: (source, start, end) keys, unit vectors, speaker per unit, participant speech."""

    stamp: tuple[Any, ...]
    keys: np.ndarray
    matrix: np.ndarray
    who: np.ndarray
    speech: np.ndarray


@dataclass
class CodingUnits:
    """Sentences of participants' speech as units for learning: keys, texts, vectors and the coder's codes."""

    keys: list[tuple[int, int, int]]
    texts: list[str]
    vectors: np.ndarray
    labels: np.ndarray
    codes: list[int]
    segments: list[Any]
    in_coded: np.ndarray


@dataclass
class _Session:
    """The fitted model of the last suggestion run in this process, refitted after each decision."""

    model: Any
    keys: list[tuple[int, int, int]]
    texts: list[str]
    tfidf: Any
    vectors: np.ndarray
    labels: np.ndarray
    trained: np.ndarray
    codes: list[int]

    def inputs(self, rows: Any) -> tuple[list[str] | None, np.ndarray]:
        """Texts (None when TF-IDF rows are precomputed) and embeddings of some units."""
        texts = None if self.tfidf is not None else [self.texts[r] for r in rows]
        return texts, self.vectors[rows]


class AssistMixin(GuardedOutputsMixin):
    """Embeddings, similar passages, code suggestions and candidate themes (see the module docstring)."""

    _assist_session: _Session | None = None

    # -- units and their vectors ---------------------------------------------------------------
    def assist_units(self, kind: str = "passage") -> list[tuple[int, int, int]]:
        """(source id, start, end) of the units of ``kind``: passages, sentences of participants' speech, or coded spans."""
        if kind not in UNIT_KINDS:
            raise InvalidInput(f"units are one of {', '.join(UNIT_KINDS)}, not {kind!r}")
        with self._read() as r:
            if kind == "segment":
                return sorted({(s.source_id, s.start, s.end) for s in r.segments() if s.end > s.start})
            if kind == "passage":
                return store.passage_spans(r.conn)
            texts = r.source_texts()
            turns = r.turn_spans()
        units = text_units(UnitKind.SENTENCE, texts, scopes(texts, turns))
        return list(zip(units.source.tolist(), units.start.tolist(), units.end.tolist(), strict=True))

    def embed_units(self, kind: str = "passage", *, progress: Progress | None = None) -> int:
        """Embed the units of ``kind`` not cached yet (or whose text changed); returns how many were embedded."""
        from ..assist.embedding import load_embedder

        embedder = load_embedder()
        units = self.assist_units(kind)
        with self._read() as r:
            texts = r.source_texts({s for s, _, _ in units})
            cached = store.cached_units(r.conn, embedder.model_id, kind)
        wanted = {(s, a, b): _sha(texts[s][a:b]) for s, a, b in units}
        stale = [row_id for key, (row_id, sha) in cached.items() if wanted.get(key) != sha]
        todo = [(s, a, b, sha) for (s, a, b), sha in wanted.items() if (s, a, b) not in cached or cached[(s, a, b)][1] != sha]
        matrix = embedder.embed([texts[s][a:b] for s, a, b, _ in todo], progress=progress) if todo else None
        if todo or stale:
            with self._store.write() as w:  # derived data: no audit event
                store.drop_vectors(w, stale)
                if matrix is not None:
                    store.store_vectors(w, embedder.model_id, kind, todo, matrix)
            self._vector_memo: dict[str, Any] = {}
        return len(todo)

    def _vectors(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """The cached (keys, matrix) of ``kind``, embedding what is missing first."""
        index = self._unit_index(kind)
        return index.keys, index.matrix

    def _unit_index(self, kind: str) -> _UnitIndex:
        """Keys, vectors and speakers of the units of ``kind``, kept in memory until units or vectors change.

        Coding, memos and the like do not touch it: only an import, a
        de-identification or new vectors do (the stamp counts them).
        """
        from ..assist.embedding import DIM, load_embedder

        model = load_embedder().model_id
        memo: dict[str, Any] = getattr(self, "_vector_memo", {})
        found = memo.get(kind)
        if found is not None and found.stamp == self._unit_stamp(model, kind):
            return found  # type: ignore[no-any-return]
        self.embed_units(kind)
        stamp = self._unit_stamp(model, kind)
        with self._read() as r:
            keys, matrix = store.vectors(r.conn, model, kind, DIM)
        who, speech = self._speakers(keys)
        index = _UnitIndex(stamp, keys, matrix, who, speech)
        memo = getattr(self, "_vector_memo", {})
        memo[kind] = index
        self._vector_memo = memo
        return index

    def _unit_stamp(self, model: str, kind: str) -> tuple[Any, ...]:
        with self._read() as r:
            return tuple(store.unit_stamp(r.conn, model, kind))

    def _speakers(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per unit: the participant speaking in it (-1: none), and whether any participant speaks in it."""
        who = np.full(len(keys), -1, dtype=np.int64)
        speech = np.zeros(len(keys), dtype=bool)
        owners = {s.id: s.participant_id for s in self.sources()}
        turns: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        with_turns = set()
        for t in self.turns():
            with_turns.add(t.source_id)
            if t.role.value == "participant":
                turns[t.source_id].append((t.start, t.end, -1 if t.participant_id is None else t.participant_id))
        for source_id in np.unique(keys[:, 0]) if len(keys) else []:
            rows = np.flatnonzero(keys[:, 0] == source_id)
            if int(source_id) not in with_turns:
                speech[rows] = True
                who[rows] = owners.get(int(source_id)) or -1
                continue
            spans = sorted(turns.get(int(source_id), ()))
            if not spans:
                continue
            starts = np.array([x for x, _, _ in spans])
            ends = np.array([y for _, y, _ in spans])
            pids = np.array([p for _, _, p in spans])
            last = np.searchsorted(starts, keys[rows, 2], side="left") - 1
            hit = (last >= 0) & (ends[np.maximum(last, 0)] > keys[rows, 1])
            speech[rows] = hit
            who[rows] = np.where(hit, pids[np.maximum(last, 0)], -1)
        return who, speech

    # -- similar passages ----------------------------------------------------------------------
    def similar(
        self,
        query: str | None = None,
        *,
        source: str | int | None = None,
        start: int | None = None,
        end: int | None = None,
        segment: int | None = None,
        code: str | int | None = None,
        limit: int = 20,
        exclude_coded: bool = False,
        where: Mapping[str, str] | None = None,
        hybrid: bool = True,
        include_interviewer: bool = False,
    ) -> list[SimilarPassage]:
        """Passages most like a typed query, a selection, a segment or a code's segments.

        Ranks every passage by cosine similarity of its embedding and (with
        ``hybrid``) by full-text rank of the query's words, fused by
        reciprocal rank. ``where`` keeps passages of participants with those
        attribute values; ``exclude_coded`` drops passages that overlap any
        segment. The query's own passage(s) are left out, and so are passages
        with no participant speech unless ``include_interviewer``.
        """
        from ..assist.embedding import load_embedder

        embedder = load_embedder()
        index = self._unit_index("passage")
        keys, matrix = index.keys, index.matrix
        if not len(keys):
            return []
        own: list[tuple[int, int, int]] = []
        if segment is not None:
            seg = next((s for s in self.segments() if s.id == segment), None)
            if seg is None:
                raise NotFound(f"no segment #{segment}")
            text, own = seg.text, [(seg.source_id, seg.start, seg.end)]
        elif code is not None:
            code_id = self.code_by(code).id if not isinstance(code, int) else code
            segs = [s for s in self.segments() if s.code_id == code_id]
            if not segs:
                raise InvalidInput("that code has no coded segments to compare with")
            text, own = "\n".join(s.text for s in segs), [(s.source_id, s.start, s.end) for s in segs]
        elif source is not None:
            src = self.source(source)
            lo, hi = start or 0, end if end is not None else src.length
            if not 0 <= lo < hi <= src.length:
                raise InvalidInput(f"selection {lo}-{hi} is outside {src.name} (length {src.length})")
            text, own = self.source_text(src.id)[lo:hi], [(src.id, lo, hi)]
        elif query is not None and query.strip():
            text = query
        else:
            raise InvalidInput("give a query text, a selection, a segment or a code")
        if code is not None:
            rows = np.flatnonzero(self._coded_mask(keys, segs))
            qvec = matrix[rows].mean(axis=0) if len(rows) else embedder.embed([text[:4000]])[0]
        else:
            qvec = embedder.embed([text])[0]
        cosine = matrix @ (qvec / max(float(np.linalg.norm(qvec)), 1e-12))
        keep = np.ones(len(keys), dtype=bool)
        for s, a, b in own:
            keep &= ~((keys[:, 0] == s) & (keys[:, 1] < b) & (keys[:, 2] > a))
        if not include_interviewer:
            keep &= index.speech
        if exclude_coded:
            keep &= ~self._coded_mask(keys)
        if where:
            keep &= self._attribute_mask(index.who, where)
        scores = np.where(keep, cosine, -np.inf)
        top = min(int(keep.sum()), max(limit * 10, 200))
        head = np.argpartition(-scores, top - 1)[:top] if 0 < top < len(scores) else np.flatnonzero(keep)
        order = [int(i) for i in head[np.argsort(-scores[head])] if keep[i]]
        cos_rank = {i: r for r, i in enumerate(order)}
        text_rank = self._text_ranks(text, keys, keep) if hybrid else {}
        last = len(order)  # a passage found only by full text ranks after every one the embeddings ranked
        fused = {i: 1 / (RRF_K + cos_rank.get(i, last) + 1) + (1 / (RRF_K + text_rank[i] + 1) if i in text_rank else 0.0)
                 for i in order + list(text_rank)}
        best = sorted(fused, key=lambda i: (-fused[i], -cosine[i]))[:limit]
        names = {s.id: s.name for s in self.sources()}
        with self._read() as r:
            texts = r.source_texts({int(keys[i, 0]) for i in best})
        return [
            SimilarPassage(names[int(keys[i, 0])], int(keys[i, 0]), int(keys[i, 1]), int(keys[i, 2]),
                           texts[int(keys[i, 0])][int(keys[i, 1]) : int(keys[i, 2])], round(fused[i], 6),
                           round(float(cosine[i]), 4), text_rank.get(i))
            for i in best
        ]

    def _coded_mask(self, keys: np.ndarray, segments: Sequence[Any] | None = None) -> np.ndarray:
        """Units that overlap any segment (of ``segments``, default all; vectorised per source)."""
        by_source: dict[int, list[tuple[int, int]]] = defaultdict(list)
        if segments is None:
            with self._read() as r:
                spans = store.segment_spans(r.conn, self.visible_coders(None))
        else:
            spans = [(seg.source_id, seg.start, seg.end) for seg in segments]
        for source_id, start, end in spans:
            by_source[source_id].append((start, end))
        mask = np.zeros(len(keys), dtype=bool)
        for source_id, ranges in by_source.items():
            rows = np.flatnonzero(keys[:, 0] == source_id)
            if not len(rows):
                continue
            ranges.sort()
            starts = np.array([a for a, _ in ranges])
            reach = np.maximum.accumulate(np.array([b for _, b in ranges]))  # furthest end among segments so far
            last = np.searchsorted(starts, keys[rows, 2], side="left") - 1
            mask[rows] = (last >= 0) & (reach[np.maximum(last, 0)] > keys[rows, 1])
        return mask

    def _attribute_mask(self, who: np.ndarray, where: Mapping[str, str]) -> np.ndarray:
        """Units spoken by participants with all these attribute values."""
        ok = [p.id for p in self.participants()
              if all(str(p.attributes.get(name, "")).casefold() == str(value).casefold() for name, value in where.items())]
        return np.isin(who, np.array(ok, dtype=np.int64))

    def _text_ranks(self, text: str, keys: np.ndarray, keep: np.ndarray) -> dict[int, int]:
        """Full-text rank of each kept passage for the query's most telling words (OR), best first."""
        words = _telling_words(text)
        if not words:
            return {}
        index = {(int(s), int(a)): i for i, (s, a, _b) in enumerate(keys.tolist())}
        with self._read() as r:
            hits = r.search_passages(" OR ".join(words), 200)
        ranks: dict[int, int] = {}
        for hit in hits:
            i = index.get((hit.source_id, hit.start))
            if i is not None and keep[i] and i not in ranks:
                ranks[i] = len(ranks)
        return ranks

    # -- code suggestions ----------------------------------------------------------------------
    def coding_units(self, coder: str | None = None) -> CodingUnits:
        """Participants' sentences with the codes of the coder's overlapping segments (the assistant's excluded)."""
        keys_arr, matrix = self._vectors("sentence")
        keys = [(int(a), int(b), int(c)) for a, b, c in keys_arr.tolist()]
        coder_ids = self.analysis_coders(coder)
        coders = self.coders()
        human = [s for s in self.segments() if (coder_ids is None or s.coder_id in coder_ids)
                 and not _is_assistant(s.coder_id, coders)]
        if not human:
            raise InvalidInput("there is no coding to learn from yet: code some passages first")
        codes = sorted({s.code_id for s in human})
        column = {c: j for j, c in enumerate(codes)}
        labels = np.zeros((len(keys), len(codes)), dtype=np.float64)
        by_source: dict[int, list[Any]] = defaultdict(list)
        for seg in human:
            by_source[seg.source_id].append(seg)
        for i, (s, a, b) in enumerate(keys):
            for seg in by_source.get(s, ()):
                if seg.start < b and seg.end > a:
                    labels[i, column[seg.code_id]] = 1.0
        in_coded = np.array([k[0] in by_source for k in keys], dtype=bool)
        with self._read() as r:
            texts_by_source = r.source_texts()
        texts = [texts_by_source[s][a:b] for s, a, b in keys]
        return CodingUnits(keys, texts, matrix, labels, codes, human, in_coded)

    def suggest_themes(self, *, n_groups: int | None = None, coder: str | None = None) -> list[CandidateThemeView]:
        """Candidate themes: the codes grouped by their extracts' and definitions' embeddings (never applied)."""
        from ..assist import grouping
        from ..assist.embedding import load_embedder

        keys, matrix = self._vectors("segment")
        row = {tuple(k): i for i, k in enumerate(keys.tolist())}
        coder_ids = self.analysis_coders(coder)
        coders = self.coders()
        segs = [s for s in self.segments() if (coder_ids is None or s.coder_id in coder_ids)
                and not _is_assistant(s.coder_id, coders)]
        by_code: dict[int, list[Any]] = defaultdict(list)
        for seg in segs:
            by_code[seg.code_id].append(seg)
        codes = [c for c in self.codes() if by_code.get(c.id) or c.definition]
        if len(codes) < 2:
            raise InvalidInput("grouping needs at least two codes with coded extracts or definitions")
        described = [". ".join(x for x in (c.name, c.definition) if x) for c in codes]
        definitions = load_embedder().embed(described)
        extracts = [matrix[[row[(s.source_id, s.start, s.end)] for s in by_code[c.id]]].mean(axis=0) if by_code.get(c.id)
                    else None for c in codes]
        vectors = grouping.code_vectors(extracts, list(definitions))
        documents = [" ".join([c.name, c.definition, *(s.text for s in by_code.get(c.id, ()))]) for c in codes]
        groups = grouping.group_codes(vectors, documents, n_groups=n_groups)
        described_groups = grouping.describe(groups, vectors, documents)
        return [
            CandidateThemeView(tuple(codes[i].name for i in g), tuple(codes[i].id for i in g), words, cohesion)
            for g, (words, cohesion) in zip(groups, described_groups, strict=True)
        ]

def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _overlaps(a: tuple[int, ...], b: tuple[int, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and a[2] > b[1]


def _is_assistant(coder_id: int, coders: Sequence[Any]) -> bool:
    return any(c.id == coder_id and c.name == ASSIST_CODER for c in coders)


_STOP = frozenset(
    "a an and are as at be but by for from had has have he her him his i if in into is it its just like me my no not of "
    "on or our she so than that the their them then there they this to too um uh up us was we were what when which who "
    "will with would you your yeah know really think mean sort kind thing things just very quite bit".split()
)


def _telling_words(text: str, n: int = 12) -> list[str]:
    """The query's content words for the full-text side of the ranking (longest first, at most ``n``)."""
    import re

    words = [w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)]
    seen = dict.fromkeys(w for w in words if w not in _STOP)
    return sorted(seen, key=lambda w: (-len(w), w))[:n]
