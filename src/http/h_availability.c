/* h_availability.c: available-to-sell per channel, for up to 500 skus per
 * call, and the feed of skus whose ATS may have changed (for pushing to a
 * marketplace). The arithmetic is the engine's (eng_ats_eval); the inputs
 * of every sku come from one query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

#define MAX_SKUS 500

/* Reads the channel of the path; fails the request (404) when unknown. */
static json_t *channel_of(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "channel");
  json_t *ch = NULL;
  if (!code)
    return NULL;
  int rc = repo_channel_get(tx, code, &ch);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "channel", "does not exist");
    return NULL;
  }
  return ch;
}

/* Evaluates every input row; returns an object sku -> result. */
static json_t *evaluate(json_t *channel, json_t *rows)
{
  json_t *by_sku = json_object();
  size_t i;
  json_t *row;
  json_array_foreach(rows, i, row)
  {
    json_t *res = eng_ats_eval(channel, row);
    json_object_set_new(by_sku, json_string_value(json_object_get(row, "sku")), res);
  }
  return by_sku;
}

void http_get_channels_CODE_availability(struct http_request *r, struct repo_tx *tx)
{
  json_t *skus = json_array(), *uniq = json_array(), *seen = json_object();
  json_t *channel = NULL, *rows = NULL, *by_sku = NULL;
  size_t i;
  json_t *s;

  http_query_all(r, "sku", skus);
  if (json_array_size(skus) == 0) {
    http_fail_field(r, OMS_ERR_VALIDATION, "sku", "give at least one ?sku=");
    goto cleanup;
  }
  json_array_foreach(skus, i, s)
  {
    char field[32];
    snprintf(field, sizeof field, "sku[%zu]", i);
    if (!oms_code_valid(json_string_value(s))) {
      http_fail_field(r, OMS_ERR_VALIDATION, field, "must be a code");
      goto cleanup;
    }
    if (!json_object_get(seen, json_string_value(s))) {
      json_object_set_new(seen, json_string_value(s), json_true());
      json_array_append(uniq, s);
    }
  }
  if (json_array_size(uniq) > MAX_SKUS) {
    http_fail_field(r, OMS_ERR_VALIDATION, "sku", "at most 500 skus per call");
    goto cleanup;
  }
  const char *code = http_param_code(r, 0, "channel");
  if (!code)
    goto cleanup;
  /* the channel and every sku's inputs in one round trip */
  int rc = repo_availability_inputs(tx, code, uniq, &channel, &rows);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "channel", "does not exist");
    goto cleanup;
  }
  by_sku = evaluate(channel, rows);
  json_t *data = json_array();
  json_array_foreach(uniq, i, s)
  {
    json_t *res = json_object_get(by_sku, json_string_value(s));
    if (!res) {
      char msg[128];
      snprintf(msg, sizeof msg, "%s does not exist", json_string_value(s));
      json_decref(data);
      http_fail_field(r, OMS_ERR_NOT_FOUND, "sku", msg);
      goto cleanup;
    }
    json_array_append(data, res);
  }
  http_ok(r, 200, json_pack("{s:o}", "data", data));
cleanup:
  json_decref(skus);
  json_decref(uniq);
  json_decref(seen);
  json_decref(channel);
  json_decref(rows);
  json_decref(by_sku);
}

void http_get_channels_CODE_availability_feed(struct http_request *r, struct repo_tx *tx)
{
  const char *since = http_query(r, "changed_since");
  const char *after = http_query(r, "after");
  json_t *channel = NULL, *skus = NULL, *rows = NULL, *by_sku = NULL;
  char *now = NULL;
  int limit;

  /* the cursor of this feed is a sku, not a number */
  if (after && !oms_code_valid(after)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "after", "is not a cursor from this feed");
    return;
  }
  if (!http_limit_arg(r, &limit))
    return;
  if (since && !oms_rfc3339_valid(since)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "changed_since", "must be an RFC 3339 time");
    return;
  }
  if (!(channel = channel_of(r, tx)))
    return;
  now = repo_now(tx);
  const char *code = json_string_value(json_object_get(channel, "code"));
  int rc = repo_ats_changed(tx, code, since, after, limit + 1, &skus);
  if (rc < 0) {
    http_fail_db(r, rc);
    goto cleanup;
  }
  json_t *next = json_null();
  if (json_array_size(skus) > (size_t)limit) {
    json_array_remove(skus, (size_t)limit);
    next = json_incref(json_array_get(skus, (size_t)limit - 1));
  }
  rc = json_array_size(skus) ? repo_ats_inputs(tx, code, skus, &rows) : 0;
  if (rc < 0) {
    json_decref(next);
    http_fail_db(r, rc);
    goto cleanup;
  }
  by_sku = rows ? evaluate(channel, rows) : json_object();
  json_t *data = json_array();
  size_t i;
  json_t *s;
  json_array_foreach(skus, i, s)
  {
    json_t *res = json_object_get(by_sku, json_string_value(s));
    if (res)
      json_array_append(data, res);
  }
  http_ok(r, 200, json_pack("{s:o,s:o,s:s?}", "data", data, "next_cursor", next, "as_of", now));
cleanup:
  free(now);
  json_decref(channel);
  json_decref(skus);
  json_decref(rows);
  json_decref(by_sku);
}
