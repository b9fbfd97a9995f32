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

const char *bb_code_name(bb_code code)
{
	switch (code) {
	case BB_OK: return "ok";
	case BB_USAGE: return "usage";
	case BB_INVALID: return "invalid";
	case BB_NOTFOUND: return "not found";
	case BB_REMOTE: return "remote";
	case BB_DBERR: return "database";
	case BB_TEMP: return "temporary";
	case BB_DENIED: return "denied";
	}
	return "unknown";
}

bb_code bb_oom(bb_err *err)
{
	return bb_fail(err, BB_DBERR, "Out of memory.");
}
