/* it_main.c: check_http, the HTTP integration suite. Starts one omsd against
 * OMS_TEST_DATABASE_URL (OMS_BIN names the binary), runs every suite in this
 * process (CK_NOFORK: the server and the database connection are shared),
 * then stops omsd with SIGTERM and requires it to exit 0 (a clean drain;
 * under ASan/LSan a leak in omsd also makes it exit non-zero). Exits
 * non-zero when any test failed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <curl/curl.h>
#include "it.h"

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  it_env("OMS_BIN");
  it_env("OMS_TEST_DATABASE_URL");
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    fprintf(stderr, "check_http: curl_global_init failed\n");
    return EXIT_FAILURE;
  }
  if (it_server_start(&it_srv) != 0) {
    curl_global_cleanup();
    return EXIT_FAILURE;
  }

  SRunner *sr = srunner_create(it_suite_ops());
  srunner_add_suite(sr, it_suite_tenants());
  srunner_add_suite(sr, it_suite_keys());
  srunner_add_suite(sr, it_suite_items());
  srunner_add_suite(sr, it_suite_locations());
  srunner_add_suite(sr, it_suite_suppliers());
  srunner_add_suite(sr, it_suite_channels());
  srunner_add_suite(sr, it_suite_conventions());
  srunner_add_suite(sr, it_suite_isolation());
  srunner_add_suite(sr, it_suite_orders());
  srunner_add_suite(sr, it_suite_order_rules());
  srunner_add_suite(sr, it_suite_inventory());
  srunner_add_suite(sr, it_suite_availability());
  srunner_add_suite(sr, it_suite_routing());
  srunner_add_suite(sr, it_suite_races());
  srunner_add_suite(sr, it_suite_fulfillment());
  srunner_add_suite(sr, it_suite_rules());
  srunner_add_suite(sr, it_suite_inbound());
  srunner_add_suite(sr, it_suite_edi());
  srunner_add_suite(sr, it_suite_shutdown()); /* last: stops it_srv */
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);

  /* when the shutdown suite did not run (CK_RUN_SUITE) or failed early */
  if (it_srv.pid > 0) {
    int rc = it_server_stop(&it_srv, 35000);
    if (rc != 0) {
      fprintf(stderr, "check_http: omsd exited with status %d after SIGTERM (expected 0)\n", rc);
      failed++;
    }
  }
  it_sql_close();
  curl_global_cleanup();
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
