/*
 * backend.c - reaching xrdp: address, nonblocking connect, and the client
 * half of the X.224 connection negotiation.
 *
 * T.123 section 8 (TPKT), X.224 class 0 CR (0xE0) / CC (0xD0),
 * MS-RDPBCGR 2.2.1.1 (Connection Request: no cookie, RDP_NEG_REQ flags 0,
 * requestedProtocols = PROTOCOL_SSL), 2.2.1.2 (Connection Confirm: RDP_NEG_RSP
 * 2.2.1.2.1 or RDP_NEG_FAILURE 2.2.1.2.2, both exactly 8 octets).  xrdp
 * decides on TLS from this request alone and echoes it in TS_UD_SC_CORE
 * (docs/XRDP.md); the relay puts the client's value back there (mcs.c).
 * The Confirm is read with the bounded reader; the TPKT framing is the
 * server's x224_tpkt_frame_len (one code path for TPKT).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "x224.h"

#define TPKT_VERSION 3u
#define X224_CODE_CR 0xE0u
#define X224_CODE_CC 0xD0u
#define X224_FIXED_LI 6u
#define NEG_TYPE_REQ 0x01u
#define NEG_TYPE_RSP 0x02u
#define NEG_TYPE_FAILURE 0x03u
#define NEG_LEN 8u
#define CR_LEN 19u
#define HOST_MAX 256u

/* "unix:PATH" / "unix://PATH" */
static int
parse_unix(const char *path, struct gw_backend *out)
{
    struct sockaddr_un *sun = (struct sockaddr_un *)&out->sa;
    size_t len = strlen(path);

    if (path[0] != '/' || len >= sizeof(sun->sun_path)) {
        fprintf(stderr, GW_NAME ": --backend unix: wants an absolute path shorter than %zu\n",
                sizeof(sun->sun_path));
        return -1;
    }
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, len + 1);
    out->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    out->is_unix = true;
    (void)snprintf(out->text, sizeof(out->text), "unix:%s", path);
    return 0;
}

/* "tcp://HOST:PORT" / "tcp://[V6]:PORT", resolved now. */
static int
parse_tcp(const char *hp, struct gw_backend *out)
{
    char host[HOST_MAX];
    const char *colon, *port;
    struct addrinfo hints, *res = NULL;
    size_t hlen;
    int rc;

    if (hp[0] == '[') {
        const char *end = strchr(hp, ']');

        if (end == NULL || end[1] != ':')
            goto bad;
        hlen = (size_t)(end - hp - 1);
        hp++;
        colon = end + 1;
    } else {
        colon = strrchr(hp, ':');
        if (colon == NULL)
            goto bad;
        hlen = (size_t)(colon - hp);
    }
    port = colon + 1;
    if (hlen == 0 || hlen >= sizeof(host) || port[0] == '\0' ||
        strspn(port, "0123456789") != strlen(port))
        goto bad;
    memcpy(host, hp, hlen);
    host[hlen] = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, GW_NAME ": --backend %s: %s\n", host, gai_strerror(rc));
        return -1;
    }
    if (res->ai_addrlen > sizeof(out->sa)) {
        freeaddrinfo(res);
        goto bad;
    }
    memcpy(&out->sa, res->ai_addr, res->ai_addrlen);
    out->salen = res->ai_addrlen;
    out->is_unix = false;
    freeaddrinfo(res);
    (void)snprintf(out->text, sizeof(out->text), "tcp://%s%s%s:%s",
                   strchr(host, ':') != NULL ? "[" : "", host,
                   strchr(host, ':') != NULL ? "]" : "", port);
    return 0;
bad:
    fprintf(stderr, GW_NAME ": --backend wants tcp://HOST:PORT or unix:PATH\n");
    return -1;
}

/* Parse --backend. */
int
gw_backend_parse(const char *spec, struct gw_backend *out)
{
    memset(out, 0, sizeof(*out));
    if (spec == NULL) {
        fprintf(stderr, GW_NAME ": --backend is required\n");
        return -1;
    }
    if (strncmp(spec, "tcp://", 6) == 0)
        return parse_tcp(spec + 6, out);
    if (strncmp(spec, "unix://", 7) == 0)
        return parse_unix(spec + 7, out);
    if (strncmp(spec, "unix:", 5) == 0)
        return parse_unix(spec + 5, out);
    fprintf(stderr, GW_NAME ": --backend wants tcp://HOST:PORT or unix:PATH\n");
    return -1;
}

