#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read untrusted text, with libFuzzer (bundled with the Swift toolchain
# on Linux). Usage:
#
#   scripts/fuzz.sh [target…] [--seconds N] [--jobs N]
#
# Targets: expression, workbook, csv, json, jsonl (default: all), each for N seconds (default 120). Builds
# .build-fuzz/release/workbench-fuzz with -sanitize=fuzzer,address (its own build folder: the normal build is not
# touched), seeds each run with Tests/FuzzCorpus/<target>/ and writes new interesting inputs back there (minimised
# with -merge=1), so the corpus grows run after run and the test suite replays it (FuzzCorpusTests). A crash, leak,
# timeout (10 s per input) or out-of-memory (2 GiB) input is saved as Tests/FuzzCorpus/<target>/crash-*; fix the
# bug and keep the file: it becomes a regression input. Exits 1 when any target found one.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=120
jobs=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    expression|workbook|csv|json|jsonl) targets+=("$1"); shift ;;
    *) echo "usage: scripts/fuzz.sh [expression|workbook|csv|json|jsonl…] [--seconds N] [--jobs N]" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(expression workbook csv json jsonl)

swift build -c release --product workbench-fuzz --build-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DWORKBENCH_FUZZ \
  -Xcc -fsanitize=fuzzer-no-link,address
binary=.build-fuzz/release/workbench-fuzz

found=0
for target in "${targets[@]}"; do
  corpus=Tests/FuzzCorpus/$target
  work=.build-fuzz/corpus/$target
  mkdir -p "$corpus" "$work"
  dict=()
  [ -f "scripts/fuzz-$target.dict" ] && dict=(-dict="scripts/fuzz-$target.dict")
  echo "== $target: ${seconds}s"
  status=0
  parallel=()
  # With -jobs, libFuzzer writes fuzz-N.log into the current folder: they are moved under .build-fuzz/ after.
  [ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
  WORKBENCH_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$binary" "$work" "$corpus" "${dict[@]}" "${parallel[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$corpus/" -print_final_stats=1 2>&1 | grep -vE "^#[0-9]+.*(NEW|REDUCE|pulse)" || status=${PIPESTATUS[0]}
  for log in fuzz-*.log; do [ -f "$log" ] && mv "$log" ".build-fuzz/$target-$log"; done
  if [ "$status" -ne 0 ]; then
    echo "!! $target: libFuzzer exited $status; the input is saved under $corpus/ (crash-*, timeout-*, oom-*)"
    found=1
  fi
  # Keep only the inputs that add coverage (small, so the repository stays small).
  merged=.build-fuzz/merged/$target
  rm -rf "$merged"; mkdir -p "$merged"
  WORKBENCH_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$binary" -merge=1 "$merged" "$corpus" "$work" >/dev/null 2>&1 || true
  find "$corpus" -maxdepth 1 -type f ! -name 'crash-*' ! -name 'timeout-*' ! -name 'oom-*' ! -name 'leak-*' ! -name 'seed-*' ! -name 'regression-*' ! -name '*.md' -delete
  find "$merged" -maxdepth 1 -type f -size -16k -exec cp {} "$corpus/" \;
  echo "== $target: $(find "$corpus" -maxdepth 1 -type f | wc -l) corpus file(s)"
done
exit $found
