/*
 * print.c: console output for `print` and friends. All output goes through
 * mote_console_putc (the board's UART driver).
 */
#include "mote_rt.h"

MOTE_CONSOLE_CODE_BEGIN

void mote_print_str(const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        mote_console_putc(p[i]);
}

/* Program text without a zero byte, the runtime's own messages and 32-bit numbers: kept out
 * of line and small. */
__attribute__((noinline, minsize)) void mote_print_cstr(const char *s)
{
    while (*s)
        mote_console_putc((uint8_t)*s++);
}

/* Whether the program prints 32-bit values both in decimal and in hex: the whole-program link
 * decides (mote.llvm.WholeProgram sets this weak definition). Then both printers share one
 * digit loop (about 40 bytes less); else each keeps its own, whose base is a constant (a
 * decimal print of a constant value folds away). Compiled as a library, the loop is shared.
 * And whether the program prints its texts as C strings (mote.llvm.CStringTexts decides):
 * then the digits end with a terminator too, and mote_print_str may be left unused. */
#ifdef MOTE_WHOLE_PROGRAM
__attribute__((weak)) const bool mote_print_digits_shared = true;
__attribute__((weak)) const bool mote_print_digits_cstr = false;
#else
#define mote_print_digits_shared true
#define mote_print_digits_cstr false
#endif

/* A digit computed, not looked up: a compare and an add are smaller than a 17-byte table
 * and the literal that addresses it. */
static inline char hex_digit(uint32_t d)
{
    return (char)(d + (d < 10u ? '0' : 'a' - 10u));
}

/* A 32-bit value's digits in `base` (10 or 16), most significant first; `letters`: whether a
 * digit can be 10 or more (hex), which decimal digits need not test. */
static inline __attribute__((always_inline)) void put_digits32(uint32_t v, uint32_t base, bool letters)
{
    /* 4294967295 has 10 digits, then maybe the terminator; word-aligned, the buffer's address
     * is one 16-bit add from sp */
    char buf[11] __attribute__((aligned(4)));
    const uint32_t end = 10u;
    uint32_t i = end;
    do {
        uint32_t d = v % base;
        buf[--i] = letters ? hex_digit(d) : (char)('0' + d);
        v /= base;
    } while (v != 0);
    if (mote_print_digits_cstr) {
        buf[end] = 0;
        mote_print_cstr(&buf[i]);
    } else {
        mote_print_str((const uint8_t *)&buf[i], end - i);
    }
}

/* The shared loop (mote_print_digits_shared), its base a parameter. */
MOTE_OUT_OF_LINE static void print_digits32(uint32_t v, uint32_t base)
{
    put_digits32(v, base, true);
}

/* Values of 32 bits or fewer (what most programs print): 32-bit division by 10,
 * one instruction on v7-M, so no 64-bit division is linked for them. */
void mote_print_u32(uint32_t v)
{
    if (mote_print_digits_shared)
        print_digits32(v, 10u);
    else
        put_digits32(v, 10u, false);
}

void mote_print_i32(int32_t v)
{
    if (v < 0) {
        mote_console_putc('-');
        /* Negate in unsigned arithmetic: -INT32_MIN overflows int32_t. */
        mote_print_u32(-(uint32_t)v);
    } else {
        mote_print_u32((uint32_t)v);
    }
}

/* Digits are produced least significant first into a buffer filled from the
 * end. 64-bit division by 10 calls __aeabi_uldivmod (arith.c). */
void mote_print_u64(uint64_t v)
{
    char buf[20]; /* 18446744073709551615 has 20 digits */
    uint32_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    mote_print_str((const uint8_t *)&buf[i], sizeof buf - i);
}

void mote_print_i64(int64_t v)
{
    if (v < 0) {
        mote_console_putc('-');
        /* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
        mote_print_u64(-(uint64_t)v);
    } else {
        mote_print_u64((uint64_t)v);
    }
}

void mote_print_hex(uint64_t v)
{
    char buf[16];
    uint32_t i = sizeof buf;
    do {
        buf[--i] = hex_digit((uint32_t)v & 0xfu);
        v >>= 4;
    } while (v != 0);
    mote_print_str((const uint8_t *)&buf[i], sizeof buf - i);
}

void mote_print_hex32(uint32_t v)
{
    if (mote_print_digits_shared)
        print_digits32(v, 16u);
    else
        put_digits32(v, 16u, true);
}

void mote_print_bool(bool v)
{
    mote_print_cstr(v ? "true" : "false");
}

MOTE_CONSOLE_CODE_END
