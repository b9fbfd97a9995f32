/* console_stub.c - TEMPORARY: stands in for screens/console.c until the
 * full-screen console lands; delete this file then. */
#include "cli.h"

int console_main(bb_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	fputs("The full-screen console is not available in this build; use the commands "
	      "(bbconsole --help).\n", stderr);
	return 69;
}
