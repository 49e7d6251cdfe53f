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
#include "oms/rows.h"

#define MAX_SKUS 500

/* The ATS of one sku as the API shows it: the engine's arithmetic
 * (eng_ats_of), with each location's pool. */
static json_t *ats_json(const struct oms_channel_view *c, const struct oms_ats_inputs *in)
{
  struct eng_ats r;
  long long *pools = oms_calloc(in->n_positions, sizeof *pools);
  eng_ats_of(c, in, pools, &r);
  json_t *locs = json_array();
  for (size_t i = 0; i < in->n_positions; i++)
    json_array_append_new(locs, json_pack("{s:s,s:I}", "location", in->positions[i].location,
                                          "pool", (json_int_t)pools[i]));
  free(pools);
  return json_pack("{s:s,s:I,s:I,s:I,s:I,s:o}", "sku", in->sku, "available_to_sell",
                   (json_int_t)r.available_to_sell, "on_hand_ats", (json_int_t)r.on_hand_ats,
                   "dropship_ats", (json_int_t)r.dropship_ats, "preorder_ats",
                   (json_int_t)r.preorder_ats, "locations", locs);
}

/* Evaluates every input row; returns an object sku -> result. */
static json_t *evaluate(const struct oms_channel_view *c, const struct oms_ats_inputs *rows,
                        size_t n)
{
  json_t *by_sku = json_object();
  for (size_t i = 0; i < n; i++)
    json_object_set_new(by_sku, rows[i].sku, ats_json(c, &rows[i]));
  return by_sku;
}

/* The distinct valid skus of ?sku= (at most MAX_SKUS); false with 400 set. */
static bool sku_args(struct http_request *r, json_t *uniq)
{
  json_t *skus = json_array(), *seen = json_object();
  bool ok = true;
  size_t i;
  json_t *s;
  http_query_all(r, "sku", skus);
  if (json_array_size(skus) == 0) {
    http_fail_field(r, OMS_ERR_VALIDATION, "sku", "give at least one ?sku=");
    ok = false;
  }
  json_array_foreach(skus, i, s)
  {
    char field[32];
    snprintf(field, sizeof field, "sku[%zu]", i);
    if (ok && !oms_code_valid(json_string_value(s))) {
      http_fail_field(r, OMS_ERR_VALIDATION, field, "must be a code");
      ok = false;
    }
    if (ok && !json_object_get(seen, json_string_value(s))) {
      json_object_set_new(seen, json_string_value(s), json_true());
      json_array_append(uniq, s);
    }
  }
  if (ok && json_array_size(uniq) > MAX_SKUS) {
    http_fail_field(r, OMS_ERR_VALIDATION, "sku", "at most 500 skus per call");
    ok = false;
  }
  json_decref(skus);
  json_decref(seen);
  return ok;
}

void http_get_channels_CODE_availability(struct http_request *r, struct repo_tx *tx)
{
  json_t *uniq = json_array(), *by_sku = NULL;
  struct oms_arena *a = oms_arena_new();
  struct oms_channel_view channel;
  struct oms_ats_inputs *rows;
  size_t n, i;
  json_t *s;
  if (!sku_args(r, uniq))
    goto cleanup;
  const char *code = http_param_code(r, 0, "channel");
  if (!code)
    goto cleanup;
  /* the channel and every sku's inputs in one round trip */
  int rc = repo_availability_inputs(tx, code, uniq, a, &channel, &rows, &n);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "channel", "does not exist");
    goto cleanup;
  }
  by_sku = evaluate(&channel, rows, n);
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
  json_decref(uniq);
  json_decref(by_sku);
  oms_arena_free(a);
}

void http_get_channels_CODE_availability_feed(struct http_request *r, struct repo_tx *tx)
{
  const char *since = http_query(r, "changed_since");
  const char *after = http_query(r, "after");
  const char *code = http_param_code(r, 0, "channel");
  json_t *channel_doc = NULL, *skus = NULL, *by_sku = NULL;
  struct oms_arena *a = oms_arena_new();
  struct oms_channel_view channel;
  struct oms_ats_inputs *rows = NULL;
  size_t n = 0;
  char *now = NULL;
  int limit;

  /* the cursor of this feed is a sku, not a number */
  if (after && !oms_code_valid(after)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "after", "is not a cursor from this feed");
    goto cleanup;
  }
  if (!http_limit_arg(r, &limit) || !code)
    goto cleanup;
  if (since && !oms_rfc3339_valid(since)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "changed_since", "must be an RFC 3339 time");
    goto cleanup;
  }
  int rc = repo_channel_get(tx, code, &channel_doc);
  if (rc <= 0 || rows_channel_view(channel_doc, a, &channel) != 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "channel", "does not exist");
    goto cleanup;
  }
  now = repo_now(tx);
  rc = repo_ats_changed(tx, code, since, after, limit + 1, &skus);
  if (rc < 0) {
    http_fail_db(r, rc);
    goto cleanup;
  }
  json_t *next = json_null();
  if (json_array_size(skus) > (size_t)limit) {
    json_array_remove(skus, (size_t)limit);
    next = json_incref(json_array_get(skus, (size_t)limit - 1));
  }
  rc = json_array_size(skus) ? repo_ats_inputs(tx, code, skus, a, &rows, &n) : 0;
  if (rc < 0) {
    json_decref(next);
    http_fail_db(r, rc);
    goto cleanup;
  }
  by_sku = evaluate(&channel, rows, n);
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
  json_decref(channel_doc);
  json_decref(skus);
  json_decref(by_sku);
  oms_arena_free(a);
}
