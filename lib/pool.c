/* pool.c - fixed-size object allocator: objects carved from large chunks.
 *
 * A chunk is one malloc block: a link word to the previous chunk, padded to
 * alignof(max_align_t), then per_chunk objects back to back. Objects have
 * no header; a freed object holds the free-list link in its first word.
 *
 * Alignment: the object size is rounded up to a multiple of 8 only, not
 * to alignof(max_align_t). A type's size is always a multiple of its
 * alignment, so for size = sizeof(T) every object at base + k * size is
 * aligned for T as long as base is max_align_t-aligned (malloc gives that,
 * and the header is padded to keep it). Rounding to 16 would instead turn
 * a 56-byte tree node into 64 bytes.
 *
 * Units: bytes.
 */
#include "ovc/pool.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POOL_ALIGN	  8		/* also room for the free-list link */
#define POOL_CHUNK_BYTES  (64 * 1024)
#define POOL_MIN_PER_CHUNK 8		/* large objects get larger chunks */
#define POOL_CHUNK_HEADER \
	((sizeof(void *) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

/* The free-list and chunk links are read and written with memcpy: the
 * memory belongs to the caller's type once handed out, so a cast to
 * void ** would break strict aliasing. It compiles to one load or store. */
static void *link_get(const void *at)
{
	void *next;

	memcpy(&next, at, sizeof(next));
	return next;
}

static void link_set(void *at, void *next)
{
	memcpy(at, &next, sizeof(next));
}

void ovc_pool_init(struct ovc_pool *p, size_t size)
{
	size_t per = 0;

	memset(p, 0, sizeof(*p));
	if (size < POOL_ALIGN)
		size = POOL_ALIGN;
	if (size <= SIZE_MAX - (POOL_ALIGN - 1)) {
		size = (size + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1);
		per = (POOL_CHUNK_BYTES - POOL_CHUNK_HEADER) / size;
		if (per < POOL_MIN_PER_CHUNK)
			per = POOL_MIN_PER_CHUNK;
		/* A chunk size that overflows leaves per = 0: alloc fails. */
		if (size > (SIZE_MAX - POOL_CHUNK_HEADER) / per)
			per = 0;
	}
	p->size = size;
	p->per_chunk = per;
}

/* Start a new chunk. Returns 0, or -1 if malloc fails (nothing changes). */
static int pool_grow(struct ovc_pool *p)
{
	size_t bytes = POOL_CHUNK_HEADER + p->per_chunk * p->size;
	char *chunk;

	if (!p->per_chunk)
		return -1;
	chunk = malloc(bytes);
	if (!chunk)
		return -1;
	link_set(chunk, p->chunks);
	p->chunks = chunk;
	p->next = chunk + POOL_CHUNK_HEADER;
	p->limit = p->next + p->per_chunk * p->size;
	p->bytes += bytes;
	return 0;
}

void *ovc_pool_alloc(struct ovc_pool *p)
{
	void *obj;

	if (p->free_list) {
		obj = p->free_list;
		p->free_list = link_get(obj);
	} else {
		if (p->next == p->limit && pool_grow(p))
			return NULL;
		obj = p->next;
		p->next += p->size;
	}
	p->live++;
	return memset(obj, 0, p->size);
}

void ovc_pool_free(struct ovc_pool *p, void *obj)
{
	if (!obj)
		return;
	link_set(obj, p->free_list);
	p->free_list = obj;
	p->live--;
}

/* Frees every chunk, live objects included. The pool is left empty and
 * may be used again for the same size. */
void ovc_pool_destroy(struct ovc_pool *p)
{
	void *chunk = p->chunks, *prev;

	while (chunk) {
		prev = link_get(chunk);
		free(chunk);
		chunk = prev;
	}
	p->free_list = NULL;
	p->chunks = NULL;
	p->next = p->limit = NULL;
	p->live = 0;
	p->bytes = 0;
}
