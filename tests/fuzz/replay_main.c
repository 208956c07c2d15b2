/* tests/fuzz/replay_main.c - a plain main() for libFuzzer targets, so that
 * each target's corpus replays as an ordinary test under `meson test`
 * (systemd's habit).  Usage: fuzz_x DIR|FILE...  Every regular file is fed
 * to LLVMFuzzerTestOneInput once; sanitizers turn any bug into a failure.
 * Built with -Dfuzzing=true the targets link libFuzzer instead. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
run_file(const char *path)
{
	FILE *f;
	uint8_t *data;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	if ((data = malloc((size_t)n + 1)) == NULL ||
	    fread(data, 1, (size_t)n, f) != (size_t)n) {
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char path[4096];
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: cannot stat\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) == -1)
				return 1;
			count++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			return 1;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
				continue;
			if (run_file(path) == -1) {
				closedir(d);
				return 1;
			}
			count++;
		}
		closedir(d);
	}
	if (count == 0) {
		fprintf(stderr, "no corpus files given\n");
		return 1;
	}
	printf("replayed %d inputs\n", count);
	return 0;
}
