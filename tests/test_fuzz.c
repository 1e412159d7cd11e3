/* test_fuzz: the committed fuzzing corpora replay cleanly through their fuzz targets, and the fuzzing
 * dictionary names every key (tests/fuzz/, papers/reliability.md "Fuzzing the configuration parser" and
 * "Fuzzing the HDF5 readers"). */
#include "helpers.h"

#include <dirent.h>
#include <stdint.h>

#define CORPUS "tests/fuzz/corpus"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* tests/fuzz/fuzz_h5.c: its target (its LLVMFuzzerTestOneInput is weak: fuzz_config.c's is the one here),
 * and the removal of its folder. */
int mh_fuzz_h5_input(const uint8_t *data, size_t size);
void mh_fuzz_h5_cleanup(void);

/* Reads a whole file; malloc'ed, its length in *n. */
static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 4096;
    char *buf = malloc(cap);
    *n = 0;
    for (size_t got; buf != NULL && (got = fread(buf + *n, 1, cap - *n, f)) > 0;) {
        *n += got;
        if (*n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    cr_assert_not_null(buf);
    return buf;
}

/* Runs every input of corpus through target, each in a child of its own (the target aborts on a broken
 * invariant, the way the command would crash), so that a failure names the file; the target's message
 * is on stderr. At least min inputs. */
static void replay(const char *corpus, int (*target)(const uint8_t *, size_t), int min)
{
    DIR *d = opendir(corpus);
    cr_assert_not_null(d, "no %s", corpus);
    int count = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", corpus, e->d_name);
        size_t n = 0;
        char *data = read_file(path, &n);
        fflush(NULL);
        pid_t pid = fork();
        cr_assert(pid >= 0, "fork failed");
        if (pid == 0) {
            setenv("TMPDIR", mh_test_tmp(), 1); /* fuzz_h5's folder */
            target((const uint8_t *)data, n);
            mh_fuzz_h5_cleanup();
            _exit(0);
        }
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s fails the fuzz target (status %d)", path, status);
        free(data);
        count++;
    }
    closedir(d);
    cr_assert_geq(count, min, "only %d inputs in %s", count, corpus);
}

Test(fuzz, corpus_replays_without_a_failure, .timeout = 120) { replay(CORPUS, LLVMFuzzerTestOneInput, 10); }

/* The HDF5 readers' corpus (tests/fuzz/fuzz_h5.c): raw files and recipes; the regression inputs of what
 * the fuzzer found among them. */
Test(fuzz, h5_corpus_replays_without_a_failure, .timeout = 300)
{
    replay("tests/fuzz/h5_corpus", mh_fuzz_h5_input, 10);
}

/* libFuzzer mutates with the dictionary's tokens; a key missing there is found much later, if at all. */
Test(fuzz, dictionary_names_every_key)
{
    size_t n = 0;
    char *dict = read_file("tests/fuzz/config.dict", &n);
    dict = realloc(dict, n + 1);
    dict[n] = '\0';
    const mh_param_info *t = mh_param_table();
    for (int i = 0; i < MH_P_COUNT; i++) {
        char want[128];
        snprintf(want, sizeof want, "\n\"%s\"\n", t[i].key);
        cr_assert(strstr(dict, want) != NULL, "tests/fuzz/config.dict lacks \"%s\"", t[i].key);
    }
    free(dict);
}
