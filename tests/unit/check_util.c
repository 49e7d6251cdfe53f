/* check_util.c: the small shared utilities — code and date validators,
 * UUIDs, base64url, SHA-256, constant-time compare and API key material. */
#include <check.h>
#include <string.h>
#include "oms/common.h"
#include "oms/keys.h"
#include "unit.h"

/* ---- oms_code_valid ---- */

START_TEST(code_accepts_allowed_alphabet)
{
  char max[65];
  memset(max, 'a', 64);
  max[64] = '\0';
  ck_assert(oms_code_valid("a"));
  ck_assert(oms_code_valid("Z"));
  ck_assert(oms_code_valid("0"));
  ck_assert(oms_code_valid("WH-1"));
  ck_assert(oms_code_valid("sku_123.v2"));
  ck_assert(oms_code_valid("ABCxyz019._-"));
  ck_assert(oms_code_valid("..."));
  ck_assert(oms_code_valid(max));
}
END_TEST

START_TEST(code_rejects_bad_input)
{
  char over[66];
  memset(over, 'a', 65);
  over[65] = '\0';
  ck_assert(!oms_code_valid(NULL));
  ck_assert(!oms_code_valid(""));
  ck_assert(!oms_code_valid(over));
  ck_assert(!oms_code_valid("a b"));
  ck_assert(!oms_code_valid(" a"));
  ck_assert(!oms_code_valid("a/b"));
  ck_assert(!oms_code_valid("a*b"));
  ck_assert(!oms_code_valid("a~b"));
  ck_assert(!oms_code_valid("a\tb"));
  ck_assert(!oms_code_valid("a\nb"));
  ck_assert(!oms_code_valid("caf\xc3\xa9"));  /* "café" in UTF-8 */
  ck_assert(!oms_code_valid("\xe2\x82\xac")); /* "€" */
  ck_assert(!oms_code_valid("\xff"));
}
END_TEST

/* ---- oms_date_valid ---- */

START_TEST(date_accepts_real_dates)
{
  ck_assert(oms_date_valid("2024-01-01"));
  ck_assert(oms_date_valid("2023-12-31"));
  ck_assert(oms_date_valid("2024-02-29")); /* divisible by 4 */
  ck_assert(oms_date_valid("2000-02-29")); /* divisible by 400 */
  ck_assert(oms_date_valid("2023-02-28"));
  ck_assert(oms_date_valid("2023-04-30"));
  ck_assert(oms_date_valid("0001-01-01"));
  ck_assert(oms_date_valid("9999-12-31"));
}
END_TEST

START_TEST(date_rejects_impossible_dates)
{
  ck_assert(!oms_date_valid("2023-02-29")); /* not a leap year */
  ck_assert(!oms_date_valid("1900-02-29")); /* divisible by 100, not by 400 */
  ck_assert(!oms_date_valid("2024-02-30"));
  ck_assert(!oms_date_valid("2023-04-31"));
  ck_assert(!oms_date_valid("2024-13-01"));
  ck_assert(!oms_date_valid("2024-00-10"));
  ck_assert(!oms_date_valid("2024-01-32"));
  ck_assert(!oms_date_valid("2024-01-00"));
  ck_assert(!oms_date_valid("0000-01-01"));
}
END_TEST

START_TEST(date_rejects_wrong_format)
{
  ck_assert(!oms_date_valid(NULL));
  ck_assert(!oms_date_valid(""));
  ck_assert(!oms_date_valid("2024-1-01"));
  ck_assert(!oms_date_valid("2024-01-1"));
  ck_assert(!oms_date_valid("24-01-01"));
  ck_assert(!oms_date_valid("2024/01/01"));
  ck_assert(!oms_date_valid("20240101"));
  ck_assert(!oms_date_valid("2024-01-011"));
  ck_assert(!oms_date_valid("2024-01-01T00:00:00Z"));
  ck_assert(!oms_date_valid(" 2024-01-0"));
  ck_assert(!oms_date_valid("2024-0a-01"));
  ck_assert(!oms_date_valid("+024-01-01"));
  ck_assert(!oms_date_valid("abcd-ef-gh"));
}
END_TEST

