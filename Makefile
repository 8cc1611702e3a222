# vigie: the usual entry points. `make test` is what CI runs.
SWIFT ?= swift

.PHONY: deps build release test demo

deps:
	scripts/install-deps.sh

build: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors

release: deps
	$(SWIFT) build -c release -Xswiftc -warnings-as-errors

test: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build

# The simulated building through the real pipeline (see `vigie demo --help`); Ctrl-C stops it.
demo: deps
	$(SWIFT) build -c release --product vigie
	.build/release/vigie demo
