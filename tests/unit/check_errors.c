/* check_errors.c: the error catalogue is consistent and docs/errors.md
 * lists exactly its codes. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "unit.h"

START_TEST(codes_are_unique_and_snake_case)
{
  for (int i = 0; i < OMS_ERR__COUNT; i++) {
    const char *c = oms_err_code((enum oms_err)i);
    for (const char *p = c; *p; p++)
      ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_', "code %s", c);
    for (int j = 0; j < i; j++)
      ck_assert_str_ne(c, oms_err_code((enum oms_err)j));
    ck_assert_int_eq(oms_err_from_code(c), i);
    ck_assert_uint_ge(oms_err_status((enum oms_err)i), 200);
    ck_assert_uint_lt(oms_err_status((enum oms_err)i), 600);
  }
  ck_assert_int_eq(oms_err_status(OMS_ERR_VALIDATION), 400);
  ck_assert_int_eq(oms_err_status(OMS_ERR_NOT_FOUND), 404);
  ck_assert_int_eq(oms_err_status(OMS_ERR_INVALID_STATE), 409);
  ck_assert_int_eq(oms_err_status(OMS_ERR_PRECONDITION_FAILED), 412);
  ck_assert_int_eq(oms_err_status(OMS_ERR_PAYLOAD_TOO_LARGE), 413);
  ck_assert_int_eq(oms_err_status(OMS_ERR_IDEMPOTENCY_REUSED), 422);
  ck_assert_int_eq(oms_err_from_code("no_such_code"), OMS_ERR__COUNT);
}
END_TEST

START_TEST(docs_list_every_code)
{
  FILE *f = fopen(OMS_SOURCE_DIR "/docs/errors.md", "r");
  char line[1024];
  int seen[OMS_ERR__COUNT] = {0};
  int rows = 0;
  ck_assert_msg(f != NULL, "docs/errors.md is missing");
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "| `", 3) != 0)
      continue;
    char *end = strchr(line + 3, '`');
    ck_assert_ptr_nonnull(end);
    *end = '\0';
    enum oms_err e = oms_err_from_code(line + 3);
    ck_assert_msg(e != OMS_ERR__COUNT, "docs/errors.md lists unknown code %s", line + 3);
    seen[e]++;
    rows++;
  }
  fclose(f);
  for (int i = 1; i < OMS_ERR__COUNT; i++)
    ck_assert_msg(seen[i] == 1, "docs/errors.md lists %s %d times",
                  oms_err_code((enum oms_err)i), seen[i]);
  ck_assert_int_ge(rows, OMS_ERR__COUNT - 1);
}
END_TEST

Suite *suite_errors(void)
{
  Suite *s = suite_create("errors");
  TCase *tc = tcase_create("catalogue");
  tcase_add_test(tc, codes_are_unique_and_snake_case);
  tcase_add_test(tc, docs_list_every_code);
  suite_add_tcase(s, tc);
  return s;
}
