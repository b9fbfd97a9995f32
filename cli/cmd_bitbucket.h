/* cmd_bitbucket.h - the commands that ask Bitbucket: integration verify and
 * integration repos. Their rows in the command table (commands.c):
 *
 *   {"integration", "verify", "NAME", 1, 1, 1, cmd_integration_verify,
 *    "ask Bitbucket what the integration's token can reach", no_opts},
 *   {"integration", "repos", "NAME", 1, 1, 1, cmd_integration_repos,
 *    "list the repositories the integration's token can read", cmd_repos_opts},
 */
#ifndef BB_CMD_BITBUCKET_H
#define BB_CMD_BITBUCKET_H

#include "cli.h"

/* Options of integration repos (ends with a {NULL} entry). */
extern const cli_opt cmd_repos_opts[];

/* Verifies the credentials (admins of the integration's space), records the
 * outcome for the list, prints what the token reaches. BB_REMOTE when
 * Bitbucket refuses or cannot be reached. */
bb_code cmd_integration_verify(cli *c, bb_err *err);

/* Discovers the repositories (all workspaces, or --workspace), stores them
 * in the repository cache and prints them. */
bb_code cmd_integration_repos(cli *c, bb_err *err);

#endif
