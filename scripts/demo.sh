#!/usr/bin/env bash
# The main job on the embedded default, start to finish on a laptop CPU (a few minutes on 2 cores):
#   1. `ta suppression-matrix --local`: a tiny-qwen2 worker (seeded random weights + the real Qwen
#      tokenizer) computes the sentence x sentence suppression KL matrix of one shipped trace;
#   2. `ta report --local`: receiver-head analysis of the three shipped Qwen-14B sample traces,
#      drawn as the paper's Figures 4-6 (PNG) and one offline interactive page, out/demo/report/index.html.
# Pooled attention and suppression passes are cached in out/demo/.ta-cache, so a rerun takes seconds.
# Random weights: this checks the pipeline end to end, not the science.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/demo}
jar=java-analytics/cli/target/cli-0.1.0-SNAPSHOT-all.jar
data=data/thought-anchors-sample/deepseek-r1-distill-qwen-14b
worker=(--local --local-model tiny-qwen2)

echo "== 1/2 suppression matrix of trace 2238 (Figure 6)"
java -jar "$jar" suppression-matrix "${worker[@]}" --data "$data/correct_base_solution/problem_2238" \
    --out "$out/suppression" --force
echo "== 2/2 receiver heads of every sample trace, figures and the report page"
java -jar "$jar" report "${worker[@]}" --data "$data" --suppression "$out/suppression" --trace 2238 \
    --out "$out/report" --force
echo "Open $out/report/index.html in a browser (it works offline)."
