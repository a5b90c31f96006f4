/*
 * arith.c: integer division (and, on v6-M, multiplication) helpers from the
 * ARM run-time ABI.
 *
 * No core in the Cortex-M family divides 64-bit numbers in hardware, so LLVM
 * calls __aeabi_uldivmod/__aeabi_ldivmod. Cortex-M0 (v6-M) has no divide
 * instruction at all and also needs the 32-bit helpers. Everything here uses
 * shift-and-subtract, never the `/` operator, which would call back into
 * these very functions.
 *
 * The 64-bit helpers return the quotient in r0:r1 and the remainder in r2:r3,
 * which C cannot express: a small assembly shim calls the C code and loads the
 * remainder from the stack.
 *
 * Division by zero: the compiler checks divisors before dividing (and
 * panics), so these only define a result: quotient 0, remainder = numerator.
 */
#include "mote_rt.h"

uint64_t mote_udivmod64(uint64_t n, uint64_t d, uint64_t *rem);
int64_t mote_sdivmod64(int64_t n, int64_t d, int64_t *rem);

uint64_t mote_udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t quotient = 0, bit = 1;
    if (d == 0) {
        *rem = n;
        return 0;
    }
    /* Line the divisor up under the numerator's top bit, then subtract. */
    while (d < n && (d >> 63) == 0) {
        d <<= 1;
        bit <<= 1;
    }
    while (bit != 0) {
        if (n >= d) {
            n -= d;
            quotient |= bit;
        }
        d >>= 1;
        bit >>= 1;
    }
    *rem = n;
    return quotient;
}

/* Truncating division: the remainder takes the numerator's sign (C, Rust). */
int64_t mote_sdivmod64(int64_t n, int64_t d, int64_t *rem)
{
    uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
    uint64_t urem;
    uint64_t uq = mote_udivmod64(un, ud, &urem);
    *rem = n < 0 ? (int64_t)-urem : (int64_t)urem;
    return (n < 0) != (d < 0) ? (int64_t)-uq : (int64_t)uq;
}

/* {quotient, remainder} = __aeabi_{u,}ldivmod(numerator r0:r1, divisor r2:r3).
 * The C helper's third argument (the remainder's address) goes on the stack.
 * Only v6-M instructions, so the same code serves every Cortex-M. */
#define DIVMOD64_SHIM(name, helper)                                  \
    __asm__(".syntax unified\n"                                      \
            ".thumb\n"                                               \
            ".section .text." #name ",\"ax\",%progbits\n"            \
            ".global " #name "\n"                                    \
            ".type " #name ", %function\n"                           \
            ".thumb_func\n"                                          \
            #name ":\n"                                              \
            "    push {r4, lr}\n"                                    \
            "    sub sp, #16\n"         /* [sp]: &rem, [sp+8]: rem */ \
            "    add r4, sp, #8\n"                                   \
            "    str r4, [sp]\n"                                     \
            "    bl " #helper "\n"                                   \
            "    ldr r2, [sp, #8]\n"                                 \
            "    ldr r3, [sp, #12]\n"                                \
            "    add sp, #16\n"                                      \
            "    pop {r4, pc}\n"                                     \
            ".size " #name ", . - " #name "\n"                       \
            ".text\n")

DIVMOD64_SHIM(__aeabi_uldivmod, mote_udivmod64);
DIVMOD64_SHIM(__aeabi_ldivmod, mote_sdivmod64);

/* LLVM calls the libgcc names instead for a 64-bit remainder (or quotient) computed on its
 * own, e.g. `a % b` on u64 in a loop with no matching `/`. */
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivdi3(uint64_t n, uint64_t d) { uint64_t r; return mote_udivmod64(n, d, &r); }
uint64_t __umoddi3(uint64_t n, uint64_t d) { uint64_t r; mote_udivmod64(n, d, &r); return r; }
int64_t __divdi3(int64_t n, int64_t d) { int64_t r; return mote_sdivmod64(n, d, &r); }
int64_t __moddi3(int64_t n, int64_t d) { int64_t r; mote_sdivmod64(n, d, &r); return r; }

#ifndef __ARM_FEATURE_IDIV
/* v6-M: no SDIV/UDIV. A 64-bit return value travels in r0:r1, which is
 * exactly the {quotient r0, remainder r1} pair the divmod helpers return. */

static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem)
{
    uint32_t quotient = 0, bit = 1;
    if (d == 0) {
        *rem = n;
        return 0;
    }
    while (d < n && (d >> 31) == 0) {
        d <<= 1;
        bit <<= 1;
    }
    while (bit != 0) {
        if (n >= d) {
            n -= d;
            quotient |= bit;
        }
        d >>= 1;
        bit >>= 1;
    }
    *rem = n;
    return quotient;
}

