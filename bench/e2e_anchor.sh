#!/usr/bin/env bash
# End-to-end targets on the anchor model of docs/algorithms.md §16.2 (worker + gRPC + Java), trace Qwen-14B correct 2238:
#   pooled attention for all heads <= 1 s   (reference: 9.5 s)
#   a whole suppression KL matrix  <= 60 s  (reference: 1,424 s)
# Usage: bench/e2e_anchor.sh [repeats]   (needs `make setup java`; results printed and kept under out/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-3}
out=out/bench; rm -rf "$out"; mkdir -p "$out"
trace=data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238
jar=java-analytics/cli/target/cli-0.1.0-SNAPSHOT-all.jar
.venv/bin/python -m thought_anchors_worker serve --model bench/configs/anchor-qwen2.json \
    --port 0 --port-file "$out/port" > "$out/worker.log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT
while [ ! -s "$out/port" ]; do sleep 0.2; done
address=127.0.0.1:$(cat "$out/port")

echo "pooled attention, all 64 heads, REF_HEAD sentences (fresh cache each time):"
for i in $(seq "$repeats"); do
  java -jar "$jar" receivers --data "$trace" --worker "$address" --profile REF_HEAD --no-progress \
      --out "$out/receivers-$i" --cache "$out/cache-$i" > /dev/null
  .venv/bin/python - "$out/receivers-$i/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
trace = run["traces"][0]
print(f"  {trace['tokens']} tokens, {trace['sentences']} sentences: tokenisation {trace['tokenize_seconds']:.3f} s, "
      f"pooled attention {trace['attention_seconds']:.3f} s")
PY
done

if java -jar "$jar" suppression-matrix --help > /dev/null 2>&1; then
  echo "suppression KL matrix, REF_HEAD sentences:"
  start=$(date +%s.%N)
  java -jar "$jar" suppression-matrix --data "$trace" --worker "$address" --profile REF_HEAD --no-progress \
      --out "$out/suppression" --cache "$out/supp-cache" > "$out/suppression.txt"
  end=$(date +%s.%N)
  echo "  whole command: $(echo "$end - $start" | bc) s"
  tail -5 "$out/suppression.txt"
fi
