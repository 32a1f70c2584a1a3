/*
 * minimal_server.c - the smallest CredSSP (NLA) server on the public API of
 * libcredssp alone (include/credssp.h): one blocking connection on loopback.
 *
 *   minimal_server CERT.pem KEY.pem NTLM_KEYFILE PORT_FILE
 *
 * Listens on 127.0.0.1 (an ephemeral port, written to PORT_FILE), accepts one
 * client, answers its X.224 Connection Request (MS-RDPBCGR 2.2.1.1 / 2.2.1.2)
 * selecting PROTOCOL_HYBRID, then lets credssp_drive_fd run TLS and CredSSP
 * (MS-CSSP) on the socket.  Prints "ok principal=... password=delegated" and exits 0 when
 * the client proved its identity and delegated its password; else exit 1.
 * credssp-server (examples/server) is the full front end.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "credssp.h"

#define CR_MAX 512u                 /* a Connection Request is far smaller */
#define PROTOCOL_HYBRID 0x00000002u

/* Read exactly len bytes; 0 ok. */
static int
read_all(int fd, uint8_t *buf, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = read(fd, buf + got, len - got);

        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

/* Take the X.224 Connection Request; answer with HYBRID if it was offered. */
static int
x224_exchange(int fd)
{
    /* TPKT, X.224 CC (LI 14, code 0xD0), RDP_NEG_RSP selecting PROTOCOL_HYBRID. */
    static const uint8_t cc[19] = { 0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
                                    0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00 };
    uint8_t pdu[CR_MAX];
    size_t len;
    uint32_t requested = 0;

    if (read_all(fd, pdu, 4) != 0 || pdu[0] != 0x03)
        return -1;
    len = (size_t)pdu[2] << 8 | pdu[3];
    if (len < 11 || len > sizeof(pdu) || read_all(fd, pdu + 4, len - 4) != 0)
        return -1;
    if ((pdu[5] & 0xf0) != 0xe0)    /* not a Connection Request */
        return -1;
    if (len >= 19 && pdu[len - 8] == 0x01)  /* RDP_NEG_REQ at the end, little-endian */
        requested = pdu[len - 4] | (uint32_t)pdu[len - 3] << 8 | (uint32_t)pdu[len - 2] << 16 |
                    (uint32_t)pdu[len - 1] << 24;
    if ((requested & PROTOCOL_HYBRID) == 0)
        return -1;
    return write(fd, cc, sizeof(cc)) == (ssize_t)sizeof(cc) ? 0 : -1;
}

/* A loopback listener on an ephemeral port, its number in port_file. */
static int
listen_loopback(const char *port_file)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t salen = sizeof(sa);
    FILE *f;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) != 0 ||
        (f = fopen(port_file, "w")) == NULL) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f, "%u\n", ntohs(sa.sin_port));
    fclose(f);
    return fd;
}

int
main(int argc, char **argv)
{
    credssp_config *cfg = NULL;
    credssp_engine *eng = NULL;
    const credssp_result *r;
    credssp_error ret = CREDSSP_E_INVALID_ARG;
    int lfd = -1, fd = -1;

    if (argc != 5) {
        fprintf(stderr, "usage: minimal_server CERT.pem KEY.pem NTLM_KEYFILE PORT_FILE\n");
        return 2;
    }
    ret = credssp_config_new(&cfg);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_tls_files(cfg, argv[1], argv[2]);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_ntlm_keyfile(cfg, argv[3]);
    if (ret == CREDSSP_OK)
        ret = credssp_config_prepare(cfg);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = CREDSSP_E_IO;
    lfd = listen_loopback(argv[4]);
    if (lfd < 0 || (fd = accept(lfd, NULL, NULL)) < 0 || x224_exchange(fd) != 0)
        goto cleanup;
    ret = credssp_engine_new(cfg, CREDSSP_TLS_ENGINE, &eng);
    if (ret == CREDSSP_OK)
        ret = credssp_drive_fd(eng, fd, 10000);
    if (ret != CREDSSP_OK)
        goto cleanup;
    r = credssp_engine_result(eng);
    printf("ok principal=%s password=%s\n", credssp_result_principal(r),
           credssp_result_secret(r) != NULL ? "delegated" : "none");
cleanup:
    if (ret != CREDSSP_OK)
        printf("failed %s\n", credssp_error_name(ret));
    credssp_engine_free(eng);           /* wipes the delegated password */
    credssp_config_free(cfg);
    if (fd >= 0)
        close(fd);
    if (lfd >= 0)
        close(lfd);
    return ret == CREDSSP_OK ? 0 : 1;
}
