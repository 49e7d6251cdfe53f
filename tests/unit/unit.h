/* unit.h: the unit suites, one per module. */
#ifndef OMS_TEST_UNIT_H
#define OMS_TEST_UNIT_H
#include <check.h>

Suite *suite_errors(void);    /* check_errors.c: catalogue vs docs/errors.md */
Suite *suite_util(void);      /* check_util.c: codes, dates, uuids, base64url, sha256, keys */
Suite *suite_json_spec(void); /* check_json_spec.c: the body validator */
Suite *suite_catalog(void);   /* check_catalog.c: item/location/supplier/channel rules */
Suite *suite_ats(void);       /* check_ats.c: available-to-sell and adjustments */

#endif
