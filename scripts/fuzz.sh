#!/usr/bin/env bash
# Run every Go fuzz target of the module, one at a time, and print a summary.
#
#   scripts/fuzz.sh                  # every target, 60 s each
#   FUZZTIME=10s scripts/fuzz.sh     # a short run
#   scripts/fuzz.sh 'yamlfmt|wire'   # only targets whose "package.Name" matches
#   FUZZFLAGS='-fuzzminimizetime=10s' scripts/fuzz.sh   # extra go test flags
#
# Targets are the Fuzz* functions of the *_test.go files under gocore/. A
# failing input is written by `go test` to the package's testdata/fuzz/NAME/
# directory, where plain `go test` runs it from then on as a regression
# case: fix the bug and keep the file. Logs go to $FUZZLOG (default: a
# temporary directory, printed at the end). The exit status is 1 when any
# target failed (a crash, a failed property, a hang, or a build error; the
# targets carry a watchdog that turns an input running for 20 s into a
# crash, since Go's fuzzer has no time limit per input).
#
# "stalled" in the summary is the longest time the fuzzer's progress line
# showed no new executions: Go counts a worker's executions only when it
# reports back, and a worker minimizing a new input (up to 60 s by default)
# does not, so a long stall with a low count is minimization, not a hang.
# Minimizing a new input is bounded by FUZZMINIMIZETIME (default 10s here,
# rather than Go's 60s, which could eat a whole 60 s run).
#
# Not part of the default test command: it takes FUZZTIME per target.
set -u

cd "$(dirname "$0")/.." || exit 2
FUZZTIME=${FUZZTIME:-60s}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-10s}
FILTER=${1:-}
LOGDIR=${FUZZLOG:-$(mktemp -d "${TMPDIR:-/tmp}/gocfg-fuzz.XXXXXX")}
mkdir -p "$LOGDIR"

# "dir name" pairs, one per target, in a stable order.
targets=$(grep -rE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' gocore \
    | sed -E 's#^([^:]*)/[^/:]*:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u)
if [ -z "$targets" ]; then
    echo "fuzz.sh: no fuzz targets found under gocore/" >&2
    exit 2
fi

failed=0
ran=0
summary=""
while read -r dir name; do
    label="${dir#gocore/}.$name"
    if [ -n "$FILTER" ] && ! [[ "$label" =~ $FILTER ]]; then
        continue
    fi
    ran=$((ran + 1))
    log="$LOGDIR/${label//\//_}.log"
    printf '%-34s %s ... ' "$label" "$FUZZTIME"
    start=$(date +%s)
    # shellcheck disable=SC2086 # FUZZFLAGS is a list of flags
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" ${FUZZFLAGS:-} "./$dir" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
    # longest run of progress lines without new executions, in seconds
    stall=$(awk '/^fuzz: elapsed: .*execs: /{ split($3, a, "s"); t = a[1] + 0;
                 if ($0 ~ /\(0\/sec\)/) { if (s < 0) s = prev; if (t - s > m) m = t - s } else s = -1;
                 prev = t } BEGIN { s = -1; m = 0 } END { print m }' "$log")
    if [ $rc -eq 0 ]; then
        status="ok"
    else
        status="FAIL"
        failed=$((failed + 1))
    fi
    line=$(printf '%-34s %-4s %5ss %12s execs  stalled %ss' "$label" "$status" "$secs" "${execs:-?}" "$stall")
    echo "$status (${secs}s, ${execs:-?} execs, stalled ${stall}s)"
    if [ $rc -ne 0 ]; then
        grep -E -- '--- FAIL|Failing input written|panic:|fuzz_test.go|_test.go:[0-9]+' "$log" | head -15 | sed 's/^/    /'
        line="$line   see $log"
    fi
    summary="$summary$line"$'\n'
done <<<"$targets"

echo
echo "== fuzz summary (FUZZTIME=$FUZZTIME, logs in $LOGDIR)"
printf '%s' "$summary"
echo "$ran target(s), $failed failed"
if [ "$ran" -eq 0 ]; then
    echo "fuzz.sh: no target matches '$FILTER'" >&2
    exit 2
fi
[ $failed -eq 0 ]
