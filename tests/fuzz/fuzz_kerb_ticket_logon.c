/*
 * fuzz_kerb_ticket_logon.c - libFuzzer target for the KERB_TICKET_LOGON of a
 * Remote Guard logon credential (MS-CSSP 2.2.1.2.3 note <22>,
 * acceptor/codec/rgcred.c): offsets and lengths from the client must never reach
 * outside the buffer; a parse that succeeds reports regions inside it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "rgcred.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cssp_kerb_ticket_logon k;

    if (cssp_kerb_ticket_logon_parse(data, size, &k) == CREDSSP_OK &&
        (k.service_ticket_off > size || k.service_ticket_len > size - k.service_ticket_off ||
         k.tgt_off > size || k.tgt_len > size - k.tgt_off))
        abort();
    return 0;
}
