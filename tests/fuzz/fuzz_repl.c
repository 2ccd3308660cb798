/*
 * fuzz_repl.c: the shell's line parser and option setter.  Each input is a
 * session of up to 64 lines (split at newlines; a NUL ends its line, as
 * getline + C strings do in the shell) run on a tiny profile through
 * repl_process_line(): name=value settings, choices, sample type shortcuts,
 * `:`, help, options and report commands with their arguments.
 *
 * Lines that would write files or start programs are skipped: output
 * redirection (`>file`, `output=`) and the commands that run dot or a viewer
 * (svg, png, web, gv, weblist ...).  Report text goes to /dev/null.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <unistd.h>

#include "prof/commands.h"
#include "prof/repl.h"
#include "prof/util.h"

#include "tiny_profile.h"

#define MAX_LINES 64

static const struct profile *tiny(void)
{
    static struct profile *p;
    if (!p) {
        struct prof_err err = {0};
        p = profile_decode(tiny_profile, sizeof(tiny_profile), &err);
        if (!p || profile_check(p, &err)) {
            fprintf(stderr, "fuzz_repl: the tiny profile does not load: %s\n", err.msg);
            abort();
        }
        /* Reports are not what is tested here: their text goes nowhere. */
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            fflush(stdout);
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
    }
    return p;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/* May the line run here (no files written, no programs started)? */
static bool line_is_safe(const char *line)
{
    if (strchr(line, '>') || strstr(line, "output"))
        return false;
    while (is_space(*line))
        line++;
    char word[64];
    size_t n = 0;
    while (line[n] && !is_space(line[n]) && line[n] != '=' && n + 1 < sizeof(word)) {
        word[n] = line[n];
        n++;
    }
    word[n] = 0;
    const struct prof_cmd *cmd = cmd_find(word);
    if (!cmd) {
        while (n > 0 && word[n - 1] >= '0' && word[n - 1] <= '9')
            word[--n] = 0;
        cmd = cmd_find(word);
    }
    return !cmd || !((cmd->flags & CMD_VIEWER) || cmd->image);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct profile *p = tiny();
    struct prof_config cfg;
    config_init(&cfg);
    struct repl *r = repl_open(p, &cfg);
    size_t pos = 0;
    for (int nlines = 0; pos < size && nlines < MAX_LINES; nlines++) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        char *line = xstrndup((const char *)data + pos, end - pos);
        pos = end + 1;
        bool go_on = true;
        if (line_is_safe(line))
            go_on = repl_process_line(r, line);
        free(line);
        if (!go_on)
            break;
    }
    repl_close(r);
    config_release(&cfg);
    return 0;
}
