/*
 * mcs.h - the few T.125 MCS / T.124 GCC PDUs the server needs to take a
 * client to the licensing phase before it says goodbye (--ending mcs).
 *
 * MS-RDPBCGR 2.2.1.3 (MCS Connect Initial with GCC Conference Create Request,
 * only CS_NET is read: 2.2.1.3.4), 2.2.1.4 (MCS Connect Response with GCC
 * Conference Create Response: SC_CORE 2.2.1.4.2, SC_SECURITY 2.2.1.4.3 with
 * no RDP encryption, SC_NET 2.2.1.4.4), 2.2.1.5 / 2.2.1.6 / 2.2.1.7 / 2.2.1.8
 * (Erect Domain, Attach User Request / Confirm), 2.2.1.8 / 2.2.1.9 (Channel
 * Join Request / Confirm) and 2.2.2.3 (DisconnectProviderUltimatum, in
 * x224.c).  Why: docs/INTEROP.md.
 */
#ifndef CSSP_EXAMPLE_MCS_H
#define CSSP_EXAMPLE_MCS_H

#include <stdint.h>

#include "buf.h"

#define MCS_MAX_FRAME 65535u
#define MCS_MAX_CHANNELS 31u            /* CS_NET channelCount cap (2.2.1.3.4) */
#define MCS_GLOBAL_CHANNEL 1003u
#define MCS_USER_ID 1007u

enum mcs_kind {
    MCS_CONNECT_INITIAL,
    MCS_ERECT_DOMAIN,
    MCS_ATTACH_USER_REQUEST,
    MCS_CHANNEL_JOIN_REQUEST,
    MCS_SEND_DATA_REQUEST,
    MCS_DISCONNECT_ULTIMATUM,
    MCS_OTHER
};

struct mcs_pdu {
    enum mcs_kind kind;
    uint16_t channel_id;      /* Channel Join Request: the channel asked for */
    unsigned channel_count;   /* Connect Initial: CS_NET channelCount (0 if absent) */
};

/*
 * Classify one complete TPKT frame (X.224 DT + MCS).  A malformed frame is an
 * error; an unknown but well-framed PDU is MCS_OTHER.
 */
credssp_error mcs_parse(const uint8_t *frame, size_t len, struct mcs_pdu *out);

/* TPKT + DT + MCS Connect Response + GCC Conference Create Response. */
void mcs_write_connect_response(struct cssp_writer *w, uint32_t requested_protocols,
                                unsigned channel_count);
/* TPKT + DT + Attach User Confirm (rt-successful, MCS_USER_ID). */
void mcs_write_attach_user_confirm(struct cssp_writer *w);
/* TPKT + DT + Channel Join Confirm (rt-successful) for channel_id. */
void mcs_write_channel_join_confirm(struct cssp_writer *w, uint16_t channel_id);

#endif /* CSSP_EXAMPLE_MCS_H */
