/*
 * heapscan.h - count copies of a secret in this process's writable memory
 * (every rw mapping, read through /proc/self/mem), to prove that wiping
 * works (after SSSD's test_sss_iobuf_secure).  The needle and the read
 * buffer live in private mappings that the scan skips.  Not usable under
 * ASan (its shadow memory is terabytes): see HEAPSCAN_POSSIBLE.
 */
#ifndef CSSP_TEST_HEAPSCAN_H
#define CSSP_TEST_HEAPSCAN_H

#include <stdint.h>

#define HEAPSCAN_NEEDLE_LEN 32

#if defined(__SANITIZE_ADDRESS__)
#define HEAPSCAN_POSSIBLE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAPSCAN_POSSIBLE 0
#endif
#endif
#ifndef HEAPSCAN_POSSIBLE
#define HEAPSCAN_POSSIBLE 1
#endif

/* HEAPSCAN_NEEDLE_LEN bytes the test fills with the secret to look for. */
extern uint8_t *heapscan_needle;

/* Map the needle and the read buffer; 0 on success. */
int heapscan_setup(void);
void heapscan_teardown(void);
/* The same as cmocka group fixtures. */
int heapscan_group_setup(void **state);
int heapscan_group_teardown(void **state);
/* Copies of the needle in writable memory outside the two private mappings. */
int heapscan_count(void);

#endif /* CSSP_TEST_HEAPSCAN_H */
