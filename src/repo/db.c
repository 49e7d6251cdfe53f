/* db.c: the connection pool, prepared statements, transactions, SQLSTATE
 * classification and migrations. The only other files that speak SQL are
 * the repo_<aggregate>.c modules, through the helpers here. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include "oms/common.h"
#include "oms/log.h"
#include "oms/repo.h"

#define MAX_STMTS 512

struct conn {
  PGconn *pg;
  bool busy;
  bool pending; /* a ROLLBACK was sent and its result not yet read */
  unsigned char prepared[MAX_STMTS];
};

struct repo_db {
  char *url;
  unsigned n;
  struct conn *conns;
  unsigned in_use;
  pthread_mutex_t lock;
  pthread_cond_t freed;
};

struct repo_tx {
  struct repo_db *db;
  struct conn *c;
  int failed;
  char sqlstate[6];
  char tenant[37];
};

static pthread_mutex_t stmt_lock = PTHREAD_MUTEX_INITIALIZER;
static int stmt_count;

static void notice_quiet(void *arg, const char *msg)
{
  (void)arg;
  (void)msg;
}

static PGconn *connect_pg(const char *url)
{
  PGconn *pg = PQconnectdb(url);
  if (PQstatus(pg) != CONNECTION_OK) {
    LOG_ERROR("database connection failed: %s", PQerrorMessage(pg));
    PQfinish(pg);
    return NULL;
  }
  PQsetNoticeProcessor(pg, notice_quiet, NULL);
  /* Every statement of ours is a keyed lookup or write whose best plan does
   * not depend on the values: plan once per connection. (By default the
   * plan cache re-plans parameterised statements, including those inside
   * the PL/pgSQL functions, on every call: measured 0.9 ms -> 0.35 ms for
   * the capture inputs.) */
  PGresult *res = PQexec(pg, "SET plan_cache_mode = force_generic_plan");
  if (PQresultStatus(res) != PGRES_COMMAND_OK)
    LOG_WARN("SET plan_cache_mode failed: %s", PQerrorMessage(pg));
  PQclear(res);
  return pg;
}

struct repo_db *repo_db_open(const char *url, unsigned n)
{
  struct repo_db *db = oms_calloc(1, sizeof *db);
  db->url = oms_strdup(url);
  db->n = n;
  db->conns = oms_calloc(n, sizeof *db->conns);
  pthread_mutex_init(&db->lock, NULL);
  pthread_cond_init(&db->freed, NULL);
  /* one connection up front proves the URL; the rest open on demand */
  db->conns[0].pg = connect_pg(url);
  if (!db->conns[0].pg) {
    repo_db_close(db);
    return NULL;
  }
  return db;
}

void repo_db_close(struct repo_db *db)
{
  if (!db)
    return;
  for (unsigned i = 0; i < db->n; i++)
    if (db->conns[i].pg)
      PQfinish(db->conns[i].pg);
  pthread_mutex_destroy(&db->lock);
  pthread_cond_destroy(&db->freed);
  free(db->conns);
  free(db->url);
  free(db);
}

void repo_db_stats(struct repo_db *db, unsigned *size, unsigned *in_use)
{
  pthread_mutex_lock(&db->lock);
  *size = db->n;
  *in_use = db->in_use;
  pthread_mutex_unlock(&db->lock);
}

