#!/usr/bin/env bash
# CI recipe: two builds of different programs run at the same time from one folder.
#
# Both programs are called app.mote and both jobs use the default output folder (build/), as two
# CI jobs sharing one checkout would. Each `mote run` must run its own program: its own console
# output and its own exit code. Mote builds each image in a private folder inside build/ and
# moves the outputs into place at the end, so neither run can pick up the other's image.
#
#   docs/ci/concurrent-builds.sh             # uses `mote` from PATH
#   MOTE=bin/mote docs/ci/concurrent-builds.sh
set -euo pipefail

mote="${MOTE:-mote}"
case "$mote" in */*) mote="$(cd "$(dirname "$mote")" && pwd)/$(basename "$mote")" ;; esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/a" "$work/b"
printf 'async fn main() -> i32 {\n    println("this is program a");\n    3\n}\n' > "$work/a/app.mote"
printf 'async fn main() -> i32 {\n    println("this is program b");\n    7\n}\n' > "$work/b/app.mote"
cd "$work"

"$mote" run a/app.mote --timeout 120 > a.out 2> a.err & a=$!
"$mote" run b/app.mote --timeout 120 > b.out 2> b.err & b=$!
status_a=0; wait "$a" || status_a=$?
status_b=0; wait "$b" || status_b=$?

failed=0
check() {   # NAME STATUS WANTED_STATUS WANTED_LINE
  if [ "$2" != "$3" ] || [ "$(tr -d '\r' < "$1.out")" != "$4" ]; then
    echo "FAILED: program $1 exited $2 (wanted $3) and printed:" >&2
    cat "$1.out" "$1.err" >&2
    failed=1
  fi
}
check a "$status_a" 3 "this is program a"
check b "$status_b" 7 "this is program b"
[ -f build/app.elf ] || { echo "FAILED: build/app.elf is missing" >&2; failed=1; }
if ls -a build | grep -q '^\.mote-build-'; then
  echo "FAILED: private build folders left in build/" >&2
  failed=1
fi
[ "$failed" = 0 ] && echo "both concurrent builds ran their own program"
exit "$failed"
