#include "prof/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

int output_emit(const struct prof_cmd *cmd, const struct prof_config *cfg, struct strbuf *report, bool interactive,
                struct prof_err *err)
{
    (void)cmd;
    (void)interactive;
    if (cfg->output[0]) {
        fprintf(stderr, "Generating report in %s\n", cfg->output);
        int fd = open(cfg->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0)
            return prof_errf(err, PROF_EIO, "%s: %s", cfg->output, strerror(errno));
        int rc = write_all(fd, report->buf, report->len);
        int e = errno;
        if (close(fd) != 0 && rc == 0) {
            rc = -1;
            e = errno;
        }
        if (rc)
            return prof_errf(err, PROF_EIO, "%s: %s", cfg->output, strerror(e));
        return 0;
    }
    if (fwrite(report->buf, 1, report->len, stdout) != report->len || fflush(stdout) != 0) {
        if (errno == EPIPE)
            return 0;
        return prof_errf(err, PROF_EIO, "writing standard output: %s", strerror(errno));
    }
    return 0;
}
