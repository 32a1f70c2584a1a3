/*
 * cfgref.h - a reference-counted holder for the acceptor configuration, so
 * that SIGHUP can swap in a new one (new certificate, key, keytab, NTLM key
 * file) while connections in progress keep the one they started with.
 *
 * The daemon holds one reference to the current holder; each connection
 * takes one when it creates its engine and drops it after freeing the
 * engine.  The config is freed with the last reference.  Only the event
 * loop's thread takes and drops references (engines are freed there).
 */
#ifndef CSSP_EXAMPLE_CFGREF_H
#define CSSP_EXAMPLE_CFGREF_H

#include "credssp.h"

struct cfgref;

/* Wrap cfg (ownership passes) with one reference; NULL if out of memory (cfg untouched). */
struct cfgref *cfgref_new(credssp_config *cfg);
/* One more reference; returns r (NULL-safe). */
struct cfgref *cfgref_take(struct cfgref *r);
/* The config inside (NULL for NULL). */
credssp_config *cfgref_config(const struct cfgref *r);
/* Drop one reference; the last frees the config (NULL-safe). */
void cfgref_drop(struct cfgref *r);

#endif /* CSSP_EXAMPLE_CFGREF_H */
