"""The single-sentence suppression check of the ARENA tutorial on receiver heads, scripted from Python.

On one trace: find the receiver heads by the kurtosis of their vertical attention scores, pick the sentences
with the highest and the lowest receiver-head score, suppress attention to each in the top receiver heads,
and compare the last position's next-token distribution with the unsuppressed one:

    KL = sum_v p_v ln((p_v + 1e-10) / (q_v + 1e-10)),  p = softmax(z_base / tau),  q = softmax(z_suppressed / tau)

The worker does the forward passes (pooled attention, logits under suppression); everything else is NumPy
here. The defaults are the tutorial's where `ta` can express them: heads ranked on this trace with rank depth
control, proximity 4, layer 0 competing, top 20, top 5 suppressed, tau = 1; sentences are the trace's labelled
chunks, token boundaries come from the tokenizer's offsets. For the same trace and options it prints the numbers
of (the options below carry `ta`'s names and meanings)

    ta suppress-check --trace DIR --worker ADDRESS --profile RECOMMENDED --depth-control RANK --layer-zero INCLUDE

As in `ta`, --depth-control applies to the scores that rank the heads; the receiver-head scores that pick the
two sentences have no depth control. The tutorial depth-controls those too: --receiver-depth-control RANK
reproduces that (`ta` has no such option). Tiny synthetic models check the pipeline, not the science.

    python clients/python/examples/suppress_check.py --worker localhost:50051 \
        --trace data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

import thought_anchors_client as ta

KL_EPSILON = 1e-10     # inside the log ratio, as the tutorial
RATIO_EPSILON = 1e-10  # in KL_high / (KL_low + eps), as the tutorial prints it
PASS_FACTOR = 10.0     # the tutorial's criterion: KL_high > 10 KL_low
# Characters the reference treats as spaces when it looks sentences up in the text (same length, so
# positions are unchanged).
_SPACES = str.maketrans({c: " " for c in "\u00a0\u1680\u200b\u202f\u205f\u3000\ufeff"
                         + "".join(chr(c) for c in range(0x2000, 0x200b))})


# ------------------------------------------------------------------------------------------ sentences and tokens


def locate(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Character span of each sentence in `text`, searched in order from the end of the previous one:
    the sentence as is, then stripped, then with every whitespace run matching any whitespace."""
    text = text.translate(_SPACES)
    spans, cursor = [], 0
    for i, sentence in enumerate(sentences):
        sentence = sentence.translate(_SPACES)
        stripped = sentence.strip()
        span = None
        for candidate in (sentence, stripped):
            at = text.find(candidate, cursor)
            if at >= 0:
                span = (at, at + len(candidate))
                break
        if span is None and stripped:
            match = re.compile(r"\s+".join(re.escape(word) for word in stripped.split())).search(text, cursor)
            span = match.span() if match else None
        if span is None:
            raise SystemExit(f"sentence {i} ({sentence[:60]!r}) is not in the text after character {cursor}")
        spans.append(span)
        cursor = span[1]
    return spans


def token_ranges(worker: ta.Client, text: str, spans: list[tuple[int, int]], mode: str) -> tuple[np.ndarray, int]:
    """Half-open token ranges [n, 2] of the sentences (BOS = token 0) and the number of tokens of the text.

    OFFSETS: a sentence starts at the first token whose span ends after its first character and ends where
    the next one starts (the last one at the first token starting at or after its end).
    HEAD_PREFIX_COUNT: [len(tok(text[:start])), len(tok(text[:end]))), the tutorial's prefix counting.
    """
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    if mode == "HEAD_PREFIX_COUNT":
        counts = worker.tokenize(text, starts + ends + [len(text)], units="codepoint").prefix_token_counts
        n = len(spans)
        a = np.where(np.asarray(starts) > 0, counts[:n], 0)
        return np.stack([a, counts[n: 2 * n]], axis=1), int(counts[-1])
    tokens = worker.tokenize(text)
    token_starts, token_ends = tokens.codepoint_starts, tokens.codepoint_ends
    a = np.empty(len(spans), dtype=np.int64)
    t = 1  # after BOS
    for i, start in enumerate(starts):
        while t < len(tokens) and token_ends[t] <= start:
            t += 1
        a[i] = t
    u = a[-1]
    while u < len(tokens) and token_starts[u] < ends[-1]:
        u += 1
    return np.stack([a, np.append(a[1:], u)], axis=1), len(tokens)


