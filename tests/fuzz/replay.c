/*
 * replay.c - a plain main() for libFuzzer targets: runs
 * LLVMFuzzerTestOneInput over every file named, or every file inside every
 * folder named, so that `make test` replays the committed corpora under
 * ASan/UBSan without needing clang's fuzzer runtime.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		fclose(f);
		return -1;
	}
	/* Copy into an exact-size heap block so ASan sees any overread. */
	data = malloc(n == 0 ? 1 : (size_t)n);
	if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	size_t files = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			char **names = NULL;
			size_t n = 0, cap = 0;

			if (d == NULL) {
				perror(argv[i]);
				return 1;
			}
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					names = realloc(names, cap * sizeof(*names));
					if (names == NULL)
						abort();
				}
				names[n] = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
				if (names[n] == NULL)
					abort();
				snprintf(names[n], strlen(argv[i]) + strlen(de->d_name) + 2,
				    "%s/%s", argv[i], de->d_name);
				n++;
			}
			closedir(d);
			qsort(names, n, sizeof(*names), cmp);
			for (size_t k = 0; k < n; k++) {
				if (replay_file(names[k]) < 0)
					rc = 1;
				files++;
				free(names[k]);
			}
			free(names);
		} else {
			if (replay_file(argv[i]) < 0)
				rc = 1;
			files++;
		}
	}
	printf("replayed %zu inputs\n", files);
	return rc;
}
