/* troubleshoot.h - the Troubleshooting screen (SPEC sections 3 and 4.7): the
 * checks a support engineer would run for one integration, each with its
 * result and the equivalent curl command (the token stays a placeholder). */
#ifndef TROUBLESHOOT_H
#define TROUBLESHOOT_H

#include "tui.h"

/* The screen for the integration named by slug (or name); the checks start
 * at once, in the background. NULL when out of memory. */
tui_screen *troubleshoot_new(const char *integration_slug);

/* Its key table, titled "Troubleshooting" in the key dump. */
extern const tui_keydef troubleshoot_keys[];

#endif
