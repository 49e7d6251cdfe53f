/* main.c: omsd. Loads settings, applies migrations (--migrate), creates the
 * demo tenant (--demo), or serves until SIGTERM/SIGINT, then drains the
 * requests in flight and exits 0. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/config.h"
#include "oms/http.h"
#include "oms/keys.h"
#include "oms/log.h"
#include "oms/repo.h"

static int demo(struct oms_config *cfg)
{
  struct repo_db *db = repo_db_open(cfg->database_url, 1);
  struct oms_key key;
  char tenant[37];
  if (!db)
    return 1;
  oms_key_new(&key);
  int rc = repo_tenant_demo(db, "Demo", key.hash, key.prefix, tenant);
  repo_db_close(db);
  if (rc != 0) {
    fprintf(stderr, "could not create the demo tenant\n");
    return 1;
  }
  printf("\nDemo tenant %s\n"
         "Admin API key (shown once, stored hashed): %s\n\n"
         "Try:\n"
         "  curl -s -X PUT http://localhost:%u/v1/items/TSHIRT-M \\\n"
         "       -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n"
         "       -d '{\"name\":\"T-shirt M\",\"price\":1999}'\n"
         "  curl -s http://localhost:%u/v1/items -H 'Authorization: Bearer %s'\n\n",
         tenant, key.key, cfg->port, key.key, cfg->port, key.key);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv)
{
  struct oms_config cfg;
  const char *config_path = NULL;
  bool migrate = false, want_demo = false;
  char err[512];

  oms_alloc_install();
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      oms_config_print_help(argv[0]);
      return 0;
    } else if (strcmp(argv[i], "--migrate") == 0) {
      migrate = true;
    } else if (strcmp(argv[i], "--demo") == 0) {
      want_demo = true;
    } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      fprintf(stderr, "unknown argument %s (try --help)\n", argv[i]);
      return 2;
    }
  }
  if (oms_config_load(&cfg, config_path, err, sizeof err) != 0) {
    fprintf(stderr, "omsd: %s\n", err);
    return 2;
  }
  oms_log_threshold = cfg.log_level;
  if (!cfg.database_url) {
    fprintf(stderr, "omsd: DATABASE_URL is not set (see --help)\n");
    oms_config_free(&cfg);
    return 2;
  }
  if (migrate) {
    int rc = repo_migrate(cfg.database_url, cfg.migrations_dir) == 0 ? 0 : 1;
    oms_config_free(&cfg);
    return rc;
  }
  if (want_demo) {
    int rc = demo(&cfg);
    oms_config_free(&cfg);
    return rc;
  }

  /* signals go to sigwait() here, never to an MHD thread */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  struct repo_db *db = repo_db_open(cfg.database_url, cfg.db_pool);
  if (!db) {
    oms_config_free(&cfg);
    return 1;
  }
  struct http_server *srv = http_server_start(cfg.port, cfg.threads, db, cfg.admin_token);
  if (!srv) {
    repo_db_close(db);
    oms_config_free(&cfg);
    return 1;
  }
  LOG_INFO("omsd listening on port %u (threads=%u, db_pool=%u)", cfg.port, cfg.threads,
           cfg.db_pool);
  int sig = 0;
  sigwait(&set, &sig);
  LOG_INFO("signal %d: draining requests in flight", sig);
  http_server_stop(srv, 30000);
  repo_db_close(db);
  oms_config_free(&cfg);
  LOG_INFO("omsd stopped");
  return 0;
}
