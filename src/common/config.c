/* config.c: settings from a key = value file, then the environment. */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/config.h"
#include "oms/log.h"

static char *trim(char *s)
{
  while (isspace((unsigned char)*s))
    s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1]))
    *--e = '\0';
  return s;
}

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
  char *end;
  errno = 0;
  unsigned long n = strtoul(v, &end, 10);
  if (errno || end == v || *end || n < lo || n > hi)
    return -1;
  *out = (unsigned)n;
  return 0;
}

static void set_str(char **dst, const char *v)
{
  free(*dst);
  *dst = (v && *v) ? oms_strdup(v) : NULL;
}

/* Applies one setting; key names are the file's (lower case). */
static int apply(struct oms_config *cfg, const char *key, const char *val, char *err,
                 size_t errlen)
{
  if (strcmp(key, "port") == 0) {
    if (parse_uint(val, 1, 65535, &cfg->port) == 0)
      return 0;
  } else if (strcmp(key, "database_url") == 0) {
    set_str(&cfg->database_url, val);
    return 0;
  } else if (strcmp(key, "admin_token") == 0) {
    set_str(&cfg->admin_token, val);
    return 0;
  } else if (strcmp(key, "db_pool") == 0) {
    if (parse_uint(val, 1, 1000, &cfg->db_pool) == 0)
      return 0;
  } else if (strcmp(key, "threads") == 0) {
    if (parse_uint(val, 1, 1024, &cfg->threads) == 0)
      return 0;
  } else if (strcmp(key, "log_level") == 0) {
    int l = oms_log_level_parse(val);
    if (l >= 0) {
      cfg->log_level = l;
      return 0;
    }
  } else if (strcmp(key, "migrations_dir") == 0) {
    set_str(&cfg->migrations_dir, val);
    return 0;
  } else {
    snprintf(err, errlen, "unknown setting '%s'", key);
    return -1;
  }
  snprintf(err, errlen, "bad value for %s", key);
  return -1;
}

static int load_file(struct oms_config *cfg, const char *path, bool must, char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  char line[1024];
  int lineno = 0;
  if (!f) {
    if (!must)
      return 0;
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *s = trim(line);
    if (*s == '#' || *s == '\0')
      continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
      fclose(f);
      return -1;
    }
    *eq = '\0';
    char *key = trim(s), *val = trim(eq + 1);
    char sub[256];
    if (apply(cfg, key, val, sub, sizeof sub) != 0) {
      snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
      fclose(f);
      return -1;
    }
  }
  fclose(f);
  return 0;
}

static const struct {
  const char *env, *key;
} env_map[] = {
    {"OMS_PORT", "port"},           {"DATABASE_URL", "database_url"},
    {"OMS_ADMIN_TOKEN", "admin_token"}, {"OMS_DB_POOL", "db_pool"},
    {"OMS_THREADS", "threads"},     {"OMS_LOG_LEVEL", "log_level"},
    {"OMS_MIGRATIONS_DIR", "migrations_dir"},
};

int oms_config_load(struct oms_config *cfg, const char *path, char *err, size_t errlen)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->port = 8080;
  cfg->threads = 4;
  cfg->log_level = OMS_LOG_INFO;
  cfg->migrations_dir = oms_strdup("migrations");
  bool must = path != NULL;
  if (!path)
    path = getenv("OMS_CONFIG");
  if (path)
    must = true;
  else
    path = "config/omsd.conf";
  if (load_file(cfg, path, must, err, errlen) != 0)
    return -1;
  for (size_t i = 0; i < sizeof env_map / sizeof env_map[0]; i++) {
    const char *v = getenv(env_map[i].env);
    char sub[256];
    if (!v)
      continue;
    if (apply(cfg, env_map[i].key, v, sub, sizeof sub) != 0) {
      snprintf(err, errlen, "%s: %s", env_map[i].env, sub);
      return -1;
    }
  }
  if (cfg->db_pool == 0)
    cfg->db_pool = cfg->threads;
  return 0;
}

void oms_config_free(struct oms_config *cfg)
{
  free(cfg->database_url);
  free(cfg->admin_token);
  free(cfg->migrations_dir);
  memset(cfg, 0, sizeof *cfg);
}

void oms_config_print_help(const char *prog)
{
  printf("Usage: %s [--config FILE] [--migrate | --demo | --help]\n\n"
         "omsd serves the OMS REST API (see docs/openapi.yaml).\n\n"
         "  --config FILE  settings file (default $OMS_CONFIG or config/omsd.conf)\n"
         "  --migrate      apply pending migrations and exit\n"
         "  --demo         ensure a tenant named Demo, print a new admin key and exit\n"
         "  --help         this text\n\n"
         "Environment (overrides the file):\n"
         "  OMS_PORT            port to listen on (default 8080)\n"
         "  DATABASE_URL        PostgreSQL connection URL (required)\n"
         "  OMS_ADMIN_TOKEN     operator token for /v1/tenants (unset: operator API off)\n"
         "  OMS_DB_POOL         database connections (default = OMS_THREADS)\n"
         "  OMS_THREADS         HTTP worker threads (default 4)\n"
         "  OMS_LOG_LEVEL       debug | info | warn | error (default info)\n"
         "  OMS_MIGRATIONS_DIR  folder of NNNN_name.sql files (default migrations)\n"
         "  OMS_CONFIG          settings file\n",
         prog);
}
