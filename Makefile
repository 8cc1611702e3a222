# vigie: the usual entry points. `make test` is what CI runs.
SWIFT ?= swift

.PHONY: deps build release test demo deb chaos chaos-short

deps:
	scripts/install-deps.sh

build: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors

release: deps
	$(SWIFT) build -c release -Xswiftc -warnings-as-errors

# Tests run one at a time: many start brokers, simulators and processes, and on a 2-core
# machine running them all at once starves the timing they check.
# Then the short chaos campaigns (~80 s, docs/reliability.md) against the binary just built.
# The Python peers the tests start (pymodbus, pinned in scripts/peers/requirements.txt) live in
# .build/peers/venv; the tests make it themselves when it is missing, this makes it up front.
test: deps
	scripts/peers/install.sh
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build --no-parallel
	scripts/chaos/chaos.py "$$($(SWIFT) build --show-bin-path)/vigie" all --short

# The simulated building through the real pipeline (see `vigie demo --help`); Ctrl-C stops it.
demo: deps
	$(SWIFT) build -c release --product vigie
	.build/release/vigie demo

# A Debian package for this machine's architecture in dist/ (dpkg-deb only).
deb: deps
	scripts/build-deb.sh dist

# Stage benchmarks (ordo-one/benchmark: time, throughput, malloc counts; release build). Benchmarks/
# is a package of its own so that `make build` and `make test` never build the benchmark framework.
# Narrow a run with BENCH_ARGS, e.g. `make bench BENCH_ARGS='--filter Anomaly.*'`. See docs/performance.md.
# The detector's targets (<= 1 us per reading, <= 4 KB per sensor) are checked: a miss fails the run.
.PHONY: bench
bench: deps
	$(SWIFT) package --package-path Benchmarks benchmark --no-progress $(BENCH_ARGS)

# The anomaly detector's figures at each sensitivity on the shared NAB and SKAB data (about 30 s;
# ../shared beside the repository): NAB alarm at t = 0.5, NAB score optimised, SKAB incidents.
# docs/anomaly.md has the cross-validated figures and how to reproduce them.
.PHONY: anomaly-eval
anomaly-eval: deps
	$(SWIFT) build -c release --product vigie
	scripts/anomaly_eval.sh .build/release/vigie

# End-to-end load: the release binary against real brokers, simulators and collectd on 127.0.0.1
# (scripts/bench-e2e/, figures in docs/performance.md). Takes about 20 minutes.
.PHONY: bench-e2e
bench-e2e: deps
	$(SWIFT) build -c release --product vigie
	scripts/bench-e2e/run.sh

# Reliability: fuzzing and sanitizers (docs/reliability.md, "Fuzzing", "Malformed input", "Sanitizers").
# `make fuzz FUZZ_TIME=600` runs every libFuzzer target that long (FUZZ_JOBS at a time) after the
# malformed-input corpus; `make sanitize` runs the suite under TSan and ASan (slow: not in CI).
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
.PHONY: fuzz sanitize

fuzz: deps
	scripts/fuzz/malformed.sh
	FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz/run.sh

sanitize: deps
	scripts/sanitize/run.sh

# Chaos campaigns against the built `vigie` (docs/reliability.md): SIGKILL restarts, brokers
# stopped at random, a tiny filesystem that fills up. Each prints a one-line summary with its
# figures and fails on a loss. About 10-15 minutes with the defaults; root for the tmpfs.
CHAOS_KILLS ?= 20
CHAOS_DURATION ?= 240
chaos: deps
	$(SWIFT) build --product vigie
	CHAOS_KILLS=$(CHAOS_KILLS) CHAOS_DURATION=$(CHAOS_DURATION) scripts/chaos/chaos.py "$$($(SWIFT) build --show-bin-path)/vigie" all

# The same campaigns cut short (3 kills, ~12 s outages and disk-full): about a minute.
chaos-short:
	$(SWIFT) build --product vigie
	scripts/chaos/chaos.py "$$($(SWIFT) build --show-bin-path)/vigie" all --short

# A territory's fleet (docs/fleet.md): N real gateways (FLEET_GATEWAYS, default 100) against a
# 3-node RabbitMQ cluster with its MQTT plugin on 127.0.0.1, through node stops, a cluster
# restart and SIGKILLs; prints per-gateway conservation and the hub-side figures. Not in CI:
# it takes 10-15 minutes. FLEET_ARGS passes more options (scripts/fleet/fleet.py --help).
FLEET_GATEWAYS ?= 100
.PHONY: fleet interop
fleet:
	scripts/install-deps.sh rabbitmq-server
	$(SWIFT) build -c release --product vigie
	scripts/fleet/fleet.py --vigie .build/release/vigie --gateways $(FLEET_GATEWAYS) $(FLEET_ARGS)

# The SenML/MQTT path against RabbitMQ's MQTT plugin (QoS 1, persistent session, retained
# status, Last Will); about a minute, most of it RabbitMQ starting (docs/sinks.md).
interop:
	scripts/install-deps.sh rabbitmq-server
	$(SWIFT) build -c release --product vigie
	scripts/fleet/interop.py .build/release/vigie
