/*
 * output.c: delivering a report (pprof's generateReport tail, awayFromTTY,
 * invokeDot, massageDotSVG, invokeVisualizer).
 *
 * External programs (Graphviz's dot, viewers) are started with posix_spawnp
 * and an argument vector, never through a shell.  dot is fed through pipes
 * with a poll loop, so neither side can block the other however large the
 * graph is.
 */
#include "prof/output.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "prof/util.h"

extern char **environ;

/* strerror with a lower-case first letter, as Go's error texts read. */
static const char *errtext(int e)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_file(const char *path, int fd, const struct strbuf *data, struct prof_err *err)
{
    int rc = write_all(fd, data->buf, data->len);
    int e = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc)
        return prof_errf(err, PROF_EIO, "write %s: %s", path, errtext(e));
    return 0;
}

/* pprof's newTempFile: dir/prefixNNNsuffix, the first that does not exist. */
static int new_numbered_file(const char *dir, const char *prefix, const char *suffix, char *path, size_t pathsz,
                             struct prof_err *err)
{
    for (int i = 1; i < 10000; i++) {
        if (dir[0])
            snprintf(path, pathsz, "%s/%s%03d%s", dir, prefix, i, suffix);
        else
            snprintf(path, pathsz, "%s%03d%s", prefix, i, suffix);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return prof_errf(err, PROF_EIO, "open %s: %s", path, errtext(errno));
    }
    return prof_errf(err, PROF_EIO, "could not create file of the form %s%03d%s", prefix, 1, suffix);
}

/* ---- temporary files of viewers, removed when prof exits ---- */

static char **temp_files;
static size_t ntemp_files, captemp_files;

static void remove_temp_files(void)
{
    for (size_t i = 0; i < ntemp_files; i++) {
        unlink(temp_files[i]);
        free(temp_files[i]);
    }
    free(temp_files);
    temp_files = NULL;
    ntemp_files = captemp_files = 0;
}

static void defer_remove(const char *path)
{
    if (ntemp_files == 0 && captemp_files == 0)
        atexit(remove_temp_files);
    xgrow(&temp_files, &captemp_files, ntemp_files + 1, sizeof(char *));
    temp_files[ntemp_files++] = xstrdup(path);
}

/* ---- running programs ---- */

static const char *wait_text(int status, char *buf, size_t n)
{
    if (WIFEXITED(status))
        snprintf(buf, n, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, n, "signal: %s", strsignal(WTERMSIG(status)));
    else
        snprintf(buf, n, "wait status %d", status);
    if (buf[0] && strncmp(buf, "signal: ", 8) == 0 && buf[8] >= 'A' && buf[8] <= 'Z')
        buf[8] = (char)(buf[8] - 'A' + 'a');
    return buf;
}

static const char *spawn_text(const char *prog, int e, char *buf, size_t n)
{
    if (e == ENOENT && !strchr(prog, '/'))
        snprintf(buf, n, "exec: \"%s\": executable file not found in $PATH", prog);
    else
        snprintf(buf, n, "fork/exec %s: %s", prog, errtext(e));
    return buf;
}

/* Run argv with in on its standard input; its standard output into out.
 * Standard error is shared with prof.  -1 + *what on failure. */
