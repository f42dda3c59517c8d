#!/usr/bin/env bash
# Builds the libFuzzer targets of test/fuzz (clang, ASan + UBSan) in B-fuzz, with every library
# (so clang's thread-safety analysis checks all of them on each tools/test.sh), and runs each
# for MIXTAPE_FUZZ_SECONDS (default 20) on a copy of its seed corpus, then replays every
# target's seeds and regression inputs (test/fuzz/regressions/<target>/) once.
# Exits non-zero when a target crashes, times out or runs out of memory, naming the input.
#   MIXTAPE_FUZZ_SECONDS=60 tools/fuzz.sh             # all targets, a minute each
#   tools/fuzz.sh fuzz_recovery fuzz_keys_file        # just these
# The working corpus grows in B-fuzz/fuzz-corpus/<target> (kept between runs; the
# checked-in seeds are never written to); crashes land in B-fuzz/fuzz-artifacts/<target>/.
# To keep a crash as a regression test: copy it to test/fuzz/regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${MIXTAPE_FUZZ_SECONDS:-20}
build=B-fuzz
all_targets=(fuzz_http_request fuzz_json_bodies fuzz_route_and_query fuzz_journal_record fuzz_recovery fuzz_keys_file fuzz_backup_stream
             fuzz_org_import fuzz_replication_stream fuzz_etcd_answers)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# clang 14 and its compiler-rt (libFuzzer, the sanitizer runtimes) from Debian.
./tools/install-deps.sh clang libclang-rt-14-dev

start=$(date +%s)
cmake -S . -B "$build" -G Ninja --no-warn-unused-cli -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIXTAPE_FUZZ=ON >/dev/null
# Everything, not only the targets named: this is also the test command's clang build of every
# library (and of mixtape_http's sources, as mixtape_http_thread_safety), which fails on a
# thread-safety finding (-Werror=thread-safety, CMakeLists.txt).
ninja -C "$build" -j2 all
echo "fuzz: built in $(( $(date +%s) - start )) s"

# Crash reports: symbolized stacks, abort on the first error (UBSan too: -fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

dict_of() {
  case $1 in
    fuzz_http_request) echo test/fuzz/http.dict ;;
    fuzz_json_bodies | fuzz_keys_file | fuzz_etcd_answers) echo test/fuzz/json.dict ;;
    fuzz_org_import) echo test/fuzz/org_import.dict ;;
  esac
}

failed=()
report_failure() {  # target, log, artifact dir
  failed+=("$1")
  echo "fuzz: $1 FAILED; the end of its log ($2):" >&2
  tail -n 60 "$2" >&2
  local f
  for f in "$3"/crash-* "$3"/timeout-* "$3"/oom-* "$3"/leak-*; do
    [ -e "$f" ] || continue
    echo "fuzz: $1: failing input $f ($(stat -c %s "$f") bytes); replay with: $build/test/fuzz/$1 $f" >&2
    od -A d -c "$f" | head -n 20 >&2
  done
}

mkdir -p "$build/fuzz-logs"
for t in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$t
  artifacts=$build/fuzz-artifacts/$t
  rm -rf "$artifacts"  # only this run's findings are reported
  mkdir -p "$corpus" "$artifacts"
  cp -n test/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true  # a copy: the seeds stay as checked in
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  dict=$(dict_of "$t")
  [ -z "$dict" ] || args+=(-dict="$dict")
  log=$build/fuzz-logs/$t.log
  echo "fuzz: $t for ${seconds} s"
  if "$build/test/fuzz/$t" "${args[@]}" "$corpus" >"$log" 2>&1; then
    grep -E '^#[0-9]+.*DONE' "$log" | tail -n 1 || true
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" | tr '\n' ' ' && echo
  else
    report_failure "$t" "$log" "$artifacts"
  fi
done

# Regression inputs, and the seeds, as a plain test run (no fuzzing).
for t in "${targets[@]}"; do
  log=$build/fuzz-logs/$t.replay.log
  if bash test/fuzz/replay.sh "$build/test/fuzz/$t" test/fuzz/corpus/"$t" test/fuzz/regressions/"$t" >"$log" 2>&1; then
    echo "fuzz: $t replays its seeds and regressions cleanly ($(grep -c '^Executed' "$log" || true) inputs)"
  else
    failed+=("$t (replay)")
    echo "fuzz: $t FAILED replaying its seeds or regressions:" >&2
    grep -E '^replay: ' "$log" >&2 || true
    echo "fuzz: (the first failure in full is in $log)" >&2
  fi
done

echo "fuzz: finished in $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed"
