"""Generation for the hf backend: a prompt continued one token per step over a KV cache.

Each step runs the decoder on the new token only (the prompt once, first), applies the LM head to
the last position and picks the next token: argmax when greedy, else a draw from the
temperature-scaled, top-p truncated distribution with a ``torch.Generator`` seeded by the request
alone, so the same request gives the same tokens whatever ran before. Text leaves incrementally
(``TextStream``): a token's piece is released once it ends on a whole character, and stop strings
are matched in the released text, across token boundaries.
"""

from __future__ import annotations

import threading

import torch
from transformers import PreTrainedTokenizerFast

from ...backend import Cancelled, GenerateOutcome, GeneratePass, StopReason, TokenEmitter
from .attention import ForwardPlan, run_with_plan
from .loading import LoadedModel
from .tokenizer import bos_token_id

# Prompt tokens decoded before the first new token, so that a tokenizer whose pieces depend on what precedes them
# (SentencePiece's leading space) gives each new token the text it has after the prompt.
_CONTEXT_TOKENS = 6
_CANDIDATES = 256  # a top-p draw sorts this many candidates first (_descending_prefix)
_REPLACEMENT = "\ufffd"  # what decoding gives for an incomplete UTF-8 character


def eos_token_ids(lm: LoadedModel) -> frozenset[int]:
    """The model's end-of-sequence tokens: its generation config's (an id or a list) and its tokenizer's."""
    declared = getattr(lm.model.generation_config, "eos_token_id", None)
    ids = set(declared if isinstance(declared, (list, tuple)) else [declared])
    ids.add(lm.tokenizer.eos_token_id)
    return frozenset(i for i in ids if i is not None)


def chat_prompt(tokenizer: PreTrainedTokenizerFast, message: str) -> str:
    """The chat template applied to one user message with the generation prompt, as text. A BOS the template writes
    is removed when the tokenizer adds one itself, so tokenising the text (with BOS, as every verb does) gives the
    template's own tokens once."""
    text = tokenizer.apply_chat_template([{"role": "user", "content": message}], tokenize=False,
                                         add_generation_prompt=True)
    bos = tokenizer.bos_token
    if bos and bos_token_id(tokenizer) != -1 and text.startswith(bos):
        text = text[len(bos):]
    return text


def next_token(logits: torch.Tensor, forward: GeneratePass, generator: torch.Generator) -> int:
    """The next token from one position's logits [V] (worker.proto's rule: argmax, or a seeded top-p draw)."""
    if forward.temperature == 0.0:
        return int(torch.argmax(logits))  # the first index among equal maxima
    probs = torch.softmax(logits.float() / forward.temperature, dim=-1)
    if forward.top_p >= 1.0:
        return int(torch.multinomial(probs, 1, generator=generator))
    ordered, order = _descending_prefix(probs, forward.top_p)
    keep = min(int((torch.cumsum(ordered, 0) < forward.top_p).sum()) + 1, ordered.shape[0])  # the nucleus
    return int(order[torch.multinomial(ordered[:keep], 1, generator=generator)])  # multinomial renormalises