# ------------------------------------------------------------------------------------------ receiver heads


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties given their average rank (SciPy's rankdata, method "average")."""
    order = np.argsort(values, kind="stable")
    _, first, counts = np.unique(values[order], return_index=True, return_counts=True)
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)
    return ranks


def vertical_scores(matrix: np.ndarray, proximity: int, depth_control: str) -> np.ndarray:
    """Score of sentence j: the mean of M[i, j] over receiving sentences i >= j + proximity (NaN cells left out).

    RANK depth control first replaces each row's cells j <= i - proximity by their rank among the row's
    non-NaN cells divided by how many there are (later sentences have more sentences to attend to).
    """
    n = len(matrix)
    sums, counts = np.zeros(n), np.zeros(n)
    for i in range(proximity, n):
        row = matrix[i, : i - proximity + 1].astype(np.float64)
        finite = ~np.isnan(row)
        if depth_control == "RANK" and finite.any():
            row[finite] = average_ranks(row[finite]) / finite.sum()
        sums[: len(row)] += np.where(finite, row, 0.0)
        counts[: len(row)] += finite
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def excess_kurtosis(scores: np.ndarray) -> float:
    """Population (Fisher) excess kurtosis m4 / m2^2 - 3 of the finite scores; NaN if none or constant."""
    x = scores[np.isfinite(scores)]
    if not len(x):
        return np.nan
    mean = x.mean()
    m2, m4 = ((x - mean) ** 2).mean(), ((x - mean) ** 4).mean()
    return np.nan if m2 <= (np.finfo(float).eps * mean) ** 2 else m4 / m2**2 - 3.0


def top_heads(kurtosis: np.ndarray, k: int) -> list[tuple[int, int]]:
    """(layer, head) of the k largest finite kurtosis values: descending, ties by ascending flat index."""
    flat = kurtosis.reshape(-1)
    finite = np.flatnonzero(~np.isnan(flat))
    order = finite[np.lexsort((finite, -flat[finite]))][:k]
    return [divmod(int(f), kurtosis.shape[1]) for f in order]


# ------------------------------------------------------------------------------------------ the check


