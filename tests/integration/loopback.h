/*
 * loopback.h - harness of the in-process loopback test: the test client
 * (cssp_client.h) against the real engine (credssp.h), joined by a memory
 * pump with a bounded number of rounds.
 *
 * Fixture (made once per run in a temp dir): two self-signed RSA-2048
 * certificates (the server's and a "MITM" one), an NT-hash key file
 * (TESTDOM\alice / alicepw, carol without domain / carolpw) and, when the
 * wrapper script started a KDC, the keytab named by CSSP_TEST_KEYTAB
 * (TERMSRV/localhost) with alice's TGT in KRB5CCNAME.
 */
#ifndef LOOPBACK_H
#define LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credssp.h"
#include "cssp_client.h"

#define LB_PATH 256

struct lb_fixture {
    char dir[64];
    char cert[LB_PATH], key[LB_PATH];
    char cert2[LB_PATH], key2[LB_PATH];
    uint8_t *cert_der, *cert2_der;
    size_t cert_der_len, cert2_der_len;
    uint8_t *spk2; /* SubjectPublicKey of cert2 */
    size_t spk2_len;
    char keyfile[LB_PATH];
    const char *keytab; /* NULL: no KDC, Kerberos cases skip */
    void *sni_second;       /* SSL_CTX of a sni_switch run, freed with the run */
};

extern struct lb_fixture lb;
/* The run of the current test case (see lb_free_current). */
extern struct lb_run lb_cur;

/* Engine configuration of one case. */
struct lb_cfg {
    int min_version;        /* 0: leave the default (5) */
    unsigned mechs;         /* 0: default */
    unsigned cred_types;    /* 0: default */
    size_t max_message;     /* 0: default */
    unsigned max_rounds;    /* 0: default (16) */
    bool server_cert2;      /* engine presents cert2 */
    bool app_tls;           /* CREDSSP_TLS_APPLICATION */
    size_t chunk;           /* 0: whole buffers; else feed at most chunk bytes a call */
    unsigned corrupt_batch; /* 1-based client output batch whose last byte is flipped */
    bool lookup;            /* NT hashes from lb_lookup (no key file) */
    bool sni_switch;        /* an SSL_CTX whose servername callback switches to cert2 */
    bool indexed;           /* the key file through credssp_config_set_ntlm_keyfile_indexed */
    bool deferred;          /* credssp_engine_set_deferred (loopback_scale.c pumps it) */
    credssp_ntlm_lookup_fn lookup_fn; /* else lb_lookup when .lookup */
    void *lookup_data;
};

/* The names the lookup callback was last asked for (lb_cfg.lookup). */
extern char lb_lookup_user[64], lb_lookup_domain[64];
extern unsigned lb_lookup_calls;

struct lb_run {
    credssp_config *cfg;
    credssp_engine *e;
    struct cssp_client *c;
    size_t chunk;
    unsigned corrupt_batch;
    unsigned batches; /* client output batches fed to the engine */
    unsigned rounds;  /* pump iterations used */
    bool stalled;     /* neither side finished nor moved */
};

int lb_setup(void **state);
int lb_teardown(void **state);

/* Engine defaults of the tests: min version 2, everything else default. */
void lb_cfg_init(struct lb_cfg *c);
/* Client options: NTLM as TESTDOM\alice delegating alice's password. */
void lb_opts_ntlm(struct cssp_cli_opts *o, enum cssp_cli_mech mech, int version);
/* Client options: Kerberos from the ccache delegating alice@TEST.LOCAL's password. */
void lb_opts_krb(struct cssp_cli_opts *o, enum cssp_cli_mech mech, int version);
/* Skip the current test when no KDC was started. */
void lb_require_krb(void);

/* Build config, engine and client; move nothing yet. */
void lb_start(struct lb_run *r, const struct lb_cfg *cfg, const struct cssp_cli_opts *o);
/* One pump round; false when nothing moved. */
bool lb_pump_once(struct lb_run *r);
/* lb_start, then pump until both sides stop. */
void lb_run(struct lb_run *r, const struct lb_cfg *cfg, const struct cssp_cli_opts *o);
void lb_run_free(struct lb_run *r);
/* Pump again (e.g. after credssp_engine_write_app). */
void lb_pump(struct lb_run *r);
/* The engine log captured since the last lb_start. */
const char *lb_log(void);
/* Print engine status/error, client state and the captured log. */
void lb_dump(const struct lb_run *r);

/*
 * Successful exchange: engine DONE, client DONE and verified, server version
 * 6 without protocol violations, result fields (mech, SPNEGO flag, version,
 * binding) as given.
 */
void lb_expect_done(const struct lb_run *r, unsigned mech, bool spnego, int version);
/* Engine FAILED with err. */
void lb_expect_fail(const struct lb_run *r, credssp_error err);
/* The exchange stopped before authInfo: no credentials, client not verified. */
void lb_expect_no_creds(const struct lb_run *r);
/* The errorCode the client saw: 0 means none was sent. */
void lb_expect_error_code(const struct lb_run *r, uint32_t code);

/* Per-test teardown: lb_run_free(&lb_cur). */
int lb_free_current(void **state);
/* The delegated password credentials arrived intact in lb_cur's result. */
void lb_expect_password(const char *principal, const char *user, const char *domain,
                        const char *password);
/* lb_cur's client Kerberos wrap tokens had the asked layout (EC 0, RRC 28 or 0). */
void lb_expect_krb_layout(enum cssp_cli_krb_wrap wrap);
/* SPNEGO(NTLM): lb_cur's server final token, with or without mechListMIC. */
void lb_expect_final_token(bool mic);

#endif /* LOOPBACK_H */