/* Takes a connection, waiting at most 10 s. */
static struct conn *acquire(struct repo_db *db)
{
  struct timespec until;
  struct conn *c = NULL;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  pthread_mutex_lock(&db->lock);
  for (;;) {
    for (unsigned i = 0; i < db->n; i++)
      if (!db->conns[i].busy) {
        c = &db->conns[i];
        break;
      }
    if (c || pthread_cond_timedwait(&db->freed, &db->lock, &until) != 0)
      break;
  }
  if (c) {
    c->busy = true;
    db->in_use++;
  }
  pthread_mutex_unlock(&db->lock);
  if (!c) {
    LOG_ERROR("no database connection free within 10 s");
    return NULL;
  }
  if (c->pg && c->pending) {
    /* the previous user's ROLLBACK: read its result before anything else */
    PGresult *res;
    while ((res = PQgetResult(c->pg)))
      PQclear(res);
    c->pending = false;
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
      PQfinish(c->pg);
      c->pg = NULL;
    }
  }
  if (c->pg && PQstatus(c->pg) != CONNECTION_OK) {
    PQfinish(c->pg);
    c->pg = NULL;
  }
  if (!c->pg) {
    c->pg = connect_pg(db->url);
    memset(c->prepared, 0, sizeof c->prepared);
  }
  if (!c->pg) {
    pthread_mutex_lock(&db->lock);
    c->busy = false;
    db->in_use--;
    pthread_cond_signal(&db->freed);
    pthread_mutex_unlock(&db->lock);
    return NULL;
  }
  return c;
}

static void release(struct repo_db *db, struct conn *c)
{
  pthread_mutex_lock(&db->lock);
  c->busy = false;
  db->in_use--;
  pthread_cond_signal(&db->freed);
  pthread_mutex_unlock(&db->lock);
}

/* Classifies a failed result: serialization failures and deadlocks are soft. */
static int classify(PGresult *res, char sqlstate[6])
{
  const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  snprintf(sqlstate, 6, "%s", st ? st : "");
  /* OMR01: a guarded reservation found the stock gone (oms_capture): re-plan */
  if (st && (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "OMR01") == 0))
    return REPO_SOFT;
  return REPO_HARD;
}

bool repo_db_ping(struct repo_db *db)
{
  struct conn *c = acquire(db);
  if (!c)
    return false;
  PGresult *res = PQexec(c->pg, "SELECT 1");
  bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
  PQclear(res);
  release(db, c);
  return ok;
}

static int stmt_id(struct repo_stmt *s)
{
  int id = __atomic_load_n(&s->id, __ATOMIC_ACQUIRE);
  if (id >= 0)
    return id;
  pthread_mutex_lock(&stmt_lock);
  if (s->id < 0) {
    if (stmt_count >= MAX_STMTS) {
      pthread_mutex_unlock(&stmt_lock);
      LOG_ERROR("too many prepared statements");
      abort();
    }
    __atomic_store_n(&s->id, stmt_count++, __ATOMIC_RELEASE);
  }
  id = s->id;
  pthread_mutex_unlock(&stmt_lock);
  return id;
}

/* Runs a prepared statement; returns the result or NULL (tx marked failed). */
static PGresult *run(struct repo_tx *tx, struct repo_stmt *s, int n, const char *const *params)
{
  int id = stmt_id(s);
  PGconn *pg = tx->c->pg;
  if (tx->failed)
    return NULL; /* the transaction is aborted already */
  if (!tx->c->prepared[id]) {
    PGresult *p = PQprepare(pg, s->name, s->sql, 0, NULL);
    if (PQresultStatus(p) != PGRES_COMMAND_OK) {
      LOG_ERROR("prepare %s failed: %s", s->name, PQerrorMessage(pg));
      tx->failed = classify(p, tx->sqlstate);
      PQclear(p);
      return NULL;
    }
    PQclear(p);
    tx->c->prepared[id] = 1;
  }
  PGresult *res = PQexecPrepared(pg, s->name, n, params, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    int f = classify(res, tx->sqlstate);
    if (f == REPO_SOFT)
      LOG_DEBUG("statement %s: %s", s->name, PQresultErrorMessage(res));
    else if (strncmp(tx->sqlstate, "23", 2) == 0)
      LOG_DEBUG("statement %s: constraint: %s", s->name, PQresultErrorMessage(res));
    else
      LOG_ERROR("statement %s failed: %s", s->name, PQresultErrorMessage(res));
    tx->failed = f;
    PQclear(res);
    return NULL;
  }
  return res;
}

