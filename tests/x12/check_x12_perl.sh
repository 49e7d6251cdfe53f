#!/usr/bin/env bash
# The independent check of the X12 writers: 850s (and a 997) written by our
# codec (x12_tool) must be read by X12::Parser, Debian's libx12-parser-perl,
# which shares no code with ours, as the values we meant (expected_*.txt,
# written by hand from the JSON samples). Called by scripts/test.sh.
#   tests/x12/check_x12_perl.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
TOOL=$BUILD/x12_tool
HERE=tests/x12
CF_850=$HERE/850_004010.cf # the package ships no 850 cf; ours follows its format
CF_997=$(dpkg -L libx12-parser-perl 2>/dev/null | grep '/997\.cf$' | head -n1 || true)

fail() { echo "x12 perl: FAILED: $*" >&2; exit 1; }
[ -x "$TOOL" ] || fail "$TOOL not built"
perl -MX12::Parser -e1 2>/dev/null || fail "X12::Parser missing (scripts/install-deps.sh installs libx12-parser-perl)"
[ -n "$CF_997" ] && [ -f "$CF_997" ] || fail "997.cf of libx12-parser-perl not found"

TMP=$(mktemp -d /tmp/oms-x12.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0

# check NAME X12_FILE CF EXPECTED_FILE EXPECTED_SEPARATORS_LINE
check() {
  local name=$1 file=$2 cf=$3 expected=$4 seps=$5
  if ! perl "$HERE/x12_read.pl" "$file" "$cf" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
    echo "  FAIL $name: X12::Parser rejected it: $(cat "$TMP/$name.err")" >&2
    failed=$((failed + 1)); return
  fi
  if [ "$(head -n1 "$TMP/$name.out")" != "$seps" ]; then
    echo "  FAIL $name: separators read as '$(head -n1 "$TMP/$name.out")', want '$seps'" >&2
    failed=$((failed + 1)); return
  fi
  if ! tail -n +2 "$TMP/$name.out" | diff -u "$expected" - >"$TMP/$name.diff"; then
    echo "  FAIL $name: X12::Parser read other values:" >&2
    cat "$TMP/$name.diff" >&2
    failed=$((failed + 1)); return
  fi
  echo "  ok   $name" >&2
  passed=$((passed + 1))
}

# the sample PO with each end of segment
for eol in none lf crlf; do
  sed "s/\"control\": 42,/\"control\": 42, \"eol\": \"$eol\",/" "$HERE/sample_po.json" >"$TMP/po_$eol.json"
  "$TOOL" 850 "$TMP/po_$eol.json" >"$TMP/po_$eol.x12" || fail "x12_tool 850 ($eol)"
  case $eol in none) t='~' ;; lf) t='~\n' ;; crlf) t='~\r\n' ;; esac
  check "850_eol_$eol" "$TMP/po_$eol.x12" "$CF_850" "$HERE/expected_850.txt" \
    "separators element=* subelement=> segment=$t"
done

# a PO whose free text holds separators and accents, other identities and controls
"$TOOL" 850 "$HERE/awkward_po.json" >"$TMP/awkward.x12" || fail "x12_tool 850 (awkward)"
check 850_cleaned_text "$TMP/awkward.x12" "$CF_850" "$HERE/expected_awkward_850.txt" \
  'separators element=* subelement=> segment=~\n'

# the 997 of the sample PO, read with the package's own 997.cf
"$TOOL" 997 7 202403011300 "$TMP/po_none.x12" >"$TMP/ack.x12" || fail "x12_tool 997"
check 997_of_850 "$TMP/ack.x12" "$CF_997" "$HERE/expected_997.txt" \
  'separators element=* subelement=> segment=~'

echo "x12 perl: $passed passed, $failed failed" >&2
[ "$failed" = 0 ]