static int run_filter(char *const argv[], const struct strbuf *in, struct strbuf *out, char *what, size_t whatsz)
{
    int pin[2], pout[2];
    if (pipe2(pin, O_CLOEXEC) != 0) {
        snprintf(what, whatsz, "pipe: %s", errtext(errno));
        return -1;
    }
    if (pipe2(pout, O_CLOEXEC) != 0) {
        snprintf(what, whatsz, "pipe: %s", errtext(errno));
        close(pin[0]);
        close(pin[1]);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
    posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pin[0]);
    close(pout[1]);
    if (e != 0) {
        close(pin[1]);
        close(pout[0]);
        spawn_text(argv[0], e, what, whatsz);
        return -1;
    }

    /* dot may exit without reading everything: a write then fails with EPIPE
     * instead of killing prof. */
    struct sigaction ign, old;
    memset(&ign, 0, sizeof(ign));
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    fcntl(pin[1], F_SETFL, fcntl(pin[1], F_GETFL) | O_NONBLOCK);
    size_t off = 0;
    int wfd = pin[1], rfd = pout[0];
    if (in->len == 0) {
        close(wfd);
        wfd = -1;
    }
    char buf[65536];
    while (rfd >= 0) {
        struct pollfd p[2];
        nfds_t np = 0;
        p[np].fd = rfd;
        p[np].events = POLLIN;
        np++;
        if (wfd >= 0) {
            p[np].fd = wfd;
            p[np].events = POLLOUT;
            np++;
        }
        if (poll(p, np, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (wfd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(wfd, in->buf + off, in->len - off);
            if (n > 0)
                off += (size_t)n;
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || off == in->len) {
                close(wfd);
                wfd = -1;
            }
        }
        if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
            ssize_t n = read(rfd, buf, sizeof(buf));
            if (n > 0) {
                strbuf_add(out, buf, (size_t)n);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(rfd);
                rfd = -1;
            }
        }
    }
    if (wfd >= 0)
        close(wfd);
    sigaction(SIGPIPE, &old, NULL);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(what, whatsz, "wait: %s", errtext(errno));
            return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        wait_text(status, what, whatsz);
        return -1;
    }
    return 0;
}

/* invokeDot: Graphviz's dot turns the DOT text into format. */
static int run_dot(const char *format, const struct strbuf *in, struct strbuf *out, struct prof_err *err)
{
    char targ[64];
    snprintf(targ, sizeof(targ), "-T%s", format);
    char *argv[] = {(char *)"dot", targ, NULL};
    char what[512];
    if (run_filter(argv, in, out, what, sizeof(what)))
        return prof_errf(err, PROF_EIO, "failed to execute dot. Is Graphviz installed? Error: %s", what);
    return 0;
}

/* ---- svg ---- */

/* Pan (drag) and zoom (wheel) for the "viewport" group; prof's own script. */
static const char pan_zoom_js[] =
    "(function () {\n"
    "  var svg = document.documentElement, view = document.getElementById('viewport');\n"
    "  if (!view) return;\n"
    "  var m = view.getCTM(), drag = null;\n"
    "  function set() {\n"
    "    view.setAttribute('transform', 'matrix(' + [m.a, m.b, m.c, m.d, m.e, m.f].join(',') + ')');\n"
    "  }\n"
    "  function at(ev) {\n"
    "    var p = svg.createSVGPoint();\n"
    "    p.x = ev.clientX;\n"
    "    p.y = ev.clientY;\n"
    "    return p;\n"
    "  }\n"
    "  svg.addEventListener('wheel', function (ev) {\n"
    "    ev.preventDefault();\n"
    "    var k = ev.deltaY < 0 ? 1.15 : 1 / 1.15, p = at(ev);\n"
    "    m = svg.createSVGMatrix().translate(p.x, p.y).scale(k).translate(-p.x, -p.y).multiply(m);\n"
    "    set();\n"
    "  }, {passive: false});\n"
    "  svg.addEventListener('mousedown', function (ev) {\n"
    "    if (ev.button === 0) drag = {x: ev.clientX, y: ev.clientY, m: m};\n"
    "  });\n"
    "  svg.addEventListener('mousemove', function (ev) {\n"
    "    if (!drag) return;\n"
    "    m = svg.createSVGMatrix().translate(ev.clientX - drag.x, ev.clientY - drag.y).multiply(drag.m);\n"
    "    set();\n"
    "  });\n"
    "  window.addEventListener('mouseup', function () { drag = null; });\n"
    "})();\n";

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Match `attr="[^"]+"` at s (after optional spaces when lead); returns the end or NULL. */
static const char *match_attr(const char *s, const char *attr)
{
    size_t n = strlen(attr);
    if (strncmp(s, attr, n) != 0 || s[n] != '=' || s[n + 1] != '"' || s[n + 2] == '"' || !s[n + 2])
        return NULL;
    const char *q = strchr(s + n + 2, '"');
    return q ? q + 1 : NULL;
}

