/*
 * fuzz_rdp.c - libFuzzer target for the RDP-side parsers of the examples:
 * TPKT framing and the X.224 Connection Request with RDP_NEG_REQ
 * (MS-RDPBCGR 2.2.1.1, examples/common/x224.c), the MCS PDUs the server
 * answers (T.125 / MS-RDPBCGR 2.2.1.3-2.2.1.8, examples/common/mcs.c), and
 * the gateway's rewriters of the Client Info PDU (MS-RDPBCGR 2.2.1.11,
 * examples/gateway/infopdu.c) and the MCS Connect Response
 * (examples/gateway/mcsfix.c).  Every input goes to every parser; a
 * rewrite that succeeds must produce output within its writer's cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "infopdu.h"
#include "mcs.h"
#include "mcsfix.h"
#include "x224.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t password[] = "fuzz-Passw0rd";
    struct gw_info_inject inj = { "", "fuzzuser", password, sizeof(password) - 1 };
    struct gw_info_seen seen;
    struct x224_cr cr;
    struct mcs_pdu pdu;
    struct cssp_writer w;
    size_t frame = 0;
    uint32_t old = 0;
    bool is_info = false;

    /* the announced frame length stays within [7, cap] */
    if (x224_tpkt_frame_len(data, size, 65535, &frame) == CREDSSP_OK &&
        (frame < 7 || frame > 65535))
        abort();
    (void)x224_parse_cr(data, size, &cr);
    (void)mcs_parse(data, size, &pdu);
    if (gw_info_detect(data, size, &is_info) == CREDSSP_OK && is_info) {
        cssp_writer_init(&w, 65535, true);
        if (gw_info_rewrite(data, size, &inj, &w, &seen) == CREDSSP_OK && w.len > 65535)
            abort();
        cssp_writer_release(&w);
    }
    cssp_writer_init(&w, 65535, false);
    if (gw_mcs_fix_connect_response(data, size, 0x0b, &w, &old) == CREDSSP_OK && w.len != size)
        abort();   /* the rewrite keeps the length */
    cssp_writer_release(&w);
    return 0;
}
