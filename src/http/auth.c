/* auth.c: bearer credentials. The operator token is compared in constant
 * time (through SHA-256 of both sides, so lengths leak nothing); tenant keys
 * are looked up by their SHA-256 and the stored hash compared again in
 * constant time. Roles decide what a key may call. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "oms/common.h"
#include "oms/http.h"
#include "oms/repo.h"

static unsigned role_bit(enum http_role role)
{
  switch (role) {
  case ROLE_OPERATOR:
    return HA_OPERATOR;
  case ROLE_ADMIN:
    return HA_ADMIN;
  case ROLE_OPS:
    return HA_OPS;
  case ROLE_STOREFRONT:
    return HA_STOREFRONT;
  default:
    return 0;
  }
}

static enum http_role role_from(const char *s)
{
  if (strcmp(s, "admin") == 0)
    return ROLE_ADMIN;
  if (strcmp(s, "ops") == 0)
    return ROLE_OPS;
  if (strcmp(s, "storefront") == 0)
    return ROLE_STOREFRONT;
  return ROLE_NONE;
}

bool http_authenticate(struct http_request *r, const char *admin_token)
{
  unsigned access = r->route->access;
  const char *h = http_header(r, "Authorization");
  const char *token = NULL;

  if (access & HA_PUBLIC)
    return true;
  if (h && strncasecmp(h, "Bearer ", 7) == 0) {
    token = h + 7;
    while (*token == ' ')
      token++;
  }
  if (!token || !*token) {
    http_fail(r, OMS_ERR_UNAUTHORIZED, "Send Authorization: Bearer <key>", NULL);
    return false;
  }
  char th[65];
  oms_sha256_hex(token, strlen(token), th);

  if (access & HA_OPERATOR) {
    /* operator routes take the operator token and nothing else */
    char ah[65];
    if (!admin_token || !*admin_token) {
      http_fail(r, OMS_ERR_UNAUTHORIZED, "The operator API is disabled (OMS_ADMIN_TOKEN unset)", NULL);
      return false;
    }
    oms_sha256_hex(admin_token, strlen(admin_token), ah);
    if (!oms_ct_equal(ah, th, 64)) {
      http_fail(r, OMS_ERR_UNAUTHORIZED, "The operator token is not valid", NULL);
      return false;
    }
    r->role = ROLE_OPERATOR;
    return true;
  }

  /* The request's transaction finds the key, its tenant and its role
   * (repo_tx_begin_key in dispatch.c); key routes therefore always run in
   * a transaction (router.c gives RF_NO_TX only to public routes). */
  memcpy(r->key_hash, th, sizeof r->key_hash);
  return true;
}

bool http_authorize(struct http_request *r, const char *role)
{
  r->role = role_from(role);
  if (!(role_bit(r->role) & r->route->access)) {
    char detail[128];
    snprintf(detail, sizeof detail, "A %s key may not call %s %s", role, r->route->method,
             r->route->pattern);
    http_fail(r, OMS_ERR_FORBIDDEN, detail, NULL);
    return false;
  }
  return true;
}
