/* errors.c: the error catalogue generated from errors.def. */
#include <string.h>
#include "oms/common.h"

struct err_row {
  const char *code;
  unsigned status;
  const char *title;
};

static const struct err_row rows[] = {
#define X(e, code, status, title) {code, status, title},
#include "oms/errors.def"
#undef X
};

const char *oms_err_code(enum oms_err e)
{
  return (unsigned)e < OMS_ERR__COUNT ? rows[e].code : "internal_error";
}

unsigned oms_err_status(enum oms_err e)
{
  return (unsigned)e < OMS_ERR__COUNT ? rows[e].status : 500;
}

const char *oms_err_title(enum oms_err e)
{
  return (unsigned)e < OMS_ERR__COUNT ? rows[e].title : "Internal server error";
}

enum oms_err oms_err_from_code(const char *code)
{
  for (unsigned i = 0; i < OMS_ERR__COUNT; i++)
    if (strcmp(rows[i].code, code) == 0)
      return (enum oms_err)i;
  return OMS_ERR__COUNT;
}
