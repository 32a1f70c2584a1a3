/*
 * fuzz_tscredentials.c - libFuzzer target for the TSCredentials decoder.
 *
 * Targets: cssp_ts_credentials_decode / _encode / _clear (acceptor/codec/tscred.c),
 * the UTF-16 conversions (utf16.c), the secret type, der.c and buf.c.
 * Property (tests/unit/roundtrip.h): an input is refused with a
 * protocol error and a zeroed output, or it re-encodes to exactly itself
 * (Restricted Admin as 30 00 is the one documented exception); clearing
 * leaves the struct zeroed.  Any violation aborts.  Deterministic, no
 * global state, frees everything (LeakSanitizer checks).
 */
#include <stdio.h>
#include <stdlib.h>

#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    credssp_error err = CREDSSP_OK;
    enum rt_result r = rt_tscredentials(data, size, &err);

    if (!rt_ok(r)) {
        fprintf(stderr, "fuzz_tscredentials: %s (decode: %s)\n", rt_result_name(r),
                credssp_error_name(err));
        abort();
    }
    return 0;
}
