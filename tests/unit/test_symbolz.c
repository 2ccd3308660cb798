/* symbolz: the symbol handler's URL and the parsing of its answers (expected
 * values checked against Go's net/url, path.Clean and regexp, as pprof uses them). */
#include <stdlib.h>

#include "harness.h"
#include "prof/fetch.h"
#include "prof/strbuf.h"
#include "prof/symbolz.h"

static void url_is(const char *source, const char *want)
{
    char *got = fetch_symbolz_url(source);
    if (want)
        STR_EQ(got, want);
    else
        CHECK(got == NULL);
    free(got);
}

/* The symbols of an answer as "addr=name;" pairs. */
static int collect(void *arg, uint64_t addr, const char *name, size_t len, struct prof_err *err)
{
    (void)err;
    strbuf_addf(arg, "%" PRIx64 "=%.*s;", addr, (int)len, name);
    return 0;
}

static void parse_is(const char *body, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    struct prof_err err = {0};
    INT_EQ(symbolz_parse(body, strlen(body), collect, &sb, &err), 0);
    STR_EQ(sb.buf, want);
    strbuf_release(&sb);
}

void test_symbolz(void)
{
    url_is("http://127.0.0.1:6060/debug/pprof/profile?seconds=5", "http://127.0.0.1:6060/debug/pprof/symbol");
    url_is("http://h/debug/pprof/", "http://h/debug/symbol");
    url_is("http://h/x/debug/pprof/heap", "http://h/x/debug/pprof/symbol");
    url_is("https+insecure://u:p@h:1/debug/pprof/goroutine?debug=1#frag", "https+insecure://u:p@h:1/debug/pprof/symbol#frag");
    url_is("http://h/pprof/heap", "http://h/pprof/symbol");
    url_is("http://h/a/b/pprof/contention?x", "http://h/a/b/pprof/symbol");
    url_is("http://h/pprofheap", "http://h/symbolz");
    url_is("http://h/profile", "http://h/symbolz");
    url_is("http://h", "http://h/symbolz");
    url_is("http://h/debug/pprof", "http://h/symbolz");
    url_is("http://[::1]:80/debug/pprof/a/b", "http://[::1]:80/debug/pprof/a/symbol");
    url_is("file:///debug/pprof/heap", NULL);
    url_is("/tmp/cpu.pb.gz", NULL);

    CHECK(fetch_is_abs_url("http://x/y"));
    CHECK(fetch_is_abs_url("C:\\x"));
    CHECK(fetch_is_abs_url("memfd:foo (deleted)"));
    CHECK(fetch_is_abs_url("a:b"));
    CHECK(!fetch_is_abs_url("/usr/bin/x"));
    CHECK(!fetch_is_abs_url("[vdso]"));
    CHECK(!fetch_is_abs_url(""));
    CHECK(!fetch_is_abs_url("1abc:x"));
    CHECK(!fetch_is_abs_url("ht tp://x"));

    /* net/http/pprof's answer */
    parse_is("num_symbols: 1\n0x4a1b2c main.main\n0x401000 runtime.goexit\n", "4a1b2c=main.main;401000=runtime.goexit;");
    /* the leftmost match of (0x[[:xdigit:]]+)\s+(.*) in each line */
    parse_is("x0x1 a b \n", "1=a b ;");
    parse_is("0x10\n", "10=;");
    parse_is("0x10 \n", "10=;");
    parse_is("0x 0x5 f\n", "5=f;");
    parse_is("00x5\tg\r\n", "5=g\r;");
    parse_is("0x5\vh 0x6 i\n", "6=i;");
    parse_is("0X5 j\n", "");
    parse_is("0x5z 0x7  k\n", "7=k;");
    parse_is("0x00000000000000000001 lead\n", "1=lead;");
    parse_is("0xffffffffffffffff max\n", "ffffffffffffffff=max;");
    /* only whole lines */
    parse_is("0x1 a\n0x2 b", "1=a;");
    parse_is("", "");
    parse_is("<html>\n\x01\xff\n", "");

    struct strbuf sb = STRBUF_INIT;
    struct prof_err err = {0};
    const char *big = "0x1 ok\n0x10000000000000000 big\n0x2 never\n";
    INT_EQ(symbolz_parse(big, strlen(big), collect, &sb, &err), -1);
    STR_EQ(sb.buf, "1=ok;");
    STR_EQ(err.msg,
           "unexpected parse failure 0x10000000000000000: strconv.ParseUint: parsing \"0x10000000000000000\": value out of range");
    strbuf_release(&sb);
}