/* ---- UUIDs ---- */

START_TEST(uuid_new_is_valid_v4_and_unique)
{
  char a[37], b[37];
  oms_uuid_new(a);
  oms_uuid_new(b);
  ck_assert_uint_eq(strlen(a), 36);
  ck_assert(oms_uuid_valid(a));
  ck_assert(oms_uuid_valid(b));
  ck_assert_str_ne(a, b);
  ck_assert_int_eq(a[14], '4');             /* version 4 */
  ck_assert_ptr_nonnull(strchr("89ab", a[19])); /* RFC 4122 variant */
  for (int i = 0; i < 36; i++)
    ck_assert_msg(a[i] == '-' || (a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'),
                  "uuid %s not lower-case hex", a);
}
END_TEST

START_TEST(uuid_valid_checks_shape)
{
  ck_assert(oms_uuid_valid("00000000-0000-0000-0000-000000000000"));
  ck_assert(oms_uuid_valid("123e4567-e89b-42d3-a456-426614174000"));
  ck_assert(!oms_uuid_valid(NULL));
  ck_assert(!oms_uuid_valid(""));
  ck_assert(!oms_uuid_valid("123e4567-e89b-42d3-a456-42661417400"));   /* 35 */
  ck_assert(!oms_uuid_valid("123e4567-e89b-42d3-a456-4266141740000")); /* 37 */
  ck_assert(!oms_uuid_valid("123e4567e89b-42d3-a456-4266141740000"));  /* dash moved */
  ck_assert(!oms_uuid_valid("123e4567-e89b-42d3-a456-42661417400g"));
  ck_assert(!oms_uuid_valid("123e4567_e89b_42d3_a456_426614174000"));
  ck_assert(!oms_uuid_valid("{123e4567-e89b-42d3-a456-4266141740}"));
}
END_TEST

/* ---- base64url ---- */

static void b64_is(const char *in, size_t n, const char *want)
{
  char out[64];
  memset(out, 'X', sizeof out);
  size_t len = oms_base64url((const unsigned char *)in, n, out);
  ck_assert_str_eq(out, want);
  ck_assert_uint_eq(len, strlen(want));
  /* writes exactly len + 1 bytes, nothing beyond */
  ck_assert_int_eq(out[len + 1], 'X');
}

START_TEST(base64url_rfc4648_vectors)
{
  /* RFC 4648 section 10, padding removed */
  b64_is("", 0, "");
  b64_is("f", 1, "Zg");
  b64_is("fo", 2, "Zm8");
  b64_is("foo", 3, "Zm9v");
  b64_is("foob", 4, "Zm9vYg");
  b64_is("fooba", 5, "Zm9vYmE");
  b64_is("foobar", 6, "Zm9vYmFy");
}
END_TEST

START_TEST(base64url_uses_url_alphabet)
{
  /* standard base64 would give "+/8=", "+/+/", "////" and "+g==" */
  b64_is("\xfb\xff", 2, "-_8");
  b64_is("\xfb\xff\xbf", 3, "-_-_");
  b64_is("\xff\xff\xff", 3, "____");
  b64_is("\x00\x00\x00", 3, "AAAA");
  b64_is("\x00", 1, "AA");
  b64_is("\xfa", 1, "-g");
}
END_TEST

START_TEST(base64url_32_bytes_is_43_chars)
{
  unsigned char raw[32];
  char out[4 * 11 + 1];
  for (int i = 0; i < 32; i++)
    raw[i] = (unsigned char)(i * 37 + 5);
  ck_assert_uint_eq(oms_base64url(raw, sizeof raw, out), 43);
  ck_assert_uint_eq(strlen(out), 43);
  ck_assert_uint_eq(strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
}
END_TEST

/* ---- SHA-256 ---- */

START_TEST(sha256_known_vectors)
{
  char out[65];
  oms_sha256_hex("", 0, out);
  ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  oms_sha256_hex("abc", 3, out);
  ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  oms_sha256_hex(m, strlen(m), out);
  ck_assert_str_eq(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* length is honoured, not NUL termination */
  oms_sha256_hex("abcdef", 3, out);
  ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

/* ---- oms_ct_equal ---- */

START_TEST(ct_equal_compares_bytes)
{
  ck_assert(oms_ct_equal("abcdef", "abcdef", 6));
  ck_assert(!oms_ct_equal("abcdef", "abcdeg", 6));
  ck_assert(!oms_ct_equal("xbcdef", "abcdef", 6));
  ck_assert(oms_ct_equal("abcX", "abcY", 3)); /* only n bytes compared */
  ck_assert(oms_ct_equal("a", "b", 0));
  ck_assert(!oms_ct_equal("a\0b", "a\0c", 3)); /* NUL is not a terminator */
}
END_TEST

/* ---- random bytes and clock ---- */

START_TEST(random_bytes_and_clock)
{
  unsigned char a[32], b[32];
  ck_assert_int_eq(oms_random_bytes(a, sizeof a), 0);
  ck_assert_int_eq(oms_random_bytes(b, sizeof b), 0);
  ck_assert(memcmp(a, b, sizeof a) != 0);
  int64_t t0 = oms_now_us();
  int64_t t1 = oms_now_us();
  ck_assert_int_ge(t0, 0);
  ck_assert_int_ge(t1, t0);
}
END_TEST

/* ---- API keys ---- */

START_TEST(key_new_shape_and_hash)
{
  struct oms_key k;
  char hash[65];
  memset(&k, 0x5a, sizeof k);
  oms_key_new(&k);
  ck_assert_uint_eq(strlen(k.key), 47);
  ck_assert(strncmp(k.key, "oms_", 4) == 0);
  ck_assert_uint_eq(strspn(k.key + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
  oms_sha256_hex(k.key, strlen(k.key), hash);
  ck_assert_str_eq(k.hash, hash);
  ck_assert_uint_eq(strlen(k.hash), 64);
  ck_assert_uint_eq(strlen(k.prefix), 12);
  ck_assert(strncmp(k.prefix, k.key, 12) == 0);
  ck_assert(strncmp(k.prefix, "oms_", 4) == 0);
}
END_TEST

START_TEST(key_new_is_random)
{
  struct oms_key a, b;
  oms_key_new(&a);
  oms_key_new(&b);
  ck_assert_str_ne(a.key, b.key);
  ck_assert_str_ne(a.hash, b.hash);
}
END_TEST

Suite *suite_util(void)
{
  Suite *s = suite_create("util");
  TCase *tc;

  tc = tcase_create("code");
  tcase_add_test(tc, code_accepts_allowed_alphabet);
  tcase_add_test(tc, code_rejects_bad_input);
  suite_add_tcase(s, tc);

  tc = tcase_create("date");
  tcase_add_test(tc, date_accepts_real_dates);
  tcase_add_test(tc, date_rejects_impossible_dates);
  tcase_add_test(tc, date_rejects_wrong_format);
  suite_add_tcase(s, tc);

  tc = tcase_create("uuid");
  tcase_add_test(tc, uuid_new_is_valid_v4_and_unique);
  tcase_add_test(tc, uuid_valid_checks_shape);
  suite_add_tcase(s, tc);

  tc = tcase_create("crypto");
  tcase_add_test(tc, base64url_rfc4648_vectors);
  tcase_add_test(tc, base64url_uses_url_alphabet);
  tcase_add_test(tc, base64url_32_bytes_is_43_chars);
  tcase_add_test(tc, sha256_known_vectors);
  tcase_add_test(tc, ct_equal_compares_bytes);
  tcase_add_test(tc, random_bytes_and_clock);
  suite_add_tcase(s, tc);

  tc = tcase_create("keys");
  tcase_add_test(tc, key_new_shape_and_hash);
  tcase_add_test(tc, key_new_is_random);
  suite_add_tcase(s, tc);
  return s;
}
