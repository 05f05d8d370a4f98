/*
 * clamdb.h - `msgsec check`: what is in the virus database folder the
 * milter loads (clamav.database), and whether libclamav can load it.
 */
#ifndef MSGSEC_CLAMDB_H
#define MSGSEC_CLAMDB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct clamdb_info {
	size_t files;		/* files libclamav would load (by extension) */
	size_t cvds;		/* of which signed or update containers */
	char cvd_name[64];	/* the .cvd/.cld/.cud built last */
	unsigned cvd_version;	/* its version (header field 3) */
	time_t cvd_built;	/* its build time (header field 9); 0: none */
	char bad_name[64];	/* a container whose header is unreadable */
	time_t newest_mtime;	/* newest modification of any database file */
};

/*
 * Look at the folder without loading it: count the database files and read
 * the header of every .cvd, .cld and .cud (cl_cvdhead; a header is 512
 * bytes, nothing else is read).  Returns 0, or -1 with *errno_r set when
 * the folder cannot be opened.  The folder is configuration: its names are
 * trusted no further than being cut to fit the buffers above.
 */
int clamdb_survey(const char *dir, struct clamdb_info *info, int *errno_r);

/*
 * Load and compile the folder into a libclamav engine, as the milter does,
 * and free it.  Returns 0 with *sigs_r, or -1 with *error_r (malloc'd).
 * This takes the time and memory the milter's own load takes.
 */
int clamdb_load(const char *dir, unsigned *sigs_r, char **error_r);

#endif
