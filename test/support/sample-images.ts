/** Sample image bytes for upload tests and the benchmark, encoded by pngjs (no fixture files). */
import { PNG } from 'pngjs';

/**
 * A real PNG of `width` × `height` pixels in a red/blue checker pattern.
 * @returns the encoded bytes (a few dozen bytes for the default 2 × 2)
 */
export function pngBytes(width = 2, height = 2): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4;
      const red = (x + y) % 2 === 0;
      png.data.set([red ? 255 : 0, 0, red ? 0 : 255, 255], offset);
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}
