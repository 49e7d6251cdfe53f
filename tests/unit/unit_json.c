/* unit_json.c: JSON helpers shared by the unit suites. Test JSON is
 * written with single quotes (turned into double quotes here). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

json_t *ut_jq(const char *text)
{
  json_error_t err;
  size_t n = strlen(text) + 1;
  char *buf = malloc(n);
  ck_assert_ptr_nonnull(buf);
  memcpy(buf, text, n);
  for (char *p = buf; *p; p++)
    if (*p == '\'')
      *p = '"';
  json_t *j = json_loads(buf, JSON_DECODE_ANY, &err);
  ck_assert_msg(j != NULL, "bad test JSON %s: %s", buf, err.text);
  free(buf);
  return j;
}

json_t *ut_at(json_t *j, const char *path)
{
  char buf[200];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save)) {
    if (json_is_array(j))
      j = json_array_get(j, strtoul(k, NULL, 10));
    else
      j = json_object_get(j, k);
  }
  return j;
}

const char *ut_err_at(json_t *errors, const char *field)
{
  size_t i;
  json_t *e;
  json_array_foreach(errors, i, e)
  {
    if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
      return json_string_value(json_object_get(e, "message"));
  }
  return NULL;
}

void ut_assert_err(json_t *errors, const char *field, const char *msg)
{
  const char *got = ut_err_at(errors, field);
  if (!got) {
    char *all = json_dumps(errors, 0);
    ck_abort_msg("no error at %s; errors: %s", field, all);
  }
  ck_assert_str_eq(got, msg);
}
