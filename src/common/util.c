/* util.c: clocks, UUIDs, random keys, hashing and small validators. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "oms/common.h"

int64_t oms_now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void oms_uuid_new(char out[37])
{
  uuid_t u;
  uuid_generate_random(u);
  uuid_unparse_lower(u, out);
}

bool oms_uuid_valid(const char *s)
{
  if (!s || strlen(s) != 36)
    return false;
  for (int i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!isxdigit((unsigned char)s[i])) {
      return false;
    }
  }
  return true;
}

int oms_random_bytes(unsigned char *buf, size_t n)
{
  return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

size_t oms_base64url(const unsigned char *in, size_t n, char *out)
{
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    size_t left = n - i;
    if (left > 1)
      v |= (uint32_t)in[i + 1] << 8;
    if (left > 2)
      v |= in[i + 2];
    out[o++] = tab[(v >> 18) & 63];
    out[o++] = tab[(v >> 12) & 63];
    if (left > 1)
      out[o++] = tab[(v >> 6) & 63];
    if (left > 2)
      out[o++] = tab[v & 63];
  }
  out[o] = '\0';
  return o;
}

void oms_sha256_hex(const void *data, size_t n, char out[65])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const char hex[] = "0123456789abcdef";
  EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
  for (unsigned i = 0; i < len && i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[64] = '\0';
}

bool oms_ct_equal(const void *a, const void *b, size_t n)
{
  return CRYPTO_memcmp(a, b, n) == 0;
}

bool oms_code_valid(const char *s)
{
  size_t n = 0;
  if (!s)
    return false;
  for (; s[n]; n++) {
    unsigned char c = (unsigned char)s[n];
    if (!(isalnum(c) || c == '.' || c == '_' || c == '-') || c > 127)
      return false;
    if (n >= 64)
      return false;
  }
  return n >= 1;
}

bool oms_date_valid(const char *s)
{
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
      return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return false;
  return true;
}

#include "oms/keys.h"

void oms_key_new(struct oms_key *k)
{
  unsigned char raw[32];
  if (oms_random_bytes(raw, sizeof raw) != 0)
    abort(); /* no entropy: never hand out a guessable key */
  memcpy(k->key, "oms_", 4);
  oms_base64url(raw, sizeof raw, k->key + 4);
  oms_sha256_hex(k->key, strlen(k->key), k->hash);
  memcpy(k->prefix, k->key, 12);
  k->prefix[12] = '\0';
}

bool oms_rfc3339_valid(const char *s)
{
  char date[11];
  if (!s || strlen(s) < 20)
    return false;
  memcpy(date, s, 10);
  date[10] = '\0';
  if (!oms_date_valid(date) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
    return false;
  const char *t = s + 11;
  for (int i = 0; i < 8; i++) {
    if (i == 2 || i == 5) {
      if (t[i] != ':')
        return false;
    } else if (!isdigit((unsigned char)t[i])) {
      return false;
    }
  }
  int hh = (t[0] - '0') * 10 + (t[1] - '0'), mm = (t[3] - '0') * 10 + (t[4] - '0'),
      ss = (t[6] - '0') * 10 + (t[7] - '0');
  if (hh > 23 || mm > 59 || ss > 60)
    return false;
  t += 8;
  if (*t == '.') {
    t++;
    if (!isdigit((unsigned char)*t))
      return false;
    while (isdigit((unsigned char)*t))
      t++;
  }
  if ((*t == 'Z' || *t == 'z') && t[1] == '\0')
    return true;
  if ((*t == '+' || *t == '-') && strlen(t) == 6 && isdigit((unsigned char)t[1]) &&
      isdigit((unsigned char)t[2]) && t[3] == ':' && isdigit((unsigned char)t[4]) &&
      isdigit((unsigned char)t[5]))
    return true;
  return false;
}
