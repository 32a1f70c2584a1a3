/*
 * fuzz_keyfile.c - libFuzzer target for the NT-hash key file reader
 * (acceptor/keys/keyfile.c, the record rules gss-ntlmssp applies): records are
 * split and parsed from arbitrary bytes; every view must stay inside its
 * record.
 */
#include <stdint.h>
#include <stdlib.h>

#include "keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is [p, p + n) inside [base, base + len)? */
static int
inside(const void *p, size_t n, const uint8_t *base, size_t len)
{
    const uint8_t *q = p;

    return p == NULL || (q >= base && n <= len && q - base <= (ptrdiff_t)(len - n));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;

    while (off < size) {
        size_t n = cssp_keyfile_record_len(data + off, size - off);
        struct cssp_kf_entry e;

        if (n == 0 || n > size - off)
            abort();
        if (cssp_keyfile_parse_record(data + off, n, &e) &&
            (!inside(e.user, e.user_len, data + off, n) ||
             !inside(e.domain, e.domain_len, data + off, n) ||
             !inside(e.secret, e.secret_len, data + off, n)))
            abort();
        (void)cssp_keyfile_entry_is(&e, "alice", "TESTDOM");
        (void)cssp_keyfile_entry_collides(&e, "Alice", "TESTDOM");
        off += n;
    }
    return 0;
}
