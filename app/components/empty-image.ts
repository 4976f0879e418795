/**
 * Polaris' EmptyState wants an illustration; Shopify's live on its CDN, which the sandbox and
 * tests cannot reach, so this is a small inline one.
 */
export const EMPTY_IMAGE =
  "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160">` +
      `<rect x="33" y="30" width="160" height="100" rx="12" fill="#f1f1f1" stroke="#c9cccf" stroke-width="2"/>` +
      `<rect x="53" y="52" width="80" height="10" rx="5" fill="#c9cccf"/>` +
      `<rect x="53" y="72" width="120" height="8" rx="4" fill="#e3e3e3"/>` +
      `<rect x="53" y="88" width="100" height="8" rx="4" fill="#e3e3e3"/>` +
      `<circle cx="173" cy="110" r="14" fill="#91d0ff"/></svg>`,
  );
