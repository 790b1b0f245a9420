#!/usr/bin/env bash
# Builds every libFuzzer target under Fuzz/ (address sanitizer on) and runs each for SECONDS seconds, starting
# from the seeds in fixtures/fuzz-seeds/<name>/ and a scratch corpus in .build-fuzz-corpus/<name>/.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=($(ls Fuzz/Sources | grep '^Fuzz' | grep -v FuzzSupport))
fi
# gold cannot link libFuzzer's debug info here (internal error), so lld links.
for target in "${targets[@]}"; do
    (cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product "$target" \
        2>&1 | grep -E 'error|warning: |complete' || true)
done
status=0
for target in "${targets[@]}"; do
    name=$(echo "${target#Fuzz}" | tr '[:upper:]' '[:lower:]')
    corpus=.build-fuzz-corpus/$name
    seeds=fixtures/fuzz-seeds/$name
    mkdir -p "$corpus" "$seeds"
    binary=Fuzz/.build/release/$target
    if [[ ! -x $binary ]]; then
        echo "fuzz: $target did not build"
        status=1
        continue
    fi
    if "$binary" "$corpus" "$seeds" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix=".build-fuzz-corpus/$name-" >".build-fuzz-corpus/$name.log" 2>&1; then
        runs=$(grep -m1 'stat::number_of_executed_units' ".build-fuzz-corpus/$name.log" | awk '{print $2}')
        echo "fuzz: $target ran ${seconds}s, ${runs:-?} inputs, no crash"
    else
        echo "fuzz: $target FAILED; last lines of .build-fuzz-corpus/$name.log:"
        tail -30 ".build-fuzz-corpus/$name.log"
        status=1
    fi
done
exit $status
