"""Code suggestions from the local assistant: learned from the researcher's coding, reviewed one by one.

The assistant is a coder, ``assist:minilm-l6``: its proposals are its
segments, so the reliability statistics compare it with a researcher; an
accepted suggestion becomes the researcher's segment and keeps its
provenance (model, file hash, method, parameters, time, who accepted it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..errors import InvalidInput, NotFound
from ..model import CoderKind
from ..store import assist as store
from ..store.assist import Suggestion
from ..store.convert import now
from .assist import (
    _FOLDS,
    ASSIST_CODER,
    CODE_FROM,
    OFFER_FROM,
    AssistMixin,
    Progress,
    SuggestionView,
    SuggestReport,
    _Session,
)
from .core import new_guid


class SuggestMixin(AssistMixin):
    """Code suggestions: learn, propose, review with refits, evaluate (see the module docstring)."""

    def suggest_codes(
        self, *, coder: str | None = None, method: str | None = None, progress: Progress | None = None
    ) -> SuggestReport:
        """Learn from the researcher's coding and propose codes for the sentences they have not coded.

        Training units are the participants' sentences of the sources the
        coder has coded (a sentence with no segment is a "no code" example).
        Every sentence is scored by a model that did not see its source
        (cross-fitting over the coded sources; the model of all the coding for
        the others). The assistant codes, as its own coder, every sentence and
        code scoring at least 0.5, so the agreement statistics compare it with
        the researcher; the researcher is asked about codes scoring at least
        0.3 on sentences they left uncoded, most informative first. Codes with
        no example but a definition are scored by similarity to it. Replaces
        the open suggestions and the assistant's earlier coding, in one
        audited change.
        """
        self._not_blind("use the assistant's suggestions (they are learned from the team's coding)")
        from ..assist import learn
        from ..assist.embedding import load_embedder, provenance

        method = method or learn.DEFAULT_METHOD
        if method not in learn.METHODS:
            raise InvalidInput(f"method is one of {', '.join(learn.METHODS)}, not {method!r}")
        embedder = load_embedder()
        data = self.coding_units(coder)
        keys, texts, matrix, labels, codes, human = data.keys, data.texts, data.vectors, data.labels, data.codes, data.segments
        in_coded = data.in_coded
        coded_sources = sorted({k[0] for k, c in zip(keys, in_coded, strict=True) if c})
        unlabelled = labels.sum(axis=1) == 0
        proba = np.zeros_like(labels)
        fitted: dict[int, tuple[Any, int, np.ndarray]] = {}  # unit -> (model, row in its batch, its training units)
        tfidf = learn.TextFeatures().fit_transform(texts) if method in ("lr-tfidf", "lr-both") else None

        def fit(train: np.ndarray, **settings: Any) -> Any:
            rows = np.flatnonzero(train)
            return learn.make(method, **settings).fit(None if tfidf is not None else [texts[i] for i in rows], matrix[rows],
                                          labels[rows], codes=codes, tfidf=None if tfidf is None else tfidf[rows])

        def predict(model: Any, target: np.ndarray, train: np.ndarray) -> None:
            rows = np.flatnonzero(target)
            proba[rows] = model.predict_proba(None if tfidf is not None else [texts[i] for i in rows], matrix[rows],
                                              tfidf=None if tfidf is None else tfidf[rows])
            for n, i in enumerate(rows):
                fitted[int(i)] = (model, n, np.flatnonzero(train))

        # the model of all the coding: for sources not coded yet, and refitted after each decision
        full = fit(in_coded)
        # the cross-fitted models keep the settings chosen (by internal cross-validation) for the full one
        chosen = {"C": full.C_, "class_weight": full.class_weight_} if hasattr(full, "C_") else {}
        if (~in_coded).any():
            predict(full, ~in_coded, in_coded)
        # every unit of a coded source is predicted by a model that did not see its source (cross-fitting)
        folds = {s: n % _FOLDS for n, s in enumerate(coded_sources)}
        for f in range(min(_FOLDS, len(coded_sources)) if len(coded_sources) >= 2 else 0):
            in_fold = np.array([folds.get(k[0]) == f for k in keys], dtype=bool)
            train = in_coded & ~in_fold
            if labels[train].sum():
                predict(fit(train, **chosen), in_coded & in_fold, train)
        targets = unlabelled | ~in_coded
        learned = list(codes)
        extra, by_definition = self._definition_scores(codes, matrix)
        if extra:
            codes = codes + [c for c, _ in extra]
            proba = np.hstack([proba, np.column_stack([np.where(targets, v, 0.0) for _, v in extra])])
            labels = np.hstack([labels, np.zeros((len(keys), len(extra)))])
        prov = {"proposed_by": ASSIST_CODER, "model": provenance(), "embedder": embedder.model_id, "method": method,
                "params": _plain(getattr(full, "params", {})), "at": now(),
                "trained_on": {"units": int(in_coded.sum()), "coded_units": int((~unlabelled).sum()), "codes": len(learned)},
                "by_definition": list(by_definition)}
        informative = 1.0 - np.abs(2.0 * proba - 1.0)
        offers = [(int(i), int(j)) for i, j in zip(*np.nonzero(proba >= OFFER_FROM), strict=True) if targets[i]]
        coded_by_assistant = [(int(i), int(j)) for i, j in zip(*np.nonzero(proba >= CODE_FROM), strict=True)]
        seg_by_unit = self._segments_by_unit(keys, human)
        with self._change("assist.suggest") as ch:
            w = ch.writer
            assistant = self._assistant_coder(w)
            for old in store.suggestions(w.conn, status="open"):
                w.delete("suggestion", old.id)
            for seg in w.segments(coder_ids=[assistant]):
                self._delete_segment(w, seg.id)
            segment_of: dict[tuple[int, int], int] = {}
            for i, j in coded_by_assistant:  # the assistant's own coding, compared like any coder's
                s, a, b = keys[i]
                segment_of[(i, j)] = w.insert("segment", {
                    "guid": new_guid(), "source_id": s, "code_id": codes[j], "coder_id": assistant, "start": a,
                    "end": b, "text": texts[i], "memo": "", "created_at": now(),
                    "provenance": json.dumps({**prov, "confidence": round(float(proba[i, j]), 4)}, ensure_ascii=False),
                })
            made = len(segment_of)
            for i, j in offers:  # what the researcher is asked about: codes for what they left uncoded
                s, a, b = keys[i]
                w.insert("suggestion", {
                    "source_id": s, "start": a, "end": b, "code_id": codes[j], "confidence": float(proba[i, j]),
                    "informativeness": float(informative[i, j]),
                    "examples": json.dumps(_examples(fitted.get(i), codes[j], seg_by_unit, human)),
                    "provenance": json.dumps(prov, ensure_ascii=False), "status": "open",
                    "segment_id": segment_of.get((i, j)), "created_at": now(),
                })
            ch.summary = f"the assistant suggested {len(offers)} codings ({method})"
            ch.details = {"method": method, "offered": len(offers), "assistant_segments": made}
        trained = in_coded.copy()
        self._assist_session = (
            _Session(full, keys, texts, tfidf, matrix, labels[:, : len(learned)].copy(), trained, learned)
        )
        return SuggestReport(len(keys), int(trained.sum()), len(offers), made, method, by_definition)

    def assist_evaluate(
        self,
        *,
        shares: Sequence[float] = (0.05, 0.10, 0.20, 0.50),
        seeds: Sequence[int] = (1,),
        methods: Sequence[str] | None = None,
        coder: str | None = None,
        progress: Callable[[Any], None] | None = None,
    ) -> Any:
        """How well suggestions would agree with this project's coding: hide 1 − p of it, learn from p, compare.

        Units are the participants' sentences of the coded sources, labelled
        with the codes of the coder's segments. Returns an
        :class:`thematica.assist.evaluate.Evaluation` (kappa, AC1, F1 per method and share).
        """
        from ..assist.evaluate import evaluate

        data = self.coding_units(coder)
        rows = np.flatnonzero(data.in_coded)
        names = {c.id: c.name for c in self.codes(include_deleted=True)}
        return evaluate([data.texts[i] for i in rows], data.labels[rows], embeddings=data.vectors[rows],
                        codes=[names.get(c, str(c)) for c in data.codes], methods=list(methods) if methods else None,
                        shares=shares, seeds=seeds, progress=progress)

    def _definition_scores(self, learned: Sequence[int], matrix: np.ndarray) -> tuple[list[tuple[int, np.ndarray]], tuple[str, ...]]:
        """Scores, by similarity to their definition, of codes that have one but no coded example yet."""
        from ..assist import learn
        from ..assist.embedding import load_embedder

        defined = [c for c in self.codes() if c.id not in learned and (c.definition or c.inclusion or c.example)]
        if not defined or not len(matrix):
            return [], ()
        described = [". ".join(x for x in (c.name, c.definition, c.inclusion, c.example) if x) for c in defined]
        scores = learn.definition_scores(matrix, load_embedder().embed(described))
        return [(c.id, scores[:, j]) for j, c in enumerate(defined)], tuple(c.name for c in defined)

    def _segments_by_unit(self, keys: Sequence[tuple[int, int, int]], segments: Sequence[Any]) -> dict[int, list[int]]:
        by_source: dict[int, list[Any]] = defaultdict(list)
        for seg in segments:
            by_source[seg.source_id].append(seg)
        out: dict[int, list[int]] = {}
        for i, (s, a, b) in enumerate(keys):
            hits = [seg.id for seg in by_source.get(s, ()) if seg.start < b and seg.end > a]
            if hits:
                out[i] = hits
        return out

    def _assistant_coder(self, w: Any) -> int:
        for c in w.coders():
            if c.name == ASSIST_CODER:
                return int(c.id)
        return int(w.insert("coder", {"guid": new_guid(), "name": ASSIST_CODER, "role": "local assistant (suggestions)",
                                      "created_at": now(), "kind": CoderKind.ASSISTANT.value}))

    def suggestions(self, *, status: str | None = "open", limit: int | None = 50) -> list[SuggestionView]:
        """Suggestions for review, most informative first, with the coded examples that explain each."""
        self._not_blind("use the assistant's suggestions (they are learned from the team's coding)")
        with self._read() as r:
            items = store.suggestions(r.conn, status=status, limit=limit)
            texts = r.source_texts({s.source_id for s in items})
            names = {s.id: s.name for s in r.sources()}
            codes = {c.id: c.name for c in r.codes(include_deleted=True)}
            wanted = {e for s in items for e in s.examples}
            example_text = {seg.id: seg.text for seg in r.segments(include_deleted_codes=True) if seg.id in wanted}
        return [
            SuggestionView(s, names.get(s.source_id, "?"), texts[s.source_id][s.start : s.end], codes.get(s.code_id, "?"),
                           tuple((e, example_text[e]) for e in s.examples if e in example_text))
            for s in items
        ]

    def decide_suggestion(self, suggestion_id: int, accept: bool, *, coder: str | None = None) -> SuggestionView | None:
        """Accept (code it as the researcher, keeping the provenance) or reject a suggestion; then refit.

        Returns the next most informative open suggestion (after the refit), if any.
        """
        self._not_blind("use the assistant's suggestions (they are learned from the team's coding)")
        with self._change("assist.decide") as ch:
            w = ch.writer
            item = store.suggestion(w.conn, suggestion_id)
            if item is None:
                raise NotFound(f"no suggestion #{suggestion_id}")
            if item.status != "open":
                raise InvalidInput(f"suggestion #{suggestion_id} was already {item.status}")
            code = next((c for c in w.codes() if c.id == item.code_id), None)
            if code is None:
                raise NotFound("the suggested code was deleted")
            if accept:
                text = w.source_text(item.source_id) or ""
                prov = {**item.provenance, "confidence": round(item.confidence, 4), "suggestion": item.id,
                        "accepted_by": coder or self.actor, "accepted_at": now()}
                w.insert("segment", {
                    "guid": new_guid(), "source_id": item.source_id, "code_id": item.code_id,
                    "coder_id": self._coder_id(w, coder), "start": item.start, "end": item.end,
                    "text": text[item.start : item.end], "memo": "", "created_at": now(),
                    "provenance": json.dumps(prov, ensure_ascii=False),
                })
            w.update("suggestion", item.id, {"status": "accepted" if accept else "rejected"})
            ch.summary = f"{'accepted' if accept else 'rejected'} the assistant's suggestion #{item.id} ({code.name})"
        self._refit(item, accept)
        following = self.suggestions(limit=1)
        return following[0] if following else None

    def _refit(self, item: Suggestion, accept: bool) -> None:
        """Teach the in-memory model the decision (warm start) and rescore the open suggestions."""
        session = self._assist_session
        if session is None or item.code_id not in session.codes:
            return
        index = {k: i for i, k in enumerate(session.keys)}
        i = index.get((item.source_id, item.start, item.end))
        if i is None:
            return
        session.labels[i, session.codes.index(item.code_id)] = 1.0 if accept else 0.0
        session.trained[i] = True
        rows = np.flatnonzero(session.trained)
        session.model.fit(*session.inputs(rows), session.labels[rows], codes=session.codes,
                          tfidf=None if session.tfidf is None else session.tfidf[rows])
        open_items = store_open(self)
        if not open_items:
            return
        pairs = [(s, index[(s.source_id, s.start, s.end)]) for s in open_items
                 if (s.source_id, s.start, s.end) in index and s.code_id in session.codes]
        if not pairs:
            return
        targets = [t for _, t in pairs]
        proba = session.model.predict_proba(*session.inputs(targets),
                                            tfidf=None if session.tfidf is None else session.tfidf[targets])
        scores = []
        for (s, _), row in zip(pairs, proba, strict=True):
            p = float(row[session.codes.index(s.code_id)])
            scores.append((s.id, p, 1.0 - abs(2.0 * p - 1.0)))
        with self._store.write() as w:  # rescoring is derived data: no audit event
            store.rescore(w, scores)

    def segment_provenance(self) -> dict[int, dict[str, Any]]:
        """Segment id -> provenance, for codings the assistant proposed (its own, and those a researcher accepted)."""
        with self._read() as r:
            return store.segment_provenance(r.conn)


def store_open(project: SuggestMixin) -> list[Suggestion]:
    with project._read() as r:
        return store.suggestions(r.conn, status="open", limit=None)


def _examples(fit: tuple[Any, int, np.ndarray] | None, code_id: int, seg_by_unit: Mapping[int, list[int]],
              segments: Sequence[Any]) -> list[int]:
    """Up to three of the researcher's segments with ``code_id`` nearest the unit (what explains the suggestion)."""
    if fit is None:
        return []
    model, row, train_idx = fit
    if code_id not in model.codes:
        return []
    code_of = {s.id: s.code_id for s in segments}
    found: list[int] = []
    for t in train_idx[model.explain(row, k=3, code=code_id)]:
        found += [sid for sid in seg_by_unit.get(int(t), ()) if code_of.get(sid) == code_id and sid not in found]
    return found[:3]


def _plain(value: Any) -> Any:
    """Parameters as JSON values (tuples to lists, numpy to Python)."""
    return json.loads(json.dumps(value, default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v)))
