# vigie: the usual entry points. `make test` is what CI runs.
SWIFT ?= swift

.PHONY: deps build release test deb

deps:
	scripts/install-deps.sh

build: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors

release: deps
	$(SWIFT) build -c release -Xswiftc -warnings-as-errors

test: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build --no-parallel

# A Debian package for this machine's architecture in dist/ (dpkg-deb only).
deb: deps
	scripts/build-deb.sh dist
