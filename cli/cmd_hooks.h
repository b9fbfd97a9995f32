/* cmd_hooks.h - integration webhooks, and the webhook parts of
 * rotate-secret --update-webhooks and delete --remove-webhooks. Its row in
 * the command table (commands.c):
 *
 *   {"integration", "webhooks", "NAME", 1, 1, 1, cmd_integration_webhooks,
 *    "check (or --fix) the webhook of every repository the stacks use",
 *    cmd_webhooks_opts},
 */
#ifndef BB_CMD_HOOKS_H
#define BB_CMD_HOOKS_H

#include "cli.h"

/* Options of integration webhooks (ends with a {NULL} entry). */
extern const cli_opt cmd_webhooks_opts[];

/* Prints the state of every repository's webhook (or fixes them); exit 0
 * when every one ends ok or covered, 69 otherwise (listed on stderr). */
bb_code cmd_integration_webhooks(cli *c, bb_err *err);

/* After a rotation: writes the new secret to every hook bbconsole manages
 * and lists those that failed (BB_REMOTE then). */
bb_code cmd_hooks_rekey(cli *c, const char *integration, bb_err *err);

/* Before a deletion: removes every hook bbconsole manages; refusals are
 * listed on stderr and counted in *refused (the deletion still happens). */
bb_code cmd_hooks_remove(cli *c, const char *integration, long *refused, bb_err *err);

#endif
