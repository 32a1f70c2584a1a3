/*
 * test_queue.c - the front ends' wiping byte queue (examples/common/queue.c):
 * a secure queue, which holds the client's plaintext up to and including
 * its Client Info PDU (with the typed password), leaves no copy behind when
 * it grows, moves its data to the front, drops consumed bytes or is freed
 * (issue 10.6d).  Proved with the heap scan of tests/unit/heapscan.c (every
 * writable mapping through /proc/self/mem); the same steps on a plain queue
 * leave copies, so the scan does see what a missing wipe leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/rand.h>

#include "heapscan.h"
#include "queue.h"

#define NEEDLE_LEN HEAPSCAN_NEEDLE_LEN
#define PREFIX 64u          /* allocator bookkeeping lands in a freed chunk's first bytes */
#define COPIES 200          /* 6.4 kB: more than the first allocation (4 kB) */
#define MORE 60             /* 6464 + 1920 > 8192, 3200 + 1920 pending fit */

/*
 * Append a prefix and COPIES needles one by one (growth: 4 kB, then 8 kB),
 * consume the prefix and 100 needles, append MORE needles (the 8 kB block
 * is full at its end: the pending bytes move to the front), then free.
 * Returns the copies found after the free.
 */
static int
exercise(bool secure)
{
    struct fe_queue q;
    uint8_t prefix[PREFIX];

    memset(prefix, 0x5a, sizeof(prefix));
    fe_queue_init(&q, 1u << 20, secure);
    assert_int_equal(fe_queue_append(&q, prefix, sizeof(prefix)), CREDSSP_OK);
    for (int i = 0; i < COPIES; i++)
        assert_int_equal(fe_queue_append(&q, heapscan_needle, NEEDLE_LEN), CREDSSP_OK);
    if (secure)
        assert_int_equal(heapscan_count(), COPIES);     /* the old 4 kB block was wiped */
    fe_queue_consume(&q, PREFIX + 100 * NEEDLE_LEN);
    if (secure)
        assert_int_equal(heapscan_count(), COPIES - 100);
    for (int i = 0; i < MORE; i++)
        assert_int_equal(fe_queue_append(&q, heapscan_needle, NEEDLE_LEN), CREDSSP_OK);
    assert_int_equal(fe_queue_pending(&q), (size_t)(COPIES - 100 + MORE) * NEEDLE_LEN);
    assert_memory_equal(fe_queue_data(&q), heapscan_needle, NEEDLE_LEN);
    assert_true(fe_queue_data(&q) == q.buf);                /* moved to the front */
    if (secure)
        assert_int_equal(heapscan_count(), COPIES - 100 + MORE);
    fe_queue_free(&q);
    return heapscan_count();
}

/* A fresh random needle with no copy yet (skips where no scan is possible). */
static void
fresh_needle(void)
{
    if (!HEAPSCAN_POSSIBLE || getenv("CREDSSP_SKIP_HEAP_SCAN") != NULL)
        skip();
    assert_int_equal(RAND_bytes(heapscan_needle, NEEDLE_LEN), 1);
    assert_int_equal(heapscan_count(), 0);
}

static void
test_secure_queue_leaves_nothing(void **state)
{
    (void)state;
    fresh_needle();
    assert_int_equal(exercise(true), 0);
}

/* The control: without the wipes the scan finds the data in freed memory. */
static void
test_plain_queue_leaves_copies(void **state)
{
    (void)state;
    fresh_needle();
    assert_true(exercise(false) > 0);
}

/* fe_queue_send / fe_recv over a nonblocking socket pair. */
static void
test_socket_calls(void **state)
{
    struct fe_queue q;
    uint8_t buf[64];
    int sv[2];

    (void)state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    fe_queue_init(&q, 1024, true);
    assert_int_equal(fe_recv(sv[1], buf, sizeof(buf)), 0);          /* nothing waiting */
    assert_int_equal(fe_queue_append(&q, (const uint8_t *)"hello", 5), CREDSSP_OK);
    assert_int_equal(fe_queue_send(&q, sv[0]), 5);
    assert_int_equal(fe_queue_pending(&q), 0);
    assert_int_equal(fe_queue_send(&q, sv[0]), 0);                  /* empty: nothing sent */
    assert_int_equal(fe_recv(sv[1], buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(close(sv[0]), 0);
    assert_int_equal(fe_recv(sv[1], buf, sizeof(buf)), -1);         /* end of stream */
    assert_int_equal(fe_queue_append(&q, (const uint8_t *)"x", 1), CREDSSP_OK);
    assert_int_equal(fe_queue_send(&q, sv[1]), -1);                 /* peer gone: EPIPE */
    fe_queue_free(&q);
    assert_int_equal(close(sv[1]), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secure_queue_leaves_nothing),
        cmocka_unit_test(test_plain_queue_leaves_copies),
        cmocka_unit_test(test_socket_calls),
    };

    return cmocka_run_group_tests(tests, heapscan_group_setup, heapscan_group_teardown);
}
