/* alloc.c: the allocation-failure policy of the whole daemon, written once.
 *
 * Policy: an allocation that fails aborts the process loudly (a log line on
 * stderr naming the size and the call site, then abort()). We do not try to
 * fail the one request with 503: on Linux with overcommit a NULL from malloc
 * means the process is in a state where the next allocation (in libpq, in
 * libmicrohttpd, in jansson) fails too, and half-handled failures in rarely
 * run paths are where memory-safety bugs hide. omsd is stateless and every
 * request runs in one database transaction, so a crash loses nothing that was
 * acknowledged: the transaction in flight rolls back and the supervisor (or
 * the load balancer's other replicas) carries on.
 *
 * Every allocation in src/ goes through these functions (or through jansson,
 * whose allocator oms_alloc_install() points here), so no caller checks for
 * NULL and none may be missed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "oms/common.h"

_Noreturn void oms_alloc_failed(size_t bytes, const char *file, int line)
{
  fprintf(stderr, "FATAL %s:%d: out of memory allocating %zu bytes; aborting\n", file, line,
          bytes);
  fflush(stderr);
  abort();
}

void *oms_malloc_at(size_t n, const char *file, int line)
{
  void *p = malloc(n ? n : 1);
  if (!p)
    oms_alloc_failed(n, file, line);
  return p;
}

void *oms_calloc_at(size_t count, size_t size, const char *file, int line)
{
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes))
    oms_alloc_failed(SIZE_MAX, file, line);
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p)
    oms_alloc_failed(bytes, file, line);
  return p;
}

void *oms_realloc_at(void *old, size_t n, const char *file, int line)
{
  void *p = realloc(old, n ? n : 1);
  if (!p)
    oms_alloc_failed(n, file, line);
  return p;
}

char *oms_strdup_at(const char *s, const char *file, int line)
{
  size_t n = strlen(s) + 1;
  char *p = oms_malloc_at(n, file, line);
  memcpy(p, s, n);
  return p;
}

static void *json_alloc(size_t n)
{
  return oms_malloc_at(n, "jansson", 0);
}

void oms_alloc_install(void)
{
  json_set_alloc_funcs(json_alloc, free);
}
