/*
 * cssp_connect.c - an engine-level RDP client for the tests of issue #6:
 * TCP connect (loopback), X.224 Connection Request with an RDP_NEG_REQ of
 * our choice (MS-RDPBCGR 2.2.1.1.1: protocols, RESTRICTED_ADMIN_MODE_REQUIRED,
 * REDIRECTED_AUTHENTICATION_MODE_REQUIRED), the Connection Confirm
 * (2.2.1.2.1 / 2.2.1.2.2), then TLS + MS-CSSP driven by the sans-I/O test
 * client (cssp_client.h) with password, smart-card (TSSmartCardCreds),
 * Restricted Admin (both encodings), Remote Guard or raw TSCredentials, and
 * the Early User Authorization Result (2.2.10.2) for HYBRID_EX.
 *
 * Like mstsc, it does not send Restricted Admin / Remote Guard credentials
 * when the server's RDP_NEG_RSP did not agree (RESTRICTED_ADMIN_MODE_SUPPORTED
 * 0x08, REDIRECTED_AUTHENTICATION_MODE_SUPPORTED 0x10): it stops with an
 * error, once, without reconnecting; --force sends them anyway (a hostile
 * client).  One connection per run, never a retry.
 *
 * Secrets come from the environment, never from argv: CSSP_PASSWORD (the
 * NTLM password, also the delegated password) and CSSP_PIN (smart card).
 * Nothing secret is printed.  Output lines (stdout):
 *   nego: rsp flags=0xNN selected=0xN | nego: failure code=N
 *   client: <why it stopped before CredSSP>
 *   credssp: done | credssp: failed reason=... [error_code=0xC000006D]
 *   eua: XXXXXXXX   (the 4 bytes as hex, HYBRID_EX only)
 * Exit: 0 done (EUA success or no EUA), 2 EUA access denied, 3 the server
 * sent errorCode, 4 the negotiation refused what we asked (RA/RG not
 * supported, RDP_NEG_FAILURE), 5 the server closed during CredSSP, 1 other
 * failure, 64 usage.  The command line is parsed in cssp_connect_args.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "buf.h"
#include "cssp_client.h"
#include "cssp_connect.h"

#define EXIT_DONE 0
#define EXIT_FAIL 1
#define EXIT_EUA_DENIED 2
#define EXIT_ERROR_CODE 3
#define EXIT_NEGO 4
#define EXIT_CLOSED 5
#define EXIT_USAGE 64

#define REQ_RESTRICTED_ADMIN 0x01u
#define REQ_REDIRECTED_AUTH 0x02u
#define RSP_RESTRICTED_ADMIN 0x08u
#define RSP_REDIRECTED_AUTH 0x10u
#define PROTOCOL_HYBRID_EX 0x08u

/* Milliseconds on CLOCK_MONOTONIC. */
static uint64_t
now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Connect to host:port over TCP (IPv4 loopback only); -1 on failure. */
static int
tcp_connect(const char *host, unsigned port)
{
    struct sockaddr_in sa;
    int fd;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "cssp_connect: only loopback IPv4 addresses\n");
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send all of p[0..n). */
static bool
send_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/*
 * Receive into buf (at most cap) before the deadline: bytes read, 0 on EOF,
 * -1 on error or timeout.
 */
static ssize_t
recv_some(int fd, uint8_t *buf, size_t cap, uint64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        uint64_t now = now_ms();
        ssize_t n;
        int rc;

        if (now >= deadline)
            return -1;
        rc = poll(&p, 1, (int)(deadline - now));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return -1;
        n = recv(fd, buf, cap, 0);
        if (n < 0 && errno == EINTR)
            continue;
        return n;
    }
}

