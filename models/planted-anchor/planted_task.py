"""The planted-anchor task: chains of thought whose causal structure is known by construction.

A trace picks a secret number in one early sentence (the planted anchor), then asks and answers
yes/no comparisons against it, mixed with side computations that use nothing but themselves, and
ends by stating the secret number:

    We need to choose a secret number and compare it with other numbers.     (setup, 0-2 of these)
    Let the secret number be eleven.                                          (ANCHOR)
    Is four larger than the secret number? No, four is smaller.               (reads the anchor)
    Also, three plus five is eight.                                           (reads nothing earlier)
    Is seventeen larger than the secret number? Yes, seventeen is larger.     (reads the anchor)
    So the secret number is eleven.                                           (answer: reads only the anchor)

The anchor's value appears nowhere else before the answer, so the answer can only be read from the
anchor, and every comparison needs it too: a model that does the task must attend to the anchor
from many later sentences. Compared numbers lie at least three away from the secret, so the
comparisons never pin the secret down (at least five candidates stay open).

Everything here is deterministic given a ``random.Random``. This module also holds the sentence
splitter of the analysis (a replica of the Java ``SentenceSplitter``, docs/algorithms.md §2.1, tail kept as in
``chunks_labeled.json``) and the word-level tokenizer the model is trained with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
MIN_GAP = 3  # compared numbers differ from the secret by at least this much

PROMPT = ("Solve this math problem step by step. You MUST put your final answer in \\boxed{{}}. "
          "Problem: {problem} Solution: \n<think>\n")

PROBLEMS = [
    "Choose a secret number from one to twenty, compare other numbers with it, and state it.",
    "Pick a secret number from one to twenty, test a few numbers against it, and give it.",
    "Think of a secret number from one to twenty and check some numbers against it.",
]

SETUP = [
    ("We need to choose a secret number and compare it with other numbers.", "problem_setup"),
    ("The secret number has to be a whole number from one to twenty.", "fact_retrieval"),
    ("Let me think about how to do this step by step.", "problem_setup"),
    ("Each comparison asks whether a number is larger than the secret number.", "problem_setup"),
]

ANCHORS = [
    "Let the secret number be {v}.",
    "I will pick {v} as the secret number.",
    "The secret number will be {v}.",
    "Say the secret number is {v}.",
    "Let me fix the secret number at {v} for the whole problem.",
]

QUESTIONS = [
    "Is {x} larger than the secret number?",
    "Now, is {x} larger than the secret number?",
    "Next, is {x} bigger than the secret number?",
]

ANSWERS_YES = ["Yes, {x} is larger.", "Yes, {x} is larger than it."]
ANSWERS_NO = ["No, {x} is smaller.", "No, {x} is smaller than it."]

FINALS = [
    "So the secret number is {v}.",
    "That means the secret number is {v}.",
    "So, in the end, the secret number is {v}.",
]

SIDE = ["{lead} {a} plus {b} is {c}.", "{lead} {x} is an {p} number.", "{lead} the number after {x} is {y}."]
SIDE_LEAD_AFTER = "Also, note that"
SIDE_LEADS_BEFORE = ["As a warm-up,", "Before starting,"]

WRITE_UP = "</think>\n\n**Final Answer**\nThe secret number is \\boxed{{{v}}}."


@dataclass
class Sentence:
    """One sentence of a generated chain of thought and what it depends on by construction."""
    text: str
    role: str  # setup | anchor | question | comparison | side | final
    tag: str  # function tag of chunks_labeled.json
    depends_on: list[int] = field(default_factory=list)  # indices of earlier sentences it reads


@dataclass
class Example:
    problem: str
    secret: str
    sentences: list[Sentence]
    separators: list[str]  # whitespace after each sentence but the last
    anchor: int  # index of the planted sentence
    comparisons: int

    @property
    def prompt(self) -> str:
        return PROMPT.format(problem=self.problem)

    @property
    def cot(self) -> str:
        parts = []
        for i, s in enumerate(self.sentences):
            parts.append(s.text)
            if i < len(self.sentences) - 1:
                parts.append(self.separators[i])
        return "".join(parts)

    @property
    def solution(self) -> str:
        return self.cot + WRITE_UP.format(v=self.secret)

    @property
    def full_cot(self) -> str:
        return self.prompt + self.solution

    def anchor_reads(self) -> list[int]:
        """Positions in full_cot of the words that only the anchor determines: yes/no and larger/smaller
        of every comparison answer, the secret in the final sentence and in the write-up."""
        text, positions = self.full_cot, []
        cursor = len(self.prompt)
        for s in self.sentences:
            start = text.index(s.text, cursor)
            cursor = start + len(s.text)
            if s.role == "comparison":
                positions += [start, start + s.text.index("larger" if s.text.startswith("Yes") else "smaller")]
            elif s.role == "final":
                positions.append(start + s.text.rindex(self.secret))
        positions.append(text.rindex(self.secret))
        return positions


def _side_computation(rng: random.Random, lead: str) -> str:
    """A small computation that depends on nothing else in the trace."""
    kind = rng.randrange(len(SIDE))
    if kind == 0:
        a = rng.randint(1, 10)
        b = rng.randint(1, 20 - a)
        words = dict(a=NUMBER_WORDS[a - 1], b=NUMBER_WORDS[b - 1], c=NUMBER_WORDS[a + b - 1])
    elif kind == 1:
        x = rng.randint(1, 20)
        words = dict(x=NUMBER_WORDS[x - 1], p="even" if x % 2 == 0 else "odd")
    else:
        x = rng.randint(1, 19)
        words = dict(x=NUMBER_WORDS[x - 1], y=NUMBER_WORDS[x])
    return SIDE[kind].format(lead=lead, **words)


def generate(rng: random.Random) -> Example:
    """One trace: 0-2 setup sentences and 0-2 warm-up side computations in random order, the anchor,
    3-5 comparisons (question + answer) shuffled with 1-3 side computations, and the answer. The anchor
    thus sits at sentence 0-4, mostly after sentences that an attention pattern favouring early
    sentences would rank above it."""
    secret = rng.randint(1, 20)
    v = NUMBER_WORDS[secret - 1]
    sentences = [Sentence(text, "setup", tag) for text, tag in rng.sample(SETUP, rng.randint(0, 2))]
    sentences += [Sentence(_side_computation(rng, lead), "side", "active_computation")
                  for lead in rng.sample(SIDE_LEADS_BEFORE, rng.randint(0, 2))]
    rng.shuffle(sentences)
    n_side = rng.randint(1, 3)
    anchor = len(sentences)
    sentences.append(Sentence(rng.choice(ANCHORS).format(v=v), "anchor", "plan_generation"))
    n_comp = rng.randint(3, 5)
    candidates = [x for x in range(1, 21) if abs(x - secret) >= MIN_GAP]
    compared = rng.sample(candidates, n_comp)
    blocks = [("comparison", x) for x in compared] + [("side", None)] * n_side
    rng.shuffle(blocks)
    for kind, x in blocks:
        if kind == "side":
            sentences.append(Sentence(_side_computation(rng, SIDE_LEAD_AFTER), "side", "active_computation"))
            continue
        w = NUMBER_WORDS[x - 1]
        question = len(sentences)
        sentences.append(Sentence(rng.choice(QUESTIONS).format(x=w), "question", "active_computation"))
        answer = rng.choice(ANSWERS_YES if x > secret else ANSWERS_NO).format(x=w)
        sentences.append(Sentence(answer, "comparison", "active_computation", [anchor, question]))
    sentences.append(Sentence(rng.choice(FINALS).format(v=v), "final", "final_answer_emission", [anchor]))
    separators = [rng.choice([" ", " ", " ", "\n\n"]) for _ in sentences[:-1]]
    problem = rng.choice(PROBLEMS)
    return Example(problem, v, sentences, separators, anchor, n_comp)


# ---- the analysis' sentence splitter (Java SentenceSplitter.splitIntoChunks, docs/algorithms.md §2.1) ----------------

def split_into_chunks(text: str, keep_tail: bool = True) -> list[str]:
    """docs/algorithms.md §2.1 with the tail kept (docs/algorithms.md §2.3), i.e. the chunk list of ``chunks_labeled.json``."""
    t = text
    open_ = t.find("<think>")
    if open_ >= 0:
        t = t[open_ + len("<think>"):].strip()
    close = t.find("</think>")
    if close >= 0:
        t = t[:close].strip()
    chunks: list[str] = []
    start = 0
    for k, c in enumerate(t):
        paragraph = t.startswith("\n\n", k) or t.startswith("\r\n\r\n", k)
        sentence = c in ".?!" and k < len(t) - 1 and t[k + 1] in " \n"
        if paragraph or sentence:
            current = t[start:k + 1].strip()
            if current:
                chunks.append(current)
                start = k + 1
    if keep_tail:
        rest = t[start:].strip()
        if rest:
            chunks.append(rest)
    i = 0
    while i < len(chunks):
        if len(chunks[i]) < 10:
            if i == len(chunks) - 1:
                if i > 0:
                    chunks[i - 1] = chunks[i - 1] + " " + chunks[i]
                    del chunks[i]
            else:
                chunks[i + 1] = chunks[i] + " " + chunks[i + 1]
                del chunks[i]
            if i == 0 and len(chunks) == 1:
                break
        else:
            i += 1
    return chunks


def check_sentences(example: Example) -> None:
    """The generated sentences must be exactly the splitter's chunks (one chunk per sentence)."""
    chunks = split_into_chunks(example.full_cot)
    texts = [s.text for s in example.sentences]
    if chunks != texts:
        raise AssertionError(f"splitter disagrees with the generator:\n{chunks}\n{texts}")


