/*
 * conn_pam.c - the verdict of a credssp-server connection (conn.c has the
 * state machine's overview): CredSSP done or failed, the --pam-service job
 * handed to a worker (pamjob.c) and its outcome or timeout, application data
 * that arrives meanwhile, and the Early User Authorization Result
 * (MS-RDPBCGR 2.2.10.2) before the configured ending (conn_end.c).
 */
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include <openssl/crypto.h>

#include "account.h"
#include "conn_int.h"
#include "pamjob.h"
#include "report.h"

/* Writer adapter for app_pdu: the Early User Authorization Result. */
static void
build_eua(struct cssp_writer *w, const void *arg)
{
    x224_write_eua(w, *(const uint32_t *)arg);
}

/*
 * The account name a PAM job counts against (--pam-per-user), without NSS:
 * the delegated user, else the principal's user part for NTLM "DOMAIN\user",
 * else the principal.
 */
static const char *
share_user(const credssp_result *r)
{
    const char *u = credssp_result_user(r);

    if (u == NULL || u[0] == '\0') {
        u = credssp_result_principal(r);
        if (u != NULL && strchr(u, '\\') != NULL)
            u = strchr(u, '\\') + 1;
    }
    return u != NULL && u[0] != '\0' ? u : NULL;
}

/*
 * The local account PAM should log in (pam_user_fn: on a PAM worker, as NSS
 * may block): the one mapping of both front ends (examples/common/account.c;
 * with --ad, arg is the domain settings and the name is as NSS spells it).
 * NULL when there is none.
 */
static char *
pam_user(const void *arg, const credssp_result *r)
{
    char local[FE_ACCOUNT_NAME_MAX];
    const struct fe_account_rules rules = { arg, NULL, 0, false };
    const char *why = NULL;

    return fe_map_account(&rules, r, local, sizeof(local), &why) == CREDSSP_OK ? strdup(local)
                                                                             : NULL;
}

/*
 * The domain settings for pam_user, or NULL without --ad.  A copy that lives
 * as long as the process: a worker stuck in NSS may outlive main's server.
 * Written once by the loop thread before the first job is queued.
 */
static const struct ad_opts *
ad_for_workers(const struct server *srv)
{
    static struct ad_opts copy;
    static bool copied;

    if (!srv->opt.ad.on)
        return NULL;
    if (!copied) {
        copy = srv->opt.ad;
        copied = true;
    }
    return &copy;
}

/*
 * --pam-service: move the result to a PAM worker (pamjob.c) and wait for its
 * eventfd in CS_PAM.  When the login cannot start (no user, the pool is
 * full) the connection is denied here, before the result is freed: the
 * report still points into it.
 */
static void
start_pam(struct conn *c)
{
    credssp_result *r = credssp_engine_take_result(c->eng);
    const char *user = r != NULL ? share_user(r) : NULL;
    struct epoll_event ev;
    credssp_error ret = CREDSSP_E_INVALID_ARG;

    if (user != NULL)
        ret = pam_job_start(r, c->srv->opt.pam_service, user, pam_user, ad_for_workers(c->srv),
                            c->host,
                            (c->srv->opt.pam_session ? PAM_JOB_SESSION : 0) |
                                (c->srv->opt.handoff_keyring ? PAM_JOB_HANDOFF : 0),
                            &c->pam, &c->pam_efd);
    if (ret != CREDSSP_OK) {
        c->rep.pam = user == NULL ? "no_user"
                     : ret == CREDSSP_E_TOO_LARGE ? "busy"
                                                  : credssp_error_name(ret);
        finish_done(c, ret == CREDSSP_E_TOO_LARGE ? PAM_VERDICT_BUSY : PAM_VERDICT_DENIED);
        credssp_result_free(r);                 /* wipes the secret */
        return;
    }
    report_fill(&c->rep, pam_job_result(c->pam), true);   /* strings now live in the job */
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &c->w_pam;
    if (epoll_ctl(c->srv->epfd, EPOLL_CTL_ADD, c->pam_efd, &ev) != 0) {
        c->rep.pam = credssp_error_name(CREDSSP_E_IO);
        c->pam_efd = -1;
        finish_done(c, PAM_VERDICT_DENIED);
        leave_pam(c);
        return;
    }
    c->state = CS_PAM;
    arm_timer(c, c->srv->opt.pam_timeout_ms);   /* the job's own deadline */
}