def _descending_prefix(probs: torch.Tensor, top_p: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The most probable tokens (probabilities, ids) in stable descending order (ties by id), at least enough to
    hold mass `top_p`: the same prefix a stable sort of the whole vocabulary gives, so the same draw, but sorting a
    few hundred candidates instead of the vocabulary (on CPU the full sort was a third of a sampling step). The
    candidates are every token at least as probable as the `_CANDIDATES`-th, ties included; when they hold less
    than `top_p`, the whole vocabulary is sorted."""
    if probs.shape[0] > _CANDIDATES:
        floor = torch.topk(probs, _CANDIDATES, sorted=False).values.min()
        candidates = torch.nonzero(probs >= floor).squeeze(1)
        ordered, within = torch.sort(probs[candidates], descending=True, stable=True)
        if float(torch.cumsum(ordered, 0)[-1]) >= top_p:
            return ordered, candidates[within]
    return torch.sort(probs, descending=True, stable=True)


class TextStream:
    """Incremental detokenisation of new tokens and stop-string matching in their text.

    Tokens stay pending until the text decoded from them ends on a whole character (byte-level BPE splits some
    characters over several tokens); then the pending tokens are released together, the last carrying the new
    text. Pieces are differences of decodes over a short window (the previous release and what followed), as in
    the usual streaming detokenisers, so a step costs a few tokens' decoding however long the completion grows.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerFast, prompt_ids: list[int], stop_strings: tuple[str, ...]):
        self.tokenizer = tokenizer
        context = list(prompt_ids[-_CONTEXT_TOKENS:])
        if self._decode(context).endswith(_REPLACEMENT):  # a prompt cut inside a character: no context
            context = []
        self.window = context      # ids decoded for the next piece: [start of the last release ..]
        self.released = len(context)  # window[:released] has been released
        self.pending: list[int] = []
        self.stops = stop_strings
        self.longest_stop = max((len(s) for s in stop_strings), default=0)
        self.text = ""             # the completion text released so far

    def _decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)

    def push(self, token: int) -> tuple[list[int], list[str]] | None:
        """Adds a new token; the tokens it releases with their pieces, or None while its text is incomplete."""
        self.window.append(token)
        self.pending.append(token)
        return self._release(complete_only=True)

    def flush(self) -> tuple[list[int], list[str]] | None:
        """Releases what is pending with the text it decodes to (U+FFFD for a character cut off)."""
        return self._release(complete_only=False) if self.pending else None

    def _release(self, complete_only: bool) -> tuple[list[int], list[str]] | None:
        before = self._decode(self.window[: self.released])
        after = self._decode(self.window)
        if complete_only and (len(after) <= len(before) or after.endswith(_REPLACEMENT)):
            return None
        piece = after[len(before):]
        self.window = self.window[self.released:]
        self.released = len(self.window)
        ids, self.pending = self.pending, []
        self.text += piece
        return ids, [""] * (len(ids) - 1) + [piece]

    def stop_found(self, released: int) -> str | None:
        """The stop string whose first occurrence ends inside the last `released` characters, if any (the earliest
        occurrence if several do)."""
        if not self.stops:
            return None
        start = max(0, len(self.text) - released - self.longest_stop + 1)
        found = [(at, stop) for stop in self.stops if (at := self.text.find(stop, start)) >= 0]
        return min(found)[1] if found else None


def run_generation(lm: LoadedModel, forward: GeneratePass, emit: TokenEmitter, cancel: threading.Event,
             eos_ids: frozenset[int]) -> GenerateOutcome:
    decoder = lm.model.get_decoder()
    lm_head = lm.model.get_output_embeddings()
    generator = torch.Generator(device=lm.device)
    generator.manual_seed(forward.seed)
    plan = ForwardPlan(cancel=cancel)  # no suppression or capture: stock attention, cancel checked per layer
    text = TextStream(lm.tokenizer, forward.ids, forward.stop_strings)
    inputs = torch.tensor([forward.ids], dtype=torch.long, device=lm.device)
    cache = None

    def release(batch) -> str | None:
        """Emits released tokens; the stop string their text completed, if any."""
        if batch is None:
            return None
        emit(*batch)
        return text.stop_found(len(batch[1][-1]))

    with torch.inference_mode():
        for step in range(forward.max_new_tokens):
            if cancel.is_set():
                raise Cancelled()
            out = run_with_plan(plan, lambda: decoder(input_ids=inputs, past_key_values=cache, use_cache=True))
            cache = out.past_key_values
            token = next_token(lm_head(out.last_hidden_state[0, -1]), forward, generator)
            if token in eos_ids or token in forward.stop_token_ids:
                ids, pieces = text.flush() or ([], [])  # what was pending goes with it, as it decodes
                emit(ids + [token], pieces + [""])
                return GenerateOutcome(StopReason.EOS if token in eos_ids else StopReason.STOP_TOKEN)
            stop = release(text.push(token))
            if stop is None and step == forward.max_new_tokens - 1:
                stop = release(text.flush())
            if stop is not None:
                return GenerateOutcome(StopReason.STOP_STRING, stop)
            inputs = torch.tensor([[token]], dtype=torch.long, device=lm.device)
    return GenerateOutcome(StopReason.MAX_NEW_TOKENS)
