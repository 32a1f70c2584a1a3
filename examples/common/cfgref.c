/*
 * cfgref.c - see cfgref.h.
 */
#include <stdlib.h>

#include "cfgref.h"

struct cfgref {
    credssp_config *cfg;
    unsigned long refs;
};

struct cfgref *
cfgref_new(credssp_config *cfg)
{
    struct cfgref *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    r->cfg = cfg;
    r->refs = 1;
    return r;
}

struct cfgref *
cfgref_take(struct cfgref *r)
{
    if (r != NULL)
        r->refs++;
    return r;
}

credssp_config *
cfgref_config(const struct cfgref *r)
{
    return r != NULL ? r->cfg : NULL;
}

void
cfgref_drop(struct cfgref *r)
{
    if (r == NULL || --r->refs > 0)
        return;
    credssp_config_free(r->cfg);
    free(r);
}
