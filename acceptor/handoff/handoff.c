/*
 * handoff.c - the kernel-keyring hand-off of a delegated credential
 * (credssp_handoff_store / credssp_handoff_claim, include/credssp_pam.h;
 * layout and reasoning in docs/KEYRING.md).
 *
 * Store: a fresh 256-bit token (RAND_bytes) -> description and AES key
 * (handoff_fmt.c) -> a `user` key in the chosen keyring (default: the
 * user keyring of the storing uid, reachable by every process of that uid)
 * with a timeout and possessor/owner-only permissions.  The owner bits
 * matter: a claimant in another process usually does not possess the key
 * (its session keyring need not link the user keyring), so it reads,
 * unlinks and revokes it as the owner uid.
 * Claim: search by description -> check the owner -> read -> unlink (the
 * atomic step: of two racing claimants exactly one unlinks) -> revoke ->
 * decrypt and check.
 *
 * The owner check is the trust boundary (docs/KEYRING.md, "Who may have
 * stored it"): the key must belong to the claimer's effective uid and be
 * closed to group and other, as credssp_handoff_store leaves it.  Only a
 * process of that uid (or root, by keyctl_chown) can make such a key, so a
 * setuid-root claimer, whose keyrings are the calling user's, accepts only
 * a record a root process stored; a record the user sealed is refused
 * unopened, whatever it says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "buf.h"
#include "handoff.h"

/* Possessor: view, read, write, search, setattr; owner: view, read, write, search. */
#define HANDOFF_PERM                                                                     \
    (KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | KEY_POS_SEARCH | KEY_POS_SETATTR |   \
     KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | KEY_USR_SEARCH)

/* Group and other bits of a key permission mask (never set by the store). */
#define HANDOFF_PERM_GROUP_OTHER 0x0000ffffu

/* The keyring a caller means (0 = the default, the user keyring). */
static key_serial_t
ring_of(int32_t keyring)
{
    return keyring == CREDSSP_HANDOFF_KEYRING_DEFAULT ? KEY_SPEC_USER_KEYRING
                                                      : (key_serial_t)keyring;
}

/* Map errno from a keyctl call to a library error. */
static credssp_error
key_error(int e)
{
    switch (e) {
    case ENOKEY:
    case EKEYREVOKED:
    case ENOENT:
        return CREDSSP_E_LOGON_FAILURE;
    case EKEYEXPIRED:
        return CREDSSP_E_TIMEOUT;
    case ENOMEM:
        return CREDSSP_E_NOMEM;
    case EDQUOT:
        return CREDSSP_E_TOO_LARGE;
    case EINVAL:
        return CREDSSP_E_INVALID_ARG;
    default:
        return CREDSSP_E_IO;
    }
}

/* A new random token as hex. */
static credssp_error
new_token(char token_out[CREDSSP_HANDOFF_TOKEN_LEN + 1])
{
    uint8_t raw[CSSP_HANDOFF_TOKEN_BYTES];

    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return CREDSSP_E_CRYPTO;
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(token_out + 2 * i, 3, "%02x", raw[i]);
    OPENSSL_cleanse(raw, sizeof(raw));
    return CREDSSP_OK;
}

