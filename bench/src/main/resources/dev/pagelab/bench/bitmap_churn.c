/*
 * bitmap_churn.c: the C reference for `pagelab bench frames --allocator bitmap`.
 *
 * The same next-fit frame bitmap as pagelab's BitmapFrameAllocator, and the same fill + churn
 * workload as dev.pagelab.bench.FramesWorkload, in plain C, so that the Java allocator's cost
 * per churn step can be compared with what the algorithm costs without a simulator around it.
 * Both must print the same checksum: any difference in which frame is handed out shows in it.
 *
 *   gcc -O2 -o bitmap_churn bitmap_churn.c && ./bitmap_churn [MEMORY_BYTES [CHURN_STEPS]]
 *   (defaults: 4294967296 bytes = 4 GiB, 10000000 steps; `pagelab bench frames --allocator
 *   bitmap --compare-c` does this itself)
 *
 * The machine: frames [0, top), top = MEMORY_BYTES / 4096; the pool is [256, top). The bitmap
 * covers [0, top), one bit a frame, 1 = taken, in 64-bit words (bit pfn % 64 of word pfn / 64).
 * Like the Java allocator, it keeps itself in the first frames of the pool: ceil(words * 8 / 4096)
 * frames from frame 256, which are taken (the Java one writes the bitmap into those frames of
 * simulated RAM; here it is an ordinary array, and the frames are only marked). Frames below 256,
 * the bitmap's frames and the padding bits past top are 1 from the start.
 *
 * allocate (next fit): `next` is the frame after the last one handed out (0 at first and past
 * top). Read the word holding next with the bits below next taken as 1; while the word is all
 * ones, go to the next word, wrapping from the last word to word 0 once (the word holding next
 * is then read whole); the frame is the lowest 0 bit (__builtin_ctzll of the inverted word).
 * Set it; next = frame + 1, or 0 at top. free: clear the bit; next does not move.
 *
 * The workload: F = the free frames (pool less the bitmap's frames), live = F / 2 entries.
 *   fill:  live[i] = allocate() for i = 0 .. F/2 - 1
 *   churn: CHURN_STEPS times: r = next() % F/2; free(live[r]); live[r] = allocate();
 *          next() is xorshift64* seeded with 42, its output unsigned 64-bit
 *   checksum: the sum of live after the churn
 * Each phase is timed as one block with CLOCK_MONOTONIC. The rows printed are those of
 * `pagelab bench frames`, which reads them back: keep their format.
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FIRST_POOL_PFN 256u
#define NO_FRAME UINT32_MAX

static uint64_t *bitmap;
static uint32_t words;
static uint32_t top_pfn;
static uint32_t next_pfn;
static uint64_t free_frames;

static uint64_t rng = 42;

static inline uint64_t xorshift64star(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

static inline uint32_t frame_alloc(void)
{
    if (free_frames == 0)
        return NO_FRAME;
    uint32_t w = next_pfn >> 6;
    uint64_t word = bitmap[w];
    uint64_t search = word | ((1ULL << (next_pfn & 63)) - 1);
    while (search == UINT64_MAX) {
        w = w + 1 == words ? 0 : w + 1;
        word = bitmap[w];
        search = word;
    }
    unsigned bit = (unsigned)__builtin_ctzll(~search);
    bitmap[w] = word | (1ULL << bit);
    uint32_t pfn = (w << 6) + bit;
    next_pfn = pfn + 1 == top_pfn ? 0 : pfn + 1;
    free_frames--;
    return pfn;
}

static inline void frame_free(uint32_t pfn)
{
    bitmap[pfn >> 6] &= ~(1ULL << (pfn & 63));
    free_frames++;
}

static void set_bits(uint32_t from, uint32_t to)
{
    for (uint32_t pfn = from; pfn < to; pfn++)
        bitmap[pfn >> 6] |= 1ULL << (pfn & 63);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* 1234567 as "1,234,567", as Java's %,d writes it. */
static const char *grouped(uint64_t n, char *buf)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    int out = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    uint64_t memory_bytes = argc > 1 ? strtoull(argv[1], NULL, 0) : 4294967296ULL;
    uint64_t churn_steps = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000000ULL;
    if (memory_bytes < (2u << 20) || memory_bytes > 4294967296ULL || memory_bytes % 4096 != 0 || churn_steps < 1) {
        fprintf(stderr, "usage: %s [MEMORY_BYTES (a multiple of 4096, 2 MiB to 4 GiB) [CHURN_STEPS (1 or more)]]\n",
                argv[0]);
        return 2;
    }

    top_pfn = (uint32_t)(memory_bytes / 4096);
    words = (top_pfn + 63) / 64;
    uint32_t metadata_frames = (uint32_t)(((uint64_t)words * 8 + 4095) / 4096);
    bitmap = calloc(words, sizeof *bitmap);
    set_bits(0, FIRST_POOL_PFN + metadata_frames);
    set_bits(top_pfn, words * 64);
    free_frames = top_pfn - FIRST_POOL_PFN - metadata_frames;

    uint64_t free_at_start = free_frames;
    uint32_t n = (uint32_t)(free_at_start / 2);
    uint32_t *live = malloc((size_t)n * sizeof *live);
    if (bitmap == NULL || live == NULL) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 1;
    }

    uint64_t start = now_ns();
    for (uint32_t i = 0; i < n; i++)
        live[i] = frame_alloc();
    uint64_t fill_ns = now_ns() - start;

    start = now_ns();
    for (uint64_t s = 0; s < churn_steps; s++) {
        uint32_t r = (uint32_t)(xorshift64star() % n);
        frame_free(live[r]);
        uint32_t pfn = frame_alloc();
        if (pfn == NO_FRAME) {
            fprintf(stderr, "%s: no frame right after a free (step %" PRIu64 ")\n", argv[0], s);
            return 1;
        }
        live[r] = pfn;
    }
    uint64_t churn_ns = now_ns() - start;

    uint64_t checksum = 0;
    for (uint32_t i = 0; i < n; i++)
        checksum += live[i];

    char a[32], b[32], c[32];
    printf("bitmap_churn (C): machine of %s bytes, pool frames [0x%X, 0x%X), bitmap %u frame%s, %s free at start\n",
           grouped(memory_bytes, a), FIRST_POOL_PFN, top_pfn, metadata_frames, metadata_frames == 1 ? "" : "s",
           grouped(free_at_start, b));
    printf("\n");
    printf("%-10s  %11s  %7s  %s\n", "phase", "operations", "ns/op", "one operation");
    printf("%-10s  %11s  %7.2f  %s\n", "fill", grouped(n, a), (double)fill_ns / n, "allocate()");
    printf("%-10s  %11s  %7.2f  free(live[r]) + allocate(), r = next() %% %s\n", "churn", grouped(churn_steps, b),
           (double)churn_ns / churn_steps, grouped(n, c));
    printf("\n");
    printf("checksum: %" PRIu64 " (sum of live after the churn)\n", checksum);
    free(live);
    free(bitmap);
    return 0;
}
