"""Generate on a real gRPC worker on loopback: greedy against the Logits verb's argmax, seeded sampling
reproducible and inside the Logits verb's nucleus, stops, chat templates, limits, cancellation and admission.

Tiny random models write gibberish; what is checked is that the tokens are the ones the rules pick.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import grpc
import numpy as np
import pyarrow as pa
import pytest
import torch
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_worker import backends, synthetic, validation
from thought_anchors_worker.backend import GeneratePass, InvalidRequest, LoadOptions, StopReason
from thought_anchors_worker.backends.hf.generate import TextStream, eos_token_ids, next_token, run_generation
from thought_anchors_worker.server import SERVICE_NAME, build_server
from thought_anchors_worker.validation import Limits

REPO = Path(__file__).resolve().parents[2]
PROMPT = "Solve this math problem step by step. Problem: what is 2+2? Solution: \n<think>\n"
LIMITS = Limits(1 << 20, 64, 1)


def _serve(backend, max_waiting=1):
    srv, port, _ = build_server(backend, "127.0.0.1:0", LIMITS, max_waiting=max_waiting)
    srv.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    return srv, port, channel, worker_pb2_grpc.ModelWorkerStub(channel)


@pytest.fixture(scope="module", params=["tiny-qwen2", "tiny-llama"])
def served(request, qwen, llama):
    backend = {"tiny-qwen2": qwen, "tiny-llama": llama}[request.param]
    srv, port, channel, stub = _serve(backend)
    yield backend, stub, port
    channel.close()
    srv.stop(grace=None)


@dataclasses.dataclass
class Generation:
    started: pb.GenerateStarted
    ids: list[int]
    pieces: list[str]
    finished: pb.GenerateFinished
    messages: int

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def _generate(stub, timeout=120, **fields) -> Generation:
    fields.setdefault("input", pb.ModelInput(text=PROMPT))
    replies = list(stub.Generate(pb.GenerateRequest(**fields), timeout=timeout))
    kinds = [r.WhichOneof("event") for r in replies]
    assert kinds[0] == "started" and kinds[-1] == "finished" and set(kinds[1:-1]) <= {"tokens"}, kinds
    ids = [i for r in replies[1:-1] for i in r.tokens.ids]
    pieces = [p for r in replies[1:-1] for p in r.tokens.pieces]
    assert all(len(r.tokens.ids) == len(r.tokens.pieces) >= 1 for r in replies[1:-1])
    assert replies[-1].finished.new_tokens == len(ids)
    return Generation(replies[0].started, ids, pieces, replies[-1].finished, len(replies))


def _full_logits(stub, ids: list[int], positions: list[int]) -> np.ndarray:
    chunks = stub.Logits(pb.LogitsRequest(input=pb.ModelInput(token_ids=pb.TokenIds(ids=ids)),
                                          variants=[pb.Suppression()], full_logit_positions=positions))
    table = pa.concat_tables(pa.ipc.open_stream(c.arrow_ipc).read_all() for c in chunks)
    assert table["position"].to_pylist() == positions
    return np.asarray(table["logits"].combine_chunks().flatten()).reshape(len(positions), -1)


def _nuclei(stub, ids: list[int], temperature: float, top_p: float) -> dict[int, list[int]]:
    chunks = stub.Logits(pb.LogitsRequest(input=pb.ModelInput(token_ids=pb.TokenIds(ids=ids)),
                                          variants=[pb.Suppression()],
                                          nucleus=pb.NucleusSpec(top_p=top_p, max_k=4000, temperature=temperature)))
    table = pa.concat_tables(pa.ipc.open_stream(c.arrow_ipc).read_all() for c in chunks)
    return dict(zip(table["position"].to_pylist(), table["token_ids"].to_pylist()))


# ---------------------------------------------------------------- the tokens the rules pick


def test_describe_lists_generate_but_no_chat_template_for_the_tiny_models(served):
    _, stub, _ = served
    capabilities = stub.Describe(pb.DescribeRequest()).capabilities
    assert "generate" in capabilities and "generate.chat_template" not in capabilities


def test_greedy_is_the_argmax_of_the_logits_verbs_full_logits_at_every_step(served):
    backend, stub, _ = served
    generation = _generate(stub, max_new_tokens=12)
    assert generation.finished.stop_reason == pb.GenerateFinished.MAX_NEW_TOKENS and len(generation.ids) == 12
    prompt = backend.tokenize(PROMPT).ids
    assert generation.started.prompt_tokens == len(prompt) and generation.started.prompt_text == PROMPT
    # One full forward (no KV cache) over prompt + completion: step t's logits sit at position N - 1 + t.
    n = len(prompt)
    logits = _full_logits(stub, prompt + generation.ids, list(range(n - 1, n - 1 + len(generation.ids))))
    assert logits.argmax(axis=1).tolist() == generation.ids
    top2 = np.sort(logits, axis=1)[:, -2:]
    assert np.all(top2[:, 1] - top2[:, 0] > 1e-4), "a near tie would make this comparison meaningless"


def test_seeded_sampling_is_reproducible_whatever_runs_in_between(served):
    _, stub, _ = served
    request = dict(max_new_tokens=10, temperature=1.0, top_p=0.95, seed=2024)
    first = _generate(stub, **request)
    other = _generate(stub, **{**request, "seed": 2025})
    assert other.ids != first.ids
    list(stub.Attention(pb.AttentionRequest(input=pb.ModelInput(text="x y z"), mode=pb.AttentionRequest.RAW)))
    torch.manual_seed(12345)  # the process-wide generator the worker must not draw from
    torch.rand(7)
    again = _generate(stub, **request)
    assert (again.ids, again.pieces) == (first.ids, first.pieces)


def test_top_p_draws_stay_inside_the_logits_verbs_nucleus(served):
    """Every sampled token lies in the nucleus the Logits verb computes independently (its own math, a full
    forward); were truncation broken, half of every step's mass would lie outside it."""
    backend, stub, _ = served
    temperature, top_p = 0.07, 0.5
    generation = _generate(stub, max_new_tokens=16, temperature=temperature, top_p=top_p, seed=3)
    prompt = backend.tokenize(PROMPT).ids
    nuclei = _nuclei(stub, prompt + generation.ids, temperature, top_p)
    n = len(prompt)
    for t, token in enumerate(generation.ids):
        assert token in nuclei[n - 1 + t], f"step {t}: token {token} outside the nucleus {nuclei[n - 1 + t]}"
    sizes = [len(nuclei[n - 1 + t]) for t in range(len(generation.ids))]
    assert max(sizes) >= 2, f"every nucleus has one token {sizes}: this would only test greedy"