int repo_json_one(struct repo_tx *tx, struct repo_stmt *stmt, int n, const char *const *params,
                  json_t **out)
{
  PGresult *res = run(tx, stmt, n, params);
  *out = NULL;
  if (!res)
    return tx->failed;
  int rows = PQntuples(res);
  if (rows > 0 && !PQgetisnull(res, 0, 0)) {
    json_error_t je;
    *out = json_loads(PQgetvalue(res, 0, 0), JSON_DECODE_ANY, &je);
    if (!*out) {
      LOG_ERROR("statement %s returned bad JSON: %s", stmt->name, je.text);
      PQclear(res);
      tx->failed = REPO_HARD;
      return REPO_HARD;
    }
  }
  PQclear(res);
  return rows;
}

int repo_json_all(struct repo_tx *tx, struct repo_stmt *stmt, int n, const char *const *params,
                  json_t **out, json_t **cursors)
{
  PGresult *res = run(tx, stmt, n, params);
  *out = NULL;
  if (cursors)
    *cursors = NULL;
  if (!res)
    return tx->failed;
  int rows = PQntuples(res);
  *out = json_array();
  if (cursors)
    *cursors = json_array();
  for (int i = 0; i < rows; i++) {
    json_t *v = json_loads(PQgetvalue(res, i, 0), JSON_DECODE_ANY, NULL);
    if (!v) {
      LOG_ERROR("statement %s returned bad JSON", stmt->name);
      json_decref(*out);
      *out = NULL;
      if (cursors) {
        json_decref(*cursors);
        *cursors = NULL;
      }
      PQclear(res);
      tx->failed = REPO_HARD;
      return REPO_HARD;
    }
    json_array_append_new(*out, v);
    if (cursors && PQnfields(res) > 1)
      json_array_append_new(*cursors, json_string(PQgetvalue(res, i, 1)));
  }
  PQclear(res);
  return rows;
}

int repo_exec(struct repo_tx *tx, struct repo_stmt *stmt, int n, const char *const *params,
              char **out_val)
{
  PGresult *res = run(tx, stmt, n, params);
  if (out_val)
    *out_val = NULL;
  if (!res)
    return tx->failed;
  int rows = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : atoi(PQcmdTuples(res));
  if (out_val && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
      !PQgetisnull(res, 0, 0))
    *out_val = oms_strdup(PQgetvalue(res, 0, 0));
  PQclear(res);
  return rows;
}

REPO_STMT(tx_scope, "SELECT set_config('oms.tenant_id', $1, true), set_config('oms.operator', $2, true)");

struct repo_tx *repo_tx_begin(struct repo_db *db, const char *tenant_id, bool operator_scope)
{
  struct conn *c = acquire(db);
  if (!c)
    return NULL;
  struct repo_tx *tx = oms_calloc(1, sizeof *tx);
  tx->db = db;
  tx->c = c;
  snprintf(tx->tenant, sizeof tx->tenant, "%s", tenant_id ? tenant_id : "");
  PGresult *res = PQexec(c->pg, "BEGIN");
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    LOG_ERROR("BEGIN failed: %s", PQerrorMessage(c->pg));
    PQclear(res);
    /* the connection may be gone: drop it so the next use reconnects */
    PQfinish(c->pg);
    c->pg = NULL;
    release(db, c);
    free(tx);
    return NULL;
  }
  PQclear(res);
  const char *p[2] = {tx->tenant, operator_scope ? "on" : ""};
  if (repo_exec(tx, &tx_scope, 2, p, NULL) < 0) {
    repo_tx_end(tx, false);
    return NULL;
  }
  return tx;
}

REPO_STMT(tx_begin, "BEGIN");
REPO_STMT(tx_begin_key, "SELECT tenant_id, id, role, key_hash FROM oms_begin_key($1)");

/* Prepares s on c unless it is already (outside any pipeline). */
static bool ensure_prepared(struct conn *c, struct repo_stmt *s)
{
  int id = stmt_id(s);
  if (c->prepared[id])
    return true;
  PGresult *p = PQprepare(c->pg, s->name, s->sql, 0, NULL);
  bool ok = PQresultStatus(p) == PGRES_COMMAND_OK;
  if (!ok)
    LOG_ERROR("prepare %s failed: %s", s->name, PQerrorMessage(c->pg));
  PQclear(p);
  c->prepared[id] = ok;
  return ok;
}

