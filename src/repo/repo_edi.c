/* repo_edi.c: drop-ship EDI: the tenant's interchange identity, what an 850
 * is written from, what an interchange from a supplier is checked against,
 * the interchanges received (a repeated ISA13 is answered, not applied),
 * supplier stock from an 846 in one statement, and outbound control numbers
 * (rising per tenant and supplier, shared with purchase orders). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/repo.h"
#include "oms/rows.h"

REPO_STMT(edi_get, "SELECT oms_tenant_edi_json(e) FROM tenant_edi e WHERE tenant_id = $1::uuid");

int repo_edi_settings_get(struct repo_tx *tx, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx)};
  return repo_json_one(tx, &edi_get, 1, p, out);
}

REPO_STMT(edi_put,
          "INSERT INTO tenant_edi AS t (tenant_id, isa_qualifier, isa_id, gs_id)"
          " SELECT $1::uuid, d->>'isa_qualifier', d->>'isa_id', d->>'gs_id'"
          " FROM (SELECT $2::jsonb AS d) s"
          " WHERE $3::int IS NULL OR EXISTS (SELECT 1 FROM tenant_edi WHERE tenant_id = $1::uuid)"
          " ON CONFLICT (tenant_id) DO UPDATE SET isa_qualifier = EXCLUDED.isa_qualifier,"
          "  isa_id = EXCLUDED.isa_id, gs_id = EXCLUDED.gs_id, version = t.version + 1,"
          "  updated_at = now() WHERE $3::int IS NULL OR t.version = $3::int"
          " RETURNING json_build_object('created', t.xmax = 0, 'object', oms_tenant_edi_json(t))");

int repo_edi_settings_put(struct repo_tx *tx, json_t *doc, long long if_match, json_t **out,
                          bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  if (if_match >= 0)
    snprintf(vb, sizeof vb, "%lld", if_match);
  const char *p[] = {repo_tx_tenant(tx), d, if_match >= 0 ? vb : NULL};
  json_t *row = NULL;
  int rc = repo_json_one(tx, &edi_put, 3, p, &row);
  free(d);
  *out = NULL;
  if (rc > 0 && row) {
    *created = json_is_true(json_object_get(row, "created"));
    *out = json_incref(json_object_get(row, "object"));
  }
  json_decref(row);
  return rc;
}

REPO_STMT(po_edi, "SELECT oms_po_edi($1::uuid)");

int repo_po_edi(struct repo_tx *tx, const char *po_id, json_t **out)
{
  const char *p[] = {po_id};
  *out = NULL;
  if (!oms_uuid_valid(po_id))
    return 0;
  int rc = repo_json_one(tx, &po_edi, 1, p, out);
  if (rc > 0 && (!*out || json_is_null(*out))) {
    json_decref(*out);
    *out = NULL;
    rc = 0;
  }
  return rc;
}

REPO_STMT(edi_inputs, "SELECT oms_edi_inputs($1, $2::bigint,"
                      " ARRAY(SELECT jsonb_array_elements_text($3::jsonb)))");

int repo_edi_inputs(struct repo_tx *tx, const char *supplier, unsigned long control,
                    json_t *po_numbers, struct oms_arena *a, struct oms_edi_partner *out,
                    json_t **seen)
{
  char c[24];
  /* PO numbers are the partner's text: passed as a JSON array, not a
   * text[] literal (repo_text_array is for codes only) */
  char *nums = json_dumps(po_numbers, JSON_COMPACT);
  snprintf(c, sizeof c, "%lu", control);
  const char *p[] = {supplier, c, nums};
  json_t *doc = NULL;
  *seen = NULL;
  int rc = repo_json_one(tx, &edi_inputs, 3, p, &doc);
  free(nums);
  if (rc > 0 && rows_edi_partner(doc, supplier, a, out) != 0)
    rc = REPO_HARD;
  if (rc > 0 && json_is_object(json_object_get(doc, "seen")))
    *seen = json_incref(json_object_get(doc, "seen"));
  json_decref(doc);
  return rc;
}

REPO_STMT(edi_record, "INSERT INTO edi_interchanges (tenant_id, supplier, control_number, reply)"
                      " VALUES ($1::uuid, $2, $3::bigint, $4::jsonb)");

int repo_edi_record(struct repo_tx *tx, const char *supplier, unsigned long control, json_t *reply)
{
  char c[24];
  char *text = json_dumps(reply, JSON_COMPACT);
  snprintf(c, sizeof c, "%lu", control);
  const char *p[] = {repo_tx_tenant(tx), supplier, c, text};
  int rc = repo_exec(tx, &edi_record, 4, p, NULL);
  free(text);
  return rc;
}

REPO_STMT(supplier_availability, "SELECT to_json(oms_supplier_availability($1, $2::jsonb))");

int repo_supplier_availability(struct repo_tx *tx, const char *supplier, json_t *items,
                               json_t **missing)
{
  char *text = json_dumps(items, JSON_COMPACT);
  const char *p[] = {supplier, text};
  int rc = repo_json_one(tx, &supplier_availability, 2, p, missing);
  free(text);
  return rc;
}

REPO_STMT(next_control, "UPDATE suppliers SET edi_control = edi_control + 1"
                        " WHERE tenant_id = $1::uuid AND code = $2 RETURNING edi_control");

int repo_next_control(struct repo_tx *tx, const char *supplier, unsigned long *control)
{
  const char *p[] = {repo_tx_tenant(tx), supplier};
  char *v = NULL;
  int rc = repo_exec(tx, &next_control, 2, p, &v);
  *control = v ? strtoul(v, NULL, 10) : 0;
  free(v);
  return rc;
}
