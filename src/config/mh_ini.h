/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_ini: INI files through libinih, with the file and line of every key for "FILE:LINE: key: ..." messages. */
#ifndef MH_INI_H
#define MH_INI_H

#include "mh_ctx.h"

#include <stdbool.h>

/* Where a key stands: path as given, its line, the line of the [section] header above it (0 before
 * any header), and for a continuation line the line of the key it continues (else 0). */
typedef struct {
    const char *path;
    int line;
    int section_line;
    int continues;
} mh_ini_pos;

/* Called once per "key = value", and again, with the same name, for each continuation line: libinih
 * takes an indented line that follows a key in the same section as more of that key's value (even
 * "  other = 1"); pos->continues then holds the key's line and value is that line's text, without
 * its inline comment.
 * A non-OK return stops the parse and becomes mh_ini_parse's result. */
typedef mh_status (*mh_ini_handler)(void *user, const char *section, const char *name, const char *value,
                                    const mh_ini_pos *pos, mh_ctx *ctx);

/* Parses path with libinih (';' or '#' start a comment line; " ;" starts an inline comment; lines are at
 * most 197 characters). path must be a regular file of at most MH_FILE_MAX_CONFIG_BYTES (mh_file.h;
 * checked on the opened file, before anything is read): what names the file's role in that message
 * ("configuration", "sweep file"). Fails with "FILE: cannot open: No such file or directory" (MH_ERR_INPUT
 * when missing, MH_ERR_IO when unreadable), MH_ERR_INPUT and "FILE: the WHAT is a FIFO (named pipe), not a
 * regular file" (a directory, a device, ...), "FILE: the WHAT has N bytes, more than ...", "FILE:LINE: line is
 * too long", "FILE:LINE: NUL byte ...", "FILE:LINE: read error" or "FILE:LINE: syntax error ...";
 * MH_ERR_NOMEM when inih runs out of memory; or the handler's status (its message already in ctx). */
mh_status mh_ini_parse(const char *path, const char *what, mh_ini_handler handler, void *user, mh_ctx *ctx);

/* Reads the whole of text (blanks around it allowed) as a number into *out; "inf", "-inf" and "nan" are
 * numbers here (callers that need finite values check). False for anything else or an overflow. */
bool mh_ini_number(const char *text, double *out);

/* The path of a file that the file at from names as rel: rel itself when absolute (or when from has no
 * folder part), else from's folder joined with rel. "." parts and "folder/.." pairs are then dropped
 * from the joined path where the shorter path still names the same file (a symbolic link to a folder
 * keeps its ".."), so that messages read "configs/devices/x.ini", not "configs/indications/../devices/
 * x.ini". malloc'ed (the caller frees); NULL when memory runs out. */
char *mh_ini_resolve(const char *from, const char *rel);

#endif
