/* Placeholder until the command-line front end lands. */
#include <stdio.h>
int main(void)
{
	fputs("bbconsole: not built yet\n", stderr);
	return 64;
}