static int32_t sdivmod32(int32_t n, int32_t d, int32_t *rem)
{
    uint32_t un = n < 0 ? -(uint32_t)n : (uint32_t)n;
    uint32_t ud = d < 0 ? -(uint32_t)d : (uint32_t)d;
    uint32_t urem;
    uint32_t uq = udivmod32(un, ud, &urem);
    *rem = n < 0 ? (int32_t)-urem : (int32_t)urem;
    return (n < 0) != (d < 0) ? (int32_t)-uq : (int32_t)uq;
}

uint32_t __aeabi_uidiv(uint32_t n, uint32_t d);
int32_t __aeabi_idiv(int32_t n, int32_t d);
uint64_t __aeabi_uidivmod(uint32_t n, uint32_t d);
uint64_t __aeabi_idivmod(int32_t n, int32_t d);

uint32_t __aeabi_uidiv(uint32_t n, uint32_t d)
{
    uint32_t rem;
    return udivmod32(n, d, &rem);
}

int32_t __aeabi_idiv(int32_t n, int32_t d)
{
    int32_t rem;
    return sdivmod32(n, d, &rem);
}

uint64_t __aeabi_uidivmod(uint32_t n, uint32_t d)
{
    uint32_t rem;
    uint32_t q = udivmod32(n, d, &rem);
    return (uint64_t)rem << 32 | q;
}

uint64_t __aeabi_idivmod(int32_t n, int32_t d)
{
    int32_t rem;
    int32_t q = sdivmod32(n, d, &rem);
    return (uint64_t)(uint32_t)rem << 32 | (uint32_t)q;
}
#endif

#if __ARM_ARCH_ISA_THUMB == 1
/* Thumb-1 (v6-M) MULS gives only the low 32 bits of a product, so LLVM calls
 * __aeabi_lmul for 64-bit multiplication (including the multiply-by-inverse
 * that replaces division by a constant). Built from 16x16->32 products, so
 * nothing here is itself a 64-bit multiplication. */
uint64_t __aeabi_lmul(uint64_t a, uint64_t b);

static uint64_t mul32x32(uint32_t a, uint32_t b)
{
    uint32_t al = a & 0xffffu, ah = a >> 16;
    uint32_t bl = b & 0xffffu, bh = b >> 16;
    uint64_t low = al * bl;
    uint64_t middle = (uint64_t)(ah * bl) + (al * bh);
    uint64_t high = ah * bh;
    return (high << 32) + (middle << 16) + low;
}

uint64_t __aeabi_lmul(uint64_t a, uint64_t b)
{
    uint32_t alo = (uint32_t)a, ahi = (uint32_t)(a >> 32);
    uint32_t blo = (uint32_t)b, bhi = (uint32_t)(b >> 32);
    uint32_t cross = alo * bhi + ahi * blo; /* only its low 32 bits matter */
    return mul32x32(alo, blo) + ((uint64_t)cross << 32);
}
#endif

/* 64-bit shifts by a variable amount: LLVM calls these in code built for minimum size
 * (`-O z`, `minsize`) instead of expanding the shift inline. Written on 32-bit halves, so
 * nothing here is itself a variable 64-bit shift. AEABI: 0 <= n < 64. */
uint64_t __aeabi_llsl(uint64_t v, int n);
uint64_t __aeabi_llsr(uint64_t v, int n);
int64_t __aeabi_lasr(int64_t v, int n);

static uint64_t join(uint32_t hi, uint32_t lo)
{
    return (uint64_t)hi << 32 | lo;
}

uint64_t __aeabi_llsl(uint64_t v, int n)
{
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    if (n >= 32)
        return join(lo << (n - 32), 0);
    if (n == 0)
        return v;
    return join(hi << n | lo >> (32 - n), lo << n);
}

uint64_t __aeabi_llsr(uint64_t v, int n)
{
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    if (n >= 32)
        return join(0, hi >> (n - 32));
    if (n == 0)
        return v;
    return join(hi >> n, lo >> n | hi << (32 - n));
}

int64_t __aeabi_lasr(int64_t v, int n)
{
    uint32_t lo = (uint32_t)v;
    int32_t hi = (int32_t)((uint64_t)v >> 32);
    if (n >= 32)
        return (int64_t)join((uint32_t)(hi >> 31), (uint32_t)(hi >> (n - 32)));
    if (n == 0)
        return v;
    return (int64_t)join((uint32_t)(hi >> n), lo >> n | (uint32_t)hi << (32 - n));
}
