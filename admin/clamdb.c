/*
 * clamdb.c - the virus database folder as `msgsec check` sees it: which
 * files libclamav would load, the version and build time in the header of
 * each signed container (.cvd, and the .cld/.cud freshclam writes after
 * applying updates), and whether the whole folder loads and compiles.
 *
 * Trusts: the folder is configuration (clamav.database), read with the
 * privileges of whoever runs the check.  Names are cut to the buffers of
 * struct clamdb_info; headers are parsed by libclamav (cl_cvdhead reads
 * 512 bytes).  libclamav's own messages are kept, not printed: the first
 * error becomes part of the one line the caller prints.
 *
 * Owns: the libclamav engine of clamdb_load, freed before it returns.  The
 * admin command is single-threaded; the captured message is a static.
 */
#include "clamdb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clamav.h>

#include "mem.h"
#include "str.h"

/* What libclamav's cl_load reads from a folder (its CLI_DBEXT list). */
static const char *const db_ext[] = {
	".db", ".hdb", ".hdu", ".fp", ".mdb", ".mdu", ".hsb", ".hsu", ".sfp",
	".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu", ".sdb", ".zmd", ".rmd",
	".pdb", ".gdb", ".wdb", ".cbc", ".ftm", ".cfg", ".cvd", ".cld", ".cud",
	".cdb", ".cat", ".crb", ".idb", ".ioc", ".yar", ".yara", ".pwdb",
	".ign", ".ign2", ".imp", NULL
};

static char clam_error[512];

static bool
has_suffix(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

static bool
is_db_file(const char *name)
{
	for (size_t i = 0; db_ext[i] != NULL; i++)
		if (has_suffix(name, db_ext[i]))
			return true;
	return false;
}

static bool
is_container(const char *name)
{
	return has_suffix(name, ".cvd") || has_suffix(name, ".cld") ||
	    has_suffix(name, ".cud");
}

int
clamdb_survey(const char *dir, struct clamdb_info *info, int *errno_r)
{
	DIR *dh;
	struct dirent *de;

	memset(info, 0, sizeof(*info));
	*errno_r = 0;
	if ((dh = opendir(dir)) == NULL) {
		*errno_r = errno;
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		struct stat st;
		struct cl_cvd *cvd;
		char *path;

		if (de->d_name[0] == '.' || !is_db_file(de->d_name))
			continue;
		path = path_join(dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		info->files++;
		if (st.st_mtime > info->newest_mtime)
			info->newest_mtime = st.st_mtime;
		if (is_container(de->d_name)) {
			info->cvds++;
			if ((cvd = cl_cvdhead(path)) == NULL) {
				str_lcpy(info->bad_name, de->d_name,
				    sizeof(info->bad_name));
			} else {
				if ((time_t)cvd->stime >= info->cvd_built) {
					info->cvd_built = (time_t)cvd->stime;
					info->cvd_version = cvd->version;
					str_lcpy(info->cvd_name, de->d_name,
					    sizeof(info->cvd_name));
				}
				cl_cvdfree(cvd);
			}
		}
		free(path);
	}
	closedir(dh);
	return 0;
}

static void
keep_first_error(enum cl_msg severity, const char *fullmsg, const char *msg,
    void *context)
{
	size_t n;

	(void)fullmsg;
	(void)context;
	if (severity != CL_MSG_ERROR || clam_error[0] != '\0')
		return;
	str_lcpy(clam_error, msg, sizeof(clam_error));
	n = strlen(clam_error);
	while (n > 0 && (clam_error[n - 1] == '\n' || clam_error[n - 1] == '\r'))
		clam_error[--n] = '\0';
}

int
clamdb_load(const char *dir, unsigned *sigs_r, char **error_r)
{
	static bool initialised;
	struct cl_engine *cl;
	unsigned sigs = 0;
	cl_error_t rc;

	*sigs_r = 0;
	*error_r = NULL;
	clam_error[0] = '\0';
	cl_set_clcb_msg(keep_first_error);
	if (!initialised) {
		if ((rc = cl_init(CL_INIT_DEFAULT)) != CL_SUCCESS) {
			*error_r = mem_printf("cannot initialise libclamav: %s",
			    cl_strerror(rc));
			return -1;
		}
		initialised = true;
	}
	if ((cl = cl_engine_new()) == NULL) {
		*error_r = mem_strdup("cannot create a libclamav engine");
		return -1;
	}
	rc = cl_load(dir, cl, &sigs, CL_DB_STDOPT);
	if (rc == CL_SUCCESS && sigs > 0)
		rc = cl_engine_compile(cl);
	cl_engine_free(cl);
	if (rc != CL_SUCCESS) {
		*error_r = clam_error[0] != '\0' ?
		    mem_printf("%s (%s)", cl_strerror(rc), clam_error) :
		    mem_strdup(cl_strerror(rc));
		return -1;
	}
	if (sigs == 0) {
		*error_r = mem_strdup("no signatures in it");
		return -1;
	}
	*sigs_r = sigs;
	return 0;
}
