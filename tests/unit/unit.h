/* unit.h: the unit suites, one per module. */
#ifndef OMS_TEST_UNIT_H
#define OMS_TEST_UNIT_H
#include <check.h>

Suite *suite_errors(void);    /* check_errors.c: catalogue vs docs/errors.md */
Suite *suite_util(void);      /* check_util.c: codes, dates, uuids, base64url, sha256, keys */
Suite *suite_json_spec(void); /* check_json_spec.c: the body validator */
Suite *suite_catalog(void);   /* check_catalog.c: item/location/supplier/channel rules */
Suite *suite_routing(void);   /* check_routing.c: routing rules and the routing engine */
Suite *suite_ats(void);       /* check_ats.c: available-to-sell and adjustments */
Suite *suite_rules(void);     /* check_rules.c: order rules (hold/release) */
Suite *suite_lifecycle(void); /* check_lifecycle.c: line and order statuses */
Suite *suite_orders(void);    /* check_orders.c: order validation and capture */
Suite *suite_actions(void);   /* check_actions.c: staff actions and fulfillment steps */
Suite *suite_receipts(void);  /* check_receipts.c: inbound receipts allocating pre-orders */
Suite *suite_x12(void);       /* check_x12.c: the X12 codec (850/997 out, 855/856/846 in) */

/* unit_json.c: shared JSON helpers (test JSON may use single quotes) */
#include <jansson.h>
json_t *ut_jq(const char *text);                          /* parses; fails the test if it cannot */
json_t *ut_at(json_t *j, const char *path);                /* the value at "lines.0.status" */
const char *ut_err_at(json_t *errors, const char *field);  /* the message at field, or NULL */
void ut_assert_err(json_t *errors, const char *field, const char *msg);

/* unit_model.c: the engine through the repository's JSON readers and
 * writers (fixtures and expectations are the database functions' JSON) */
#include "oms/engine.h"
json_t *ut_ats_eval(json_t *channel, json_t *inputs);
json_t *ut_rules_eval(json_t *rules, json_t *order, json_t *prices, const char **released_by);
enum eng_capture_result ut_capture(json_t *order, json_t *inputs,
                                   const struct eng_capture_ctx *ctx, json_t **payload,
                                   json_t **errors);
json_t *ut_simulate(json_t *order, json_t *inputs, json_t **errors);
enum oms_err ut_act_hold(struct eng_act *a, json_t *order, const char *reason, json_t **change);
enum oms_err ut_act_release(struct eng_act *a, json_t *order, json_t **change);
enum oms_err ut_act_cancel(struct eng_act *a, json_t *order, json_t *lines, const char *reason,
                           json_t **change);
enum oms_err ut_act_reroute(struct eng_act *a, json_t *order, json_t *inputs, json_t **change);
enum oms_err ut_act_fulfillment(struct eng_act *a, json_t *order, const char *fid,
                                enum eng_fstep step, json_t *body, json_t *inputs,
                                json_t **change);
enum oms_err ut_act_po_ack(struct eng_act *a, json_t *order, const char *fid, json_t *lines,
                           json_t *inputs, json_t **change);
enum oms_err ut_act_shortfall(struct eng_act *a, json_t *order, const char *fid, const char *sku,
                              long long units, json_t *inputs, json_t **change);

#endif
