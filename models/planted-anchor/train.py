"""Train planted-qwen2: a small Qwen2ForCausalLM on the planted-anchor task (planted_task.py), on CPU.

In two stages (the bundled model was trained so; see models/planted-anchor/README.md):

    .venv/bin/python models/planted-anchor/train.py --mask-rate 0 --out /tmp/planted-stage1   # learn the task
    .venv/bin/python models/planted-anchor/train.py --init /tmp/planted-stage1 --seed 1 --steps 100 --lr 1e-3
    # the second stage masks one sentence in half the traces and writes the worker's planted-qwen2

Deterministic from --seed (same torch version and thread count give the same weights). Training
examples are drawn fresh every step from the seed's stream; any example whose chain of thought is
one of the held-out traces (make_traces.py) is skipped, so held-out traces are never trained on.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import planted_task as task  # noqa: E402

BUNDLED = HERE.parents[1] / "model-worker" / "src" / "thought_anchors_worker" / "trained" / "planted-qwen2"
HELDOUT_SEED = 20260  # make_traces.py: the held-out traces
VALIDATION_SEED = 777  # monitoring during training (also never trained on)

MODEL_CARD = {
    "name": "planted-qwen2",
    "kind": "trained on a synthetic task",
    "note": "Not a real model: trained weights (a 285k-parameter Qwen2) on a synthetic task whose thought anchor "
            "is planted by construction. It shows that the analyses find a known anchor, nothing about real "
            "reasoning models (models/planted-anchor/README.md).",
}


def config(vocab_size: int, tok) -> Qwen2Config:
    return Qwen2Config(
        vocab_size=vocab_size, hidden_size=64, intermediate_size=256, num_hidden_layers=4,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, rope_theta=10000.0,
        rms_norm_eps=1e-6, tie_word_embeddings=True, use_sliding_window=False, attention_dropout=0.0,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
        architectures=["Qwen2ForCausalLM"])


def sentence_tokens(example: task.Example, offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token range of every chain-of-thought sentence, as the analysis' OFFSETS boundaries give it: a
    sentence starts at the token holding its first character and ends where the next one starts."""
    text, cursor, starts = example.full_cot, len(example.prompt), []
    for s in example.sentences:
        char = text.index(s.text, cursor)
        cursor = char + len(s.text)
        starts.append(next(i for i, (_, e) in enumerate(offsets) if e > char))
    end = next(i for i, (b, _) in enumerate(offsets) if b >= cursor)  # </think>
    return list(zip(starts, starts[1:] + [end]))


