/*
 * frontend.c - see frontend.h.
 */
#include <stdio.h>
#include <unistd.h>

#include "frontend.h"

void
frontend_log_stderr(void *userdata, int level, const char *msg)
{
    static const char *const names[] = { "emerg", "alert", "crit", "err",
                                         "warning", "notice", "info", "debug" };
    char line[1024];
    size_t i;

    (void)userdata;
    for (i = 0; msg != NULL && msg[i] != '\0' && i + 1 < sizeof(line); i++)
        line[i] = ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f) ? '?' : msg[i];
    line[i] = '\0';
    fprintf(stderr, "credssp[%s]: %s\n", (level >= 0 && level <= 7) ? names[level] : "log",
            line);
}

credssp_error
frontend_make_config(const struct frontend_config *fc, credssp_config **out)
{
    credssp_config *cfg = NULL;
    credssp_error ret;

    *out = NULL;
    ret = credssp_config_new(&cfg);
    if (ret != CREDSSP_OK)
        return ret;
    credssp_config_set_log(cfg, frontend_log_stderr, NULL);
    ret = credssp_config_set_ssl_ctx(cfg, fc->ssl_ctx);
    if (ret == CREDSSP_OK && fc->keytab != NULL)
        ret = credssp_config_set_keytab(cfg, fc->keytab);
    if (ret == CREDSSP_OK && fc->ntlm_keyfile != NULL)
        ret = credssp_config_set_ntlm_keyfile(cfg, fc->ntlm_keyfile);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_min_version(cfg, fc->min_version);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_cred_types(cfg, fc->cred_types);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_limits(cfg, 65539u, 16u, fc->timeout_ms);
    if (ret == CREDSSP_OK)
        ret = credssp_config_prepare(cfg);
    if (ret != CREDSSP_OK) {
        credssp_config_free(cfg);
        return ret;
    }
    *out = cfg;
    return CREDSSP_OK;
}

int
frontend_write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    FILE *f;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
        return -1;
    f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%u\n", port);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return -1;
    }
    return 0;
}
