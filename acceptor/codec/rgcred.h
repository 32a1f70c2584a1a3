/*
 * rgcred.h - what a Remote Credential Guard logon carries (MS-CSSP
 * 2.2.1.2.3 TSRemoteGuardCreds, note <22>): the "Kerberos" logonCred's
 * credBuffer is a KERB_TICKET_LOGON (ntsecapi.h), marshalled with its two
 * pointers as 64-bit offsets from the start of the buffer:
 *
 *   u32 MessageType                 10 = KerbTicketLogon
 *   u32 Flags                       bit 0 KERB_LOGON_FLAG_ALLOW_EXPIRED_TICKET
 *   u32 ServiceTicketLength         > 0
 *   u32 TicketGrantingTicketLength  0 = no TGT
 *   u64 ServiceTicket offset        >= 32, region inside the buffer
 *   u64 TicketGrantingTicket offset 0 when the length is 0
 *   ... the ticket bytes
 *
 * (all little-endian).  The service ticket must be exactly one DER Ticket
 * ([APPLICATION 1], tag 0x61), the TGT exactly one KRB-CRED ([APPLICATION
 * 22], tag 0x76) (RFC 4120 5.3, 5.8); the two regions must not overlap the
 * header or each other.  Only sizes are exposed: the tickets stay in the
 * result's credssp_secret.
 */
#ifndef CSSP_RGCRED_H
#define CSSP_RGCRED_H

#include "internal.h"

#define CSSP_KERB_TICKET_LOGON 10u
#define CSSP_KERB_TICKET_LOGON_HEADER 32u
#define CSSP_KERB_LOGON_FLAG_ALLOW_EXPIRED_TICKET 0x1u
#define CSSP_DER_TICKET 0x61        /* Ticket ::= [APPLICATION 1] */
#define CSSP_DER_KRB_CRED 0x76      /* KRB-CRED ::= [APPLICATION 22] */

struct cssp_kerb_ticket_logon {
    uint32_t message_type;
    uint32_t flags;
    uint32_t service_ticket_len;
    uint32_t tgt_len;
    uint64_t service_ticket_off;
    uint64_t tgt_off;
};

/*
 * Parse and check a KERB_TICKET_LOGON credBuffer.  Errors: TRUNCATED (short
 * header), UNEXPECTED (message type, unknown flags, no service ticket),
 * BAD_LENGTH (a region outside the buffer, overlapping, or a ticket whose
 * DER does not fill its region exactly), BAD_TAG (not a Ticket / KRB-CRED).
 * *out is zeroed on failure.
 */
CSSP_WUR credssp_error cssp_kerb_ticket_logon_parse(const uint8_t *buf, size_t len,
                                                    struct cssp_kerb_ticket_logon *out);

/* credssp_result_rg_ticket_logon() is declared in include/credssp.h. */

#endif /* CSSP_RGCRED_H */
