#!/usr/bin/env bash
# The main job on the embedded default, start to finish on a laptop CPU (a few minutes on 2 cores):
#   1. `ta suppression-matrix --local`: a tiny-qwen2 worker (seeded random weights + the real Qwen
#      tokenizer) computes the sentence x sentence suppression KL matrix of one shipped trace;
#   2. `ta report --local`: receiver-head analysis of the three shipped Qwen-14B sample traces,
#      drawn as the paper's Figures 4-6 (PNG) and one offline interactive page, out/demo/report/index.html;
#   3-4. the same on planted-qwen2, a small model trained on a synthetic task whose thought anchor is planted
#      by construction (models/planted-anchor/README.md), over its 30 held-out traces:
#      out/demo/planted/report/index.html, where the analyses find a real (planted) anchor, each against its
#      control: the suppression cells against placebo spans of equal length (docs/algorithms.md §12.9) and the
#      receiver heads' kurtosis against re-segmentations of the same tokens (§6.4).
# Pooled attention and suppression passes are cached in out/demo/.ta-cache, so a rerun takes seconds.
# Steps 1-2 use random weights: they check the pipeline end to end, not the science. Steps 3-4 show the
# science on a known answer, not anything about real reasoning models.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/demo}
data=data/thought-anchors-sample/deepseek-r1-distill-qwen-14b
worker=(--local --local-model tiny-qwen2)

echo "== 1/4 suppression matrix of trace 2238 (Figure 6)"
bin/ta suppression-matrix "${worker[@]}" --data "$data/correct_base_solution/problem_2238" \
    --out "$out/suppression" --force
echo "== 2/4 receiver heads of every sample trace, figures and the report page"
bin/ta report "${worker[@]}" --data "$data" --suppression "$out/suppression" --trace 2238 \
    --out "$out/report" --force
planted=(--local --local-model planted-qwen2)
planted_data=data/planted-anchor/planted-qwen2
echo "== 3/4 planted-qwen2 (trained on a synthetic task with a planted anchor): suppression matrix of held-out trace 1"
bin/ta suppression-matrix "${planted[@]}" --data "$planted_data/correct_base_solution/problem_1" \
    --placebo-draws 4 --out "$out/planted/suppression" --force
echo "== 4/4 planted-qwen2: receiver heads of its 30 held-out traces, figures and the report page"
bin/ta report "${planted[@]}" --data "$planted_data" --suppression "$out/planted/suppression" --trace 1 \
    --segmentation-null 200 --null-block-tokens 1 --out "$out/planted/report" --force
echo "Open $out/report/index.html (real traces, random weights) and $out/planted/report/index.html"
echo "(planted anchor, trained weights) in a browser (they work offline)."
