/*
 * options.c - pam_credssp's module arguments: a sorted, typed table looked
 * up with bsearch (model: pam-krb5 module/options.c).  Unknown or malformed
 * arguments are logged and otherwise ignored, as PAM modules conventionally
 * do; the man page pam_credssp(8) lists every option.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pcssp.h"

enum opt_type {
    OPT_BOOL,     /* "name" */
    OPT_STRING,   /* "name=value" */
    OPT_LIST,     /* "name=a,b" (repeatable) */
    OPT_KEYRING,  /* "keyring=user|session|process" */
    OPT_UID       /* "name=N", a uid */
};

struct opt {
    const char *name;
    enum opt_type type;
    size_t offset;      /* of the member in struct pcssp_config */
    size_t count_off;   /* OPT_LIST: offset of the counter */
};

#define O(n, t) { #n, t, offsetof(struct pcssp_config, n), 0 }
#define L(n, m) { #n, OPT_LIST, offsetof(struct pcssp_config, m), \
                  offsetof(struct pcssp_config, n_##m) }

/* Sorted by name (bsearch); test_options checks the order. */
static const struct opt options[] = {
    O(ad, OPT_BOOL),
    O(ad_dns, OPT_STRING),
    O(ad_domain, OPT_STRING),
    O(ad_names, OPT_STRING),
    O(allow_setuid, OPT_BOOL),
    O(authtok, OPT_BOOL),
    O(ccache, OPT_STRING),
    O(debug, OPT_BOOL),
    O(destroy, OPT_BOOL),
    L(domain, domains),
    O(enroll, OPT_BOOL),
    O(keyfile, OPT_STRING),
    O(keyring, OPT_KEYRING),
    O(keytab, OPT_STRING),
    O(krb5, OPT_BOOL),
    O(minimum_uid, OPT_UID),
    L(realm, realms),
    O(trust, OPT_BOOL),
};

/* True when the table is strictly sorted (bsearch needs it; checked by a test). */
bool
pcssp_options_sorted(void)
{
    for (size_t i = 1; i < PCSSP_COUNT(options); i++) {
        if (strcmp(options[i - 1].name, options[i].name) >= 0)
            return false;
    }
    return true;
}

/* bsearch comparator: key is a NUL-terminated name. */
static int
opt_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct opt *)elem)->name);
}

/* Append the comma-separated items of value to a list option. */
static credssp_error
add_list(struct pcssp_config *cfg, const struct opt *o, const char *value)
{
    char **list = (char **)((char *)cfg + o->offset);
    size_t *count = (size_t *)((char *)cfg + o->count_off);
    const char *p = value;

    while (*p != '\0') {
        size_t n = strcspn(p, ",");

        if (n != 0) {
            if (*count >= PCSSP_MAX_LIST)
                return CREDSSP_E_CONFIG;
            list[*count] = strndup(p, n);
            if (list[*count] == NULL)
                return CREDSSP_E_NOMEM;
            (*count)++;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return CREDSSP_OK;
}

/* Store one argument's value in cfg. */
static credssp_error
apply(struct pcssp_config *cfg, const struct opt *o, const char *value)
{
    void *member = (char *)cfg + o->offset;
    char **str = member;

    switch (o->type) {
    case OPT_BOOL:
        if (value != NULL)
            return CREDSSP_E_CONFIG;
        *(bool *)member = true;
        return CREDSSP_OK;
    case OPT_STRING:
        if (value == NULL || value[0] == '\0')
            return CREDSSP_E_CONFIG;
        free(*str);
        *str = strdup(value);
        return *str != NULL ? CREDSSP_OK : CREDSSP_E_NOMEM;
    case OPT_LIST:
        if (value == NULL)
            return CREDSSP_E_CONFIG;
        return add_list(cfg, o, value);
    case OPT_UID: {
        char *end = NULL;
        unsigned long v;

        if (value == NULL || value[0] < '0' || value[0] > '9')
            return CREDSSP_E_CONFIG;
        errno = 0;
        v = strtoul(value, &end, 10);
        if (errno != 0 || *end != '\0' || v > UINT32_MAX)
            return CREDSSP_E_CONFIG;
        *(uid_t *)member = (uid_t)v;
        return CREDSSP_OK;
    }
    case OPT_KEYRING:
        if (value == NULL)
            return CREDSSP_E_CONFIG;
        if (strcmp(value, "user") == 0)
            cfg->keyring = CREDSSP_HANDOFF_KEYRING_USER;
        else if (strcmp(value, "session") == 0)
            cfg->keyring = CREDSSP_HANDOFF_KEYRING_SESSION;
        else if (strcmp(value, "process") == 0)
            cfg->keyring = CREDSSP_HANDOFF_KEYRING_PROCESS;
        else
            return CREDSSP_E_CONFIG;
        return CREDSSP_OK;
    }
    return CREDSSP_E_INTERNAL;
}

/* Defaults, then the module arguments; unknown ones are logged. */
credssp_error
pcssp_options_parse(pam_handle_t *pamh, int argc, const char **argv, struct pcssp_config *cfg)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    char name[32];

    memset(cfg, 0, sizeof(*cfg));
    cfg->keyring = CREDSSP_HANDOFF_KEYRING_DEFAULT;
    cfg->minimum_uid = PCSSP_DEFAULT_MINIMUM_UID;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *eq = strchr(arg, '=');
        size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const struct opt *o = NULL;

        if (n < sizeof(name)) {
            memcpy(name, arg, n);
            name[n] = '\0';
            o = bsearch(name, options, PCSSP_COUNT(options), sizeof(options[0]), opt_cmp);
        }
        if (o == NULL) {
            pam_syslog(pamh, LOG_WARNING, "unknown option %.64s (ignored)", arg);
            continue;
        }
        ret = apply(cfg, o, eq != NULL ? eq + 1 : NULL);
        if (ret == CREDSSP_E_NOMEM)
            goto cleanup;
        if (ret != CREDSSP_OK)
            pam_syslog(pamh, LOG_WARNING, "malformed option %.64s (ignored)", arg);
    }
    if (cfg->ccache == NULL) {
        cfg->ccache = strdup(PCSSP_DEFAULT_CCACHE);
        if (cfg->ccache == NULL) {
            ret = CREDSSP_E_NOMEM;
            goto cleanup;
        }
    }
    if (cfg->keyfile == NULL) {
        cfg->keyfile = strdup(PCSSP_DEFAULT_KEYFILE);
        if (cfg->keyfile == NULL) {
            ret = CREDSSP_E_NOMEM;
            goto cleanup;
        }
    }
    /* a domain setting turns the domain-user mapping on */
    cfg->ad = cfg->ad || cfg->ad_domain != NULL || cfg->ad_dns != NULL || cfg->ad_names != NULL;
    ret = CREDSSP_OK;

cleanup:
    if (ret != CREDSSP_OK)
        pcssp_options_free(cfg);
    return ret;
}

/* Free the option strings. NULL-safe. */
void
pcssp_options_free(struct pcssp_config *cfg)
{
    if (cfg == NULL)
        return;
    free(cfg->ad_dns);
    free(cfg->ad_domain);
    free(cfg->ad_names);
    free(cfg->ccache);
    free(cfg->keyfile);
    free(cfg->keytab);
    for (size_t i = 0; i < cfg->n_domains; i++)
        free(cfg->domains[i]);
    for (size_t i = 0; i < cfg->n_realms; i++)
        free(cfg->realms[i]);
    memset(cfg, 0, sizeof(*cfg));
}
