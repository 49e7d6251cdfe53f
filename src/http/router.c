/* router.c: the static route table and its matcher. Patterns are matched
 * segment by segment; "{x}" takes one segment as a path parameter. */
#include <stdio.h>
#include <string.h>
#include "oms/http.h"

static const struct http_route routes[] = {
    {"GET", "/health", HA_PUBLIC, RF_NO_TX, http_get_health},
    {"GET", "/ready", HA_PUBLIC, RF_NO_TX, http_get_ready},
    {"GET", "/metrics", HA_PUBLIC, RF_NO_TX, http_get_metrics},

    {"POST", "/v1/tenants", HA_OPERATOR, 0, http_post_tenants},
    {"GET", "/v1/tenants", HA_OPERATOR, 0, http_get_tenants},
    {"GET", "/v1/tenants/{id}", HA_OPERATOR, 0, http_get_tenants_ID},

    {"POST", "/v1/api-keys", HA_ADMIN, 0, http_post_api_keys},
    {"GET", "/v1/api-keys", HA_ADMIN, 0, http_get_api_keys},
    {"GET", "/v1/api-keys/{id}", HA_ADMIN, 0, http_get_api_keys_ID},
    {"DELETE", "/v1/api-keys/{id}", HA_ADMIN, 0, http_delete_api_keys_ID},

    {"PUT", "/v1/items/{sku}", HA_STAFF, 0, http_put_items_SKU},
    {"GET", "/v1/items/{sku}", HA_STAFF, 0, http_get_items_SKU},
    {"GET", "/v1/items", HA_STAFF, 0, http_get_items},

    {"PUT", "/v1/locations/{code}", HA_STAFF, 0, http_put_locations_CODE},
    {"GET", "/v1/locations/{code}", HA_STAFF, 0, http_get_locations_CODE},
    {"GET", "/v1/locations", HA_STAFF, 0, http_get_locations},

    {"PUT", "/v1/suppliers/{code}", HA_STAFF, 0, http_put_suppliers_CODE},
    {"GET", "/v1/suppliers/{code}", HA_STAFF, 0, http_get_suppliers_CODE},
    {"GET", "/v1/suppliers", HA_STAFF, 0, http_get_suppliers},
    {"PUT", "/v1/suppliers/{code}/items/{sku}", HA_STAFF, 0, http_put_suppliers_CODE_items_SKU},
    {"GET", "/v1/suppliers/{code}/items/{sku}", HA_STAFF, 0, http_get_suppliers_CODE_items_SKU},
    {"GET", "/v1/suppliers/{code}/items", HA_STAFF, 0, http_get_suppliers_CODE_items},

    {"PUT", "/v1/channels/{code}", HA_STAFF, 0, http_put_channels_CODE},
    {"GET", "/v1/channels/{code}", HA_STAFF, 0, http_get_channels_CODE},
    {"GET", "/v1/channels", HA_STAFF, 0, http_get_channels},
    {"PUT", "/v1/channels/{code}/ringfence/{sku}", HA_STAFF, 0, http_put_channels_CODE_ringfence_SKU},
    {"GET", "/v1/channels/{code}/ringfence/{sku}", HA_STAFF, 0, http_get_channels_CODE_ringfence_SKU},
    {"GET", "/v1/channels/{code}/ringfence", HA_STAFF, 0, http_get_channels_CODE_ringfence},
    {"GET", "/v1/channels/{code}/availability", HA_ANY_KEY, 0, http_get_channels_CODE_availability},
    {"GET", "/v1/channels/{code}/availability/feed", HA_ANY_KEY, 0, http_get_channels_CODE_availability_feed},

    {"POST", "/v1/inventory/adjustments", HA_STAFF, 0, http_post_inventory_adjustments},
    {"GET", "/v1/inventory/{sku}", HA_STAFF, 0, http_get_inventory_SKU},
    {"GET", "/v1/inventory/{sku}/ledger", HA_STAFF, 0, http_get_inventory_SKU_ledger},

    {"GET", "/v1/exceptions", HA_STAFF, 0, http_get_exceptions},
    {"GET", "/v1/exceptions/{id}", HA_STAFF, 0, http_get_exceptions_ID},
    {"POST", "/v1/exceptions/{id}/resolve", HA_STAFF, 0, http_post_exceptions_ID_resolve},

    {"POST", "/v1/orders", HA_ANY_KEY, 0, http_post_orders},
    {"GET", "/v1/orders", HA_ANY_KEY, 0, http_get_orders},
    {"GET", "/v1/orders/{id}", HA_ANY_KEY, 0, http_get_orders_ID},
    {"GET", "/v1/orders/{id}/events", HA_ANY_KEY, 0, http_get_orders_ID_events},
    {"POST", "/v1/orders/{id}/hold", HA_STAFF, 0, http_post_orders_ID_hold},
    {"POST", "/v1/orders/{id}/release", HA_STAFF, 0, http_post_orders_ID_release},
    {"POST", "/v1/orders/{id}/cancel", HA_STAFF, 0, http_post_orders_ID_cancel},
    {"POST", "/v1/orders/{id}/reroute", HA_STAFF, 0, http_post_orders_ID_reroute},
    {"GET", "/v1/track/{token}", HA_PUBLIC, RF_NO_TX, http_get_track_TOKEN},

    {"GET", "/v1/fulfillments", HA_STAFF, 0, http_get_fulfillments},
    {"GET", "/v1/fulfillments/{id}", HA_STAFF, 0, http_get_fulfillments_ID},
    {"POST", "/v1/fulfillments/{id}/accept", HA_STAFF, 0, http_post_fulfillments_ID_accept},
    {"POST", "/v1/fulfillments/{id}/reject", HA_STAFF, 0, http_post_fulfillments_ID_reject},
    {"POST", "/v1/fulfillments/{id}/ship", HA_STAFF, 0, http_post_fulfillments_ID_ship},
    {"POST", "/v1/fulfillments/{id}/ready_for_pickup", HA_STAFF, 0, http_post_fulfillments_ID_ready_for_pickup},
    {"POST", "/v1/fulfillments/{id}/picked_up", HA_STAFF, 0, http_post_fulfillments_ID_picked_up},
    {"POST", "/v1/fulfillments/{id}/delivered", HA_STAFF, 0, http_post_fulfillments_ID_delivered},

    {"PUT", "/v1/settings/edi", HA_STAFF, 0, http_put_settings_edi},
    {"GET", "/v1/settings/edi", HA_STAFF, 0, http_get_settings_edi},
    {"POST", "/v1/suppliers/{code}/edi", HA_STAFF, RF_RAW_BODY, http_post_suppliers_CODE_edi},

    {"POST", "/v1/inbound", HA_STAFF, 0, http_post_inbound},
    {"GET", "/v1/inbound", HA_STAFF, 0, http_get_inbound},
    {"GET", "/v1/inbound/{id}", HA_STAFF, 0, http_get_inbound_ID},
    {"POST", "/v1/inbound/{id}/receive", HA_STAFF, 0, http_post_inbound_ID_receive},
    {"GET", "/v1/preorders", HA_STAFF, 0, http_get_preorders},

    {"GET", "/v1/purchase-orders", HA_STAFF, 0, http_get_purchase_orders},
    {"GET", "/v1/purchase-orders/{id}", HA_STAFF, 0, http_get_purchase_orders_ID},
    {"GET", "/v1/purchase-orders/{id}/edi", HA_STAFF, 0, http_get_purchase_orders_ID_edi},
    {"POST", "/v1/purchase-orders/{id}/acknowledge", HA_STAFF, 0, http_post_purchase_orders_ID_acknowledge},
    {"POST", "/v1/purchase-orders/{id}/ship", HA_STAFF, 0, http_post_purchase_orders_ID_ship},

    {"PUT", "/v1/routing-rules", HA_STAFF, 0, http_put_routing_rules},
    {"GET", "/v1/routing-rules", HA_STAFF, 0, http_get_routing_rules},
    {"POST", "/v1/routing/simulate", HA_STAFF, 0, http_post_routing_simulate},
    {"PUT", "/v1/order-rules", HA_STAFF, 0, http_put_order_rules},
    {"GET", "/v1/order-rules", HA_STAFF, 0, http_get_order_rules},
};

