# LinkUp: `make demo` and `make test` are the two entry points (README.md). Both install what is missing first.
SWIFT ?= swift
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 8

.PHONY: deps build build-tests demo test interop-tests unit-tests fuzz fuzz-smoke bench clean

## Debian packages and the .venv/ of Python test peers (idempotent; fast when everything is present).
deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build

## Builds linkup (optimized: real video both ways), starts a signaling server with an echo bot in room "demo",
## calls the bot for 10 seconds with live stats, prints the summary and says how to call the bot from a browser.
demo: deps
	$(SWIFT) build -c release --product linkup
	@LINKUP_BIN=$$($(SWIFT) build -c release --show-bin-path)/linkup scripts/demo.sh

## Every test: fuzz targets run briefly, interop against real peers (pytest), then the Swift Testing suites
## (their summary is the last line of the run).
test: deps fuzz-smoke interop-tests unit-tests

build-tests: deps
	$(SWIFT) build --build-tests

## Real peers over loopback UDP: two linkup processes, and aiortc as offerer and as answerer for each SRTP profile.
interop-tests: build-tests
	cd Tests/Interop && ../../.venv/bin/python -m pytest -q -p no:cacheprovider

unit-tests: build-tests
	$(SWIFT) test --skip-build --disable-xctest

## Each fuzz target for FUZZ_SMOKE_SECONDS: proves the entry points build and survive their seeds.
fuzz-smoke: deps
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

## The long fuzz run (5 minutes per target by default).
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

## Measurements for BENCHMARKS.md: set-up time (peer to peer, and through linkup serve into an echo bot from
## linkup call and from Chromium), 30-second loopback calls at 0% and 5% loss, set-up as the offerer against a Pion
## answerer (LinkUp vs aiortc offering), SRTP throughput (own vs libsrtp2), and set-up through TURN over UDP, TCP
## and TLS in the NAT lab (root only), concurrent echo calls from `linkup load` into one bot (16 and 200), and
## heap allocations per forwarded packet (ordo-one/benchmark's malloc interposer), and the signaling server under
## load against python-socketio in the same run (Benchmarks/signaling_load.py), data-channel throughput (100 MB,
## LinkUp, aiortc, LinkUp -> Chromium, Chromium), and as root a 60 s call across a link stepping 2 -> 0.5 -> 2 Mbit/s,
## LinkUp -> LinkUp against Chromium -> Chromium (Benchmarks/shaped_step.py) (release build).
bench:
	@scripts/deps.sh --bench
	$(SWIFT) build -c release
	LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/setup_time.py 20
	LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/call_setup.py 10
	.build/release/linkup loopback --duration 30
	.build/release/linkup loopback --duration 30 --loss 0.05
	LINKUP_BIN=.build/release/linkup Benchmarks/srtp_throughput.sh 500000
	LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/echo_load.py 16,200 20
	LINKUP_BENCHMARKS=1 $(SWIFT) package --scratch-path .build-bench --allow-writing-to-package-directory \
		benchmark --target ForwardingAllocations --no-progress
	Benchmarks/pion_peer/build.sh
	LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/offer_speed.py 20
	LINKUP_BENCHMARKS=1 $(SWIFT) build -c release --scratch-path .build-bench --product SignalingLoad
	LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/signaling_load.py
	LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/datachannel_throughput.py
	@if [ "$$(id -u)" -eq 0 ]; then \
		echo "LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/relay_setup.py 10"; \
		LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/relay_setup.py 10; \
		echo "LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/shaped_step.py --runs 2"; \
		LINKUP_BIN=.build/release/linkup .venv/bin/python Benchmarks/shaped_step.py --runs 2; \
	else \
		echo "relay_setup.py and shaped_step.py skipped: network namespaces need root (run make bench as root)"; \
	fi

clean:
	rm -rf .build Fuzz/.build .build-fuzz-corpus
