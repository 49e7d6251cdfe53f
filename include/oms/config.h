/* config.h: daemon settings from config/omsd.conf, overridden by environment. */
#ifndef OMS_CONFIG_H
#define OMS_CONFIG_H

#include <stddef.h>

struct oms_config {
  unsigned port;          /* OMS_PORT, default 8080 */
  char *database_url;     /* DATABASE_URL (owned) */
  char *admin_token;      /* OMS_ADMIN_TOKEN (owned; may be NULL: operator API off) */
  unsigned db_pool;       /* OMS_DB_POOL, default = threads */
  unsigned threads;       /* OMS_THREADS, default 4 */
  int log_level;          /* OMS_LOG_LEVEL, default info */
  char *migrations_dir;   /* OMS_MIGRATIONS_DIR, default "migrations" */
};

/* Loads defaults, then the file at path (NULL: $OMS_CONFIG or config/omsd.conf
 * when present), then the environment. Returns 0, or -1 with a message in err. */
int oms_config_load(struct oms_config *cfg, const char *path, char *err, size_t errlen);
void oms_config_free(struct oms_config *cfg);
/* Prints the settings and environment variables for --help. */
void oms_config_print_help(const char *prog);

#endif
