/* placeholder */
#include "unit.h"
Suite *suite_util(void) { return suite_create("util"); }
Suite *suite_json_spec(void) { return suite_create("json_spec"); }
Suite *suite_catalog(void) { return suite_create("catalog"); }
