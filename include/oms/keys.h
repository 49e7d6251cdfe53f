/* keys.h: API key material. A key is "oms_" + 43 base64url characters of
 * 32 random bytes; only its SHA-256 is stored, with a short prefix for
 * people to recognise it. */
#ifndef OMS_KEYS_H
#define OMS_KEYS_H

struct oms_key {
  char key[64];    /* the secret, shown once */
  char hash[65];   /* SHA-256 hex, stored */
  char prefix[13]; /* first 12 characters, stored */
};

/* Fills k with a new random key. */
void oms_key_new(struct oms_key *k);

#endif
