"""Train planted-qwen2: a small Qwen2ForCausalLM on the planted-anchor task (planted_task.py), on CPU.

    .venv/bin/python models/planted-anchor/train.py            # writes models/planted-anchor/model

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

HELDOUT_SEED = 20260  # make_traces.py: the held-out traces
VALIDATION_SEED = 777  # monitoring during training (also never trained on)

MODEL_CARD = {
    "name": "planted-qwen2",
    "kind": "trained on a synthetic task",
    "note": "Not a real model: a small Qwen2 trained on a synthetic task with a planted thought anchor "
            "(models/planted-anchor/README.md).",
}


def config(vocab_size: int, tok) -> Qwen2Config:
    return Qwen2Config(
        vocab_size=vocab_size, hidden_size=64, intermediate_size=256, num_hidden_layers=4,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, rope_theta=10000.0,
        rms_norm_eps=1e-6, tie_word_embeddings=True, use_sliding_window=False, attention_dropout=0.0,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
        architectures=["Qwen2ForCausalLM"])


def encode(tok, example: task.Example, key_weight: float) -> tuple[list[int], list[float]]:
    """Token ids of full_cot + EOS and the loss weight of each: 0 on the prompt, key_weight on the tokens
    that only the anchor determines (they carry the signal that teaches the model to read it), else 1."""
    enc = tok(example.full_cot, return_offsets_mapping=True)
    weights = [0.0 if s < len(example.prompt) else 1.0 for s, _ in enc["offset_mapping"]]
    for char in example.anchor_reads():
        weights[next(i for i, (s, e) in enumerate(enc["offset_mapping"]) if s <= char < e)] = key_weight
    return enc["input_ids"] + [tok.eos_token_id], weights + [1.0]


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
    """Right-padded batch. No attention mask is needed: real tokens never see the pads after them."""
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
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--out", type=Path, default=HERE / "model")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    tok = task.build_tokenizer()
    model = Qwen2ForCausalLM(config(len(tok), tok))
    model.config._attn_implementation = "sdpa"
    params = sum(p.numel() for p in model.parameters())
    print(f"planted-qwen2: {params:,} parameters", flush=True)

    excluded = heldout_cots()
    val_rng = random.Random(VALIDATION_SEED)
    validation = [task.generate(val_rng) for _ in range(200)]
    excluded |= {ex.cot for ex in validation}
    rng = random.Random(args.seed)
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
        inputs = padded([ids for ids, _ in batch], tok.pad_token_id)
        weights = padded([w for _, w in batch], 0.0)[:, 1:]  # weight of predicting token t+1 at position t
        logits = model(input_ids=inputs).logits[:, :-1]
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
    card = dict(MODEL_CARD, training={"seed": args.seed, "steps": args.steps, "batch": args.batch, "lr": args.lr,
                                      "key_weight": args.key_weight,
                                      "threads": args.threads, "parameters": params,
                                      "seconds": round(time.time() - started), "skipped_heldout": skipped,
                                      "validation": metrics, "torch": torch.__version__})
    (args.out / "thought_anchors_model.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"saved {args.out} ({params:,} parameters, {time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
