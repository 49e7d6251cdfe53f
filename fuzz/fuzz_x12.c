/* fuzz_x12.c: libFuzzer harness of the X12 reader (src/engine/x12_read.c,
 * x12_sets.c) and, for every input it accepts, the 997 writer.
 *
 * Build and run from the repository root (clang 14 of Debian 12):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Iinclude fuzz/fuzz_x12.c src/engine/x12_read.c src/engine/x12_sets.c \
 *     src/engine/x12_util.c src/engine/x12_write.c src/common/alloc.c \
 *     $(pkg-config --cflags --libs jansson) -o fuzz_x12
 *   mkdir -p /tmp/x12-corpus
 *   ./fuzz_x12 -max_len=4096 -runs=10000000 /tmp/x12-corpus fuzz/corpus/x12
 *
 * (new inputs go to the first directory, so the seed corpus stays as it is.)
 * Beyond "no crash, no leak, no sanitizer report" the harness checks the
 * codec's promises and aborts when one is broken:
 *   - x12_read returns 0 with an interchange and no error, or -1 with at
 *     least one error and no interchange; every error field is
 *     "segment <n> (<ID>)" and every message printable ASCII;
 *   - a parsed interchange always gets its 997, and that 997 reads back
 *     (with as many sets as the interchange has groups). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/x12.h"

static void check(int ok, const char *what)
{
  if (!ok) {
    fprintf(stderr, "fuzz_x12: broken promise: %s\n", what);
    abort();
  }
}

static void check_errors(const struct x12_errors *e)
{
  for (size_t i = 0; i < e->n; i++) {
    size_t n;
    char id[8];
    check(sscanf(e->e[i].field, "segment %zu (%3[^)])", &n, id) >= 1 && n >= 1,
          "error field is not \"segment <n> (<ID>)\"");
    for (const char *p = e->e[i].message; *p; p++)
      check(*p >= 0x20 && *p < 0x7f, "error message is not printable ASCII");
    for (const char *p = e->e[i].field; *p; p++)
      check(*p >= 0x20 && *p < 0x7f, "error field is not printable ASCII");
  }
}

static void check_997(const struct x12_interchange *ic)
{
  struct x12_997_options opt = {.when = {2024, 2, 29, 23, 59}, .interchange_control = 1,
                                .eol = X12_EOL_CRLF};
  struct x12_errors e = {0};
  struct x12_buf out;
  check(x12_write_997(ic, &opt, &out, &e) == 0, "x12_write_997 refused a parsed interchange");
  check(out.len == strlen(out.data), "997 length");
  struct x12_interchange *back = NULL;
  struct x12_errors e2 = {0};
  if (x12_read(out.data, out.len, &back, &e2) != 0) {
    fprintf(stderr, "997 does not read back: %s: %s\n%s\n", e2.e[0].field, e2.e[0].message,
            out.data);
    abort();
  }
  check(back->n_groups == 1 && back->groups[0].n_sets == ic->n_groups, "997 shape");
  x12_interchange_free(back);
  free(out.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct x12_errors e = {0};
  struct x12_interchange *ic = NULL;
  int rc = x12_read((const char *)data, size, &ic, &e);
  if (rc == 0) {
    check(ic != NULL && e.n == 0, "success without an interchange, or with errors");
    check_997(ic);
    x12_interchange_free(ic);
  } else {
    check(rc == -1 && ic == NULL && e.n >= 1, "failure without an error");
    check_errors(&e);
  }
  return 0;
}
