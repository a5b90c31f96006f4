/*
 * mem.c: the memory functions LLVM's code generator calls on a core without
 * libc (struct copies, zero-initialisation), plus their ARM EABI aliases.
 *
 * runtime-c is built with -ffreestanding, which implies -fno-builtin: LLVM
 * then never turns these loops back into calls to memcpy/memset, so they
 * cannot recurse into themselves.
 */
#include "mote_rt.h"

void *memcpy(void *restrict dest, const void *restrict src, size_t n)
{
    uint8_t *d = dest;
    const uint8_t *s = src;
    /* Word copies when both pointers are word aligned: the common case for
     * struct copies, and four times fewer loads and stores. */
    if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
        for (; n >= 4; n -= 4, d += 4, s += 4)
            *(uint32_t *)d = *(const uint32_t *)s;
    }
    while (n--)
        *d++ = *s++;
    return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
    uint8_t *d = dest;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dest;
    if (d < s || d >= s + n)
        return memcpy(dest, src, n); /* no harmful overlap: copy forwards */
    while (n--)
        d[n] = s[n]; /* dest overlaps the end of src: copy backwards */
    return dest;
}

void *memset(void *dest, int c, size_t n)
{
    uint8_t *d = dest;
    while (n--)
        *d++ = (uint8_t)c;
    return dest;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

/* ARM run-time ABI names. Note __aeabi_memset's argument order: (dest, n, c).
 * The 4/8 variants promise aligned pointers; the generic code is fine there. */
void __aeabi_memcpy(void *dest, const void *src, size_t n) { memcpy(dest, src, n); }
void __aeabi_memcpy4(void *dest, const void *src, size_t n) { memcpy(dest, src, n); }
void __aeabi_memcpy8(void *dest, const void *src, size_t n) { memcpy(dest, src, n); }
void __aeabi_memmove(void *dest, const void *src, size_t n) { memmove(dest, src, n); }
void __aeabi_memmove4(void *dest, const void *src, size_t n) { memmove(dest, src, n); }
void __aeabi_memmove8(void *dest, const void *src, size_t n) { memmove(dest, src, n); }
void __aeabi_memset(void *dest, size_t n, int c) { memset(dest, c, n); }
void __aeabi_memset4(void *dest, size_t n, int c) { memset(dest, c, n); }
void __aeabi_memset8(void *dest, size_t n, int c) { memset(dest, c, n); }
void __aeabi_memclr(void *dest, size_t n) { memset(dest, 0, n); }
void __aeabi_memclr4(void *dest, size_t n) { memset(dest, 0, n); }
void __aeabi_memclr8(void *dest, size_t n) { memset(dest, 0, n); }