def _full_sort_draw(logits, temperature, top_p, seed):
    """The top-p rule over a stable sort of the whole vocabulary (ties by id), drawn like the worker draws."""
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    ordered, order = torch.sort(probs, descending=True, stable=True)
    keep = min(int((torch.cumsum(ordered, 0) < top_p).sum()) + 1, ordered.shape[0])
    return int(order[torch.multinomial(ordered[:keep], 1, generator=torch.Generator().manual_seed(seed))])


@pytest.mark.parametrize("shape", ["peaked", "flat", "ties", "wide"])
def test_a_top_p_draw_from_candidates_is_the_draw_of_the_full_sort(shape):
    """The worker sorts a few hundred candidates instead of the vocabulary: the same token for the same seed, for
    nuclei inside the candidates, ties at their edge, and nuclei wider than them (the full-sort fallback)."""
    vocab = 32_000
    rng = torch.Generator().manual_seed(7)
    for trial in range(8):
        logits = torch.randn(vocab, generator=rng) * {"peaked": 6.0, "flat": 0.05, "ties": 1.0, "wide": 0.5}[shape]
        if shape == "ties":  # 600 tokens tied at the top: the candidates' edge falls inside the tie
            logits[torch.randperm(vocab, generator=rng)[:600]] = logits.max() + 1.0
        for top_p in (0.5, 0.9, 0.999):
            forward = GeneratePass([1], 1, 0.7, top_p, trial, (), frozenset())
            expected = _full_sort_draw(logits, 0.7, top_p, trial)
            assert next_token(logits, forward, torch.Generator().manual_seed(trial)) == expected, (trial, top_p)


def test_greedy_ignores_the_seed_and_top_p(served):
    _, stub, _ = served
    assert _generate(stub, max_new_tokens=6, seed=1).ids == _generate(stub, max_new_tokens=6, seed=99,
                                                                      top_p=0.3).ids


# ---------------------------------------------------------------- text and stops


def test_pieces_concatenate_to_the_decoded_completion(served):
    backend, stub, _ = served
    generation = _generate(stub, max_new_tokens=40, temperature=1.0, seed=5)
    assert generation.text == backend.lm.tokenizer.decode(generation.ids)
    assert all("\ufffd" not in p for p in generation.pieces[:-1])


