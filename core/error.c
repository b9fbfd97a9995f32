#include "error.h"

#include <stdarg.h>
#include <stdio.h>

bb_code bb_fail(bb_err *err, bb_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void bb_err_clear(bb_err *err)
{
	if (!err)
		return;
	err->code = BB_OK;
	err->msg[0] = '\0';
}

bb_code bb_oom(bb_err *err)
{
	return bb_fail(err, BB_DBERR, "Out of memory.");
}
