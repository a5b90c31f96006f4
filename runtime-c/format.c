/*
 * format.c: placeholders with a spec, as Rust's formatter reads them: width, fill and
 * alignment, zero padding, '+', '#' prefixes, hex/binary/octal. A program whose format
 * strings are all `{}` and `{:x}` never links this file.
 */
#include "mote_rt.h"

MOTE_CONSOLE_CODE_BEGIN

#define SPEC_WIDTH(s)  ((s) & 0xffu)
#define SPEC_FILL(s)   (((s) >> 8) & 0xffu)
#define SPEC_ALIGN(s)  (((s) >> 16) & 3u)
#define SPEC_ZERO      (1u << 18)
#define SPEC_ALT       (1u << 19)
#define SPEC_PLUS      (1u << 20)
#define SPEC_RADIX(s)  (((s) >> 21) & 7u)
#define SPEC_UPPER     (1u << 24)
#define SPEC_SIGNED    (1u << 25)

enum { ALIGN_LEFT = 1, ALIGN_RIGHT = 2, ALIGN_CENTER = 3 };
enum { RADIX_DECIMAL, RADIX_HEX, RADIX_BINARY, RADIX_OCTAL };

static void repeat(uint8_t c, uint32_t n)
{
    while (n--)
        mote_console_putc(c);
}

/* `prefix` (sign, 0x) then `body`, padded to the width. Zero padding goes between the
 * prefix and the digits and ignores the fill and alignment, as in Rust. */
static void padded(const uint8_t *prefix, uint32_t prefix_len, const uint8_t *body, uint32_t len, uint32_t spec)
{
    uint32_t width = SPEC_WIDTH(spec), used = prefix_len + len;
    uint32_t pad = width > used ? width - used : 0;
    if (spec & SPEC_ZERO) {
        mote_print_str(prefix, prefix_len);
        repeat('0', pad);
        mote_print_str(body, len);
        return;
    }
    uint32_t before = SPEC_ALIGN(spec) == ALIGN_RIGHT ? pad : SPEC_ALIGN(spec) == ALIGN_CENTER ? pad / 2 : 0;
    repeat((uint8_t)SPEC_FILL(spec), before);
    mote_print_str(prefix, prefix_len);
    mote_print_str(body, len);
    repeat((uint8_t)SPEC_FILL(spec), pad - before);
}

void mote_print_fmt_str(const uint8_t *p, uint32_t len, uint32_t spec)
{
    padded(p, 0, p, len, spec & ~SPEC_ZERO);
}

/* The sign or radix prefix; returns its length. */
static uint32_t prefix_of(uint8_t prefix[3], bool negative, uint32_t spec)
{
    uint32_t n = 0;
    if (negative)
        prefix[n++] = '-';
    else if (spec & SPEC_PLUS)
        prefix[n++] = '+';
    if ((spec & SPEC_ALT) && SPEC_RADIX(spec) != RADIX_DECIMAL) {
        prefix[n++] = '0';
        prefix[n++] = "0xbo"[SPEC_RADIX(spec)];
    }
    return n;
}

static const char digits_lower[] = "0123456789abcdef";
static const char digits_upper[] = "0123456789ABCDEF";

/* Non-decimal digits of a 64-bit value by shifting (no division); into the end of buf[64]. */
static uint32_t power_of_two_digits(uint8_t buf[64], uint64_t v, uint32_t spec)
{
    static const uint8_t shift_of[] = {0, 4, 1, 3};
    uint32_t shift = shift_of[SPEC_RADIX(spec)], mask = (1u << shift) - 1u, i = 64;
    const char *digits = (spec & SPEC_UPPER) ? digits_upper : digits_lower;
    do {
        buf[--i] = (uint8_t)digits[(uint32_t)v & mask];
        v >>= shift;
    } while (v != 0);
    return i;
}

void mote_print_fmt32(uint32_t v, uint32_t spec)
{
    uint8_t prefix[3], buf[64];
    bool negative = (spec & SPEC_SIGNED) && (int32_t)v < 0;
    if (negative)
        v = -v; /* in unsigned arithmetic: -INT32_MIN overflows int32_t */
    uint32_t i = 64;
    if (SPEC_RADIX(spec) == RADIX_DECIMAL) {
        do {
            buf[--i] = (uint8_t)('0' + v % 10u);
            v /= 10u;
        } while (v != 0);
    } else {
        i = power_of_two_digits(buf, v, spec);
    }
    padded(prefix, prefix_of(prefix, negative, spec), &buf[i], 64 - i, spec);
}

/* 64-bit decimal digits divide by 10 through __aeabi_uldivmod (arith.c). */
void mote_print_fmt64(uint64_t v, uint32_t spec)
{
    uint8_t prefix[3], buf[64];
    bool negative = (spec & SPEC_SIGNED) && (int64_t)v < 0;
    if (negative)
        v = -v;
    uint32_t i = 64;
    if (SPEC_RADIX(spec) == RADIX_DECIMAL) {
        do {
            buf[--i] = (uint8_t)('0' + v % 10u);
            v /= 10u;
        } while (v != 0);
    } else {
        i = power_of_two_digits(buf, v, spec);
    }
    padded(prefix, prefix_of(prefix, negative, spec), &buf[i], 64 - i, spec);
}

MOTE_CONSOLE_CODE_END