/* TPKT + X.224 CR with the cookie and RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1). */
static bool
send_cr(int fd, const struct args *a)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0, cookie_len = strlen("Cookie: mstshash=") + strlen(a->cookie) + 2;
    bool ok;

    if (cookie_len > 200)
        return false;
    cssp_writer_init(&w, 512, false);
    cssp_write_u8(&w, 3);
    cssp_write_u8(&w, 0);
    cssp_write_u16be(&w, (uint16_t)(4 + 7 + cookie_len + 8));
    cssp_write_u8(&w, (uint8_t)(6 + cookie_len + 8));       /* LI */
    cssp_write_u8(&w, 0xE0);                                /* CR */
    cssp_write_u16be(&w, 0);
    cssp_write_u16be(&w, 0);
    cssp_write_u8(&w, 0);
    cssp_write_bytes(&w, "Cookie: mstshash=", strlen("Cookie: mstshash="));
    cssp_write_bytes(&w, a->cookie, strlen(a->cookie));
    cssp_write_bytes(&w, "\r\n", 2);
    cssp_write_u8(&w, 0x01);                                /* RDP_NEG_REQ */
    cssp_write_u8(&w, a->neg_flags);
    cssp_write_u16le(&w, 8);
    cssp_write_u32le(&w, a->protocols);
    if (cssp_writer_take(&w, &pdu, &len) != CREDSSP_OK)
        return false;
    ok = send_all(fd, pdu, len);
    free(pdu);
    return ok;
}

/*
 * Read the 19-byte Connection Confirm; *failure_out tells RDP_NEG_FAILURE,
 * *flags_out / *value_out the flags and selectedProtocol (or failureCode).
 */