/* `<svg\s*width="[^"]+"\s*height="[^"]+"\s*viewBox="[^"]+"`: start and end of the first match. */
static bool find_svg_open(const char *s, const char **start, const char **end)
{
    for (const char *p = strstr(s, "<svg"); p; p = strstr(p + 1, "<svg")) {
        const char *q = p + 4;
        while (is_space(*q))
            q++;
        if (!(q = match_attr(q, "width")))
            continue;
        while (is_space(*q))
            q++;
        if (!(q = match_attr(q, "height")))
            continue;
        while (is_space(*q))
            q++;
        if (!(q = match_attr(q, "viewBox")))
            continue;
        *start = p;
        *end = q;
        return true;
    }
    return false;
}

/* massageSVG: fix dot's "&;", make the image fill the window and pannable. */
static void massage_svg(const struct strbuf *in, struct strbuf *out)
{
    struct strbuf s = STRBUF_INIT;
    for (size_t i = 0; i < in->len; i++) {
        if (in->buf[i] == '&' && i + 1 < in->len && in->buf[i + 1] == ';') {
            strbuf_adds(&s, "&amp;");
            continue;
        }
        strbuf_addc(&s, in->buf[i]);
    }
    const char *text = s.buf;
    const char *a, *b;
    struct strbuf t = STRBUF_INIT;
    if (find_svg_open(text, &a, &b)) {
        strbuf_add(&t, text, (size_t)(a - text));
        strbuf_adds(&t, "<svg width=\"100%\" height=\"100%\"");
        strbuf_adds(&t, b);
    } else {
        strbuf_adds(&t, text);
    }
    const char *g = NULL;
    for (const char *p = strstr(t.buf, "<g id=\"graph"); p; p = strstr(p + 1, "<g id=\"graph"))
        if (p[12] >= '0' && p[12] <= '9' && p[13] == '"') {
            g = p;
            break;
        }
    struct strbuf u = STRBUF_INIT;
    if (g) {
        strbuf_add(&u, t.buf, (size_t)(g - t.buf));
        strbuf_adds(&u, "<script type=\"text/ecmascript\"><![CDATA[");
        strbuf_adds(&u, pan_zoom_js);
        strbuf_adds(&u, "]]></script>");
        strbuf_adds(&u, "<g id=\"viewport\" transform=\"scale(0.5,0.5) translate(0,0)\">");
        strbuf_adds(&u, g);
    } else {
        strbuf_add(&u, t.buf, t.len);
    }
    const char *c = strstr(u.buf, "</svg>");
    if (c) {
        strbuf_add(out, u.buf, (size_t)(c - u.buf));
        strbuf_adds(out, "</g>");
        strbuf_adds(out, c);
    } else {
        strbuf_add(out, u.buf, u.len);
    }
    strbuf_release(&s);
    strbuf_release(&t);
    strbuf_release(&u);
}

/* ---- viewers ---- */

/* Viewer command lines for cmd (words separated by spaces, as pprof splits them). */
static size_t viewers(const struct prof_cmd *cmd, const char **out, size_t max)
{
    size_t n = 0;
    const char *name = cmd->name;
    if (!strcmp(name, "eog")) {
        out[n++] = "eog";
    } else if (!strcmp(name, "evince")) {
        out[n++] = "evince";
    } else if (!strcmp(name, "gv")) {
        out[n++] = "gv --noantialias";
    } else if (!strcmp(name, "kcachegrind")) {
        out[n++] = "kcachegrind";
    } else {
        /* web, weblist: browsers() */
        const char *b = getenv("BROWSER");
        if (b && b[0])
            out[n++] = b;
        static const char *const browsers[] = {"chrome", "google-chrome", "chromium", "firefox", "sensible-browser"};
        for (size_t i = 0; i < PROF_ARRAY_LEN(browsers) && n < max; i++)
            out[n++] = browsers[i];
        const char *d = getenv("DISPLAY");
        if (d && d[0] && n < max)
            out[n++] = "xdg-open";
    }
    return n;
}

static void sleep_until(const struct timespec *t0, double seconds)
{
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double left = seconds - ((double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9);
        if (left <= 0)
            return;
        struct timespec d = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        if (nanosleep(&d, NULL) == 0)
            return;
    }
}