/* Nonblocking connect. */
credssp_error
gw_backend_connect(const struct gw_backend *b, int *fd_out, bool *connected_out)
{
    int fd = socket(b->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    *fd_out = -1;
    *connected_out = false;
    if (fd < 0)
        return CREDSSP_E_IO;
    if (connect(fd, (const struct sockaddr *)&b->sa, b->salen) == 0) {
        *connected_out = true;
    } else if (errno != EINPROGRESS && errno != EAGAIN) {
        int saved = errno;

        (void)close(fd);
        errno = saved;                      /* for the caller's log line */
        return CREDSSP_E_IO;
    }
    *fd_out = fd;
    return CREDSSP_OK;
}

/* The outcome of a pending connect. */
credssp_error
gw_backend_connect_result(int fd, int *errno_out)
{
    int err = 0;
    socklen_t len = sizeof(err);

    *errno_out = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    *errno_out = err;
    return err == 0 ? CREDSSP_OK : CREDSSP_E_IO;
}

/* TPKT + X.224 CR (LI 14) + RDP_NEG_REQ {flags 0, PROTOCOL_SSL}. */
void
gw_backend_write_cr(struct cssp_writer *w)
{
    cssp_write_u8(w, TPKT_VERSION);
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, CR_LEN);
    cssp_write_u8(w, CR_LEN - 5);          /* LI */
    cssp_write_u8(w, X224_CODE_CR);
    cssp_write_u16be(w, 0);                /* DST-REF */
    cssp_write_u16be(w, 0);                /* SRC-REF */
    cssp_write_u8(w, 0);                   /* class 0 */
    cssp_write_u8(w, NEG_TYPE_REQ);
    cssp_write_u8(w, 0);
    cssp_write_u16le(w, NEG_LEN);
    cssp_write_u32le(w, X224_PROTOCOL_SSL);
}

/* Parse xrdp's Connection Confirm. */
credssp_error
gw_backend_parse_cc(const uint8_t *data, size_t len, size_t *frame_out, struct gw_cc *out)
{
    struct cssp_reader r;
    size_t flen = 0;
    uint8_t li, code, type;
    credssp_error ret;

    *frame_out = 0;
    memset(out, 0, sizeof(*out));
    ret = x224_tpkt_frame_len(data, len, GW_BACKEND_CC_MAX, &flen);
    if (ret != CREDSSP_OK)
        return ret;
    if (len < flen)
        return CREDSSP_E_TRUNCATED;
    cssp_reader_init(&r, data, flen);
    (void)cssp_read_bytes(&r, X224_TPKT_HEADER);   /* checked by x224_tpkt_frame_len */
    li = cssp_read_u8(&r);
    code = cssp_read_u8(&r);
    (void)cssp_read_u16be(&r);              /* DST-REF */
    (void)cssp_read_u16be(&r);              /* SRC-REF */
    (void)cssp_read_u8(&r);                 /* class */
    if (!cssp_reader_ok(&r))
        return r.err;
    if ((size_t)li + 1 + X224_TPKT_HEADER != flen)
        return CREDSSP_E_BAD_LENGTH;
    if (code != X224_CODE_CC)
        return CREDSSP_E_UNEXPECTED;
    if (li > X224_FIXED_LI) {
        out->has_neg = true;
        type = cssp_read_u8(&r);
        out->flags = cssp_read_u8(&r);
        if (cssp_read_u16le(&r) != NEG_LEN && cssp_reader_ok(&r))
            return CREDSSP_E_BAD_LENGTH;
        out->value = cssp_read_u32le(&r);
        if (!cssp_reader_ok(&r))
            return r.err;
        if (type != NEG_TYPE_RSP && type != NEG_TYPE_FAILURE)
            return CREDSSP_E_BAD_TAG;
        out->failure = type == NEG_TYPE_FAILURE;
    }
    if (!cssp_reader_end(&r))
        return r.err;
    *frame_out = flen;
    return CREDSSP_OK;
}