def test_a_character_split_over_tokens_travels_with_the_token_that_completes_it(qwen):
    tokenizer = qwen.lm.tokenizer
    h, smile_start, smile_end, bang = (tokenizer.convert_tokens_to_ids(t) for t in ("Ġh", "ðŁĻ", "Ĥ", "!"))
    assert tokenizer.decode([smile_start, smile_end]) == "🙂" and "\ufffd" in tokenizer.decode([smile_start])
    stream = TextStream(tokenizer, qwen.tokenize("Say").ids, ())
    assert stream.push(h) == ([h], [" h"])
    assert stream.push(smile_start) is None
    assert stream.push(smile_end) == ([smile_start, smile_end], ["", "🙂"])
    assert stream.push(smile_start) is None
    assert stream.flush() == ([smile_start], ["\ufffd"])  # a generation cut inside a character
    assert stream.push(bang) == ([bang], ["!"])
    assert stream.text == " h🙂\ufffd!"


def test_a_stop_string_across_tokens_ends_the_generation_at_the_token_completing_it(served):
    _, stub, _ = served
    free = _generate(stub, max_new_tokens=24, temperature=1.0, seed=8)
    # Straddle the boundary between two tokens in the middle of the completion.
    k = next(k for k in range(6, 20) if len(free.pieces[k]) >= 2 and len(free.pieces[k + 1]) >= 2)
    boundary = len("".join(free.pieces[: k + 1]))
    stop = free.text[boundary - 2: boundary + 2]
    assert free.text.find(stop) == boundary - 2, "the stop string must not occur earlier"
    stopped = _generate(stub, max_new_tokens=24, temperature=1.0, seed=8, stop=["never appears", stop])
    assert stopped.finished.stop_reason == pb.GenerateFinished.STOP_STRING
    assert stopped.finished.stop_string == stop
    assert stopped.ids == free.ids[: k + 2] and stopped.pieces == free.pieces[: k + 2]


def test_a_stop_token_id_ends_the_generation_with_it_as_the_last_token(served):
    _, stub, _ = served
    free = _generate(stub, max_new_tokens=20, temperature=1.0, seed=9)
    k = 5
    while free.ids[k] in free.ids[:k]:
        k += 1
    stopped = _generate(stub, max_new_tokens=20, temperature=1.0, seed=9, stop_token_ids=[free.ids[k]])
    assert stopped.finished.stop_reason == pb.GenerateFinished.STOP_TOKEN
    assert stopped.ids == free.ids[: k + 1]
    assert stopped.pieces[-1] == "" and stopped.text == "".join(free.pieces[:k])


def test_the_models_end_of_sequence_tokens(qwen, llama):
    assert eos_token_ids(llama.lm) == {128001}  # the Llama 3 config's <|end_of_text|>
    assert eos_token_ids(qwen.lm) == set()  # the synthetic Qwen config declares none: only stops and limits end it


def test_an_end_of_sequence_token_ends_the_generation(llama):
    greedy = []
    ids = llama.tokenize(PROMPT).ids
    forward = GeneratePass(ids, 8, 0.0, 1.0, 0, (), frozenset())
    run_generation(llama.lm, forward, lambda i, p: greedy.extend(i), threading.Event(), frozenset())
    got = []
    outcome = run_generation(llama.lm, forward, lambda i, p: got.append((i, p)), threading.Event(),
                             frozenset({greedy[3]}))
    assert outcome.stop_reason is StopReason.EOS
    assert [i for batch, _ in got for i in batch] == greedy[: greedy.index(greedy[3]) + 1]
    assert got[-1][1][-1] == ""


def test_max_new_tokens_is_exact(served):
    _, stub, _ = served
    for count in (1, 7):
        generation = _generate(stub, max_new_tokens=count, temperature=0.8, seed=1)
        assert len(generation.ids) == count == generation.finished.new_tokens
        assert generation.finished.stop_reason == pb.GenerateFinished.MAX_NEW_TOKENS


def test_token_ids_as_the_prompt(served):
    backend, stub, _ = served
    ids = backend.tokenize(PROMPT).ids
    by_ids = _generate(stub, input=pb.ModelInput(token_ids=pb.TokenIds(ids=ids)), max_new_tokens=5)
    assert by_ids.started.prompt_text == "" and by_ids.started.prompt_tokens == len(ids)
    assert by_ids.ids == _generate(stub, max_new_tokens=5).ids


# ---------------------------------------------------------------- chat templates

# An R1-distill-shaped template of this project's own, over Qwen's special tokens: BOS first, the generation
# prompt opening the chain of thought.
CHAT_TEMPLATE = ("{{ bos_token }}{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
                 "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}")


@pytest.fixture(scope="module")
def chat_model(tmp_path_factory):
    spec = synthetic.load_spec(synthetic.spec_path("tiny-qwen2"))
    path = tmp_path_factory.mktemp("chat") / "tiny-qwen2-chat.json"
    path.write_text(json.dumps({**spec, "chat_template": CHAT_TEMPLATE}))
    return backends.load("hf", LoadOptions(str(path)))


