/*
 * p11_lockshim.c - a PKCS#11 module (PKCS#11 v2.40, C_GetFunctionList) for
 * the smart-card tests: it forwards every call to a real module (SoftHSM2,
 * CSSP_P11_SHIM_TARGET) and adds the one thing SoftHSM2 lacks, a user-PIN
 * retry counter, as a real card has one:
 *
 *   CSSP_P11_SHIM_STATE  a file holding the tries left (missing = 3), or
 *                        "absent": no card in the reader (C_GetSlotList
 *                        with tokenPresent lists no slot)
 *   C_Login(CKU_USER)    0 tries left: CKR_PIN_LOCKED without asking the
 *                        token; CKR_PIN_INCORRECT from the token: one try
 *                        less; success: back to 3
 *   C_GetTokenInfo       CKF_USER_PIN_COUNT_LOW / _FINAL_TRY from the counter
 *                        (what OpenSC reports for a card)
 *
 * So "three wrong PINs lock the token, then even the right PIN fails" can be
 * tested against SoftHSM2 with pam_p11.  CKF_USER_PIN_LOCKED is deliberately
 * NOT reported: pam_p11 0.3.1 (Debian 12) loops forever in key_find() on a
 * token flagged locked (its `continue` skips the slot advance); see
 * docs/SMARTCARD.md.  The lock is therefore seen at C_Login only.
 * Test-only; never installed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit-1/p11-kit/pkcs11.h>

#define SHIM_EXPORT __attribute__((visibility("default")))
#define MAX_TRIES 3

static CK_FUNCTION_LIST shim;
static CK_FUNCTION_LIST_PTR real;
static void *real_lib;

#define ABSENT (-1)

/* Tries left, from the state file (ABSENT: no card). */
static int
tries_left(void)
{
    const char *path = getenv("CSSP_P11_SHIM_STATE");
    char word[16] = "";
    FILE *f;
    int n = MAX_TRIES;

    if (path == NULL || (f = fopen(path, "r")) == NULL)
        return MAX_TRIES;
    if (fscanf(f, "%15s", word) == 1) {
        if (strcmp(word, "absent") == 0)
            n = ABSENT;
        else if (sscanf(word, "%d", &n) != 1 || n < 0 || n > MAX_TRIES)
            n = MAX_TRIES;
    }
    fclose(f);
    return n;
}

/* C_GetSlotList: no slot with a token while the card is absent. */
static CK_RV
shim_get_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
    if (count == NULL)
        return CKR_ARGUMENTS_BAD;
    if (tries_left() == ABSENT) {
        *count = 0;
        return CKR_OK;
    }
    return real->C_GetSlotList(token_present, list, count);
}

/* Store the tries left. */
static void
set_tries(int n)
{
    const char *path = getenv("CSSP_P11_SHIM_STATE");
    FILE *f;

    if (path == NULL || (f = fopen(path, "w")) == NULL)
        return;
    fprintf(f, "%d\n", n);
    fclose(f);
}

/* C_GetTokenInfo: the real info plus the PIN counter flags. */
static CK_RV
shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    CK_RV rv = real->C_GetTokenInfo(slot, info);
    int n = tries_left();

    if (rv != CKR_OK || info == NULL)
        return rv;
    info->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY |
                               CKF_USER_PIN_LOCKED);
    if (n <= 1)
        info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
    else if (n < MAX_TRIES)
        info->flags |= CKF_USER_PIN_COUNT_LOW;
    return CKR_OK;
}

/* C_Login: the counter around the real login. */
static CK_RV
shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
    int n;
    CK_RV rv;

    if (type != CKU_USER)
        return real->C_Login(session, type, pin, len);
    n = tries_left();
    if (n == 0)
        return CKR_PIN_LOCKED;
    rv = real->C_Login(session, type, pin, len);
    if (rv == CKR_PIN_INCORRECT)
        set_tries(n - 1);
    else if (rv == CKR_OK)
        set_tries(MAX_TRIES);
    return rv;
}

/* The module's entry point. */
SHIM_EXPORT CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
    CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);
    const char *target = getenv("CSSP_P11_SHIM_TARGET");
    CK_RV rv;

    if (list == NULL)
        return CKR_ARGUMENTS_BAD;
    if (real == NULL) {
        if (target == NULL)
            return CKR_GENERAL_ERROR;
        real_lib = dlopen(target, RTLD_NOW | RTLD_LOCAL);
        if (real_lib == NULL)
            return CKR_GENERAL_ERROR;
        *(void **)&get = dlsym(real_lib, "C_GetFunctionList");
        if (get == NULL)
            return CKR_GENERAL_ERROR;
        rv = get(&real);
        if (rv != CKR_OK)
            return rv;
        memcpy(&shim, real, sizeof(shim));
        shim.C_GetFunctionList = C_GetFunctionList;
        shim.C_GetSlotList = shim_get_slot_list;
        shim.C_GetTokenInfo = shim_get_token_info;
        shim.C_Login = shim_login;
    }
    *list = &shim;
    return CKR_OK;
}
