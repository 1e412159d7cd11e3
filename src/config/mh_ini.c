/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_ini: libinih with line numbers: a counting fgets-style reader handed to ini_parse_stream. */
#include "mh_ini.h"

#include "mh_file.h"

#include <ini.h>

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MH_INI_LINE_BUF 256 /* more than a line of libinih's buffer (INI_MAX_LINE, 200) */

typedef struct {
    FILE *f;
    mh_ini_pos pos;
    bool at_line_start;
    bool indented; /* the line being parsed starts with a blank and holds more than a comment */
    int key_line;  /* line of the last "key = value" of the current section, or 0 (inih's prev_name) */
    int long_line; /* first line longer than inih's buffer, or 0 */
    int nul_line;  /* first line with a NUL byte (which would cut the line short for inih), or 0 */
    mh_ini_handler handler;
    void *user;
    mh_ctx *ctx;
    mh_status status;
} ini_state;

/* fgets-compatible reader that counts lines (and notes section headers) for the handler, and the
 * first line too long for inih's buffer and the first with a NUL byte. */
static char *counting_reader(char *str, int num, void *stream)
{
    ini_state *st = stream;
    int n = 0, c = 0;
    bool nul = false;
    while (n < num - 1 && (c = getc(st->f)) != EOF) {
        nul |= c == '\0';
        str[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0)
        return NULL;
    str[n] = '\0';
    char *r = str;
    if (st->at_line_start) {
        st->pos.line++;
        const char *p = r;
        while (isspace((unsigned char)*p))
            p++;
        /* as inih decides: a comment or blank line; else an indented line after a key continues it;
         * else a header starts a section (and ends the key a line could continue) */
        st->indented = p > r && *p != '\0' && *p != ';' && *p != '#';
        if (*p == '[' && !(st->indented && st->key_line > 0)) {
            st->pos.section_line = st->pos.line;
            st->key_line = 0;
        }
    }
    bool has_nl = r[n - 1] == '\n';
    if (!has_nl && c != EOF && st->long_line == 0)
        st->long_line = st->pos.line;
    if (nul && st->nul_line == 0)
        st->nul_line = st->pos.line;
    st->at_line_start = has_nl;
    return r;
}

/* The error of the first line that inih cannot read whole (too long, or with a NUL byte), or MH_OK. */
static mh_status line_error(const ini_state *st)
{
    if (st->nul_line > 0 && (st->long_line == 0 || st->nul_line <= st->long_line))
        return MH_ERROR(st->ctx, MH_ERR_INPUT, "%s:%d: NUL byte in the line (not a text file?)", st->pos.path,
                        st->nul_line);
    if (st->long_line > 0)
        return MH_ERROR(st->ctx, MH_ERR_INPUT, "%s:%d: line is too long", st->pos.path, st->long_line);
    return MH_OK;
}

static int key_handler(void *user, const char *section, const char *name, const char *value)
{
    ini_state *st = user;
    if (st->status != MH_OK)
        return 0;
    if ((st->status = line_error(st)) != MH_OK)
        return 0;
    st->pos.continues = st->indented && st->key_line > 0 ? st->key_line : 0;
    if (st->pos.continues == 0) {
        st->key_line = st->pos.line;
        st->status = st->handler(st->user, section, name, value, &st->pos, st->ctx);
        return st->status == MH_OK;
    }
    /* libinih hands a continuation line over with its inline comment: cut it where inih cuts a value's
     * (at a ';' after a blank), then the blanks before it */
    char text[MH_INI_LINE_BUF];
    snprintf(text, sizeof text, "%s", value);
    for (size_t i = 0; text[i] != '\0'; i++)
        if (i > 0 && text[i] == ';' && isspace((unsigned char)text[i - 1])) {
            text[i] = '\0';
            break;
        }
    for (size_t n = strlen(text); n > 0 && isspace((unsigned char)text[n - 1]);)
        text[--n] = '\0';
    st->status = st->handler(st->user, section, name, text, &st->pos, st->ctx);
    return st->status == MH_OK;
}

mh_status mh_ini_parse(const char *path, const char *what, mh_ini_handler handler, void *user, mh_ctx *ctx)
{
    /* a regular file of at most MH_FILE_MAX_CONFIG_BYTES: a FIFO, /dev/zero or a huge file would hang */
    FILE *f = mh_file_open_input(path, what, MH_FILE_MAX_CONFIG_BYTES, ctx);
    if (f == NULL) /* "FILE: why": the file as a whole, no line (issue 22: "FILE:0:" read as a line) */
        return ctx->status;
    ini_state st = {f, {path, 0, 0, 0}, true, false, 0, 0, 0, handler, user, ctx, MH_OK};
    int rc = ini_parse_stream(counting_reader, &st, key_handler, &st);
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (st.status != MH_OK)
        return st.status;
    if (read_error)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: read error", path, st.pos.line);
    mh_status line_st = line_error(&st);
    if (line_st != MH_OK)
        return line_st;
    if (rc == -2)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "%s: out of memory while parsing", path);
    if (rc != 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: syntax error (expected 'key = value' or '[section]')", path, rc);
    return MH_OK;
}

bool mh_ini_number(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

/* path with its "." parts and "name/.." pairs dropped (a leading "/" and leading ".." parts stay; "/.."
 * is "/"); malloc'ed, NULL when memory runs out. Text only: the caller checks the file is the same. */
static char *collapse_dots(const char *path)
{
    char *out = malloc(strlen(path) + 2);
    if (out == NULL)
        return NULL;
    size_t len = 0, fixed = 0; /* out[0, fixed) is what ".." cannot take away: "/" or "../.." */
    if (path[0] == '/') {
        out[len++] = '/';
        fixed = 1;
    }
    for (const char *p = path;;) {
        while (*p == '/')
            p++;
        const size_t k = strcspn(p, "/");
        if (k == 0)
            break;
        const bool dot = k == 1 && p[0] == '.', dotdot = k == 2 && p[0] == '.' && p[1] == '.';
        if (dotdot && len > fixed) {
            while (len > fixed && out[len - 1] != '/')
                len--;
            if (len > fixed)
                len--;
        } else if (!dot && !(dotdot && fixed == 1 && out[0] == '/')) {
            if (len > 0 && out[len - 1] != '/')
                out[len++] = '/';
            memcpy(out + len, p, k);
            len += k;
            if (dotdot)
                fixed = len;
        }
        p += k;
    }
    if (len == 0)
        out[len++] = '.';
    out[len] = '\0';
    return out;
}

char *mh_ini_resolve(const char *from, const char *rel)
{
    const char *slash = strrchr(from, '/');
    const size_t dir = rel[0] == '/' || slash == NULL ? 0 : (size_t)(slash - from) + 1;
    const size_t n = dir + strlen(rel) + 1;
    char *joined = malloc(n);
    if (joined == NULL)
        return NULL;
    snprintf(joined, n, "%.*s%s", (int)dir, from, rel);
    char *shorter = collapse_dots(joined);
    struct stat a, b;
    if (shorter != NULL && strcmp(shorter, joined) != 0 && stat(joined, &a) == 0 && stat(shorter, &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        free(joined);
        return shorter;
    }
    free(shorter);
    return joined;
}
