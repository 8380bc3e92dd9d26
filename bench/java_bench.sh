#!/usr/bin/env bash
# Java benchmarks (not tests): receiver-head analysis over cached matrices (14B shape), sparse-KL matrix assembly,
# and Arrow decoding throughput from a loopback worker. Needs `make java`; builds the test classes it runs.
# Each runs in its module folder (the analysis inputs read the committed sample traces relative to it).
set -euo pipefail
cd "$(dirname "$0")/../java-analytics"
mvn -B -ntp -q -o test-compile -pl analysis,worker-grpc -am
run() {  # module main-class
  local cp
  mvn -B -ntp -q -o -pl "$1" dependency:build-classpath -Dmdep.outputFile="$PWD/$1/target/bench.classpath"
  cp=$(cat "$1/target/bench.classpath")
  (cd "$1" && java --add-opens=java.base/java.nio=ALL-UNNAMED -Darrow.allocation.manager.type=Unsafe \
       -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/test-classes:target/classes:$cp" "$2")
}
run analysis io.thoughtanchors.analysis.bench.AnalysisBench
run analysis io.thoughtanchors.analysis.suppression.SuppressionMatrixBench
run worker-grpc io.thoughtanchors.worker.grpc.bench.DecodeThroughputBench