struct repo_tx *repo_tx_begin_key(struct repo_db *db, const char *key_hash, char *tenant_id,
                                  char *key_id, char *role, int *rc)
{
  struct conn *c = acquire(db);
  PGresult *res;
  const char *p[1] = {key_hash};
  bool begun = false, found = false, failed = false;
  *rc = REPO_HARD;
  if (!c)
    return NULL;
  PGconn *pg = c->pg;
  /* BEGIN and the key lookup travel together, prepared: one round trip */
  if (!ensure_prepared(c, &tx_begin) || !ensure_prepared(c, &tx_begin_key) ||
      !PQenterPipelineMode(pg) ||
      !PQsendQueryPrepared(pg, tx_begin.name, 0, NULL, NULL, NULL, 0) ||
      !PQsendQueryPrepared(pg, tx_begin_key.name, 1, p, NULL, NULL, 0) || !PQpipelineSync(pg)) {
    LOG_ERROR("pipelined BEGIN failed: %s", PQerrorMessage(pg));
    failed = true;
  }
  /* each query's results end with NULL; then comes the sync */
  for (int q = 0; !failed && q < 2; q++) {
    while ((res = PQgetResult(pg)) != NULL) {
      ExecStatusType st = PQresultStatus(res);
      if (q == 0 && st == PGRES_COMMAND_OK) {
        begun = true;
      } else if (q == 1 && st == PGRES_TUPLES_OK) {
        /* the index found it; the hashes are compared again in constant time */
        if (PQntuples(res) > 0 && PQgetlength(res, 0, 3) == 64 &&
            oms_ct_equal(PQgetvalue(res, 0, 3), key_hash, 64)) {
          snprintf(tenant_id, 37, "%s", PQgetvalue(res, 0, 0));
          snprintf(key_id, 37, "%s", PQgetvalue(res, 0, 1));
          snprintf(role, 16, "%s", PQgetvalue(res, 0, 2));
          found = true;
        }
      } else {
        LOG_ERROR("pipelined BEGIN: %s", PQresultErrorMessage(res));
        failed = true;
      }
      PQclear(res);
    }
  }
  /* up to the sync (skipping what an early failure left unread) */
  for (int guard = 0; guard < 16; guard++) {
    res = PQgetResult(pg);
    if (!res) {
      if (PQstatus(pg) != CONNECTION_OK)
        break;
      continue;
    }
    ExecStatusType st = PQresultStatus(res);
    PQclear(res);
    if (st == PGRES_PIPELINE_SYNC)
      break;
  }
  if (!PQexitPipelineMode(pg)) {
    LOG_ERROR("leaving pipeline mode failed: %s", PQerrorMessage(pg));
    PQfinish(pg);
    c->pg = NULL;
    release(db, c);
    return NULL;
  }
  struct repo_tx *tx = oms_calloc(1, sizeof *tx);
  tx->db = db;
  tx->c = c;
  if (failed || !begun || !found) {
    *rc = (failed || !begun) ? REPO_HARD : 0;
    if (begun || PQtransactionStatus(pg) != PQTRANS_IDLE)
      repo_tx_end(tx, false);
    else {
      release(db, c);
      free(tx);
    }
    return NULL;
  }
  snprintf(tx->tenant, sizeof tx->tenant, "%s", tenant_id);
  *rc = 1;
  return tx;
}

