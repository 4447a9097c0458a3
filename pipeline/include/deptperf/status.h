/* Exit codes and the caller-owned diagnostic shared by every module.
 *
 * The library never prints and never exits: a failing function returns a
 * non-zero dp_status and, where it takes a `struct dp_buf *err`, appends one
 * human-readable line that names the place and the value.  Programs map the
 * status to an exit code (SPEC §8) with dp_exit_code().
 */
#ifndef DEPTPERF_STATUS_H
#define DEPTPERF_STATUS_H

enum dp_status {
	DP_OK = 0,          /* published, no error findings */
	DP_FINDINGS = 1,    /* published, with error findings or missing departments */
	DP_USAGE = 64,      /* bad command line */
	DP_BADCONFIG = 65,  /* bad rule set, roster or adjust file */
	DP_NOINPUT = 66,    /* no input found */
	DP_CANTCREATE = 73, /* cannot create output */
	DP_IOERR = 74,      /* I/O error while reading or writing */
	DP_LOCKED = 75,     /* another run holds the lock */
	DP_SIGNALLED = 128  /* + the signal: stopped by SIGINT, SIGTERM or SIGHUP */
};

/* A one-line advice for the operator that follows every non-zero exit.
 * Returns a static string; thread-safe. */
const char *dp_status_advice(int status);

/* The more serious of two statuses: any code >= 64 beats DP_FINDINGS, which
 * beats DP_OK; between two codes >= 64 the first wins. */
int dp_status_worse(int a, int b);

#endif