/* Seal the credential into a new key; hand back its token. */
CREDSSP_API credssp_error
credssp_handoff_store(const credssp_result *result, unsigned timeout_s, int32_t keyring,
                      char token_out[CREDSSP_HANDOFF_TOKEN_LEN + 1])
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct cssp_handoff_keys keys;
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    uint8_t *rec = NULL;
    size_t rec_len = 0;
    key_serial_t key = -1;
    key_serial_t ring = ring_of(keyring);

    memset(&keys, 0, sizeof(keys));
    if (token_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    token_out[0] = '\0';
    if (result == NULL || timeout_s > CREDSSP_HANDOFF_TIMEOUT_MAX)
        return CREDSSP_E_INVALID_ARG;
    if (timeout_s == 0)
        timeout_s = CREDSSP_HANDOFF_TIMEOUT_DEFAULT;
    ret = new_token(token);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_handoff_derive(token, &keys);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_handoff_seal(result, cssp_handoff_now(), timeout_s, &keys, &rec, &rec_len);
    if (ret != CREDSSP_OK)
        goto cleanup;
    /*
     * Create the key in our process keyring, where we possess it even when
     * the session keyring does not link the user keyring: setting the
     * timeout and the permissions needs possession.  Then link it into the
     * target keyring and drop the process keyring's link.
     */
    key = add_key("user", keys.desc, rec, rec_len, KEY_SPEC_PROCESS_KEYRING);
    if (key < 0) {
        ret = key_error(errno);
        goto cleanup;
    }
    if (keyctl_set_timeout(key, timeout_s) < 0 || keyctl_link(key, ring) < 0 ||
        keyctl_setperm(key, HANDOFF_PERM) < 0) {
        ret = key_error(errno);
        goto cleanup;
    }
    if (ring != KEY_SPEC_PROCESS_KEYRING && keyctl_unlink(key, KEY_SPEC_PROCESS_KEYRING) < 0) {
        ret = key_error(errno);
        goto cleanup;
    }
    memcpy(token_out, token, sizeof(token));
    key = -1;
    ret = CREDSSP_OK;

cleanup:
    if (key >= 0) {
        (void)keyctl_revoke(key);
        (void)keyctl_unlink(key, ring);
        (void)keyctl_unlink(key, KEY_SPEC_PROCESS_KEYRING);
    }
    cssp_wipe_free(rec, rec_len);
    OPENSSL_cleanse(&keys, sizeof(keys));
    OPENSSL_cleanse(token, sizeof(token));
    return ret;
}

/*
 * May we trust what the key holds?  Its owner must be our effective uid and
 * group and other must have no rights ("type;uid;gid;perm;description").
 */
static credssp_error
check_owner(key_serial_t key)
{
    credssp_error ret = CREDSSP_E_LOGON_FAILURE;
    char *desc = NULL;
    unsigned long uid, perm;
    const char *p;
    char *end = NULL;

    if (keyctl_describe_alloc(key, &desc) < 0)     /* not even viewable: not ours */
        return errno == EACCES ? CREDSSP_E_LOGON_FAILURE : key_error(errno);
    p = strchr(desc, ';');
    if (p == NULL)
        goto cleanup;
    errno = 0;
    uid = strtoul(p + 1, &end, 10);
    if (errno != 0 || end == p + 1 || *end != ';')
        goto cleanup;
    p = strchr(end + 1, ';');
    if (p == NULL)
        goto cleanup;
    perm = strtoul(p + 1, &end, 16);
    if (errno != 0 || end == p + 1 || *end != ';')
        goto cleanup;
    if (uid == (unsigned long)geteuid() && (perm & HANDOFF_PERM_GROUP_OTHER) == 0)
        ret = CREDSSP_OK;

cleanup:
    free(desc);
    return ret;
}

/* Find, consume and open the key a token names. */
CREDSSP_API credssp_error
credssp_handoff_claim(const char *token, int32_t keyring, credssp_result **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct cssp_handoff_keys keys;
    key_serial_t ring = ring_of(keyring);
    key_serial_t key;
    void *rec = NULL;
    long n = 0;

    memset(&keys, 0, sizeof(keys));
    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    ret = cssp_handoff_derive(token, &keys);
    if (ret != CREDSSP_OK)
        goto cleanup;
    key = keyctl_search(ring, "user", keys.desc, 0);
    if (key < 0) {
        ret = key_error(errno);
        goto cleanup;
    }
    /* Not ours: leave it alone (it is not ours to consume either). */
    ret = check_owner(key);
    if (ret != CREDSSP_OK)
        goto cleanup;
    n = keyctl_read_alloc(key, &rec);
    if (n < 0) {
        ret = key_error(errno);
        n = 0;
        goto cleanup;
    }
    /* One-time: whoever unlinks it owns it; a racing claimant gets ENOENT. */
    if (keyctl_unlink(key, ring) < 0) {
        ret = key_error(errno);
        goto cleanup;
    }
    (void)keyctl_revoke(key);
    ret = cssp_handoff_open(rec, (size_t)n, cssp_handoff_now(), &keys, out);

cleanup:
    cssp_wipe_free(rec, (size_t)n);
    OPENSSL_cleanse(&keys, sizeof(keys));
    return ret;
}
