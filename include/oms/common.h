/* common.h: the error catalogue enum, small utilities shared by every layer
 * (time, ids, random keys, hashing). No libmicrohttpd or libpq types here. */
#ifndef OMS_COMMON_H
#define OMS_COMMON_H

#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdbool.h>

#define OMS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation (alloc.c) ----
 * One policy for every allocation in src/: a failure aborts the process with
 * a message naming the call site (see alloc.c for why). These never return
 * NULL, so callers do not check. A zero size allocates one byte, so the
 * result is always a unique pointer that free() accepts. */
void *oms_malloc_at(size_t n, const char *file, int line);
void *oms_calloc_at(size_t count, size_t size, const char *file, int line);
void *oms_realloc_at(void *old, size_t n, const char *file, int line);
char *oms_strdup_at(const char *s, const char *file, int line);
_Noreturn void oms_alloc_failed(size_t bytes, const char *file, int line);
#define oms_malloc(n) oms_malloc_at((n), __FILE__, __LINE__)
#define oms_calloc(count, size) oms_calloc_at((count), (size), __FILE__, __LINE__)
#define oms_realloc(p, n) oms_realloc_at((p), (n), __FILE__, __LINE__)
#define oms_strdup(s) oms_strdup_at((s), __FILE__, __LINE__)
/* Points jansson's allocator at the same policy (call once at start-up). */
void oms_alloc_install(void);

/* ---- arena (arena.c) ----
 * A bump allocator: every allocation lives until oms_arena_free(). Memory
 * is zeroed and aligned for any type. Typed model values of one request or
 * one engine call live in one arena (one owner, one cleanup). */
struct oms_arena;
struct oms_arena *oms_arena_new(void);
void oms_arena_free(struct oms_arena *a);
void *oms_arena_alloc(struct oms_arena *a, size_t n);
/* A copy of s in the arena (NULL stays NULL). */
char *oms_arena_strdup(struct oms_arena *a, const char *s);
/* Appends one zeroed element of elem bytes to the array *items of *n
 * elements (capacity *cap), growing it in the arena; returns the element. */
void *oms_arena_push(struct oms_arena *a, void **items, size_t *n, size_t *cap, size_t elem);
/* A growable array of T in an arena, and its append (returns T *). */
#define OMS_VEC(T) \
  struct {         \
    T *items;      \
    size_t n, cap; \
  }
#define OMS_APPEND(arena, vec) \
  oms_arena_push((arena), (void **)&(vec).items, &(vec).n, &(vec).cap, sizeof *(vec).items)

enum oms_err {
#define X(e, code, status, title) e,
#include "oms/errors.def"
#undef X
  OMS_ERR__COUNT
};

/* Stable snake_case code of an error (static string). */
const char *oms_err_code(enum oms_err e);
/* HTTP status the error maps to. */
unsigned oms_err_status(enum oms_err e);
/* Human title (static string). */
const char *oms_err_title(enum oms_err e);
/* Error for a code string, or OMS_ERR__COUNT when unknown. */
enum oms_err oms_err_from_code(const char *code);

/* Monotonic clock in microseconds. */
int64_t oms_now_us(void);

/* Fills out (37 bytes) with a new random UUID string. */
void oms_uuid_new(char out[37]);
/* True when s is a canonical UUID string (36 chars, hex and dashes). */
bool oms_uuid_valid(const char *s);

/* Fills buf with n cryptographically random bytes; returns 0 on success. */
int oms_random_bytes(unsigned char *buf, size_t n);
/* Writes the unpadded base64url encoding of in (n bytes) into out
 * (needs 4*ceil(n/3)+1 bytes); returns the length written. */
size_t oms_base64url(const unsigned char *in, size_t n, char *out);
/* SHA-256 of data as 64 lowercase hex chars + NUL (OpenSSL libcrypto). */
void oms_sha256_hex(const void *data, size_t n, char out[65]);
/* Constant-time equality of two equal-length buffers. */
bool oms_ct_equal(const void *a, const void *b, size_t n);

/* True when s is a valid code: 1..64 chars of [A-Za-z0-9._-]. */
bool oms_code_valid(const char *s);
/* True when s is an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)). */
bool oms_rfc3339_valid(const char *s);
/* True when s is a valid calendar date YYYY-MM-DD. */
bool oms_date_valid(const char *s);

#endif