def kl(base: np.ndarray, suppressed: np.ndarray, temperature: float) -> float:
    def softmax(z):
        z = z.astype(np.float64) / temperature
        e = np.exp(z - z.max())
        return e / e.sum()

    p, q = softmax(base), softmax(suppressed)
    return float(np.sum(p * np.log((p + KL_EPSILON) / (q + KL_EPSILON))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trace", type=Path, required=True, help="a problem_<id> folder (base_solution.json, "
                        "chunks_labeled.json)")
    parser.add_argument("--worker", required=True, help="host:port[,host:port...]")
    parser.add_argument("--proximity", type=int, default=4, help="sentence j is scored from receivers i >= j + K")
    parser.add_argument("--depth-control", choices=["NONE", "RANK"], default="RANK",
                        help="depth control of the vertical scores whose kurtosis ranks the heads")
    parser.add_argument("--receiver-depth-control", choices=["NONE", "RANK"], default="NONE",
                        help="depth control of the receiver-head scores (the tutorial: RANK; ta: always NONE)")
    parser.add_argument("--layer-zero", choices=["INCLUDE", "EXCLUDE"], default="INCLUDE",
                        help="whether layer 0's heads compete in the ranking")
    parser.add_argument("--boundary-mode", choices=["OFFSETS", "HEAD_PREFIX_COUNT"], default="OFFSETS")
    parser.add_argument("--top-k", type=int, default=20, help="receiver heads ranked by kurtosis")
    parser.add_argument("--suppress-heads", type=int, default=5, help="top receiver heads suppressed")
    parser.add_argument("--truncate-after-sentence", type=int, default=None,
                        help="cut the input at the end of sentence K; only sentences 0..K are eligible")
    parser.add_argument("--temperature", type=float, default=1.0, help="softmax temperature of the KL")
    args = parser.parse_args(argv)

    text = json.loads((args.trace / "base_solution.json").read_text())["full_cot"]
    sentences = [c["chunk"] for c in json.loads((args.trace / "chunks_labeled.json").read_text())]

    with ta.connect(args.worker) as worker:
        info = worker.describe()
        ranges, num_tokens = token_ranges(worker, text, locate(text, sentences), args.boundary_mode)

        # Kurtosis of every head's vertical scores, from sentence-pooled attention (one forward, pooled on the
        # worker, streamed layer by layer).
        pooled = worker.attention(text, ta.POOLED, pool_ranges=[tuple(r) for r in ranges])
        def all_scores(depth_control: str) -> np.ndarray:  # [layers, heads, sentences]
            return np.array([[vertical_scores(head, args.proximity, depth_control) for head in layer]
                             for layer in pooled])

        scores = all_scores(args.depth_control)
        kurtosis = np.array([[excess_kurtosis(s) for s in layer] for layer in scores])
        if args.layer_zero == "EXCLUDE":
            kurtosis[0] = np.nan
        heads = top_heads(kurtosis, args.top_k)
        if args.suppress_heads > len(heads):
            raise SystemExit(f"--suppress-heads {args.suppress_heads}, but only {len(heads)} heads are ranked")

        # Receiver-head score of each sentence: the mean over the top heads (NaN left out).
        if args.receiver_depth_control != args.depth_control:
            scores = all_scores(args.receiver_depth_control)
        top = np.array([scores[layer, head] for layer, head in heads])
        finite = ~np.isnan(top)
        with np.errstate(invalid="ignore"):
            receiver = np.where(finite, top, 0.0).sum(axis=0) / finite.sum(axis=0)  # 0/0: NaN
        if args.truncate_after_sentence is not None:
            receiver[args.truncate_after_sentence + 1:] = np.nan
        eligible = np.flatnonzero(~np.isnan(receiver))
        high = int(eligible[np.argmax(receiver[eligible])])
        low = int(eligible[np.argmin(receiver[eligible])])

        layer_heads: dict[int, list[int]] = {}
        for layer, head in heads[: args.suppress_heads]:
            layer_heads.setdefault(layer, []).append(head)
        ids = worker.tokenize(text).ids
        cut = len(ids) if args.truncate_after_sentence is None else int(ranges[args.truncate_after_sentence][1])
        result = worker.logits(ids[:cut], [ta.BASELINE] + [ta.Suppression([tuple(ranges[s])], layer_heads)
                                                           for s in (high, low)], full_positions=[-1])
    base, suppressed_high, suppressed_low = (v.full_at(-1) for v in result)
    kl_high, kl_low = kl(base, suppressed_high, args.temperature), kl(base, suppressed_low, args.temperature)
    ratio = kl_high / (kl_low + RATIO_EPSILON)

    print(f"Suppression check on {args.trace} (model {info.model_id}), {cut} input tokens")
    print(f"  receiver heads suppressed (layer -> heads): {layer_heads}")
    for label, s in (("high:", high), ("low: ", low)):
        print(f"  {label} sentence {s}, receiver score {receiver[s]:.9g}, tokens [{ranges[s][0]}, {ranges[s][1]}): "
              f"{sentences[s].strip()[:80]!r}")
    print(f"  KL_high = {kl_high:.9g}, KL_low = {kl_low:.9g}, ratio = {ratio:.9g}")
    print(f"  {'PASS' if kl_high > PASS_FACTOR * kl_low else 'FAIL'}: KL_high > {PASS_FACTOR} x KL_low")
    if info.synthetic_weights:
        print(f"WARNING: {info.model_id} runs SYNTHETIC (seeded random) weights: this checks the pipeline, "
              "not the science.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
