#include "harness.h"
#include "prof/strbuf.h"
#include "prof/util.h"

void test_strbuf(void)
{
    struct strbuf sb = STRBUF_INIT;
    STR_EQ(sb.buf, "");
    strbuf_adds(&sb, "ab");
    strbuf_addc(&sb, 'c');
    strbuf_addf(&sb, "%05d", 42);
    STR_EQ(sb.buf, "abc00042");
    INT_EQ(sb.len, 8);
    strbuf_reset(&sb);
    /* Go's %10s pads by runes, not bytes */
    strbuf_addpad(&sb, "\xce\xbcs", 4, 0);
    STR_EQ(sb.buf, "  \xce\xbcs");
    strbuf_reset(&sb);
    strbuf_addpad(&sb, "ab", 4, 1);
    STR_EQ(sb.buf, "ab  ");
    strbuf_reset(&sb);
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&sb, "%s", "0123456789");
    INT_EQ(sb.len, 10000);
    strbuf_release(&sb);
    INT_EQ(utf8_runes("a\xff" "b", 3), 3);
    char b[64];
    STR_EQ(path_base("/usr/lib/libc.so.6", b, sizeof(b)), "libc.so.6");
    STR_EQ(path_base("dir/", b, sizeof(b)), "dir");
    STR_EQ(path_base("", b, sizeof(b)), ".");
}