/* Authorization decided: EUA for HYBRID_EX, ending, report, flush. */
void
finish_done(struct conn *c, enum pam_verdict pam)
{
    credssp_error ret;
    bool denied = pam != PAM_VERDICT_SKIPPED && pam != PAM_VERDICT_OK;

    c->rep.outcome = pam == PAM_VERDICT_SESSIONS_FULL ? "busy"
                     : pam == PAM_VERDICT_BUSY        ? "pam_busy"
                     : pam == PAM_VERDICT_TIMEOUT     ? "pam_timeout"
                     : denied                         ? "pam_denied"
                                                      : "ok";
    if (c->ans.selected == X224_PROTOCOL_HYBRID_EX) {
        uint32_t eua = denied ? X224_EUA_ACCESS_DENIED : X224_EUA_SUCCESS;

        ret = app_pdu(c, build_eua, &eua);
        if (ret == CREDSSP_OK)
            c->rep.eua = (int)eua;
        else
            fprintf(stderr, "credssp-server: %s: EUA: %s\n", c->rep.peer, credssp_strerror(ret));
    }
    queue_ending(c);
    ret = drain_engine(c);
    conclude(c, ret == CREDSSP_OK ? NULL : credssp_error_name(ret));
    if (ret == CREDSSP_OK && c->srv->opt.ending == ENDING_MCS) {
        c->state = CS_MCS;
        mcs_input(c, NULL, 0);                  /* a Connect Initial may be buffered */
        return;
    }
    enter_flush(c);
}

/* CredSSP finished: PAM (on a worker) if configured, then finish_done. */
void
on_engine_done(struct conn *c)
{
    report_fill(&c->rep, credssp_engine_result(c->eng), true);
    if (!adm_promote(&c->adm)) {                /* out of the pre-auth budget either way */
        finish_done(c, PAM_VERDICT_SESSIONS_FULL);
        return;
    }
    arm_deadline(c);                            /* what is left of --timeout */
    if (c->srv->opt.pam_service == NULL) {
        c->rep.pam = "skipped";
        finish_done(c, PAM_VERDICT_SKIPPED);
        return;
    }
    start_pam(c);
}

/*
 * The PAM stage is over (verdict or timeout): forget the job (its
 * credential is wiped once the worker, if any, lets go) and give the
 * remaining steps a fresh --timeout deadline.  Call after the report.
 */
void
leave_pam(struct conn *c)
{
    if (c->pam_efd >= 0)
        (void)epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->pam_efd, NULL);
    c->pam_efd = -1;
    pam_job_release(c->pam);
    c->pam = NULL;
    if (c->state == CS_MCS || c->state == CS_FLUSH)
        arm_timer(c, c->srv->opt.timeout_ms);
}

/*
 * Application data while PAM runs (an HYBRID client sends its MCS Connect
 * Initial right after authInfo): kept for the mcs ending, else dropped.
 */
void
absorb_app(struct conn *c, const uint8_t *data, size_t len)
{
    uint8_t buf[READ_CHUNK];

    size_t n;

    if (c->srv->opt.ending == ENDING_MCS) {
        if (!collect_app(c, data, len)) {
            OPENSSL_cleanse(c->app, c->app_len);   /* over the cap: forget it */
            c->app_len = 0;
        }
    } else {
        (void)credssp_engine_feed(c->eng, data, len);
        while ((n = credssp_engine_read_app(c->eng, buf, sizeof(buf))) > 0)
            OPENSSL_cleanse(buf, n);
    }
    (void)drain_engine(c);
}

/* The PAM worker finished. */
void
conn_on_pam(struct conn *c)
{
    const char *status = NULL;
    credssp_error ret;

    if (c->state != CS_PAM || c->pam == NULL)
        return;
    ret = pam_job_outcome(c->pam, &status);
    if (ret == CREDSSP_E_STATE)
        return;                                 /* spurious wake-up */
    c->rep.pam = status;
    c->rep.krb5ccname = pam_job_krb5ccname(c->pam);
    c->rep.pam_teardown = pam_job_teardown(c->pam);
    finish_done(c, ret == CREDSSP_OK ? PAM_VERDICT_OK : PAM_VERDICT_DENIED);
    leave_pam(c);
    update_events(c);
}

/* CredSSP failed: report, send what the engine queued (errorCode), end. */
void
on_engine_failed(struct conn *c, credssp_error local)
{
    credssp_error err = local != CREDSSP_OK ? local : credssp_engine_error(c->eng);

    report_fill(&c->rep, credssp_engine_result(c->eng), false);
    if (c->ans.selected == X224_PROTOCOL_HYBRID_EX) {
        /* Refused after authInfo (e.g. credential type): the TLS session is
         * still up, so say "denied" cleanly instead of a bare close. */
        uint32_t eua = X224_EUA_ACCESS_DENIED;

        if (app_pdu(c, build_eua, &eua) == CREDSSP_OK)
            c->rep.eua = (int)eua;
    }
    credssp_engine_shutdown(c->eng);
    (void)drain_engine(c);
    c->rep.ending = "fin";
    conclude(c, credssp_error_name(err != CREDSSP_OK ? err : CREDSSP_E_INTERNAL));
    enter_flush(c);
}
