// evidence.mjs: the files the evidence tests drop on a case: a real PNG, a tiny PDF, a user's saved reply as an .eml, and a drop as a file manager makes it.

// A real 2×2 PNG, so the preview must decode under the app's Content-Security-Policy.
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** Drops files (built in the page from base64) on the case, as a file manager's drag would. */
export async function dropFiles(page, files, target = '.case-columns') {
  await page.locator(target).first().evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const { name, type, base64 } of list) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], name, { type }));
    }
    el.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    el.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, files.map(({ name, type, bytes }) => ({ name, type, base64: bytes.toString('base64') })));
}

/** A reply as a mail client saves it: a text body with an HTML twin carrying script, a PDF and a PNG. */
export function savedEmail() {
  return Buffer.from([
    'From: Ana Ruiz <ops@kopi.example>',
    'To: desk@example.com',
    'Subject: =?utf-8?B?UmU6IHBheW91dCBzdHVjayDigJMgYmFuayBsZXR0ZXI=?=',
    'Date: Thu, 3 Dec 2026 09:14:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here is the letter from my bank and the error I see.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Here is the letter <script>window.__pwned=5</script><img src=x onerror="window.__pwned=6"></p>',
    '--alt--',
    '--outer',
    'Content-Type: application/pdf; name="bank letter.pdf"',
    'Content-Disposition: attachment; filename="bank letter.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    PDF.toString('base64'),
    '--outer',
    'Content-Type: image/png',
    'Content-Disposition: inline; filename="error.png"',
    'Content-Transfer-Encoding: base64',
    '',
    PNG.toString('base64'),
    '--outer--',
    '',
  ].join('\r\n'));
}
