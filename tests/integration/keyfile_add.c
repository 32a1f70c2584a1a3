/*
 * keyfile_add.c - test and demo helper: add [DOMAIN\]USER to an
 * smbpasswd-format NTLM key file.
 *
 * NT hash = MD4(UTF-16LE(password)) (MS-NLMP 3.3.1 NTOWFv1) through
 * credssp_nt_hash(), written by credssp_keyfile_set() (atomic, 0600).  The
 * password is read from the first line of stdin so it never shows in argv.
 * The credssp-keyfile tool does the same for administrators; this helper
 * only exists so the interop tests and demo.sh do not depend on it.
 *
 * usage: keyfile_add FILE USER [DOMAIN] < password
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "credssp.h"
#include "credssp_keyfile.h"

int
main(int argc, char **argv)
{
    char pw[1024];
    credssp_secret *hash = NULL;
    credssp_error ret;
    size_t len;
    int status = 1;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: keyfile_add FILE USER [DOMAIN] < password\n");
        return 2;
    }
    if (fgets(pw, sizeof(pw), stdin) == NULL) {
        fprintf(stderr, "keyfile_add: no password on stdin\n");
        return 2;
    }
    len = strcspn(pw, "\r\n");
    pw[len] = '\0';
    ret = credssp_nt_hash(pw, len, &hash);
    if (ret == CREDSSP_OK)
        ret = credssp_keyfile_set(argv[1], argv[2], argc == 4 ? argv[3] : NULL, hash);
    if (ret == CREDSSP_OK)
        status = 0;
    else
        fprintf(stderr, "keyfile_add: %s\n", credssp_strerror(ret));
    OPENSSL_cleanse(pw, sizeof(pw));
    credssp_secret_free(hash);
    return status;
}
