/* check_main.c: runs every unit suite of the engine and common code. */
#include <check.h>
#include <stdlib.h>
#include "oms/common.h"
#include "unit.h"

int main(void)
{
  oms_alloc_install();
  SRunner *sr = srunner_create(suite_errors());
  srunner_add_suite(sr, suite_util());
  srunner_add_suite(sr, suite_json_spec());
  srunner_add_suite(sr, suite_catalog());
  srunner_add_suite(sr, suite_routing());
  srunner_add_suite(sr, suite_ats());
  srunner_add_suite(sr, suite_rules());
  srunner_add_suite(sr, suite_lifecycle());
  srunner_add_suite(sr, suite_orders());
  srunner_add_suite(sr, suite_actions());
  srunner_add_suite(sr, suite_receipts());
  srunner_add_suite(sr, suite_x12());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