def test_the_chat_template_makes_the_prompt_and_the_bos_is_not_doubled(chat_model):
    srv, _, channel, stub = _serve(chat_model)
    try:
        assert "generate.chat_template" in stub.Describe(pb.DescribeRequest()).capabilities
        question = "What is 2+2?"
        generation = _generate(stub, input=pb.ModelInput(text=question), apply_chat_template=True, max_new_tokens=4)
        expected = f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n<think>\n"
        assert generation.started.prompt_text == expected
        ids = chat_model.tokenize(expected).ids
        assert ids[0] == 151643 and ids[1] != 151643 and generation.started.prompt_tokens == len(ids)
        assert generation.ids == _generate(stub, input=pb.ModelInput(text=expected), max_new_tokens=4).ids
    finally:
        channel.close()
        srv.stop(grace=None)


def test_a_model_without_a_chat_template_refuses_apply_chat_template(served):
    _, stub, _ = served
    error = _status(lambda: _generate(stub, apply_chat_template=True, max_new_tokens=4))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == ("apply_chat_template needs generate.chat_template, which the hf backend does not "
                               "serve")


def test_apply_chat_template_needs_text(chat_model):
    request = pb.GenerateRequest(input=pb.ModelInput(token_ids=pb.TokenIds(ids=[1, 2])), apply_chat_template=True,
                                 max_new_tokens=4)
    with pytest.raises(InvalidRequest, match="apply_chat_template needs input.text"):
        validation.generate(chat_model, request, LIMITS)


# ---------------------------------------------------------------- limits and refusals


