import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/**
 * The fonts the chart may use, from the dejavu-fonts-ttf package: loaded by path, never from the
 * system, so the image is the same on a laptop and in the slim Docker image (which has no fonts).
 */
const FONT_FILES = ['DejaVuSansCondensed.ttf', 'DejaVuSansCondensed-Bold.ttf'].map((name) => require.resolve(`dejavu-fonts-ttf/ttf/${name}`));

/** Rasterizes an SVG to PNG bytes at its own size, with the bundled DejaVu Sans Condensed as the only font. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans Condensed' },
    background: '#FFFFFF',
  });
  return resvg.render().asPng();
}