const struct http_route *http_routes(size_t *n)
{
  *n = sizeof routes / sizeof routes[0];
  return routes;
}

/* Matches path against pattern; fills params (pointers into path, which is
 * modified: '/' after each parameter becomes NUL). Returns the count or -1. */
static int match(const char *pattern, char *path, const char **params)
{
  const char *p = pattern;
  char *s = path;
  int n = 0;
  while (*p && *s) {
    if (*p == '{') {
      const char *pe = strchr(p, '}');
      char *se = strchr(s, '/');
      size_t len = se ? (size_t)(se - s) : strlen(s);
      if (len == 0 || n >= HTTP_MAX_PARAMS)
        return -1;
      params[n++] = s;
      p = pe + 1;
      s += len;
      if (*p == '/' && *s == '/') {
        *s = '\0'; /* terminate the parameter, continue after the slash */
        p++;
        s++;
        continue;
      }
      if (*p == '\0' && *s == '\0')
        return n;
      return -1;
    }
    if (*p != *s)
      return -1;
    p++;
    s++;
  }
  return (*p == '\0' && *s == '\0') ? n : -1;
}

int http_route_match(struct http_request *r)
{
  size_t len = strlen(r->path);
  char scratch[2048];
  bool path_found = false;
  /* a trailing slash is tolerated */
  if (len > 1 && r->path[len - 1] == '/')
    r->path[--len] = '\0';
  if (len >= sizeof scratch)
    return 404;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    const char *params[HTTP_MAX_PARAMS];
    memcpy(scratch, r->path, len + 1);
    int n = match(routes[i].pattern, scratch, params);
    if (n < 0)
      continue;
    path_found = true;
    /* HEAD is answered as GET (libmicrohttpd sends no body) */
    bool head = strcmp(r->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0;
    if (strcmp(routes[i].method, r->method) != 0 && !head) {
      size_t used = strlen(r->allow);
      if (!strstr(r->allow, routes[i].method) && used + strlen(routes[i].method) + 3 < sizeof r->allow)
        snprintf(r->allow + used, sizeof r->allow - used, "%s%s", used ? ", " : "", routes[i].method);
      continue;
    }
    /* re-run on the owned path so params stay valid for the request */
    n = match(routes[i].pattern, r->path, params);
    r->route = &routes[i];
    r->nparams = (unsigned)n;
    for (int k = 0; k < n; k++)
      r->params[k] = params[k];
    return 0;
  }
  return path_found ? 405 : 404;
}
