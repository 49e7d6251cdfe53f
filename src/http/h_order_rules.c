/* h_order_rules.c: /v1/order-rules, the business rules checked as each
 * order arrives (hold for review, or release). */
#include "oms/engine.h"
#include "oms/http.h"

void http_put_order_rules(struct http_request *r, struct repo_tx *tx)
{
  http_put_rules(r, tx, "order", eng_order_rules_parse);
}

void http_get_order_rules(struct http_request *r, struct repo_tx *tx)
{
  http_get_rules(r, tx, "order");
}
