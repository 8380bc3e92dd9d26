#!/usr/bin/env bash
# The main job on the embedded default: `ta receivers --local` starts a tiny-qwen2 worker
# (seeded random weights + the real Qwen tokenizer), runs the receiver-head analysis over the
# shipped Qwen-14B sample traces and writes CSV/JSON results to out/demo.
# Random weights: this checks the pipeline end to end, not the science.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/demo}
java -jar java-analytics/cli/target/cli-0.1.0-SNAPSHOT-all.jar receivers --local --local-model tiny-qwen2 \
    --data data/thought-anchors-sample/deepseek-r1-distill-qwen-14b --out "$out" --force