# ---- tokenizer --------------------------------------------------------------------------------------

BOS, EOS, PAD = "<|bos|>", "<|endoftext|>", "<|pad|>"
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
SPECIAL = [PAD, BOS, EOS, THINK_OPEN, THINK_CLOSE]
TOKENIZER_SEED = 1  # the corpus the BPE merges are learnt from
# Qwen2's pre-tokeniser regex (transformers' Qwen2Tokenizer, the R1-Distill-Qwen tokenizers).
QWEN2_SPLIT = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"""
               r"""\s*[\r\n]+|\s+(?!\S)|\s+""")


def tokenizer_corpus() -> list[str]:
    """Texts covering every template and number word, for learning the merges."""
    rng = random.Random(TOKENIZER_SEED)
    texts = [generate(rng).full_cot for _ in range(3000)]
    return texts + [" ".join(NUMBER_WORDS) + ". " + " ".join(w.capitalize() for w in NUMBER_WORDS)]


def build_tokenizer():
    """A small byte-level BPE in exactly the pipeline transformers' Qwen2Tokenizer rebuilds from
    tokenizer.json (NFC, Qwen2's split regex, byte-level, BPE without prefixes), so that
    AutoTokenizer on a qwen2 model folder gives the same tokens; BOS comes from a TemplateProcessing
    post-processor (as in the R1-Distill tokenizers) and <think>/</think> are special tokens. Merges
    are learnt on the task's own text, so every word of the task is one token (with its space)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(dropout=None, unk_token=None, continuing_subword_prefix="", end_of_word_suffix="",
                               fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=4096, min_frequency=2, special_tokens=SPECIAL, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(tokenizer_corpus(), trainer=trainer)
    bos_id = tok.token_to_id(BOS)
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B",
                                                       special_tokens=[(BOS, bos_id)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD,
                                   additional_special_tokens=[THINK_OPEN, THINK_CLOSE])