/* invokeVisualizer: write a temporary file and open it with the first viewer that starts. */
static int visualize(const struct prof_cmd *cmd, const struct strbuf *data, bool interactive, struct prof_err *err)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !tmp[0])
        tmp = "/tmp";
    char path[4096], suffix[64];
    snprintf(suffix, sizeof(suffix), ".%s", cmd->suffix ? cmd->suffix : "out");
    int fd = new_numbered_file(tmp, "pprof", suffix, path, sizeof(path), err);
    if (fd < 0)
        return -1;
    defer_remove(path);
    if (write_file(path, fd, data, err))
        return -1;
    const char *cmds[16];
    size_t ncmds = viewers(cmd, cmds, PROF_ARRAY_LEN(cmds));
    char what[512] = "no viewer to try";
    for (size_t i = 0; i < ncmds; i++) {
        /* Split on single spaces like pprof (strings.Split(v, " ")). */
        char *line = xstrdup(cmds[i]);
        size_t nwords = 1;
        for (char *p = line; *p; p++)
            nwords += *p == ' ';
        char **argv = xcalloc(nwords + 2, sizeof(char *));
        size_t k = 0;
        argv[k++] = line;
        for (char *p = line; *p; p++)
            if (*p == ' ') {
                *p = 0;
                argv[k++] = p + 1;
            }
        argv[k++] = path;
        argv[k] = NULL;
        pid_t pid;
        int e = argv[0][0] ? posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) : ENOENT;
        if (e != 0) {
            spawn_text(argv[0], e, what, sizeof(what));
            free(argv);
            free(line);
            continue;
        }
        /* Give the viewer a second to open the file before it may be removed;
         * outside the shell wait for the viewer too. */
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = 0;
        if (!interactive) {
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                rc = prof_errf(err, PROF_EIO, "%s: %s", argv[0], wait_text(status, what, sizeof(what)));
        }
        free(argv);
        free(line);
        sleep_until(&t0, 1.0);
        return rc;
    }
    return prof_errf(err, PROF_EIO, "%s", what);
}

/* ---- delivery ---- */

int output_emit(const struct prof_cmd *cmd, const struct prof_config *cfg, struct strbuf *report, bool interactive,
                struct prof_err *err)
{
    struct strbuf post = STRBUF_INIT;
    const struct strbuf *data = report;
    int rc = -1;

    /* Post-processing: images from the DOT text. */
    if (cmd && cmd->format == RPT_DOT && cmd->image) {
        struct strbuf img = STRBUF_INIT;
        if (run_dot(cmd->image, report, &img, err)) {
            strbuf_release(&img);
            return -1;
        }
        if (!strcmp(cmd->name, "svg") || !strcmp(cmd->name, "web")) {
            massage_svg(&img, &post);
            strbuf_release(&img);
        } else {
            post = img;
        }
        data = &post;
    }

    if (cfg->output[0]) {
        fprintf(stderr, "Generating report in %s\n", cfg->output);
        int fd = open(cfg->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0)
            prof_errf(err, PROF_EIO, "open %s: %s", cfg->output, errtext(errno));
        else
            rc = write_file(cfg->output, fd, data, err);
        goto out;
    }
    if (cmd && (cmd->flags & CMD_VIEWER)) {
        rc = visualize(cmd, data, interactive, err);
        goto out;
    }
    if (cmd && (cmd->flags & CMD_BINARY) && (interactive || isatty(STDOUT_FILENO))) {
        char path[4096], suffix[64];
        snprintf(suffix, sizeof(suffix), ".%s", cmd->suffix ? cmd->suffix : "out");
        int fd = new_numbered_file("", "profile", suffix, path, sizeof(path), err);
        if (fd >= 0) {
            fprintf(stderr, "Generating report in %s\n", path);
            rc = write_file(path, fd, data, err);
        }
        goto out;
    }
    if (fwrite(data->buf, 1, data->len, stdout) != data->len || fflush(stdout) != 0) {
        if (errno == EPIPE)
            rc = 0;
        else
            prof_errf(err, PROF_EIO, "writing standard output: %s", errtext(errno));
        goto out;
    }
    rc = 0;
out:
    strbuf_release(&post);
    return rc;
}
