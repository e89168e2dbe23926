#!/bin/sh
# Instructions per signed-in request, ours against the session library
# alone, for axum and actix-web, counted by callgrind (exact and repeatable,
# unlike the clock on a shared VM). Callgrind collects only the requests
# (the bench's `signed_in_requests`, not the set-up: the mock's RSA key
# generation alone varies by far more than a request). Each app runs N1 and
# N2 requests; the difference of the two counts divided by N2 - N1 also
# cancels what is constant in the loop (its first, cold request).
#
#   tests/benches/per_request_instructions.sh [N1 N2 [RUNS]]   (default 1000 11000 3)
#
# The count moves by 1 to 3 % from run to run (session ids, hash seeds, the
# allocator's state and, on a busy machine, the runtime's worker threads
# change probing, allocation and parking paths): each figure is the median
# of RUNS runs, the runs' figures shown beside it.
#
# Leaves the callgrind outputs in target/per_request_instructions/ for
# `callgrind_annotate --inclusive=yes <file>`.
set -eu
n1=${1:-1000}
n2=${2:-11000}
runs=${3:-3}
cd "$(dirname "$0")/../.."
bin=$(cargo bench -p franceconnect-tests --bench per_request_instructions --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*per_request_instructions[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$bin" ] || { echo "could not build the per_request_instructions bench" >&2; exit 1; }
out=target/per_request_instructions
mkdir -p "$out"

# Total instructions (all threads) of one run.
count() {
    valgrind --tool=callgrind --toggle-collect='*::signed_in_requests' --callgrind-out-file="$out/$1.$2.out" "$bin" "$1" "$2" >/dev/null 2>"$out/$1.$2.log"
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out/$1.$2.out"
}

# Instructions per request of one run.
once() {
    a=$(count "$1" "$n1")
    b=$(count "$1" "$n2")
    echo $(((b - a) / (n2 - n1)))
}

# The median of `runs` runs, then every run's figure.
per_request() {
    all=$(i=0; while [ "$i" -lt "$runs" ]; do once "$1"; i=$((i + 1)); done | sort -n)
    median=$(echo "$all" | sed -n "$(((runs + 1) / 2))p")
    echo "$median $(echo $all | tr ' ' ',')"
}

printf '%-8s %12s %12s %8s   %s\n' adapter ours alone ratio 'runs (ours; alone)'
for side in axum actix; do
    set -- $(per_request "$side-ours")
    ours=$1 ours_runs=$2
    set -- $(per_request "$side-alone")
    alone=$1 alone_runs=$2
    printf '%-8s %12s %12s %8s   %s\n' "$side" "$ours" "$alone" "$(echo "scale=3; $ours / $alone" | bc)" "$ours_runs; $alone_runs"
done
