/* vt_assert.h - the screen tests' assertions, each with a deadline: a frame
 * reaches the pty in pieces, so nothing is asserted on a single read made right
 * after a key. Include after <cmocka.h>; WAIT_MS may be defined first. */
#ifndef BB_TEST_VT_ASSERT_H
#define BB_TEST_VT_ASSERT_H

#include "vt.h"

#ifndef WAIT_MS
#define WAIT_MS 8000
#endif
/* How long the program must stay silent for its frame to count as finished. */
#define SETTLE_MS 150

/* Fails the test (after the harness printed the screen) when text does not
 * appear in time. */
#define WAIT(v, text) assert_true(vt_wait_text((v), (text), WAIT_MS))
/* Fails when text is still on the screen after the deadline. */
#define GONE(v, text) assert_true(vt_wait_gone((v), (text), WAIT_MS))
/* Fails when the condition (any expression about the screen) does not come
 * to hold in time. */
#define EVENTUALLY(v, expr) assert_true(VT_UNTIL((v), WAIT_MS, (expr)))
/* Waits until the program stopped drawing. */
#define SETTLED(v) assert_true(vt_wait_quiet((v), SETTLE_MS, WAIT_MS))
/* A condition on the finished frame: waits for the program to stop drawing
 * first, so that a piece still on its way cannot change the answer. For what
 * must never show (a secret): EVENTUALLY would pass on a half frame. */
#define FINALLY(v, expr)                                                \
	do {                                                            \
		SETTLED(v);                                             \
		assert_true(expr);                                      \
	} while (0)
/* Text that must not be on the finished frame (a secret, a hidden field). */
#define ABSENT(v, text) FINALLY((v), !vt_has_text((v), (text)))
/* Compares with the golden file once the program stopped drawing. */
#define GOLDEN(v, name)                                                 \
	do {                                                            \
		SETTLED(v);                                             \
		assert_true(vt_golden((v), (name)));                    \
	} while (0)

#endif
