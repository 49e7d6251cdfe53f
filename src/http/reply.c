/* reply.c: success replies and RFC 9457 problem+json errors. */
#include <stdio.h>
#include <string.h>
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"

void http_ok(struct http_request *r, unsigned status, json_t *body)
{
  json_decref(r->reply);
  r->reply = body;
  r->status = status;
  r->err = OMS_OK;
}

json_t *http_problem_json(enum oms_err e, const char *detail, json_t *errors)
{
  char type[128];
  snprintf(type, sizeof type, "https://oms.dev/errors/%s", oms_err_code(e));
  json_t *p = json_pack("{s:s,s:s,s:i,s:s,s:s}", "type", type, "title", oms_err_title(e),
                        "status", (int)oms_err_status(e), "detail",
                        detail ? detail : oms_err_title(e), "code", oms_err_code(e));
  json_object_set_new(p, "errors", errors ? errors : json_array());
  return p;
}

void http_fail(struct http_request *r, enum oms_err e, const char *detail, json_t *errors)
{
  json_decref(r->reply);
  json_decref(r->replay);
  r->replay = NULL;
  r->reply = http_problem_json(e, detail, errors);
  r->status = oms_err_status(e);
  r->err = e;
}

void http_fail_field(struct http_request *r, enum oms_err e, const char *field,
                     const char *message)
{
  char detail[256];
  json_t *errors = json_array();
  json_array_append_new(errors, json_pack("{s:s,s:s}", "field", field, "message", message));
  snprintf(detail, sizeof detail, "%s: %s", field, message);
  http_fail(r, e, detail, errors);
}

void http_fail_db(struct http_request *r, int rc)
{
  /* REPO_SOFT: the dispatcher sees the failed transaction and re-runs */
  (void)rc;
  http_fail(r, OMS_ERR_INTERNAL, "The database could not complete the request", NULL);
}
