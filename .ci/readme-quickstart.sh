#!/usr/bin/env bash
# The README's Quick start, run as written: extracts the commands of README.md's "## Quick start" bash
# block (not a copy of them) and runs the demo command in a fresh clone, as a new user would. Passes if it
# exits 0 and printed what the README promises: the device printed the tutorial's two messages
# (message_0, message_1) and the service printed their delivery feedback (Success). The block's other
# command, the test command, must be the one .ci/run runs (with -B -ntp), so CI runs it too.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/readme-lib.sh"
TIMEOUT_SECONDS="${README_TIMEOUT_SECONDS:-900}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fresh_clone "$work/repo"
cd "$work/repo"

block="$(readme_blocks README.md "Quick start" | awk -F'\t' '$1 == 1 { sub(/^1\t/, ""); print }')"
demo="$(printf '%s\n' "$block" | grep -m1 'exec:java' || true)"
tests="$(printf '%s\n' "$block" | grep -v 'exec:java' | grep -m1 '^mvn' || true)"
if [[ -z "$demo" || -z "$tests" ]]; then
  echo "readme-quickstart: README.md's Quick start block must hold the demo command (exec:java) and the test command:" >&2
  printf '%s\n' "$block" >&2
  exit 1
fi

# The test command is run by .ci/run itself (it takes the longest): check that it is the same one.
tests_cmd="${tests%%#*}"; tests_cmd="$(echo $tests_cmd)"     # drop the comment, squeeze blanks
ci_cmd="mvn -B -ntp ${tests_cmd#mvn }"
if ! grep -qxF "$ci_cmd" "$here/run"; then
  echo "readme-quickstart: the README's test command '$tests_cmd' is not what .ci/run runs (expected a line '$ci_cmd')" >&2
  exit 1
fi

echo "readme-quickstart: running, as written: $demo"
status=0
timeout "$TIMEOUT_SECONDS" bash -c "$demo" >"$work/out" 2>"$work/err" </dev/null || status=$?
fail() {
  echo "readme-quickstart: $1" >&2
  echo "--- stdout" >&2; cat "$work/out" >&2
  echo "--- stderr" >&2; cat "$work/err" >&2
  exit 1
}
(( status == 0 )) || fail "the demo command exited $status"
for id in message_0 message_1; do
  grep -q "^\[device\].*'$id'" "$work/out" || fail "the device did not print $id"
  grep -v '^\[device\]' "$work/out" | grep -qi "$id.*success" || fail "no Success delivery feedback printed for $id"
done
echo "readme-quickstart: OK: the device printed message_0 and message_1, the service their Success feedback"
