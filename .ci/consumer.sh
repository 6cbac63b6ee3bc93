#!/usr/bin/env bash
# The kit as a user's project gets it: installs the kit into the local Maven repository, then runs
# examples/junit5-consumer (its own POM, no parent, the kit only by its coordinates, the oldest supported
# JUnit 5 and AssertJ, other Azure SDK versions than the kit's) with plain "mvn test" from its folder.
# Also checks that README.md shows that project's test code verbatim, that its dependency tree holds
# exactly one Netty version, and that the demo runs from its own folder once the kit is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
consumer=examples/junit5-consumer
tests="$consumer/src/test/java/com/example/thermostat"

# The README's snippets are the consumer's code: the region between "// NAME {" and "// }" of each file.
region() { awk -v start="// $2 {" '$0 == start { on = 1; next } on && $0 == "// }" { exit } on { print }' "$1"; }
check_snippet() {
  local code
  code="$(region "$1" "$2")"
  [[ -n "$code" ]] || { echo "consumer: no '// $2 {' region in $1" >&2; exit 1; }
  if ! python3 - "$code" README.md <<'PY'
import sys
code, readme = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
sys.exit(0 if "```java\n" + code + "\n```\n" in readme else 1)
PY
  then
    echo "consumer: README.md does not show the '$2' region of $1 verbatim in a java block" >&2
    exit 1
  fi
}
check_snippet "$tests/ExampleQuickStartTest.java" quickStart
check_snippet "$tests/InProcessSendTest.java" inProcessSend

mvn -B -ntp -DskipTests install

# The developer path: once installed, the demo runs from its own folder on the installed POMs.
echo "consumer: after install, in demo/: mvn -q exec:java"
demo_out="$(mktemp)"
if ! (cd demo && timeout 600 mvn -q exec:java </dev/null >"$demo_out" 2>&1) \
    || ! grep -q "^\[device\].*'message_1'" "$demo_out"; then
  echo "consumer: the demo failed from its own folder after install:" >&2
  cat "$demo_out" >&2
  exit 1
fi
rm -f "$demo_out"

cd "$consumer"
mvn -B -ntp test

mvn -B -ntp -q dependency:tree -DoutputFile=target/dependency-tree.txt
echo "consumer: Netty in the consumer's dependency tree:"
grep 'io.netty:' target/dependency-tree.txt
# netty-tcnative (BoringSSL bindings, brought by the service SDK) has its own version line
versions="$(grep -o 'io\.netty:netty-[a-z0-9-]*:jar:[^:]*' target/dependency-tree.txt | grep -v 'netty-tcnative' \
  | awk -F: '{ print $4 }' | sort -u)"
if [[ "$(printf '%s\n' "$versions" | grep -c .)" != 1 ]]; then
  echo "consumer: expected one Netty version in the consumer's tree, found: $(echo $versions)" >&2
  exit 1
fi
echo "consumer: OK: one Netty version ($versions), the consumer's tests pass"
