/*
 * pcssp.h - shared definitions of pam_credssp's own files (never installed).
 *
 * pam_credssp.so is a thin shell over libcredssp: public.c holds the
 * pam_sm_* entry points, options.c the option table, auth.c the claim and
 * PAM_AUTHTOK, identity.c the identity -> PAM_USER mapping, setcred.c and
 * kerberos.c the Kerberos ticket cache, logging.c the log helpers and the one
 * credssp_error -> PAM code translation.  Internal names use pcssp_; every
 * symbol is hidden, only pam_sm_* are exported (pam_credssp.map).
 */
#ifndef PCSSP_INTERNAL_H
#define PCSSP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <security/pam_modules.h>

#include "credssp.h"
#include "credssp_pam.h"

#define PCSSP_WUR __attribute__((warn_unused_result))
#define PCSSP_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* PAM data names (module-private, cleaned up by pam_end). */
#define PCSSP_DATA_CRED "pam_credssp_cred"       /* struct pcssp_cred, auth -> setcred */
#define PCSSP_DATA_CCACHE "pam_credssp_ccache"   /* char *, setcred -> delete/close */
#define PCSSP_DATA_ENROLL "pam_credssp_enroll"   /* credssp_secret * NT hash, auth -> setcred */

#define PCSSP_DEFAULT_CCACHE "FILE:/tmp/krb5cc_%{uid}_XXXXXX"
#define PCSSP_DEFAULT_KEYFILE "/etc/credssp/ntlm.keys"
#define PCSSP_DEFAULT_MINIMUM_UID 1000
#define PCSSP_MAX_LIST 16
#define PCSSP_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Options, named like the PAM arguments (see options.c, pam_credssp(8)). */
struct pcssp_config {
    bool ad;                         /* map domain users (account_map.c), settings detected */
    char *ad_dns;                    /* ad_dns= the domain's DNS name (default: realm, lower) */
    char *ad_domain;                 /* ad_domain= NetBIOS name (default: smb.conf workgroup) */
    char *ad_names;                  /* ad_names=auto|short|netbios|fqdn: NSS's spelling */
    bool allow_setuid;               /* claim also when real and effective ids differ */
    bool authtok;                    /* the token may arrive as PAM_AUTHTOK (xrdp-sesman) */
    char *ccache;                    /* ccache= template */
    bool debug;
    bool destroy;
    char *domains[PCSSP_MAX_LIST];   /* domain= (repeatable, comma-separated) */
    size_t n_domains;
    bool enroll;                     /* auth: store the NT hash of a verified password */
    char *keyfile;                   /* keyfile= NTLM key file for enrolment */
    int32_t keyring;                 /* keyring=user|session|process */
    char *keytab;                    /* keytab= (NULL: the default keytab) */
    bool krb5;
    uid_t minimum_uid;               /* minimum_uid= lowest uid that is enrolled */
    char *realms[PCSSP_MAX_LIST];    /* realm= */
    size_t n_realms;
    bool trust;
};

/* One invocation: the handle and its parsed options. */
struct pcssp_ctx {
    pam_handle_t *pamh;
    struct pcssp_config cfg;
    const char *user;                /* PAM_USER (borrowed from PAM) */
};

/* What auth keeps for setcred (option krb5): wiped by its PAM data cleanup. */
struct pcssp_cred {
    char *principal;                 /* Kerberos principal to get a TGT for */
    credssp_secret *password;
};

/* The PAM phase a credssp_error is translated for. */
enum pcssp_phase {
    PCSSP_PHASE_AUTH,
    PCSSP_PHASE_SETCRED,
    PCSSP_PHASE_SESSION
};

/* options.c */
PCSSP_WUR credssp_error pcssp_options_parse(pam_handle_t *pamh, int argc, const char **argv,
                                            struct pcssp_config *cfg);
void pcssp_options_free(struct pcssp_config *cfg);
bool pcssp_options_sorted(void);

/* logging.c */
void pcssp_log(const struct pcssp_ctx *ctx, int prio, const char *fmt, ...) PCSSP_PRINTF(3, 4);
void pcssp_debug(const struct pcssp_ctx *ctx, const char *fmt, ...) PCSSP_PRINTF(2, 3);
/* A printable copy of untrusted text for a log line ("-" for NULL). */
const char *pcssp_printable(const char *s, char *buf, size_t cap);
/* The only translation of library errors into PAM codes. */
int pcssp_pam_code(credssp_error err, enum pcssp_phase phase);

/* identity.c */
PCSSP_WUR credssp_error pcssp_identity_check(const struct pcssp_config *cfg,
                                             const credssp_result *r, const char *pam_user,
                                             const char **why_out);
PCSSP_WUR credssp_error pcssp_krb5_principal(const struct pcssp_config *cfg,
                                             const credssp_result *r, const char *pam_user,
                                             char **out);

/* auth.c */
int pcssp_authenticate(struct pcssp_ctx *ctx);

/* setcred.c */
int pcssp_setcred(struct pcssp_ctx *ctx, int flags);
int pcssp_close_session(struct pcssp_ctx *ctx);

/* enroll.c */
/* auth + option enroll: keep the NT hash of PAM_AUTHTOK for setcred. */
void pcssp_enroll_stash(struct pcssp_ctx *ctx);
/* setcred(ESTABLISH / REINITIALIZE): write the kept hash; a PAM code (PAM_IGNORE: none). */
int pcssp_enroll_commit(struct pcssp_ctx *ctx);
/* password: PRELIM_CHECK probes the key file, UPDATE_AUTHTOK enrols the new password. */
int pcssp_chauthtok(struct pcssp_ctx *ctx, int flags);

/* kerberos.c */
PCSSP_WUR credssp_error pcssp_krb5_get_tgt(const struct pcssp_ctx *ctx, const char *principal,
                                           const credssp_secret *password, uid_t uid,
                                           gid_t gid, char **ccname_out);
void pcssp_krb5_destroy(const struct pcssp_ctx *ctx, const char *ccname);
/* Expand %{uid} and %{user} in a ccache template. */
PCSSP_WUR credssp_error pcssp_ccache_expand(const char *tmpl, const char *user, uid_t uid,
                                            char **out);

#endif /* PCSSP_INTERNAL_H */
