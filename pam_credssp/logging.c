/*
 * logging.c - pam_credssp's log helpers (pam_syslog, LOG_AUTHPRIV) and the
 * one place where a credssp_error becomes a PAM return code.
 *
 * No function here is ever given a secret; text from the peer (user and
 * domain names) goes through pcssp_printable() so it cannot forge log lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pcssp.h"

/* pam_syslog with a priority. */
void
pcssp_log(const struct pcssp_ctx *ctx, int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    pam_vsyslog(ctx->pamh, prio, fmt, ap);
    va_end(ap);
}

/* pam_syslog at LOG_DEBUG when option debug is set. */
void
pcssp_debug(const struct pcssp_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    if (!ctx->cfg.debug)
        return;
    va_start(ap, fmt);
    pam_vsyslog(ctx->pamh, LOG_DEBUG, fmt, ap);
    va_end(ap);
}

/* Copy s into buf, replacing characters that could forge a log line. */
const char *
pcssp_printable(const char *s, char *buf, size_t cap)
{
    size_t i = 0;

    if (cap == 0)
        return "";
    if (s == NULL)
        s = "-";
    for (; *s != '\0' && i + 1 < cap; s++, i++) {
        unsigned char c = (unsigned char)*s;

        /* Control characters, spaces and '=' would break "key=value" audit lines. */
        buf[i] = (c < 0x21 || c == 0x7f || c == '=') ? '?' : (char)c;
    }
    buf[i] = '\0';
    return buf;
}

/*
 * The only credssp_error -> PAM translation.  auth: a refused identity or
 * credential is PAM_AUTH_ERR, an unreachable KDC PAM_AUTHINFO_UNAVAIL.
 * setcred: a wrong password or a failed keytab verification is
 * PAM_CRED_ERR, an unreachable KDC or unusable keytab PAM_CRED_UNAVAIL.
 */
int
pcssp_pam_code(credssp_error err, enum pcssp_phase phase)
{
    switch (err) {
    case CREDSSP_OK:
        return PAM_SUCCESS;
    case CREDSSP_E_NOMEM:
        return PAM_BUF_ERR;
    case CREDSSP_E_CONFIG:
    case CREDSSP_E_INVALID_ARG:
    case CREDSSP_E_INTERNAL:
        return phase == PCSSP_PHASE_AUTH ? PAM_AUTH_ERR : PAM_SYSTEM_ERR;
    case CREDSSP_E_IO:
    case CREDSSP_E_NO_ACCEPTOR_CRED:
        return phase == PCSSP_PHASE_AUTH ? PAM_AUTHINFO_UNAVAIL : PAM_CRED_UNAVAIL;
    default:
        /* Logon failure, identity mismatch, timeout, tampering, policy. */
        switch (phase) {
        case PCSSP_PHASE_AUTH:
            return PAM_AUTH_ERR;
        case PCSSP_PHASE_SETCRED:
            return PAM_CRED_ERR;
        default:
            return PAM_SESSION_ERR;
        }
    }
}