static bool
read_cc(int fd, uint64_t deadline, bool *failure_out, uint8_t *flags_out, uint32_t *value_out)
{
    uint8_t cc[19];
    size_t got = 0;
    struct cssp_reader r;
    uint8_t type;

    while (got < sizeof(cc)) {
        ssize_t n = recv_some(fd, cc + got, sizeof(cc) - got, deadline);

        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    cssp_reader_init(&r, cc, sizeof(cc));
    if (cssp_read_u8(&r) != 3 || cssp_read_u8(&r) != 0 || cssp_read_u16be(&r) != 19 ||
        cssp_read_u8(&r) != 14 || cssp_read_u8(&r) != 0xD0)
        return false;
    (void)cssp_read_bytes(&r, 5);                           /* refs, class */
    type = cssp_read_u8(&r);
    *flags_out = cssp_read_u8(&r);
    if (cssp_read_u16le(&r) != 8)
        return false;
    *value_out = cssp_read_u32le(&r);
    *failure_out = type == 0x03;
    return cssp_reader_end(&r) && (type == 0x02 || type == 0x03);
}

/* Send whatever the client has queued. */
static bool
flush_client(int fd, struct cssp_client *c)
{
    size_t n = 0;
    const uint8_t *p = cssp_cli_output(c, &n);

    if (p == NULL || n == 0)
        return true;
    if (!send_all(fd, p, n))
        return false;
    cssp_cli_output_consumed(c, n);
    return true;
}

/* Run TLS + CredSSP to DONE or FAILED; returns the final status. */
static enum cssp_cli_status
run_credssp(int fd, struct cssp_client *c, uint64_t deadline, bool *closed_out)
{
    uint8_t buf[16384];

    *closed_out = false;
    while (cssp_cli_status(c) == CSSP_CLI_RUNNING) {
        ssize_t n;

        if (!flush_client(fd, c))
            return CSSP_CLI_FAILED;
        n = recv_some(fd, buf, sizeof(buf), deadline);
        if (n < 0)
            return CSSP_CLI_FAILED;
        if (n == 0) {
            *closed_out = true;
            (void)cssp_cli_feed_eof(c);
            break;
        }
        (void)cssp_cli_feed(c, buf, (size_t)n);
    }
    (void)flush_client(fd, c);
    return cssp_cli_status(c);
}

/* HYBRID_EX: read the 4-byte Early User Authorization Result. */
static int
read_eua(int fd, struct cssp_client *c, uint64_t deadline)
{
    uint8_t buf[4096], eua[4];
    size_t got = 0;

    while (got < sizeof(eua)) {
        ssize_t n;

        got += cssp_cli_read_app(c, eua + got, sizeof(eua) - got);
        if (got == sizeof(eua))
            break;
        n = recv_some(fd, buf, sizeof(buf), deadline);
        if (n <= 0) {
            printf("eua: none (connection %s)\n", n == 0 ? "closed" : "timed out");
            return EXIT_CLOSED;
        }
        (void)cssp_cli_feed(c, buf, (size_t)n);
    }
    printf("eua: %02x%02x%02x%02x\n", eua[0], eua[1], eua[2], eua[3]);
    if (eua[0] == 0 && eua[1] == 0 && eua[2] == 0 && eua[3] == 0)
        return EXIT_DONE;
    return EXIT_EUA_DENIED;
}

/* The negotiation answer, judged like mstsc would; EXIT_DONE to go on. */
static int
judge_nego(const struct args *a, bool failure, uint8_t flags, uint32_t value)
{
    if (failure) {
        printf("nego: failure code=%u\n", value);
        return EXIT_NEGO;
    }
    printf("nego: rsp flags=0x%02x selected=0x%x\n", flags, value);
    if ((a->neg_flags & REQ_RESTRICTED_ADMIN) && !(flags & RSP_RESTRICTED_ADMIN) && !a->force) {
        printf("client: the server does not support Restricted Admin mode\n");
        return EXIT_NEGO;
    }
    if ((a->neg_flags & REQ_REDIRECTED_AUTH) && !(flags & RSP_REDIRECTED_AUTH) && !a->force) {
        printf("client: the server does not support Remote Credential Guard\n");
        return EXIT_NEGO;
    }
    return EXIT_DONE;
}

/* One connection: negotiation, CredSSP, EUA. */
static int
run(struct args *a)
{
    struct cssp_client *c = NULL;
    uint64_t deadline = now_ms() + a->timeout_ms;
    uint32_t value = 0, code = 0;
    uint8_t flags = 0;
    bool failure = false, closed = false;
    int ret = EXIT_FAIL, fd;
    enum cssp_cli_status st;

    fd = tcp_connect(a->host, a->port);
    if (fd < 0) {
        printf("client: cannot connect: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    if (!send_cr(fd, a) || !read_cc(fd, deadline, &failure, &flags, &value)) {
        printf("client: no Connection Confirm\n");
        goto cleanup;
    }
    ret = judge_nego(a, failure, flags, value);
    if (ret != EXIT_DONE)
        goto cleanup;
    ret = EXIT_FAIL;
    if (cssp_cli_new(&a->o, &c) != CREDSSP_OK)
        goto cleanup;
    st = run_credssp(fd, c, deadline, &closed);
    if (st != CSSP_CLI_DONE) {
        bool has_code = cssp_cli_error_code(c, &code);

        if (has_code)
            printf("credssp: failed reason=%s error_code=0x%08X\n", cssp_cli_reason(c), code);
        else
            printf("credssp: failed reason=%s%s\n", cssp_cli_reason(c),
                   closed ? " (server closed)" : "");
        ret = has_code ? EXIT_ERROR_CODE : closed ? EXIT_CLOSED : EXIT_FAIL;
        goto cleanup;
    }
    printf("credssp: done server_version=%d\n", cssp_cli_server_version(c));
    ret = value == PROTOCOL_HYBRID_EX ? read_eua(fd, c, deadline) : EXIT_DONE;

cleanup:
    fflush(stdout);
    cssp_cli_free(c);
    close(fd);
    return ret;
}

int
main(int argc, char **argv)
{
    struct args a;
    int ret;

    memset(&a, 0, sizeof(a));
    if (!parse_args(argc, argv, &a)) {
        usage();
        free(a.rg_buffer);
        free(a.raw);
        return EXIT_USAGE;
    }
    ret = run(&a);
    free(a.rg_buffer);
    free(a.raw);
    return ret;
}
