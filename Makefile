# LinkUp: `make demo` and `make test` are the two entry points (README.md). Both install what is missing first.
SWIFT ?= swift
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 8

.PHONY: deps build demo test unit-tests fuzz fuzz-smoke bench clean

## Debian packages and the .venv/ of Python test peers (idempotent; fast when everything is present).
deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build

## Builds linkup and shows what it can do.
demo: build
	@echo "== linkup --help"
	@$$($(SWIFT) build --show-bin-path)/linkup --help

## Every test: fuzz targets build and run briefly, then the Swift Testing suites (their summary is the last line).
test: deps fuzz-smoke unit-tests

unit-tests: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

## Each fuzz target for FUZZ_SMOKE_SECONDS: proves the entry points build and survive their seeds.
fuzz-smoke: deps
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

## The long fuzz run (5 minutes per target by default).
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build Fuzz/.build .build-fuzz-corpus
