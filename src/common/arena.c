/* arena.c: the bump allocator that typed model values live in. One arena per
 * request (or per engine call): every struct and string of a decision is
 * carved from it, and one oms_arena_free() releases all of it, so the engine
 * has one owner and one cleanup exit however many values it builds. */
#include <string.h>
#include "oms/common.h"

#define ARENA_CHUNK 8192

struct arena_chunk {
  struct arena_chunk *next;
  size_t size, used;
  max_align_t data[]; /* aligned for any type */
};

struct oms_arena {
  struct arena_chunk *head;
};

struct oms_arena *oms_arena_new(void)
{
  return oms_calloc(1, sizeof(struct oms_arena));
}

void oms_arena_free(struct oms_arena *a)
{
  if (!a)
    return;
  for (struct arena_chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(a);
}

void *oms_arena_alloc(struct oms_arena *a, size_t n)
{
  const size_t align = sizeof(max_align_t);
  size_t need = (n + align - 1) / align * align;
  if (need == 0)
    need = align;
  struct arena_chunk *c = a->head;
  if (!c || c->size - c->used < need) {
    size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
    c = oms_malloc(sizeof *c + size);
    c->size = size;
    c->used = 0;
    c->next = a->head;
    a->head = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += need;
  memset(p, 0, n);
  return p;
}

char *oms_arena_strdup(struct oms_arena *a, const char *s)
{
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *p = oms_arena_alloc(a, n);
  memcpy(p, s, n);
  return p;
}

void *oms_arena_push(struct oms_arena *a, void **items, size_t *n, size_t *cap, size_t elem)
{
  if (*n == *cap) {
    size_t grown = *cap ? *cap * 2 : 4;
    void *bigger = oms_arena_alloc(a, grown * elem);
    if (*n)
      memcpy(bigger, *items, *n * elem);
    *items = bigger;
    *cap = grown;
  }
  void *slot = (char *)*items + (*n)++ * elem;
  memset(slot, 0, elem);
  return slot;
}
