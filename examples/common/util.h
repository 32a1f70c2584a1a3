/*
 * util.h - the small helpers both front ends share: the clock, strict number
 * options, and the one loop that collects the engine's output.
 */
#ifndef CSSP_FRONTEND_UTIL_H
#define CSSP_FRONTEND_UTIL_H

#include <stdint.h>

#include "credssp.h"

/* Milliseconds on CLOCK_MONOTONIC (the clock the engine deadline uses). */
uint64_t fe_now_ms(void);

/* A strict decimal number in [lo, hi] into *out; 0 = ok, -1 = not one. */
int fe_parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/* Move the engine's pending output to the connection's socket queue. */
typedef credssp_error (*fe_drain_fn)(void *conn);

/*
 * After a feed or a step: drain the engine's output into the connection
 * (drain(conn)) and return the engine's status (CREDSSP_FAILED with
 * *err_out set when the drain failed).  feed() and step() handle all their
 * input, so no second feed is needed once the output is taken (status flags,
 * docs/ENGINE.md).  The one place a front end handles WANT_WRITE.
 */
credssp_status fe_pump_engine(credssp_engine *eng, fe_drain_fn drain, void *conn,
                              credssp_error *err_out);

#endif /* CSSP_FRONTEND_UTIL_H */
