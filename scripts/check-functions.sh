#!/usr/bin/env bash
# Fails when a function in src/ is longer than MAX lines (default 100),
# counted from the line that opens its body ("{" in column 0) to the one
# that closes it ("}" in column 0). Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX=${MAX:-100}
status=0
while IFS= read -r f; do
  out=$(awk -v max="$MAX" -v file="$f" '
    /^[A-Za-z_].*\(/ { sig = $0 }
    /^\{/ { start = NR; name = sig }
    /^\}/ && start { n = NR - start - 1; if (n > max) printf "%s:%d: %s: %d lines\n", file, start, name, n; start = 0 }
  ' "$f")
  if [ -n "$out" ]; then echo "$out"; status=1; fi
done < <(find src -name '*.c' | sort)
if [ $status -ne 0 ]; then
  echo "check-functions: functions above longer than $MAX lines: split them" >&2
fi
exit $status
