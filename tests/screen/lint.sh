#!/bin/sh
# Screen tests assert nothing on a single read of the screen: a frame reaches
# the pty in pieces, so such a check passes or fails with the scheduler. Every
# check goes through a deadline (WAIT, GONE, EVENTUALLY) or a settled frame
# (FINALLY, ABSENT, GOLDEN) from tests/lib/vt_assert.h.
reads='vt_has_text|vt_selected_has|vt_cell_at|vt_any_color|vt_cursor\(|vt_row|vt_raw|row_of|column_of|(strstr|memmem)\(vt_raw|(strstr|memmem)\(raw'
bad=$(grep -nE "assert_[a-z_]+\( *!? *\(?($reads)" tests/screen/*.c)
[ -z "$bad" ] && exit 0
echo "screen tests: a check reads the screen once; wrap it in EVENTUALLY or FINALLY:"
echo "$bad"
exit 1
