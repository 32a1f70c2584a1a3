/*
 * roundtrip.h - the property every codec input must satisfy.
 *
 * Decode; a refusal must be a protocol error and leave the output zeroed.
 * An accepted input must re-encode to exactly itself, because strict DER
 * has one encoding per value.  The only two exceptions are the alternative
 * forms the decoders accept on purpose and the encoders never emit:
 *   - TSRequest errorCode as a positive 5-byte INTEGER (02 05 00 xx xx xx xx);
 *   - Restricted Admin as an empty inner SEQUENCE (30 00).
 * For those the re-encoding must decode to the same value.
 *
 * Shared by the unit tests (mutation sweeps) and the libFuzzer targets, and
 * free of cmocka so both can link it.
 */
#ifndef CSSP_TEST_ROUNDTRIP_H
#define CSSP_TEST_ROUNDTRIP_H

#include <stddef.h>
#include <stdint.h>

#include "credssp.h"

enum rt_result {
    RT_REJECTED = 0,      /* refused with a protocol error: fine */
    RT_ACCEPTED,          /* accepted and re-encoded byte for byte: fine */
    RT_ACCEPTED_ALT_FORM, /* one of the two documented alternative forms: fine */
    RT_BAD_ERROR,         /* refused with an error outside the protocol category */
    RT_DIRTY_OUTPUT,      /* refused but the output struct is not zeroed */
    RT_BAD_VIEW,          /* a decoded view points outside the input */
    RT_ENCODE_FAILED,     /* accepted, but the encoder refuses the decoded value */
    RT_MISMATCH           /* accepted, but re-encodes differently */
};

static inline int
rt_ok(enum rt_result r)
{
    return r == RT_REJECTED || r == RT_ACCEPTED || r == RT_ACCEPTED_ALT_FORM;
}

const char *rt_result_name(enum rt_result r);
enum rt_result rt_tsrequest(const uint8_t *buf, size_t len, credssp_error *err_out);
enum rt_result rt_tscredentials(const uint8_t *buf, size_t len, credssp_error *err_out);

#endif /* CSSP_TEST_ROUNDTRIP_H */
