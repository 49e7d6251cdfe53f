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
Suite *suite_x12(void);       /* check_x12.c: the X12 codec (850/997 out, 855/856/846 in) */

/* unit_json.c: shared JSON helpers (test JSON may use single quotes) */
#include <jansson.h>
json_t *ut_jq(const char *text);                          /* parses; fails the test if it cannot */
json_t *ut_at(json_t *j, const char *path);                /* the value at "lines.0.status" */
const char *ut_err_at(json_t *errors, const char *field);  /* the message at field, or NULL */
void ut_assert_err(json_t *errors, const char *field, const char *msg);

#endif