int repo_tx_end(struct repo_tx *tx, bool commit)
{
  int rc = 0;
  PGconn *pg = tx->c->pg;
  if (!commit || tx->failed) {
    /* Nothing to keep: the ROLLBACK need not be waited for. It is sent now
     * and its result read by the next user of the connection (acquire), so
     * read-only requests and errors answer one round trip sooner. */
    rc = commit ? tx->failed : 0;
    if (PQstatus(pg) == CONNECTION_OK && PQsendQuery(pg, "ROLLBACK")) {
      tx->c->pending = true;
    } else {
      PQfinish(pg);
      tx->c->pg = NULL;
    }
    release(tx->db, tx->c);
    free(tx);
    return rc;
  }
  PGresult *res = PQexec(pg, "COMMIT");
  if (PQresultStatus(res) != PGRES_COMMAND_OK) {
    rc = classify(res, tx->sqlstate);
    if (rc == REPO_HARD)
      LOG_ERROR("COMMIT failed: %s", PQerrorMessage(pg));
  }
  PQclear(res);
  if (PQstatus(pg) != CONNECTION_OK || PQtransactionStatus(pg) != PQTRANS_IDLE) {
    PQfinish(pg);
    tx->c->pg = NULL;
  }
  release(tx->db, tx->c);
  free(tx);
  return rc;
}

int repo_tx_failed(const struct repo_tx *tx)
{
  return tx->failed;
}

const char *repo_tx_sqlstate(const struct repo_tx *tx)
{
  return tx->sqlstate;
}

const char *repo_tx_tenant(const struct repo_tx *tx)
{
  return tx->tenant;
}

/* ---- migrations ---- */

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = oms_malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return NULL;
  }
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static bool exec_ok(PGconn *pg, const char *sql)
{
  PGresult *res = PQexec(pg, sql);
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
  if (!ok)
    LOG_ERROR("migration SQL failed: %s", PQerrorMessage(pg));
  PQclear(res);
  return ok;
}

int repo_migrate(const char *url, const char *dir)
{
  int rc = -1;
  char **names = NULL;
  size_t n = 0;
  PGconn *pg = connect_pg(url);
  DIR *d = NULL;
  if (!pg)
    return -1;
  /* one migrator at a time, across every daemon starting together */
  if (!exec_ok(pg, "SELECT pg_advisory_lock(7270001)") ||
      !exec_ok(pg, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"))
    goto cleanup;
  d = opendir(dir);
  if (!d) {
    LOG_ERROR("cannot open migrations folder %s", dir);
    goto cleanup;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0) {
      names = oms_realloc(names, (n + 1) * sizeof *names);
      names[n++] = oms_strdup(e->d_name);
    }
  }
  qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    const char *p[1] = {names[i]};
    PGresult *res = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
                                 NULL, p, NULL, NULL, 0);
    bool done = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;
    bool failed = PQresultStatus(res) != PGRES_TUPLES_OK;
    PQclear(res);
    if (failed)
      goto cleanup;
    if (done)
      continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    char *sql = slurp(path);
    if (!sql) {
      LOG_ERROR("cannot read %s", path);
      goto cleanup;
    }
    bool ok = exec_ok(pg, "BEGIN") && exec_ok(pg, sql);
    free(sql);
    if (ok) {
      res = PQexecParams(pg, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, NULL, p,
                         NULL, NULL, 0);
      ok = PQresultStatus(res) == PGRES_COMMAND_OK;
      PQclear(res);
    }
    if (!ok || !exec_ok(pg, "COMMIT")) {
      LOG_ERROR("migration %s failed; rolled back", names[i]);
      exec_ok(pg, "ROLLBACK");
      goto cleanup;
    }
    LOG_INFO("applied migration %s", names[i]);
  }
  rc = 0;
cleanup:
  if (d)
    closedir(d);
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  PQfinish(pg);
  return rc;
}

char *repo_text_array(json_t *arr)
{
  size_t i, n = 3;
  json_t *v;
  json_array_foreach(arr, i, v) n += json_string_length(v) + 1;
  char *s = oms_malloc(n), *o = s;
  *o++ = '{';
  json_array_foreach(arr, i, v)
  {
    if (i)
      *o++ = ',';
    memcpy(o, json_string_value(v), json_string_length(v));
    o += json_string_length(v);
  }
  *o++ = '}';
  *o = '\0';
  return s;
}
