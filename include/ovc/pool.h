/* pool.h - fixed-size object allocator.
 *
 * The model allocates many small objects of a few sizes (VMAs, resident
 * extents, frame ranges). A pool hands them out from large chunks with no
 * per-object header, so a VMA costs its struct size and nothing more.
 *
 * State:   struct ovc_pool, owned by the caller. No globals, no I/O.
 * Errors:  ovc_pool_alloc returns NULL when memory is exhausted.
 */
#ifndef OVC_POOL_H
#define OVC_POOL_H

#include <stddef.h>

struct ovc_pool {
	size_t size;		/* object size, rounded up to pointer alignment */
	size_t per_chunk;	/* objects per chunk */
	void *free_list;	/* freed objects, linked through their first word */
	void *chunks;		/* allocated chunks, linked through their first word */
	char *next, *limit;	/* unused tail of the newest chunk */
	size_t live;		/* objects handed out and not freed */
	size_t bytes;		/* bytes obtained from the system */
};

void ovc_pool_init(struct ovc_pool *p, size_t size);
void *ovc_pool_alloc(struct ovc_pool *p);	/* zeroed object, or NULL */
void ovc_pool_free(struct ovc_pool *p, void *obj);
void ovc_pool_destroy(struct ovc_pool *p);	/* frees every chunk */

#endif