def _status(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value


class _Described:
    """A real backend that describes itself differently (fewer capabilities, a smaller token limit)."""

    def __init__(self, inner, **changes):
        self.inner = inner
        self.info = dataclasses.replace(inner.describe(), **changes)

    def describe(self):
        return self.info

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.mark.parametrize("fields, fragment", [
    (dict(max_new_tokens=0), "max_new_tokens=0 must be at least 1"),
    (dict(max_new_tokens=4, input=pb.ModelInput()), "input is missing"),
    (dict(max_new_tokens=4, temperature=-1), "temperature=-1 must be 0 (greedy) or in [1e-06, 1e+06]"),
    (dict(max_new_tokens=4, temperature=1e-9), "temperature=1e-09 must be 0"),
    (dict(max_new_tokens=4, temperature=float("nan")), "temperature=nan must be 0"),
    (dict(max_new_tokens=4, top_p=1.5), "top_p=1.5 must be in [0, 1]"),
    (dict(max_new_tokens=4, stop=["x"] * 17), "stop has 17 strings; at most 16"),
    (dict(max_new_tokens=4, stop=["ok", ""]), "stop[1] has 0 characters"),
    (dict(max_new_tokens=4, stop=["y" * 257]), "stop[0] has 257 characters"),
    (dict(max_new_tokens=4, stop_token_ids=[5, 10**7]), "stop_token_ids has ids outside [0, "),
    (dict(max_new_tokens=4, input=pb.ModelInput(token_ids=pb.TokenIds(ids=[1, 10**7]))), "input.token_ids has ids"),
])
def test_bad_generate_requests_are_invalid_argument_naming_the_field(served, fields, fragment):
    _, stub, _ = served
    fields.setdefault("input", pb.ModelInput(text=PROMPT))
    error = _status(lambda: list(stub.Generate(pb.GenerateRequest(**fields), timeout=60)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and fragment in error.details(), error.details()


def test_prompt_and_new_tokens_must_fit_max_tokens(qwen):
    small = _Described(qwen, max_tokens=40)
    n = len(qwen.tokenize(PROMPT).ids)
    validation.generate(small, pb.GenerateRequest(input=pb.ModelInput(text=PROMPT), max_new_tokens=40 - n), LIMITS)
    with pytest.raises(InvalidRequest, match=rf"^max_new_tokens={41 - n} with the prompt's {n} tokens exceeds this "
                                             rf"worker's max_tokens 40 \(at most {40 - n} new tokens\)$"):
        validation.generate(small, pb.GenerateRequest(input=pb.ModelInput(text=PROMPT), max_new_tokens=41 - n),
                            LIMITS)


def test_a_backend_without_generate_refuses_it_by_name(qwen):
    info = qwen.describe()
    without = _Described(qwen, capabilities=info.capabilities - {"generate"}, backend="other")
    srv, _, channel, stub = _serve(without)
    try:
        assert "generate" not in stub.Describe(pb.DescribeRequest()).capabilities
        error = _status(lambda: _generate(stub, max_new_tokens=3))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error.details() == "Generate needs generate, which the other backend does not serve"
    finally:
        channel.close()
        srv.stop(grace=None)


# ---------------------------------------------------------------- cancellation and admission


class _Watched:
    """The real backend, with an event set whenever one of its generations has ended (returned or raised)."""

    def __init__(self, backend):
        self.backend = backend
        self.ended = threading.Event()

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def generate(self, *args):
        try:
            return self.backend.generate(*args)
        finally:
            self.ended.set()


def _admits_a_generation_within(stub, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            return len(_generate(stub, max_new_tokens=2, timeout=60).ids) == 2
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, err
            time.sleep(0.1)
    return False


LONG = dict(input=pb.ModelInput(text=PROMPT), max_new_tokens=5000, temperature=1.0, seed=1)


def test_a_generation_cancelled_mid_stream_stops_and_frees_the_only_slot(qwen):
    backend = _Watched(qwen)
    srv, _, channel, stub = _serve(backend, max_waiting=0)
    try:
        for round_ in range(2):
            backend.ended.clear()
            call = stub.Generate(pb.GenerateRequest(**LONG), timeout=120)
            assert next(call).WhichOneof("event") == "started"
            assert next(call).WhichOneof("event") == "tokens" and next(call).WhichOneof("event") == "tokens"
            assert not backend.ended.is_set()
            call.cancel()
            assert backend.ended.wait(10), f"round {round_}: the generation went on after its call was cancelled"
            assert _admits_a_generation_within(stub, 10), f"round {round_}: the cancelled call kept the slot"
    finally:
        channel.close()
        srv.stop(grace=None)


def test_a_generation_past_its_deadline_stops_and_frees_the_slot(qwen):
    backend = _Watched(qwen)
    srv, _, channel, stub = _serve(backend, max_waiting=0)
    try:
        error = _status(lambda: list(stub.Generate(pb.GenerateRequest(**LONG), timeout=1.5)))
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert backend.ended.wait(10)
        assert _admits_a_generation_within(stub, 10)
    finally:
        channel.close()
        srv.stop(grace=None)


def test_a_waiting_generation_is_refused_busy_beyond_the_queue(qwen):
    srv, _, channel, stub = _serve(qwen, max_waiting=0)
    try:
        running = stub.Generate(pb.GenerateRequest(**LONG), timeout=120)
        next(running)
        error = _status(lambda: _generate(stub, max_new_tokens=2))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "busy" in error.details()
        running.cancel()
        assert _admits_a_generation_within(stub, 10)
    finally:
        channel.close()
        srv.stop(grace=None)


# ---------------------------------------------------------------- reflection and grpcurl


def test_reflection_describes_generate(served):
    _, _, port = served
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        reply = next(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(
            file_containing_symbol=SERVICE_NAME)])))
        files = [descriptor_pb2.FileDescriptorProto.FromString(b)
                 for b in reply.file_descriptor_response.file_descriptor_proto]
        methods = {m.name: m for f in files for s in f.service for m in s.method}
        assert methods["Generate"].server_streaming
        assert methods["Generate"].output_type == ".thought_anchors.worker.v1.GenerateResponse"
    finally:
        channel.close()


def _grpcurl() -> str:
    """make test builds it (build/bin); GRPCURL or the PATH may name another."""
    local = REPO / "build" / "bin" / "grpcurl"
    tool = os.environ.get("GRPCURL") or (str(local) if local.exists() else shutil.which("grpcurl"))
    assert tool, "grpcurl is missing: `make grpcurl` builds it into build/bin (or set GRPCURL)"
    return tool


def test_grpcurl_streams_a_generation(served):
    tool = _grpcurl()
    backend, stub, port = served
    request = {"input": {"text": PROMPT}, "max_new_tokens": 6, "temperature": 0.7, "seed": "42"}  # int64 as JSON text
    result = subprocess.run([tool, "-plaintext", "-d", json.dumps(request), f"127.0.0.1:{port}",
                             f"{SERVICE_NAME}/Generate"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    messages = json.loads("[" + result.stdout.replace("}\n{", "},{") + "]")
    assert messages[0]["started"] == {"prompt_text": PROMPT, "prompt_tokens": len(backend.tokenize(PROMPT).ids)}
    assert messages[-1]["finished"] == {"stop_reason": "MAX_NEW_TOKENS", "new_tokens": 6}
    ids = [i for m in messages[1:-1] for i in m["tokens"]["ids"]]
    assert ids == _generate(stub, max_new_tokens=6, temperature=0.7, seed=42).ids
