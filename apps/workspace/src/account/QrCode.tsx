import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** Quiet zone around the symbol, in modules: scanners need it (the QR standard asks for 4). */
const QUIET = 4;

/**
 * A QR code of `text` as an SVG of one path (each dark module a unit square), drawn by React:
 * no markup from a string, nothing the page's CSP would refuse. Error correction M: the symbol
 * still reads with some glare on a screen.
 */
export function QrCode({ text, size = 184, label }: { text: string; size?: number; label: string }) {
  const { path, extent } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text, 'Byte');
    qr.make();
    const count = qr.getModuleCount();
    let d = '';
    for (let row = 0; row < count; row++) {
      for (let col = 0; col < count; col++) {
        if (qr.isDark(row, col)) d += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
      }
    }
    return { path: d, extent: count + 2 * QUIET };
  }, [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      data-testid="totp-qr"
      width={size}
      height={size}
      viewBox={`0 0 ${extent} ${extent}`}
      shapeRendering="crispEdges"
    >
      <rect width={extent} height={extent} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
