/*
 * mcsfix.h - the slow-path framing the gateway must look into, and the one
 * MCS PDU from xrdp it changes (client PDUs are classified by the example
 * server's mcs.c).
 *
 * T.123 section 8 (TPKT), X.224 Data TPDU (02 F0 80), T.125 MCS domain PDUs
 * in ALIGNED PER (the DomainMCSPDU choice in the first octet), the T.125
 * Connect-Response in BER (MS-RDPBCGR 2.2.1.4) holding the T.124 GCC
 * ConferenceCreateResponse in PER with the "McDn" user data, and
 * TS_UD_SC_CORE (2.2.1.4.2), whose clientRequestedProtocols xrdp fills with
 * the gateway's own request (PROTOCOL_SSL) and the gateway puts back to the
 * client's value.  Every byte is read with the bounded reader (base/buf.h).
 */
#ifndef CSSP_GATEWAY_MCSFIX_H
#define CSSP_GATEWAY_MCSFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define GW_TPKT_MAX 65535u

/*
 * Read the TPKT header and the X.224 Data TPDU header of one whole frame of
 * len bytes; the reader is left at the first MCS octet.  A TPKT length other
 * than len, or a TPDU other than DT with EOT, is a defined error.
 */
credssp_error gw_read_dt_header(struct cssp_reader *r, size_t len);

/* Read an ALIGNED PER length determinant (X.691 10.9: 1 or 2 octets, no fragments). */
size_t gw_per_read_length(struct cssp_reader *r);
/* Write one (< 0x80) or two octets; CREDSSP_E_TOO_LARGE above 0x3FFF. */
void gw_per_write_length(struct cssp_writer *w, size_t len);
/* Octets gw_per_write_length would write for len. */
size_t gw_per_length_size(size_t len);

/*
 * Server MCS Connect Response (MS-RDPBCGR 2.2.1.4): copy the whole frame into
 * w with TS_UD_SC_CORE.clientRequestedProtocols set to requested; the value
 * xrdp wrote goes to *old_out.  Same length, no other byte changes.
 */
credssp_error gw_mcs_fix_connect_response(const uint8_t *frame, size_t len, uint32_t requested,
                                          struct cssp_writer *w, uint32_t *old_out);

#endif /* CSSP_GATEWAY_MCSFIX_H */