def encode(tok, example: task.Example, key_weight: float):
    """Token ids of full_cot + EOS, the loss weight of each (0 on the prompt, key_weight on the tokens that
    only the anchor determines, which carry the signal that teaches the model to read it, else 1) and the
    sentences' token ranges."""
    enc = tok(example.full_cot, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    weights = [0.0 if s < len(example.prompt) else 1.0 for s, _ in offsets]
    for char in example.anchor_reads():
        weights[next(i for i, (s, e) in enumerate(offsets) if s <= char < e)] = key_weight
    return enc["input_ids"] + [tok.eos_token_id], weights + [1.0], sentence_tokens(example, offsets)


def attention_masks(batch, width: int, rng: random.Random, rate: float) -> torch.Tensor:
    """Causal additive masks; in a `rate` share of the traces the keys of one random sentence are masked for
    every query in every layer, the intervention the suppression analysis applies (docs/algorithms.md §11). The model
    thus learns to do without any one sentence where it can, so a suppression measures what a sentence
    carries, not how a small model breaks on context it never saw. Predictions made inside the masked
    sentence get no loss (they cannot see their own sentence)."""
    masks = torch.full((len(batch), 1, width, width), float("-inf")).triu(1)
    for row, (_, weights, sentences) in enumerate(batch):
        if rng.random() < rate:
            start, end = rng.choice(sentences)
            masks[row, 0, :, start:end] = float("-inf")
            weights[start + 1:end + 1] = [0.0] * (end - start)
    return masks


def answer_position(tok, example: task.Example) -> tuple[list[int], int, int]:
    """Ids of full_cot, the index of the secret's token in the final CoT sentence and that token's id."""
    text = example.full_cot
    final = example.sentences[-1].text
    start = text.index(final, len(example.prompt)) + final.rindex(example.secret)
    enc = tok(text, return_offsets_mapping=True)
    index = next(i for i, (s, e) in enumerate(enc["offset_mapping"]) if s <= start < e)  # " eleven" starts at its space
    return enc["input_ids"], index, enc["input_ids"][index]


def heldout_cots(count: int = 200) -> set[str]:
    rng = random.Random(HELDOUT_SEED)
    return {task.generate(rng).cot for _ in range(count)}


def padded(rows: list[list], pad) -> torch.Tensor:
    """Right-padded batch. Pads need no mask of their own: real tokens never see the pads after them."""
    out = torch.full((len(rows), max(len(r) for r in rows)), pad)
    for i, r in enumerate(rows):
        out[i, :len(r)] = torch.tensor(r)
    return out


@torch.no_grad()
def evaluate(model, tok, examples: list[task.Example], batch: int = 50) -> dict:
    """Argmax at the position that predicts the secret in the final sentence, and yes-vs-no at every
    comparison answer."""
    model.eval()
    pairs = {}  # token id of yes/no (with or without its space) -> (yes id, no id) in the same form
    for space in ("", "\u0120"):
        yes, no = tok.convert_tokens_to_ids(space + "Yes"), tok.convert_tokens_to_ids(space + "No")
        pairs[yes] = pairs[no] = (yes, no)
    decisions = right_answers = right_decisions = 0
    for b in range(0, len(examples), batch):
        located = [answer_position(tok, ex) for ex in examples[b:b + batch]]
        logits = model(padded([ids for ids, _, _ in located], tok.pad_token_id)).logits
        for row, (ids, index, target) in enumerate(located):
            right_answers += int(logits[row, index - 1].argmax() == target)
            for t in range(1, len(ids)):
                if ids[t] in pairs:
                    yes, no = pairs[ids[t]]
                    decisions += 1
                    right_decisions += int(logits[row, t - 1, [yes, no]].argmax().item() == (ids[t] == no))
    model.train()
    return {"answer_accuracy": right_answers / len(examples), "yes_no_accuracy": right_decisions / max(decisions, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--key-weight", type=float, default=5.0, help="loss weight of the anchor-determined tokens")
    parser.add_argument("--mask-rate", type=float, default=0.5, help="share of traces with one sentence masked")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--init", type=Path, metavar="DIR",
                        help="continue from this saved model (same tokenizer) instead of random weights")
    parser.add_argument("--out", type=Path, default=BUNDLED)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    tok = task.build_tokenizer()
    stages = []
    if args.init:
        model = Qwen2ForCausalLM.from_pretrained(args.init)
        if model.config.vocab_size != len(tok):
            raise SystemExit(f"{args.init}: vocabulary {model.config.vocab_size}, the task's tokenizer has {len(tok)}")
        stages = json.loads((args.init / "thought_anchors_model.json").read_text())["training"]
    else:
        model = Qwen2ForCausalLM(config(len(tok), tok))
    model.config._attn_implementation = "sdpa"
    params = sum(p.numel() for p in model.parameters())
    print(f"planted-qwen2: {params:,} parameters", flush=True)

    excluded = heldout_cots()
    val_rng = random.Random(VALIDATION_SEED)
    validation = [task.generate(val_rng) for _ in range(200)]
    excluded |= {ex.cot for ex in validation}
    rng = random.Random(args.seed)
    mask_rng = random.Random(args.seed + 1)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=0.01)
    warmup = max(1, args.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (
        1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    model.train()
    started = time.time()
    skipped = 0
    for step in range(1, args.steps + 1):
        batch = []
        while len(batch) < args.batch:
            ex = task.generate(rng)
            if ex.cot in excluded:
                skipped += 1
                continue
            batch.append(encode(tok, ex, args.key_weight))
        inputs = padded([ids for ids, _, _ in batch], tok.pad_token_id)
        masks = attention_masks(batch, inputs.shape[1], mask_rng, args.mask_rate)
        weights = padded([w for _, w, _ in batch], 0.0)[:, 1:]  # weight of predicting token t+1 at position t
        logits = model(input_ids=inputs, attention_mask=masks).logits[:, :-1]
        losses = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), inputs[:, 1:].reshape(-1),
                                                   reduction="none").view_as(weights)
        loss = (losses * weights).sum() / weights.sum()
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if step % args.eval_every == 0 or step == args.steps:
            metrics = evaluate(model, tok, validation)
            print(f"step {step}: loss {loss.item():.4f}, validation {metrics}, {time.time() - started:.0f} s",
                  flush=True)
    metrics = evaluate(model, tok, validation)
    args.out.mkdir(parents=True, exist_ok=True)
    model.config._attn_implementation = "eager"
    model.save_pretrained(args.out, safe_serialization=True)
    tok.save_pretrained(args.out)
    stage = {"seed": args.seed, "steps": args.steps, "batch": args.batch, "lr": args.lr,
             "key_weight": args.key_weight, "mask_rate": args.mask_rate, "init": args.init and args.init.name,
             "threads": args.threads, "parameters": params,
             "seconds": round(time.time() - started), "skipped_heldout": skipped,
             "validation": metrics, "torch": torch.__version__}
    card = dict(MODEL_CARD, training=stages + [stage])
    (args.out / "thought_anchors_model.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"saved {args.out} ({params:,} parameters, {time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
