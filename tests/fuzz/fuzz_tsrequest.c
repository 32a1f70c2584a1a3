/*
 * fuzz_tsrequest.c - libFuzzer target for the TSRequest decoder and framer.
 *
 * Targets: cssp_ts_request_decode, cssp_ts_request_encode,
 * cssp_ts_request_frame (acceptor/codec/tsrequest.c) and everything under them
 * (der.c, buf.c).  Property (tests/unit/roundtrip.h): an input is
 * refused with a protocol error and a zeroed output, or it re-encodes to
 * exactly itself (strict DER: one encoding per value; the 5-byte errorCode
 * form is the one documented exception).  A decodable TSRequest is also a
 * complete frame of exactly its own length.  Any violation aborts.
 * Deterministic, no global state, frees everything.
 */
#include <stdio.h>
#include <stdlib.h>

#include "roundtrip.h"
#include "tsrequest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    credssp_error err = CREDSSP_OK, ferr;
    enum rt_result r = rt_tsrequest(data, size, &err);
    size_t frame = 0;

    if (!rt_ok(r)) {
        fprintf(stderr, "fuzz_tsrequest: %s (decode: %s)\n", rt_result_name(r),
                credssp_error_name(err));
        abort();
    }
    ferr = cssp_ts_request_frame(data, size, CSSP_MAX_TSREQUEST, &frame);
    if (r != RT_REJECTED && (ferr != CREDSSP_OK || frame != size)) {
        fprintf(stderr, "fuzz_tsrequest: decodable but framed as %s/%zu of %zu\n",
                credssp_error_name(ferr), frame, size);
        abort();
    }
    if (ferr == CREDSSP_OK && frame > size)
        abort();
    return 0;
}
