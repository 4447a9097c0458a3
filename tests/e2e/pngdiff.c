/* pngdiff A.png B.png MAX_PERCENT: whether two screenshots look alike —
 * the same size, and at most MAX_PERCENT % of the pixels differing by more
 * than a quarter of the range in some channel (anti-aliasing and a font's
 * hinting move a few; a chart missing or moved moves many).  Prints the
 * share that differs.  Exit 0 alike, 1 not, 2 unreadable.  For e2e
 * report_browser; libpng's simplified API reads both. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *load(const char *path, png_image *im)
{
	memset(im, 0, sizeof *im);
	im->version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(im, path)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, im->message);
		return NULL;
	}
	im->format = PNG_FORMAT_RGB;
	unsigned char *px = malloc(PNG_IMAGE_SIZE(*im));
	if (!px || !png_image_finish_read(im, NULL, px, 0, NULL)) {
		fprintf(stderr, "pngdiff: %s: %s\n", path, im->message);
		free(px);
		png_image_free(im);
		return NULL;
	}
	return px;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: pngdiff A.png B.png MAX_PERCENT\n");
		return 2;
	}
	png_image a, b;
	unsigned char *pa = load(argv[1], &a), *pb = pa ? load(argv[2], &b) : NULL;
	if (!pa || !pb)
		return 2;
	if (a.width != b.width || a.height != b.height) {
		printf("sizes differ: %ux%u and %ux%u\n", a.width, a.height, b.width, b.height);
		return 1;
	}
	size_t n = (size_t)a.width * a.height, differ = 0;
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < 3; c++)
			if (abs(pa[3 * i + c] - pb[3 * i + c]) > 64) {
				differ++;
				break;
			}
	double pct = 100.0 * (double)differ / (double)n;
	printf("%.3f %% of %zu pixels differ\n", pct, n);
	free(pa);
	free(pb);
	return pct <= atof(argv[3]) ? 0 : 1;
}
